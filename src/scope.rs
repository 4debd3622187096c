//! The scope: what the app says about the current user, page and moment (user, tags, contexts,
//! extra, fingerprint, level, breadcrumbs), applied to every event captured under it.

use crate::capture::bound_value;
use crate::limits::{MAX_BREADCRUMBS, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS};
use crate::protocol::SortedMap;
use crate::protocol::{Breadcrumb, Event, Level, Map, Request, User, Value, Values};
use crate::text::truncate_chars;
use std::collections::VecDeque;

/// Data attached to events. `Clone` is how `withScope` forks a temporary scope.
#[derive(Clone, Debug, PartialEq)]
/// The fields are readable in the crate so that a writer can put them in an event without
/// copying them first (the panic hook's, `capture::panic`); they change only through the methods.
pub struct Scope {
    pub(crate) user: Option<User>,
    pub(crate) request: Option<Request>,
    pub(crate) tags: SortedMap<String>,
    pub(crate) contexts: SortedMap<Map>,
    pub(crate) extra: Map,
    pub(crate) fingerprint: Vec<String>,
    pub(crate) level: Option<Level>,
    pub(crate) breadcrumbs: VecDeque<Breadcrumb>,
    pub(crate) max_breadcrumbs: usize,
}

impl Default for Scope {
    fn default() -> Self {
        Scope::new(100)
    }
}

impl Scope {
    /// An empty scope keeping at most `max_breadcrumbs` breadcrumbs (Sentry's default is 100;
    /// capped at [`MAX_BREADCRUMBS`]).
    pub fn new(max_breadcrumbs: usize) -> Self {
        Scope {
            user: None,
            request: None,
            tags: SortedMap::new(),
            contexts: SortedMap::new(),
            extra: Map::new(),
            fingerprint: Vec::new(),
            level: None,
            breadcrumbs: VecDeque::new(),
            max_breadcrumbs: max_breadcrumbs.min(MAX_BREADCRUMBS),
        }
    }

    /// Sets (or with `None` clears) the user; an all-empty user clears it too.
    pub fn set_user(&mut self, user: Option<User>) {
        self.user = user.filter(|u| *u != User::default());
    }

    /// Sets (or with `None` clears) the page or request events happen in.
    pub fn set_request(&mut self, request: Option<Request>) {
        self.request = request;
    }

    /// Sets a tag. Keys and values are cut to Relay's limits (32 and 200 characters); a value
    /// with a newline, which Relay rejects, has it replaced by a space. A key is cut without an
    /// ellipsis: Relay refuses `…` in a tag key (found by tests/node/lean-capture.test.mjs).
    pub fn set_tag(&mut self, key: &str, value: &str) {
        let key = key.trim_ascii();
        let key = match key.char_indices().nth(MAX_TAG_KEY_CHARS) {
            Some((end, _)) => crate::text::to(key, end),
            None => key,
        };
        if key.is_empty() {
            return;
        }
        let value = truncate_chars(value, MAX_TAG_VALUE_CHARS)
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        self.tags.insert(key.to_owned(), value);
    }

    /// Removes a tag.
    pub fn remove_tag(&mut self, key: &str) {
        self.tags.remove(key);
    }

    /// Sets (or with `None` removes) a named context.
    pub fn set_context(&mut self, name: &str, fields: Option<Map>) {
        match fields {
            Some(f) => {
                let bounded = match bound_value(&Value::Object(f)) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                self.contexts.insert(name.to_owned(), bounded);
            }
            None => {
                self.contexts.remove(name);
            }
        }
    }

    /// Sets (or with `None` removes) an extra value.
    pub fn set_extra(&mut self, key: &str, value: Option<Value>) {
        match value {
            Some(v) => {
                self.extra.insert(key.to_owned(), bound_value(&v));
            }
            None => {
                self.extra.remove(key);
            }
        }
    }

    /// Sets the fingerprint events get (empty: the server's default grouping).
    pub fn set_fingerprint(&mut self, fingerprint: Vec<String>) {
        self.fingerprint = fingerprint;
    }

    /// Sets the level events get, overriding theirs.
    pub fn set_level(&mut self, level: Option<Level>) {
        self.level = level;
    }

