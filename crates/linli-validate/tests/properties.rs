//! Serde, the schemas and the semantic checks agree (issue: canonical model, item 7).
//!
//! * Every generated record passes the semantic checks, is accepted by its schema, and
//!   deserializes back equal.
//! * Each kind of defect is rejected, and the tests say by which layer: serde (`S`), the JSON
//!   Schema (`J`) or the semantic checks (`C`).
//! * For any random mutation of a valid record (one that changes it): if serde and the semantic checks accept it,
//!   the schema accepts it too. This is what lets a typed fast path stand in for the schema.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use linli_model::check::{Context, check_record};
use linli_model::codes::CaseStatus;
use linli_model::{Case, Event, Person, Record};
use linli_validate::SchemaEngine;
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use serde_json::{Value, json};

#[allow(clippy::expect_used)]
static ENGINE: LazyLock<SchemaEngine> = LazyLock::new(|| SchemaEngine::new().expect("embedded schemas compile"));

/// Which layers accept a JSON document.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    serde: bool,
    schema: bool,
    semantic: bool,
    codes: Vec<String>,
}

fn verdict(v: &Value) -> Verdict {
    let ty = v
        .get("type")
        .and_then(Value::as_str)
        .and_then(<linli_model::RecordType as linli_model::codes::CodeTable>::from_code);
    let schema = ty.is_some_and(|ty| ENGINE.is_valid(ty, v));
    match Record::from_value(v.clone()) {
        Ok(r) => {
            let findings = check_record(&r, &Context::default());
            Verdict {
                serde: true,
                schema,
                semantic: findings.is_empty(),
                codes: findings.iter().map(|f| f.code.to_owned()).collect(),
            }
        }
        Err(_) => Verdict { serde: false, schema, semantic: false, codes: Vec::new() },
    }
}

fn qc() -> QuickCheck {
    QuickCheck::new().tests(300).max_tests(3000)
}

#[test]
fn generated_records_are_valid_in_every_layer_and_round_trip() {
    fn prop(r: Record) -> TestResult {
        let findings = check_record(&r, &Context::default());
        if !findings.is_empty() {
            return TestResult::error(format!("semantic findings on a generated record: {findings:?}"));
        }
        let v = match serde_json::to_value(&r) {
            Ok(v) => v,
            Err(e) => return TestResult::error(e.to_string()),
        };
        let violations = ENGINE.violations(r.record_type(), &v);
        if !violations.is_empty() {
            return TestResult::error(format!("schema violations: {violations:?}\n{v:#}"));
        }
        let text = v.to_string();
        match (Record::from_value(v), Record::from_json_str(&text)) {
            (Ok(a), Ok(b)) => TestResult::from_bool(a == r && b == r),
            (a, b) => TestResult::error(format!("does not read back: {:?} {:?}", a.err(), b.err())),
        }
    }
    qc().quickcheck(prop as fn(Record) -> TestResult);
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    match v.pointer_mut(pointer) {
        Some(slot) => *slot = new,
        None => panic!("no member at {pointer} in {v}"),
    }
}

#[test]
fn unknown_member_is_rejected_by_serde_and_schema() {
    fn prop(r: Record, nested: bool) -> bool {
        let mut v = serde_json::to_value(&r).unwrap();
        let target = if nested { v.pointer_mut("/meta").unwrap() } else { &mut v };
        target.as_object_mut().unwrap().insert("vendorField".into(), json!(1));
        let got = verdict(&v);
        !got.serde && !got.schema
    }
    qc().quickcheck(prop as fn(Record, bool) -> bool);
}

#[test]
fn unknown_code_is_rejected_by_serde_and_schema() {
    fn prop(r: Record) -> bool {
        let mut v = serde_json::to_value(&r).unwrap();
        set(&mut v, "/meta/classification", json!("secret"));
        let got = verdict(&v);
        !got.serde && !got.schema
    }
    qc().quickcheck(prop as fn(Record) -> bool);
}

