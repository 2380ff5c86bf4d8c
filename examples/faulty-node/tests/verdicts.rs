//! The class `api` run against the reference node (every outcome passes) and against each
//! faulty variant of `linli-faulty-node`: exactly the outcomes named fail or end in `error`, for
//! the reason named, and every other outcome passes (issue 18 part 4, [CNF-072]).

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use linli_conformance::runner::{ApiTarget, CaseResult, Outcome, RunOptions, Target, run};
use linli_conformance::vector::{Class, DocumentVector, Verdict, document_vectors, suite_dir};
use linli_model::codes::CodeTable;

/// Every api outcome of a run against `linli-faulty-node --fault FAULT`, in run order, with
/// a per-request deadline of `deadline`.
fn outcomes(fault: &str, deadline: Duration) -> Vec<CaseResult> {
    let n = common::start(fault, &[]);
    let target = Target::Api(ApiTarget {
        url: n.base.clone(),
        token: n.clerk(),
        token_inter_department: Some(n.token("civil-affairs")),
        token_public: Some(n.public()),
    });
    let mut opts = RunOptions::new(suite_dir());
    opts.case_timeout = deadline;
    let summary = run(&target, &opts, &mut |_| {});
    let errors: Vec<(&str, &str)> = summary.run_errors.iter().map(|e| (e.code, e.en.as_str())).collect();
    assert!(errors.is_empty(), "{fault}: run errors {errors:?}");
    let out: Vec<CaseResult> = summary.cases.into_iter().filter(|c| c.class == Class::Api).collect();
    // One outcome per api case and per document vector.
    assert_eq!(out.len(), api_case_count() + vectors().len(), "{fault}");
    out
}

fn vectors() -> Vec<DocumentVector> {
    document_vectors(&suite_dir()).unwrap().into_iter().map(|(_, v)| v).collect()
}

fn api_case_count() -> usize {
    linli_conformance::vector::api_cases(&suite_dir()).unwrap().len()
}

/// (outcome id, outcome, English detail) of the outcomes that did not pass.
fn not_passed(v: &[CaseResult]) -> Vec<(String, Outcome, String)> {
    v.iter().filter(|c| c.outcome != Outcome::Pass).map(|c| (c.id.clone(), c.outcome, c.detail_en.clone())).collect()
}

/// Exactly `want` (outcome id → text its English detail holds) failed; all others passed.
fn only_failed(fault: &str, want: &[(&str, &str)]) {
    let got = not_passed(&outcomes(fault, Duration::from_secs(10)));
    let ids: Vec<&str> = got.iter().map(|(id, _, _)| id.as_str()).collect();
    let want_ids: Vec<&str> = want.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, want_ids, "{fault}: {got:#?}");
    for ((id, outcome, detail), (_, says)) in got.iter().zip(want) {
        assert_eq!(*outcome, Outcome::Fail, "{fault} {id}: {detail}");
        assert!(detail.contains(says), "{fault} {id}: {detail:?} lacks {says:?}");
    }
}

#[test]
fn the_reference_node_passes_every_api_outcome() {
    assert_eq!(not_passed(&outcomes("none", Duration::from_secs(10))), vec![]);
}