    /// Adds a breadcrumb, dropping the oldest when full.
    pub fn add_breadcrumb(&mut self, crumb: Breadcrumb) {
        if self.max_breadcrumbs == 0 {
            return;
        }
        while self.breadcrumbs.len() >= self.max_breadcrumbs {
            self.breadcrumbs.pop_front();
        }
        self.breadcrumbs.push_back(crumb);
    }

    /// The breadcrumbs, oldest first.
    pub fn breadcrumbs(&self) -> impl Iterator<Item = &Breadcrumb> {
        self.breadcrumbs.iter()
    }

    /// Copies the scope into `event`: the event's own data wins over the scope's (as in
    /// Sentry, where event data and hints are more specific), except the scope's level, which
    /// overrides.
    pub fn apply_to(&self, event: &mut Event) {
        if event.user.is_none() {
            event.user = self.user.clone();
        }
        if event.request.is_none() {
            event.request = self.request.clone();
        }
        for (k, v) in &self.tags {
            event.tags.insert_if_absent(k, || v.clone());
        }
        for (k, v) in &self.contexts {
            event.contexts.0.insert_if_absent(k, || v.clone());
        }
        for (k, v) in &self.extra {
            event.extra.insert_if_absent(k, || v.clone());
        }
        if event.fingerprint.is_empty() {
            event.fingerprint = self.fingerprint.clone();
        }
        if self.level.is_some() {
            event.level = self.level;
        }
        if !self.breadcrumbs.is_empty() {
            let mut crumbs: Vec<Breadcrumb> = self.breadcrumbs.iter().cloned().collect();
            if let Some(own) = event.breadcrumbs.take() {
                crumbs.extend(own.values);
            }
            let excess = crumbs.len().saturating_sub(self.max_breadcrumbs);
            crumbs.drain(..excess);
            event.breadcrumbs = Some(Values { values: crumbs });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{EventId, Timestamp};

    fn crumb(n: u64) -> Breadcrumb {
        Breadcrumb { timestamp: Timestamp(n), message: Some(n.to_string()), ..Default::default() }
    }

    #[test]
    fn breadcrumbs_are_a_bounded_ring() {
        let mut s = Scope::new(3);
        for n in 0..10 {
            s.add_breadcrumb(crumb(n));
        }
        let kept: Vec<_> = s.breadcrumbs().map(|b| b.timestamp.0).collect();
        assert_eq!(kept, [7, 8, 9]);
        let mut none = Scope::new(0);
        none.add_breadcrumb(crumb(1));
        assert_eq!(none.breadcrumbs().count(), 0);
        assert_eq!(Scope::new(usize::MAX).max_breadcrumbs, MAX_BREADCRUMBS);
    }

    #[test]
    fn applies_without_overriding_the_event() {
        let mut s = Scope::new(10);
        s.set_user(Some(User { id: Some("42".into()), ..Default::default() }));
        s.set_tag("page", "checkout");
        s.set_tag("both", "scope");
        s.set_extra("k", Some(Value::Int(1)));
        s.set_level(Some(Level::Warning));
        s.add_breadcrumb(crumb(1));
        let mut e = Event::new(EventId([1; 16]), Timestamp(5));
        e.tags.insert("both".into(), "event".into());
        s.apply_to(&mut e);
        assert_eq!(e.user.and_then(|u| u.id).as_deref(), Some("42"));
        assert_eq!(e.tags.get("page").map(String::as_str), Some("checkout"));
        assert_eq!(e.tags.get("both").map(String::as_str), Some("event"));
        assert_eq!(e.extra.get("k"), Some(&Value::Int(1)));
        assert_eq!(e.level, Some(Level::Warning));
        assert_eq!(e.breadcrumbs.map(|b| b.values.len()), Some(1));
    }

    #[test]
    fn tags_are_cut_to_relay_limits_and_empty_users_clear() {
        let mut s = Scope::new(1);
        s.set_tag(&"k".repeat(100), &format!("{}\nx", "v".repeat(300)));
        let (k, v) = s.tags.iter().next().expect("tag");
        assert_eq!(k.chars().count(), MAX_TAG_KEY_CHARS);
        assert!(!k.contains('…'), "Relay refuses an ellipsis in a tag key");
        assert!(v.chars().count() <= MAX_TAG_VALUE_CHARS && !v.contains('\n'));
        s.set_tag("  ", "x");
        assert_eq!(s.tags.len(), 1);
        s.set_user(Some(User::default()));
        assert_eq!(s.user, None);
    }
}