#[test]
fn null_is_rejected_by_serde_and_schema() {
    fn prop(p: Person) -> bool {
        let mut v = serde_json::to_value(&p).unwrap();
        v.as_object_mut().unwrap().insert("gender".into(), Value::Null);
        let got = verdict(&v);
        !got.serde && !got.schema
    }
    qc().quickcheck(prop as fn(Person) -> bool);
}

#[test]
fn time_without_offset_is_rejected_by_serde_and_schema() {
    fn prop(e: Event) -> bool {
        let mut v = serde_json::to_value(&e).unwrap();
        let t = v["occurredAt"].as_str().unwrap();
        let local = t[..19].to_owned();
        set(&mut v, "/occurredAt", json!(local));
        let got = verdict(&v);
        !got.serde && !got.schema
    }
    qc().quickcheck(prop as fn(Event) -> bool);
}

#[test]
fn reference_to_the_wrong_type_is_rejected_by_serde_and_schema() {
    fn prop(e: Event) -> bool {
        let mut v = serde_json::to_value(&e).unwrap();
        v.as_object_mut().unwrap().insert("source".into(), json!({"type": "Person", "id": "P-1"}));
        let got = verdict(&v);
        !got.serde && !got.schema
    }
    qc().quickcheck(prop as fn(Event) -> bool);
}

#[test]
fn broken_check_character_is_caught_by_the_semantic_checks_only() {
    fn prop(p: Person) -> bool {
        let mut v = serde_json::to_value(&p).unwrap();
        // A valid number with its check character replaced by another valid character.
        let good = "321083197812162119";
        let bad = "321083197812162118";
        v.as_object_mut().unwrap().insert("identifiers".into(), json!([{"scheme": "resident-id", "value": bad}]));
        v.as_object_mut().unwrap().remove("birthDate");
        v.as_object_mut().unwrap().remove("gender");
        let got = verdict(&v);
        let mut ok = v.clone();
        ok["identifiers"][0]["value"] = json!(good);
        got.serde && got.schema && !got.semantic && got.codes == ["id-number-check-character"] && verdict(&ok).semantic
    }
    qc().quickcheck(prop as fn(Person) -> bool);
}

#[test]
fn time_reversed_is_caught_by_the_semantic_checks_only() {
    fn prop(e: Event) -> bool {
        let mut v = serde_json::to_value(&e).unwrap();
        let occurred = e.occurred_at.as_offset_datetime();
        let before = occurred - time::Duration::seconds(1);
        let ended = linli_model::datetime::Timestamp::from_offset_datetime(before).to_string();
        v.as_object_mut().unwrap().insert("endedAt".into(), json!(ended));
        let got = verdict(&v);
        got.serde && got.schema && !got.semantic && got.codes == ["time-order"]
    }
    qc().quickcheck(prop as fn(Event) -> bool);
}

#[test]
fn illegal_transition_is_caught_by_the_semantic_checks_only() {
    fn prop(c: Case, pick: usize) -> TestResult {
        let illegal: Vec<CaseStatus> = <CaseStatus as linli_model::codes::CodeTable>::ALL
            .iter()
            .copied()
            .filter(|s| !c.status().may_become(*s))
            .collect();
        let to = illegal[pick % illegal.len()];
        let mut v = serde_json::to_value(&c).unwrap();
        let last_at = c.history().last().unwrap().at.to_string();
        v["history"]
            .as_array_mut()
            .unwrap()
            .push(json!({"at": last_at, "from": c.status().to_string(), "to": to.to_string()}));
        v["status"] = json!(to.to_string());
        let got = verdict(&v);
        TestResult::from_bool(got.serde && got.schema && got.codes == ["case-transition-illegal"])
    }
    qc().quickcheck(prop as fn(Case, usize) -> TestResult);
}

/// A random change somewhere in a document.
#[derive(Debug, Clone)]
struct Mutation {
    pick: usize,
    kind: u8,
    replacement: Value,
}

