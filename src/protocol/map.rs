//! A small string-keyed map for tags, contexts and free-form data.
//!
//! `BTreeMap` brought about 20 KB of node-balancing code into the wasm build, once per value
//! type; these maps hold a handful of keys, for which a sorted `Vec` with binary search is as
//! fast and a fraction of the size. Keys stay sorted, so JSON output matches `BTreeMap`'s.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A map from strings to `V`, kept sorted by key.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<V>(Vec<(String, V)>);

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<V: fmt::Debug> fmt::Debug for SortedMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(k, v)| (k, v))).finish()
    }
}

impl<V> SortedMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        SortedMap(Vec::new())
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Inserts or replaces; returns the old value.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(i) => self.0.get_mut(i).map(|slot| std::mem::replace(&mut slot.1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.position(key).ok().and_then(|i| self.0.get(i)).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).ok().map(|i| self.0.remove(i).1)
    }

    /// Inserts `make()` under `key` unless the key is present.
    pub fn insert_if_absent(&mut self, key: &str, make: impl FnOnce() -> V) {
        if let Err(i) = self.position(key) {
            self.0.insert(i, (key.to_owned(), make()));
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Values in key order, to change in place (keys, and so the order, stay).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, V> IntoIterator for &'a SortedMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V, const N: usize> From<[(String, V); N]> for SortedMap<V> {
    fn from(entries: [(String, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V> FromIterator<(String, V)> for SortedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut m = SortedMap::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

impl<V: Serialize> Serialize for SortedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SortedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = SortedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut m = SortedMap::new();
                while let Some((k, v)) = a.next_entry()? {
                    m.insert(k, v);
                }
                Ok(m)
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_btreemap() {
        let keys = ["b", "a", "c", "a", "", "zz", "b"];
        let mut ours = SortedMap::new();
        let mut std = BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(ours.insert((*k).to_owned(), i), std.insert((*k).to_owned(), i));
        }
        assert_eq!(ours.remove("c"), std.remove("c"));
        assert_eq!(ours.remove("nope"), std.remove("nope"));
        ours.insert_if_absent("a", || 99);
        ours.insert_if_absent("new", || 7);
        std.entry("new".to_owned()).or_insert(7);
        let a: Vec<_> = ours.iter().map(|(k, v)| (k.clone(), *v)).collect();
        let b: Vec<_> = std.iter().map(|(k, v)| (k.clone(), *v)).collect();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&ours).ok(), serde_json::to_string(&std).ok());
        let back: SortedMap<usize> = serde_json::from_str(r#"{"z":1,"a":2}"#).expect("map");
        assert_eq!(back.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["a", "z"]);
    }
}
