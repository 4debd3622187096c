//! Linked errors: `error.cause` chains and `AggregateError.errors`, flattened into Sentry's
//! exception list with `exception_id`/`parent_id`, as Sentry's `linkedErrors` integration
//! does (depth-first, root last).

use super::Thrown;
use crate::protocol::{Exception, Mechanism};

/// The exception list for `thrown` (whose own exception is `root`): children first, the root
/// last, at most `limit` linked exceptions besides the root, cycles (already cut into
/// [`Thrown::Circular`] by the binding) left out.
pub(crate) fn link(
    thrown: &Thrown,
    root: Exception,
    limit: usize,
    make: impl Fn(&Thrown) -> Exception,
) -> Vec<Exception> {
    let mut out = vec![root];
    walk(thrown, 0, limit, &make, &mut out);
    if out.len() > 1 {
        if let Some(m) = out.first_mut().and_then(|e| e.mechanism.as_mut()) {
            m.exception_id = Some(0);
            m.is_exception_group = is_group(thrown).then_some(true);
        }
    }
    out.reverse();
    out
}

fn is_group(t: &Thrown) -> bool {
    matches!(t, Thrown::Error(e) if !e.errors.is_empty())
}

/// Appends the children of `parent` (whose id is `parent_id`) depth-first: its `cause`, then
/// its `errors`.
fn walk(parent: &Thrown, parent_id: u32, limit: usize, make: &impl Fn(&Thrown) -> Exception, out: &mut Vec<Exception>) {
    let Thrown::Error(e) = parent else { return };
    if let Some(cause) = e.cause.as_deref() {
        if !link_child(cause, "cause".to_owned(), parent_id, limit, make, out) {
            return;
        }
    }
    for (i, child) in e.errors.iter().enumerate() {
        let source = ["errors[", &crate::text::decimal(i as u64), "]"].concat();
        if !link_child(child, source, parent_id, limit, make, out) {
            return;
        }
    }
}

/// Appends `child` (found at `source` of exception `parent_id`) and its own children; `false`
/// once the limit is reached.
fn link_child(
    child: &Thrown,
    source: String,
    parent_id: u32,
    limit: usize,
    make: &impl Fn(&Thrown) -> Exception,
    out: &mut Vec<Exception>,
) -> bool {
    if out.len() > limit {
        return false;
    }
    if matches!(child, Thrown::Circular) {
        return true;
    }
    let id = u32::try_from(out.len()).unwrap_or(u32::MAX);
    let mut exception = make(child);
    exception.mechanism = Some(Mechanism {
        ty: "chained".into(),
        source: Some(source),
        exception_id: Some(id),
        parent_id: Some(parent_id),
        is_exception_group: is_group(child).then_some(true),
        ..Default::default()
    });
    out.push(exception);
    walk(child, id, limit, make, out);
    true
}
