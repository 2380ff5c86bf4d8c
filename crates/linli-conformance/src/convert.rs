//! Judging a `convert` case of the `adapters` class `[CNF-035]`: the product's converted records
//! or output document, its loss report and its findings against an adapter vector.

use crate::protocol::{CaseResponse, diff, without_meta};
use crate::runner::{CaseResult, Outcome};
use crate::vector::AdapterVector;

/// Multiset difference: what `want` has that `got` lacks, and the reverse.
pub(crate) fn missing_and_extra<T: Ord + Clone>(mut want: Vec<T>, mut got: Vec<T>) -> (Vec<T>, Vec<T>) {
    want.sort();
    got.sort();
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < want.len() || j < got.len() {
        match (want.get(i), got.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                missing.push(a.clone());
                i += 1;
            }
            (Some(a), None) => {
                missing.push(a.clone());
                i += 1;
            }
            (_, Some(b)) => {
                extra.push(b.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    (missing, extra)
}

/// How far (in degrees, about 0.5 m) a converted coordinate may be from the expected one
/// `[CNF-035]`, `[ADP-070]`.
pub(crate) const COORDINATE_TOLERANCE: f64 = 5e-6;

/// Where `want` and `got` both hold a `coordinates` member whose numbers all lie within
/// [`COORDINATE_TOLERANCE`] of each other, give `got` the expected numbers: a datum
/// transformation need only be accurate to 0.5 m, not to the last bit.
fn snap_coordinates(want: &serde_json::Value, got: &mut serde_json::Value) {
    use serde_json::Value;
    fn close(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b)),
            (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => (x - y).abs() <= COORDINATE_TOLERANCE,
                _ => false,
            },
            _ => false,
        }
    }
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let Some(gv) = g.get_mut(k) else { continue };
                if k == "coordinates" && close(wv, gv) {
                    *gv = wv.clone();
                } else {
                    snap_coordinates(wv, gv);
                }
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            for (wv, gv) in w.iter().zip(g.iter_mut()) {
                snap_coordinates(wv, gv);
            }
        }
        _ => {}
    }
}

