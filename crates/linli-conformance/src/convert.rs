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

/// A `convert` case `[CNF-035]`: the records (without `meta`) or the output document, the loss
/// report (kind, code, source) and the findings (code, place) must be exactly the expected ones.
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
        (Some(want), _) => r.records.as_ref().map(|got| diff(&without_meta(want), &without_meta(got))),
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
            problems_zh.push(format!("内容不同：丢失 {:?}，新增 {:?}，改变 {:?}", d.lost, d.added, d.changed));
            problems_en
                .push(format!("content differs: lost {:?}, added {:?}, changed {:?}", d.lost, d.added, d.changed));
        }
        Some(_) => {}
    }
    let want: Vec<(String, String, String)> =
        a.expected.loss.iter().map(|l| (l.kind.clone(), l.code.clone(), l.source.clone())).collect();
    let got: Vec<(String, String, String)> =
        r.loss.iter().flatten().map(|l| (l.kind.clone(), l.code.clone(), l.source.clone())).collect();
    let (missing, extra) = missing_and_extra(want, got);
    if r.loss.is_none() {
        problems_zh.push("应答缺少 loss（损失报告）".into());
        problems_en.push("the answer has no `loss` (loss report)".into());
    } else if !missing.is_empty() || !extra.is_empty() {
        problems_zh.push(format!("损失报告不同：缺少 {missing:?}，多出 {extra:?}"));
        problems_en.push(format!("loss report differs: missing {missing:?}, extra {extra:?}"));
    }
    let want: Vec<(String, String)> = a.expected.findings.iter().map(|f| (f.code.clone(), f.at.clone())).collect();
    let got: Vec<(String, String)> = r.findings.iter().flatten().map(|f| (f.code.clone(), f.at.clone())).collect();
    let (missing, extra) = missing_and_extra(want, got);
    if !missing.is_empty() || !extra.is_empty() {
        problems_zh.push(format!("问题不同：缺少 {missing:?}，多出 {extra:?}"));
        problems_en.push(format!("findings differ: missing {missing:?}, extra {extra:?}"));
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
