//! Reads masked to the caller's sharing level `[API-030]`: the built-in profile of the level,
//! the node's key, and the indexes `linli mask` builds over a dataset (the places, to find a
//! residence's community; the names of persons and contacts, to find them in free text) built
//! over the store and brought up to date from the change feed before each read.

use std::sync::{RwLock, RwLockReadGuard};

use linli_model::codes::SharingLevel;
use linli_privacy::leak::Names;
use linli_privacy::mask::{Counts, PlaceIndex};
use linli_privacy::{Key, Masker, Profile};
use serde_json::Value;

use crate::store::{Store, StoreError};

/// The rank of a level: how much it may see (`public` 0, `inter-department` 1, `internal` 2).
pub fn rank(level: SharingLevel) -> u8 {
    match level {
        SharingLevel::Public => 0,
        SharingLevel::InterDepartment => 1,
        _ => 2,
    }
}

/// The indexes at one feed position.
#[derive(Default)]
struct Index {
    seq: u64,
    places: PlaceIndex,
    names: Names,
}

/// The masking of a node.
pub struct Views {
    key: Option<Key>,
    profiles: Vec<(SharingLevel, Profile)>,
    index: RwLock<Index>,
}

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Views").field("key_id", &self.key.as_ref().map(Key::id)).finish_non_exhaustive()
    }
}

/// Why a view could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The profiles or key.
    #[error("{0}")]
    Privacy(String),
}

impl Views {
    /// The views of the three levels with `key`.
    pub fn new(key: Option<Key>) -> Result<Self, ViewError> {
        let mut profiles = Vec::new();
        for level in [SharingLevel::Internal, SharingLevel::InterDepartment, SharingLevel::Public] {
            let p = Profile::for_level(level).map_err(|e| ViewError::Privacy(e.to_string()))?;
            if p.needs_key() && key.is_none() {
                return Err(ViewError::Privacy(format!("the profile of level {level:?} needs a key")));
            }
            profiles.push((level, p));
        }
        Ok(Views { key, profiles, index: RwLock::new(Index::default()) })
    }

    /// The key.
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// The built-in profile of `level`.
    pub fn profile(&self, level: SharingLevel) -> &Profile {
        let i = self.profiles.iter().position(|(l, _)| *l == level).unwrap_or(0);
        &self.profiles[i].1
    }

    /// The indexes brought up to the store's head: only the changes since the last read are
    /// read, and applied in place. A name once seen stays (masking more is safe); a place takes
    /// its latest form.
    fn index(&self, store: &dyn Store) -> Result<RwLockReadGuard<'_, Index>, StoreError> {
        let head = store.head()?;
        {
            let guard = self.index.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if guard.seq >= head {
                return Ok(guard);
            }
        }
        {
            let mut guard = self.index.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            loop {
                let batch = store.changes(guard.seq, 10_000)?;
                let Some(last) = batch.last() else { break };
                guard.seq = last.seq;
                for r in &batch {
                    if let Some(body) = &r.body {
                        if let Ok(v) = serde_json::from_str::<Value>(body) {
                            guard.places.add(&v);
                            guard.names.add_record(&v);
                        }
                    }
                }
                if guard.seq >= head {
                    break;
                }
            }
        }
        Ok(self.index.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// A masker for `level` with the current indexes (held for reading while it lives).
    pub fn masker(&self, store: &dyn Store, level: SharingLevel) -> Result<LevelMasker<'_>, StoreError> {
        Ok(LevelMasker { views: self, level, index: self.index(store)? })
    }
}

/// Masks records to one level.
pub struct LevelMasker<'a> {
    views: &'a Views,
    level: SharingLevel,
    index: RwLockReadGuard<'a, Index>,
}

