//! Contexts: browser, OS, runtime, culture, and whatever the app sets.

use super::map::SortedMap;
use super::value::{Map, Value};
use serde::{Deserialize, Serialize};

/// The `contexts` object: context name → its fields (with a `type` key saying which kind).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(transparent)]
pub struct Contexts(pub SortedMap<Map>);

impl Contexts {
    /// Whether no context is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets a context of a known kind (`browser`, `os`, `runtime`, `culture`, `device`), named
    /// after its kind, from (field, value) pairs; empty values are left out.
    pub fn set_known(&mut self, kind: &str, fields: &[(&str, Option<&str>)]) {
        let mut m = Map::new();
        m.insert("type".into(), Value::from(kind));
        for (k, v) in fields {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                m.insert((*k).into(), Value::from(v));
            }
        }
        self.0.insert(kind.into(), m);
    }

    /// Sets a user-defined context; Relay treats unknown names as `type: "default"`.
    pub fn set(&mut self, name: &str, fields: Map) {
        self.0.insert(name.into(), fields);
    }
}
