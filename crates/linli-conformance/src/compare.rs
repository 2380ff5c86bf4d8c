//! How the harness compares a record sent with the record a product gives back (spec
//! `spec/30-conformance.md`, [CNF-033]): member by member, under the equivalences the standard
//! itself defines, so that the judge never fails a product the spec allows.
//!
//! - [CON-007]: an empty array, an empty `extensions` object and a Case's `anonymous: false` are
//!   the same as the member being absent.
//! - [CON-024]: two Timestamps (members whose schema has `format: date-time`) are equal when they
//!   denote the same instant, whatever their offsets.
//! - [CON-008]: numbers compare by value, except that a member whose schema type is `integer`
//!   must come back as a JSON integer (`2`, never `2.0`).
//!
//! Which members are Timestamps or integers is read from the record schemas (the types), never
//! listed here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use linli_model::RecordType;
use linli_model::codes::CodeTable;
use serde_json::Value;

use crate::protocol::Diff;

/// Member pointer patterns (`/meta/version`, `/history/*/at`) of one record type.
#[derive(Debug, Default)]
struct TypeRules {
    timestamps: BTreeSet<String>,
    integers: BTreeSet<String>,
    /// Members the schema requires: an empty array there is not "absent" ([CON-007] speaks of
    /// optional members only).
    required: BTreeSet<String>,
}

fn rules() -> &'static BTreeMap<&'static str, TypeRules> {
    static RULES: OnceLock<BTreeMap<&'static str, TypeRules>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut out = BTreeMap::new();
        for ty in RecordType::ALL {
            let schema = linli_model::schema::schema_for(*ty);
            let mut r = TypeRules::default();
            linli_model::schema::walk_members(&schema, &mut |path, node| {
                if node.get("format").and_then(Value::as_str) == Some("date-time") {
                    r.timestamps.insert(path.to_owned());
                }
                let is_int = match node.get("type") {
                    Some(Value::String(t)) => t == "integer",
                    Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                    _ => false,
                };
                if is_int {
                    r.integers.insert(path.to_owned());
                }
                for name in node.get("required").and_then(Value::as_array).into_iter().flatten() {
                    if let Some(name) = name.as_str() {
                        r.required.insert(format!("{path}/{name}"));
                    }
                }
            });
            out.insert(ty.code(), r);
        }
        out
    })
}

/// A concrete pointer's pattern: array indices become `*`.
fn pattern(tokens: &[String]) -> String {
    let mut p = String::new();
    for t in tokens {
        p.push('/');
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            p.push('*');
        } else {
            p.push_str(t);
        }
    }
    p
}

