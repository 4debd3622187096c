//! Trimming at scale: a 5 MB event becomes a ≤ 1 MB envelope for `fetch` and a ≤ 60,000-byte
//! one for keepalive and beacons, in the documented order, in time linear in its size; an
//! event whose crash site alone is huge still says what happened.

mod delivery_fixtures;

use delivery_fixtures::{five_megabytes, huge_crash_site};
use errorbeacon::delivery::{event_variants, Step, FETCH_MAX_BYTES, KEEPALIVE_BYTES};
use errorbeacon::protocol::{Breadcrumb, Frame, Values};
use errorbeacon::{Envelope, Event, EventId, Timestamp};
use std::time::Instant;

fn payload_event(envelope: &[u8]) -> Event {
    let env = Envelope::parse(envelope).expect("envelope");
    serde_json::from_slice(&env.items[0].payload).expect("event json")
}

#[test]
fn five_megabytes_fit_both_channels() {
    let t = Timestamp(1_700_000_000_000);
    let e = five_megabytes(t);
    let original = Envelope::from_event(&e, None, t).expect("envelope").to_bytes().len();
    assert!(original > 5_000_000, "{original}");

    let started = Instant::now();
    let v = event_variants(e.clone(), None, t, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
    let took = started.elapsed();
    println!(
        "{original} B -> {} B ({:?}) and {} B ({:?}) in {took:?}",
        v.body.len(),
        v.trimmed.steps,
        v.small.as_ref().map_or(0, Vec::len),
        v.small_trimmed.as_ref().map(|t| &t.steps)
    );
    assert!(v.body.len() <= FETCH_MAX_BYTES);
    assert_eq!(v.trimmed.steps, [Step::Breadcrumbs, Step::ExtraAndContexts, Step::MiddleFrames]);
    let small = v.small.as_ref().expect("small variant");
    assert!(small.len() <= KEEPALIVE_BYTES);
    let small_steps = v.small_trimmed.as_ref().map(|t| t.steps.clone()).unwrap_or_default();
    assert_eq!(small_steps, [Step::Breadcrumbs, Step::ExtraAndContexts, Step::MiddleFrames, Step::LongStrings]);

    // What is left of the big one: no breadcrumbs, extra and contexts, every exception with
    // its long stack shortened in the middle, and no string cut.
    let full = payload_event(&v.body);
    assert!(full.breadcrumbs.is_none() && full.extra.is_empty() && full.contexts.is_empty());
    assert_eq!(full.tags.len(), 50);
    let stacks: Vec<&Vec<Frame>> = full
        .exception
        .iter()
        .flat_map(|x| &x.values)
        .filter_map(|x| x.stacktrace.as_ref())
        .map(|s| &s.frames)
        .collect();
    assert_eq!(stacks.len(), 6);
    let kept: usize = stacks.iter().map(|f| f.len()).sum();
    assert!(kept > 6 * 10 && kept < 6 * 250, "{kept}");
    for (x, frames) in stacks.iter().enumerate() {
        let last = ["handler_", &x.to_string(), "_249"].concat();
        assert_eq!(frames.last().and_then(|f| f.function.as_deref()), Some(last.as_str()));
    }
    let main = full.main_exception().and_then(|x| x.value.as_ref()).map(String::len);
    assert_eq!(main, Some(8036));

    // The small one still names the error, keeps the crash frame and the outermost callers.
    let small = payload_event(small);
    let main = small.main_exception().expect("exception");
    assert_eq!(main.ty.as_deref(), Some("TypeError"));
    assert!(main.value.as_deref().is_some_and(|v| v.starts_with("cannot read properties of undefined")));
    let frames = &main.stacktrace.as_ref().expect("stack").frames;
    assert_eq!(frames.last().and_then(|f| f.function.as_deref()), Some("handler_5_249"));
    assert_eq!(frames.first().and_then(|f| f.function.as_deref()), Some("handler_5_0"));
    assert_eq!(small.release.as_deref(), Some("shop@2.1.0"));
    assert_eq!(small.event_id, e.event_id);
}

#[test]
fn a_huge_crash_site_still_says_what_happened() {
    let t = Timestamp(1_700_000_000_000);
    let e = huge_crash_site(t);
    let v = event_variants(e.clone(), None, t, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
    assert!(v.body.len() <= FETCH_MAX_BYTES && v.trimmed.fits);
    // Cut to 8192 characters a string, it fits the keepalive budget whole: no second variant.
    assert!(v.small.is_none() && v.body.len() <= KEEPALIVE_BYTES, "{}", v.body.len());
    assert_eq!(v.trimmed.steps, [Step::LongStrings]);
    let small = v.body;
    let got = payload_event(&small);
    let x = got.main_exception().expect("exception");
    assert_eq!(x.ty.as_deref(), Some("RangeError"));
    assert!(x.value.as_deref().is_some_and(|v| v.starts_with("Maximum call stack size exceeded")));
    assert_eq!(x.mechanism.as_ref().map(|m| m.ty.as_str()), Some("onunhandledrejection"));
    assert_eq!(x.stacktrace.as_ref().map(|s| s.frames.len()), Some(1));
}

/// Trimming cost grows with the event, not with the square of it: four times the breadcrumbs
/// should take about four times as long (bound: 12, a wide margin for a noisy machine; a
/// quadratic trim would take 16 times as long).
#[test]
fn trimming_time_is_linear_ish() {
    let t = Timestamp(1_700_000_000_000);
    let time = |crumbs: usize| {
        let mut e = Event::new(EventId::from_random_bytes([1; 16]), t);
        e.breadcrumbs = Some(Values {
            values: (0..crumbs)
                .map(|i| Breadcrumb {
                    timestamp: Timestamp(i as u64),
                    message: Some("m".repeat(200)),
                    ..Default::default()
                })
                .collect(),
        });
        let started = Instant::now();
        let v = event_variants(e.clone(), None, t, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
        assert!(v.small.is_some_and(|s| s.len() <= KEEPALIVE_BYTES));
        started.elapsed()
    };
    // The fastest of three runs each: a single run can lose its core to another process.
    let fastest = |crumbs| (0..3).map(|_| time(crumbs)).min().unwrap_or_default();
    let _warm = time(5_000);
    let small = fastest(20_000);
    let large = fastest(80_000);
    println!("20k breadcrumbs: {small:?}, 80k: {large:?}");
    assert!(large < small * 12, "{small:?} vs {large:?}");
}