/// A record as a reader at a level receives it.
#[derive(Debug)]
pub enum Masked {
    /// The masked record.
    Record(Value),
    /// Withheld: masked, it would still fail the leak checks of the level `[API-034]`; the
    /// code of the first leak (`shared-raw-value`, `id-holds-personal-number`, …).
    Withheld(&'static str),
}

impl LevelMasker<'_> {
    /// `body` (a stored record's canonical JSON) masked to the level. Above `internal` the
    /// masked record is checked as `linli mask` checks what it writes (the leak checks of the
    /// level's built-in profile, ids holding personal numbers, names of the store's persons in
    /// free text, residences at communities for `public`); one that fails is withheld.
    pub fn mask(&self, body: &str) -> Masked {
        let Ok(mut v) = serde_json::from_str::<Value>(body) else { return Masked::Withheld("record-structure") };
        let profile = self.views.profile(self.level);
        let today = linli_model::support::clock::today_china();
        // The profiles were checked against the key in `Views::new`.
        let Ok(m) = Masker::new(profile, self.views.key.as_ref()) else { return Masked::Withheld("record-structure") };
        let m = m.with_places(&self.index.places).with_names(&self.index.names).with_today(today);
        let mut counts = Counts::default();
        if m.mask_value(&mut v, &mut counts).is_err() {
            return Masked::Withheld("record-structure");
        }
        match self.leak(&v, today) {
            Some(code) => Masked::Withheld(code),
            None => Masked::Record(v),
        }
    }

    /// The code of the first leak in a masked record, above `internal`.
    fn leak(&self, v: &Value, today: linli_model::datetime::Date) -> Option<&'static str> {
        if self.level == SharingLevel::Internal {
            return None;
        }
        let profile = self.views.profile(self.level);
        let Ok(record) = linli_model::Record::from_value(v.clone()) else { return Some("record-structure") };
        let leaks = linli_privacy::leak::ids_holding_numbers(&record)
            .into_iter()
            .chain(linli_privacy::leak::raw_values(&record, profile, today))
            .chain(linli_privacy::leak::names_in_text(&record, &self.index.names));
        if let Some(l) = leaks.into_iter().next() {
            return Some(l.code.as_str());
        }
        if self.level == SharingLevel::Public {
            for r in v.get("residences").and_then(Value::as_array).into_iter().flatten() {
                let kind = r.pointer("/place/id").and_then(Value::as_str).and_then(|id| self.index.places.kind_of(id));
                if kind.is_some_and(|k| k != "community") {
                    return Some("shared-residence-not-community");
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_masking_would_leave_raw_is_withheld_above_internal_only() {
        let dir = tempfile::tempdir().expect("temp");
        let store = crate::store::sqlite::SqliteStore::open(dir.path()).expect("store");
        let key = Key::new(b"a-test-key-of-enough-bytes", "test").expect("key");
        let views = Views::new(Some(key)).expect("views");
        let raw = serde_json::json!({
            "type": "Person", "id": "P-1",
            "meta": {"source": {"vendor": "甲", "product": "乙", "version": "1.0"},
                     "createdAt": "2024-01-01T00:00:00+08:00", "updatedAt": "2024-01-01T00:00:00+08:00",
                     "version": 1, "classification": "restricted"},
            "name": "王秀英",
            "identifiers": [{"scheme": "resident-id", "value": "32050419380214311X"}]
        });
        let today = linli_model::support::clock::today_china();
        for level in [SharingLevel::Public, SharingLevel::InterDepartment] {
            let m = views.masker(&store, level).expect("masker");
            // The raw record, as if masking had left it unchanged: withheld.
            assert!(m.leak(&raw, today).is_some(), "{level:?}");
            // Masked for real: passes.
            match m.mask(&raw.to_string()) {
                Masked::Record(v) => assert!(!v.to_string().contains("32050419380214311X")),
                Masked::Withheld(code) => panic!("{level:?}: withheld {code}"),
            }
        }
        let internal = views.masker(&store, SharingLevel::Internal).expect("masker");
        assert_eq!(internal.leak(&raw, today), None);
    }
}