#[test]
fn skip_validation_fails_exactly_the_invalid_vectors() {
    let got = not_passed(&outcomes("skip-validation", Duration::from_secs(10)));
    // Every invalid vector the node can place (an object with a record type code and an id):
    // stored. The others (not an object, no or an unknown type, an empty id) it cannot store
    // either, so their refusal stands and they pass.
    let placeable = |v: &DocumentVector| {
        v.record.get("type").and_then(|t| t.as_str()).and_then(linli_model::RecordType::from_code).is_some()
            && v.record.get("id").and_then(|i| i.as_str()).is_some_and(|i| !i.is_empty())
    };
    let invalid: BTreeSet<String> = vectors()
        .into_iter()
        .filter(|v| v.verdict == Verdict::Invalid && placeable(v))
        .map(|v| format!("{}/api-write", v.id))
        .collect();
    assert!(invalid.len() > 100, "{}", invalid.len());
    let mut want = invalid;
    // AP-0011 writes a batch with one invalid line: stored, where it must be refused.
    let batch = "the batch's results are 1:201 created, 3:201 created, 4:400 api-not-json, 5:201 created, expected 1:201 created, 3:422 api-invalid-record";
    want.insert("AP-0011/api".to_owned());
    let failed: BTreeSet<String> = got.iter().map(|(id, _, _)| id.clone()).collect();
    assert_eq!(failed, want);
    for (id, outcome, detail) in &got {
        if id == "AP-0011/api" {
            assert_eq!(*outcome, Outcome::Fail, "{id}: {detail}");
            assert!(detail.contains(batch), "{id}: {detail}");
            continue;
        }
        assert_eq!(*outcome, Outcome::Fail, "{id}: {detail}");
        // A PUT answered 200/201, or a batch line's result 201, where 422 was due.
        assert!(
            (detail.contains("answered HTTP 20") || detail.contains("the batch line's result is 20"))
                && detail.contains("expected 422 api-invalid-record [API-010]"),
            "{id}: {detail}"
        );
    }
}

/// The case that reads as a public reader (AP-0009) catches the raw values. (The vectors are
/// read back by the writer, at level internal: they cannot see it.)
#[test]
fn leak_public_fails_exactly_the_public_reads_case() {
    only_failed("leak-public", &[("AP-0009/api", "a reader at level public received raw personal information")]);
}

#[test]
fn lose_feed_fails_exactly_the_feed_case() {
    only_failed(
        "lose-feed",
        &[(
            "AP-0006/api",
            "acknowledged writes never appeared in the feed read by following the cursor (the feed lost changes) [API-020]",
        )],
    );
}

#[test]
fn ignore_if_match_fails_exactly_the_precondition_case() {
    only_failed(
        "ignore-if-match",
        &[(
            "AP-0004/api",
            "expected 412 api-precondition-failed [API-013]; a write whose If-Match failed changed the record [API-013]",
        )],
    );
}

/// The first three reads of a Thing run past the deadline; the runner then takes the node to
/// have stopped and sends nothing more [CNF-075]: every later outcome is `error`, every earlier
/// one passes.
#[test]
fn hang_ends_in_error_at_the_first_reads_of_a_thing() {
    let got = outcomes("hang", Duration::from_secs(5));
    let things: BTreeSet<String> = vectors()
        .into_iter()
        .filter(|v| v.verdict == Verdict::Valid && v.record["type"] == "Thing")
        .map(|v| format!("{}/api-write", v.id))
        .collect();
    let hung: Vec<usize> = got
        .iter()
        .enumerate()
        .filter(|(_, c)| c.detail_en.contains("was not answered within the per-request deadline of 5000 ms [CNF-075]"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(hung.len(), 3, "{:#?}", not_passed(&got));
    for &i in &hung {
        let c = &got[i];
        assert_eq!(c.outcome, Outcome::Error, "{}", c.id);
        // A read back of a valid Thing vector, or a case's read of a Thing.
        assert!(things.contains(&c.id) || c.op == "api", "{} reads no Thing", c.id);
        assert!(c.detail_en.starts_with("GET /v1/records/Thing/"), "{}: {}", c.id, c.detail_en);
    }
    let last = hung[2];
    for (i, c) in got.iter().enumerate() {
        if hung.contains(&i) {
            continue;
        }
        if i < last {
            // No valid Thing was read back before the third hung read without hanging.
            assert_eq!(c.outcome, Outcome::Pass, "{}: {}", c.id, c.detail_en);
            assert!(!things.contains(&c.id), "{} read a Thing", c.id);
        } else {
            assert_eq!(c.outcome, Outcome::Error, "{}: {}", c.id, c.detail_en);
            assert!(
                c.detail_en.contains("not sent: 3 requests already ran past the per-request deadline"),
                "{}: {}",
                c.id,
                c.detail_en
            );
        }
    }
    assert!(last < got.len() - 100, "the hung reads came late: {last}");
}