/// [CON-007]: drop the optional members that are the same as absent (`tokens` is the path of
/// `v` within its record).
fn normalise(v: &Value, rules: Option<&TypeRules>, is_case: bool, tokens: &mut Vec<String>) -> Value {
    match v {
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, x) in o {
                tokens.push(k.clone());
                let optional = !rules.is_some_and(|r| r.required.contains(&pattern(tokens)));
                let empty = match x {
                    Value::Array(a) => a.is_empty() && optional,
                    Value::Object(m) => k == "extensions" && m.is_empty(),
                    Value::Bool(false) => is_case && tokens.len() == 1 && k == "anonymous",
                    _ => false,
                };
                if !empty {
                    out.insert(k.clone(), normalise(x, rules, is_case, tokens));
                }
                tokens.pop();
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| {
                    tokens.push(i.to_string());
                    let n = normalise(x, rules, is_case, tokens);
                    tokens.pop();
                    n
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

use linli_model::support::json_diff::{Change, Walk, pointer};

/// Whether two leaves at `tokens` (within a record whose root is `root_len` tokens deep) are
/// equal under the rules of the record type: numbers by value (an `integer` member must stay an
/// integer, [CON-008]), Timestamps by instant ([CON-024]), everything else exactly.
fn leaf_equal(rules: Option<&TypeRules>, root_len: usize, a: &Value, b: &Value, tokens: &[String]) -> bool {
    let pat = || pattern(&tokens[root_len..]);
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let int = |n: &serde_json::Number| n.is_i64() || n.is_u64();
            if rules.is_some_and(|r| r.integers.contains(&pat())) && int(x) != int(y) {
                return false;
            }
            // Two integers compare exactly: as doubles, 2^53 + 1 would equal 2^53.
            match (
                x.as_i64().map(i128::from).or(x.as_u64().map(i128::from)),
                y.as_i64().map(i128::from).or(y.as_u64().map(i128::from)),
            ) {
                (Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::String(x), Value::String(y)) if x != y => {
            if !rules.is_some_and(|r| r.timestamps.contains(&pat())) {
                return false;
            }
            use linli_model::datetime::Timestamp;
            match (Timestamp::parse(x), Timestamp::parse(y)) {
                (Ok(p), Ok(q)) => p.cmp_instant(&q) == std::cmp::Ordering::Equal,
                _ => false,
            }
        }
        (x, y) => x == y,
    }
}

fn record_type(v: &Value) -> Option<&'static str> {
    let code = v.get("type").and_then(Value::as_str)?;
    RecordType::from_code(code).map(|t| t.code())
}

/// Compare what was sent with what came back: a record, or an array of records (an export, the
/// records of a conversion), under the rules of this module. Anything else is compared member by
/// member with numbers by value.
pub fn diff(sent: &Value, back: &Value) -> Diff {
    let mut d = Diff::default();
    let one = |a: &Value, b: &Value, prefix: Vec<String>, d: &mut Diff| {
        let ty = record_type(a);
        let type_rules = ty.and_then(|t| rules().get(t));
        let (a, b) = (
            normalise(a, type_rules, ty == Some("Case"), &mut Vec::new()),
            normalise(b, type_rules, record_type(b) == Some("Case"), &mut Vec::new()),
        );
        let root_len = prefix.len();
        let leaf = |x: &Value, y: &Value, t: &[String]| leaf_equal(type_rules, root_len, x, y, t);
        let w = Walk { into_arrays: true, added: true, leaf_equal: &leaf };
        let mut tokens = prefix;
        w.run(&a, &b, &mut tokens, &mut |change, t| match change {
            Change::Lost => d.lost.push(pointer(t)),
            Change::Added => d.added.push(pointer(t)),
            Change::Changed => d.changed.push(pointer(t)),
        });
    };
    match (sent, back) {
        (Value::Array(x), Value::Array(y)) if x.iter().all(|r| record_type(r).is_some()) => {
            for (i, a) in x.iter().enumerate() {
                match y.get(i) {
                    Some(b) => one(a, b, vec![i.to_string()], &mut d),
                    None => d.lost.push(format!("/{i}")),
                }
            }
            for i in x.len()..y.len() {
                d.added.push(format!("/{i}"));
            }
        }
        _ => one(sent, back, Vec::new(), &mut d),
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> Value {
        json!({"type": "Event", "id": "E1", "occurredAt": "2024-05-01T10:00:00+08:00",
               "meta": {"version": 2, "createdAt": "2024-05-01T10:00:00+08:00"}, "tags": ["a"]})
    }

    #[test]
    fn timestamps_compare_as_instants_con_024() {
        let mut utc = event();
        utc["occurredAt"] = json!("2024-05-01T02:00:00Z");
        utc["meta"]["createdAt"] = json!("2024-05-01T02:00:00.000+00:00");
        assert!(diff(&event(), &utc).is_empty(), "{:?}", diff(&event(), &utc));
        let mut later = event();
        later["occurredAt"] = json!("2024-05-01T10:00:00Z");
        assert_eq!(diff(&event(), &later).changed, vec!["/occurredAt"]);
        // A member that is not a Timestamp is compared as text.
        let mut text = event();
        text["id"] = json!("E1 ");
        assert_eq!(diff(&event(), &text).changed, vec!["/id"]);
    }

    #[test]
    fn integers_must_come_back_as_integers_con_008() {
        let mut float = event();
        float["meta"]["version"] = json!(2.0);
        assert_eq!(diff(&event(), &float).changed, vec!["/meta/version"]);
        // Other numbers compare by value.
        let a = json!({"type": "Place", "id": "P", "geometry": {"type": "Point", "coordinates": [120, 31]}});
        let b = json!({"type": "Place", "id": "P", "geometry": {"type": "Point", "coordinates": [120.0, 31.0]}});
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn integers_compare_exactly_beyond_f64_precision() {
        // 2^53 + 1 and 2^53 are the same double; as integers they differ.
        let mut big = event();
        big["meta"]["version"] = json!(9_007_199_254_740_993_u64);
        let mut near = event();
        near["meta"]["version"] = json!(9_007_199_254_740_992_u64);
        assert_eq!(diff(&big, &near).changed, vec!["/meta/version"]);
        let a = json!({"type": "Place", "id": "P", "x": 9_007_199_254_740_993_i64});
        let b = json!({"type": "Place", "id": "P", "x": 9_007_199_254_740_992_i64});
        assert_eq!(diff(&a, &b).changed, vec!["/x"]);
        // An integer member given back with a fraction is a change however close it is.
        let mut close = event();
        close["meta"]["version"] = json!(2.000_000_1);
        assert_eq!(diff(&event(), &close).changed, vec!["/meta/version"]);
    }

    #[test]
    fn empty_members_are_the_same_as_absent_con_007() {
        let a = json!({"type": "Case", "id": "C", "anonymous": false, "tags": [], "extensions": {}});
        let b = json!({"type": "Case", "id": "C"});
        assert!(diff(&a, &b).is_empty());
        assert!(diff(&b, &a).is_empty());
        let c = json!({"type": "Case", "id": "C", "anonymous": true});
        assert_eq!(diff(&c, &b).lost, vec!["/anonymous"]);
        // An empty array where the schema requires the member is not "absent".
        let h = json!({"type": "Case", "id": "C", "history": []});
        assert_eq!(diff(&h, &json!({"type": "Case", "id": "C"})).lost, vec!["/history"]);
        // `false` elsewhere is a value like any other.
        let p = json!({"type": "Person", "id": "P", "x": {"anonymous": false}});
        assert_eq!(diff(&p, &json!({"type": "Person", "id": "P", "x": {}})).lost, vec!["/x/anonymous"]);
    }

    #[test]
    fn arrays_of_records_are_compared_record_by_record() {
        let mut utc = event();
        utc["occurredAt"] = json!("2024-05-01T02:00:00Z");
        assert!(diff(&json!([event()]), &json!([utc])).is_empty());
        let d = diff(&json!([event(), event()]), &json!([event()]));
        assert_eq!(d.lost, vec!["/1"]);
        let mut float = event();
        float["meta"]["version"] = json!(2.0);
        assert_eq!(diff(&json!([event()]), &json!([float])).changed, vec!["/0/meta/version"]);
    }
}