/// A `convert` case `[CNF-035]`: the records (without `meta`) or the output document, the loss
/// report (kind, code, pointer; a product's `source` text is informative) and the findings (code, place) must be exactly the expected ones.
pub(crate) fn judge_convert(a: &AdapterVector, r: &CaseResponse, result: &mut CaseResult) {
    if let Some(e) = &r.error {
        result.outcome = Outcome::Fail;
        result.detail_zh = format!("产品无法转换：{e}");
        result.detail_en = format!("the product could not convert: {e}");
        return;
    }
    let mut problems_zh = Vec::new();
    let mut problems_en = Vec::new();
    let content = match (&a.expected.records, &a.expected.output) {
        (Some(want), _) => r.records.as_ref().map(|got| {
            let (want, mut got) = (without_meta(want), without_meta(got));
            snap_coordinates(&want, &mut got);
            diff(&want, &got)
        }),
        (None, Some(want)) => r.output.as_ref().map(|got| diff(want, got)),
        (None, None) => Some(crate::protocol::Diff::default()),
    };
    match content {
        None => {
            result.outcome = Outcome::Error;
            result.detail_zh = "应答缺少 records 或 output".into();
            result.detail_en = "the answer has no `records` or `output`".into();
            return;
        }
        Some(d) if !d.is_empty() => {
            let l = |v: &[String], zh| crate::runner::listed(v, zh);
            problems_zh.push(format!(
                "内容不同：丢失 {}；新增 {}；改变 {}",
                l(&d.lost, true),
                l(&d.added, true),
                l(&d.changed, true)
            ));
            problems_en.push(format!(
                "content differs: lost {}; added {}; changed {}",
                l(&d.lost, false),
                l(&d.added, false),
                l(&d.changed, false)
            ));
        }
        Some(_) => {}
    }
    let want: Vec<(String, String, String)> =
        a.expected.loss.iter().map(|l| (l.kind.clone(), l.code.clone(), l.pointer.clone())).collect();
    let got: Vec<(String, String, String)> =
        r.loss.iter().flatten().map(|l| (l.kind.clone(), l.code.clone(), l.pointer.clone())).collect();
    let (missing, extra) = missing_and_extra(want, got);
    if r.loss.is_none() {
        problems_zh.push("应答缺少 loss（损失报告）".into());
        problems_en.push("the answer has no `loss` (loss report)".into());
    } else if !missing.is_empty() || !extra.is_empty() {
        let one = |(k, c, p): &(String, String, String)| format!("{k} {c} {p}");
        let (missing, extra): (Vec<String>, Vec<String>) =
            (missing.iter().map(one).collect(), extra.iter().map(one).collect());
        let l = |v: &[String], zh| crate::runner::listed(v, zh);
        problems_zh.push(format!("损失报告不同：缺少 {}；多出 {}", l(&missing, true), l(&extra, true)));
        problems_en.push(format!("loss report differs: missing {}; extra {}", l(&missing, false), l(&extra, false)));
    }
    let want: Vec<(String, String)> = a.expected.findings.iter().map(|f| (f.code.clone(), f.at.clone())).collect();
    let got: Vec<(String, String)> = r.findings.iter().flatten().map(|f| (f.code.clone(), f.at.clone())).collect();
    let (missing, extra) = missing_and_extra(want, got);
    if !missing.is_empty() || !extra.is_empty() {
        let one = |(c, at): &(String, String)| format!("{c} {at}");
        let (missing, extra): (Vec<String>, Vec<String>) =
            (missing.iter().map(one).collect(), extra.iter().map(one).collect());
        let l = |v: &[String], zh| crate::runner::listed(v, zh);
        problems_zh.push(format!("问题不同：缺少 {}；多出 {}", l(&missing, true), l(&extra, true)));
        problems_en.push(format!("findings differ: missing {}; extra {}", l(&missing, false), l(&extra, false)));
    }
    if problems_en.is_empty() {
        result.outcome = Outcome::Pass;
        result.detail_zh = format!("转换结果、损失报告（{} 项）和问题均符合预期", a.expected.loss.len());
        result.detail_en = format!("output, loss report ({} entries) and findings as expected", a.expected.loss.len());
    } else {
        result.outcome = Outcome::Fail;
        result.detail_zh = problems_zh.join("；");
        result.detail_en = problems_en.join("; ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ReportedLoss;
    use crate::vector::{Class, ExpectedConversion, ExpectedLoss};

    fn vector() -> AdapterVector {
        let mut a: AdapterVector = serde_json::from_value(serde_json::json!({
            "id": "AD-9999",
            "description": {"zh": "测试", "en": "test"},
            "requirements": ["ADP-002"],
            "from": "geojson",
            "to": "linli",
            "input": {},
            "expected": {"records": [], "loss": [], "findings": []}
        }))
        .expect("vector");
        a.expected = ExpectedConversion {
            records: Some(vec![]),
            output: None,
            loss: vec![ExpectedLoss {
                kind: "kept-in-extensions".into(),
                code: "geojson-property-kept".into(),
                pointer: "/features/0/properties/osm_id".into(),
            }],
            findings: vec![],
        };
        a
    }

    fn judged(loss: ReportedLoss) -> CaseResult {
        let r = CaseResponse {
            records: Some(vec![]),
            loss: Some(vec![loss]),
            findings: Some(vec![]),
            ..CaseResponse::new(1, "AD-9999")
        };
        let mut result = CaseResult {
            id: "AD-9999/convert".into(),
            case: "AD-9999".into(),
            op: "convert",
            class: Class::Adapters,
            requirements: vec![],
            outcome: Outcome::Error,
            detail_zh: String::new(),
            detail_en: String::new(),
            ms: 0,
        };
        judge_convert(&vector(), &r, &mut result);
        result
    }

    fn loss(pointer: &str, source: Option<&str>) -> ReportedLoss {
        ReportedLoss {
            kind: "kept-in-extensions".into(),
            code: "geojson-property-kept".into(),
            pointer: pointer.into(),
            source: source.map(str::to_owned),
            target: Some("/0/extensions/geojson/osm_id".into()),
        }
    }

    #[test]
    fn converted_coordinates_are_compared_within_half_a_metre() {
        let want = serde_json::json!({"location": {"type": "Point", "coordinates": [120.58643357005495, 31.3236039]}});
        let mut near =
            serde_json::json!({"location": {"type": "Point", "coordinates": [120.586433570055, 31.3236041]}});
        snap_coordinates(&want, &mut near);
        assert_eq!(near, want);
        let mut far = serde_json::json!({"location": {"type": "Point", "coordinates": [120.5865, 31.3236039]}});
        snap_coordinates(&want, &mut far);
        assert_ne!(far, want, "7 m off must not pass");
        let mut other = serde_json::json!({"area": 75.6000001});
        snap_coordinates(&serde_json::json!({"area": 75.6}), &mut other);
        assert_ne!(other["area"], 75.6, "only coordinates are compared with a tolerance");
    }

    #[test]
    fn source_text_is_informative_kind_code_and_pointer_are_compared() {
        for source in [None, Some("feature 1, property osm_id"), Some("/features/0/properties/osm_id")] {
            let r = judged(loss("/features/0/properties/osm_id", source));
            assert_eq!(r.outcome, Outcome::Pass, "{source:?}: {}", r.detail_en);
        }
        let r = judged(loss("/features/1/properties/osm_id", Some("/features/0/properties/osm_id")));
        assert_eq!(r.outcome, Outcome::Fail, "a wrong pointer must fail");
        assert!(r.detail_en.contains("/features/1/properties/osm_id"), "{}", r.detail_en);
        let r = judged(ReportedLoss {
            code: "geojson-member-dropped".into(),
            ..loss("/features/0/properties/osm_id", None)
        });
        assert_eq!(r.outcome, Outcome::Fail, "a wrong code must fail");
    }
}