fn random_leaf(g: &mut Gen) -> Value {
    let choices = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(4294967296u64),
        json!(""),
        json!(" "),
        json!("\u{3000}"),
        json!("X"),
        json!("Person"),
        json!("1"),
        json!("2024-05-01T10:00:00+08:00"),
        json!("2024-05-01 10:00:00+08:00"),
        json!("1990-02-30"),
        json!("13812345678"),
        json!([]),
        json!([1]),
        json!({}),
        json!({"type": "Place", "id": "L-1"}),
        json!([120.6, 31.3]),
        json!([120.6, 31.3, 4]),
        json!([200, 31.3]),
        json!("x".repeat(2001)),
    ];
    g.choose(&choices).unwrap().clone()
}

impl Arbitrary for Mutation {
    fn arbitrary(g: &mut Gen) -> Self {
        Mutation { pick: usize::arbitrary(g), kind: u8::arbitrary(g) % 3, replacement: random_leaf(g) }
    }
}

fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, sub) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(sub, p, out);
            }
        }
        Value::Array(a) => {
            for (i, sub) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(sub, p, out);
            }
        }
        _ => {}
    }
}

fn apply(v: &mut Value, m: &Mutation) -> String {
    let mut ps = Vec::new();
    pointers(v, String::new(), &mut ps);
    let p = ps[m.pick % ps.len()].clone();
    let (parent, last) = p.rsplit_once('/').unwrap();
    let parent_v = if parent.is_empty() { Some(&mut *v) } else { v.pointer_mut(parent) };
    let Some(parent_v) = parent_v else { return p };
    match (m.kind, parent_v) {
        (0, slot) => {
            if let Some(s) = slot.pointer_mut(&format!("/{last}")) {
                *s = m.replacement.clone();
            }
        }
        (1, Value::Object(map)) => {
            map.remove(last);
        }
        (1, Value::Array(a)) => {
            if let Ok(i) = last.parse::<usize>() {
                a.remove(i);
            }
        }
        (_, Value::Object(map)) => {
            map.insert(format!("{last}X"), m.replacement.clone());
        }
        (_, Value::Array(a)) => a.push(m.replacement.clone()),
        _ => {}
    }
    p
}

/// What a run of the mutation property uses: the schema's verdict and the way a mutation is
/// applied (the real ones, or deliberately broken ones that show the property can fail).
#[derive(Clone, Copy)]
struct Setup {
    schema: fn(linli_model::RecordType, &Value) -> bool,
    apply: fn(&mut Value, &Mutation) -> String,
}

fn real_schema(ty: linli_model::RecordType, v: &Value) -> bool {
    ENGINE.is_valid(ty, v)
}

thread_local! {
    static SETUP: std::cell::Cell<Setup> = const { std::cell::Cell::new(Setup { schema: real_schema, apply }) };
    /// Documents that the mutation changed, and those of them serde and the semantic checks accept.
    static COUNTS: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// For one random mutation of a valid record: if serde and the semantic checks accept the mutated
/// document, the schema accepts it too. A mutation that leaves the document as it was (a member
/// replaced by the value it had) says nothing about mutations and is discarded.
fn mutation_prop(r: Record, m: Mutation) -> TestResult {
    let setup = SETUP.get();
    let original = serde_json::to_value(&r).unwrap();
    let mut v = original.clone();
    let at = (setup.apply)(&mut v, &m);
    if v == original {
        return TestResult::discard();
    }
    let ty = r.record_type();
    let serde_semantic =
        Record::from_value(v.clone()).is_ok_and(|typed| check_record(&typed, &Context::default()).is_empty());
    let (mutated, accepted) = COUNTS.get();
    COUNTS.set((mutated + 1, accepted + usize::from(serde_semantic)));
    if serde_semantic && !(setup.schema)(ty, &v) {
        return TestResult::error(format!(
            "typed+semantic accept but the schema rejects after mutating {at} ({m:?}): {:?}\n{v}",
            ENGINE.violations(ty, &v)
        ));
    }
    TestResult::passed()
}

/// Runs the mutation property `tests` times with `setup` on this thread: a failure, or a run that
/// says little (discards took the place of tests, or too few mutated documents were accepted for
/// the implication to be tested), is an `Err` that says which.
fn mutation_property(setup: Setup, tests: u64) -> Result<(usize, usize), String> {
    SETUP.set(setup);
    COUNTS.set((0, 0));
    let passed = QuickCheck::new()
        .tests(tests)
        .max_tests(tests * 10)
        .quicktest(mutation_prop as fn(Record, Mutation) -> TestResult)
        .map_err(|failure| format!("{failure:?}"))?;
    let (mutated, accepted) = COUNTS.get();
    if passed < tests {
        return Err(format!("vacuous: only {passed} of {tests} tests mutated the document"));
    }
    // A fair share of the mutated documents must still be accepted by serde and the semantic
    // checks, or the property would hold for lack of cases.
    if accepted * 20 < mutated {
        return Err(format!("vacuous: only {accepted} of {mutated} mutated documents were accepted"));
    }
    Ok((mutated, accepted))
}

#[test]
fn serde_and_semantic_acceptance_implies_schema_acceptance() {
    let result = mutation_property(Setup { schema: real_schema, apply }, 2000);
    let (mutated, accepted) = result.unwrap();
    assert_eq!(mutated, 2000);
    assert!(accepted > 100, "{accepted}");
}

/// The mutation property fails when it should: against a schema stricter than serde and the
/// semantic checks (one that also refuses the text `X`, which a name may be), and when no
/// mutation changes anything.
#[test]
fn the_mutation_property_fails_on_a_drifted_schema_and_on_no_mutation() {
    fn refuses_x(ty: linli_model::RecordType, v: &Value) -> bool {
        fn holds_x(v: &Value) -> bool {
            match v {
                Value::String(s) => s == "X",
                Value::Array(a) => a.iter().any(holds_x),
                Value::Object(m) => m.values().any(holds_x),
                _ => false,
            }
        }
        real_schema(ty, v) && !holds_x(v)
    }
    let drifted = mutation_property(Setup { schema: refuses_x, apply }, 2000).unwrap_err();
    assert!(drifted.contains("typed+semantic accept but the schema rejects"), "{drifted}");
    fn nothing(_: &mut Value, _: &Mutation) -> String {
        String::new()
    }
    let vacuous = mutation_property(Setup { schema: real_schema, apply: nothing }, 100).unwrap_err();
    assert_eq!(vacuous, "vacuous: only 0 of 100 tests mutated the document");
}

/// `Record::for_each_ref` lists exactly the `{type, id}` objects of the serialized record.
#[test]
fn for_each_ref_finds_every_reference() {
    fn walk(v: &Value, at: String, out: &mut Vec<(String, String, String)>) {
        match v {
            Value::Object(m) => {
                if !at.is_empty() && m.len() == 2 {
                    if let (Some(Value::String(t)), Some(Value::String(id))) = (m.get("type"), m.get("id")) {
                        out.push((at, t.clone(), id.clone()));
                        return;
                    }
                }
                for (k, sub) in m {
                    if k != "extensions" {
                        walk(sub, format!("{at}/{k}"), out);
                    }
                }
            }
            Value::Array(a) => {
                for (i, sub) in a.iter().enumerate() {
                    walk(sub, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    fn prop(r: Record) -> bool {
        let mut expected = Vec::new();
        walk(&serde_json::to_value(&r).unwrap(), String::new(), &mut expected);
        let mut got = Vec::new();
        r.for_each_ref(&mut |p, t, id| got.push((p, t.to_string(), id.to_string())));
        expected.sort();
        got.sort();
        expected == got
    }
    qc().quickcheck(prop as fn(Record) -> bool);
}
