//! Judging a `share` case (class `privacy`, `[CNF-036]`): the product exported records at a
//! sharing level; the export must be a clean dataset at that level holding the same records, and
//! none of the identity numbers, telephone numbers (nor, for `public`, names) it was given.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::protocol::CaseResponse;
use crate::runner::{CaseResult, ExportUnchecked, Outcome, dataset_findings, dataset_records};
use crate::vector::DocumentVector;

/// The values that must not leave at any level above `internal`: identity numbers and
/// telephone numbers (Person `identifiers`, `phones`; Organization contact phones); at `public`
/// also the names of persons and contacts. Values masked (`*`) or pseudonymised already are not
/// raw and are left out.
fn forbidden(records: &[Value], level: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |v: Option<&Value>| {
        if let Some(s) = v.and_then(Value::as_str) {
            // A value masked or pseudonymised already is not raw.
            if s.chars().count() >= 2 && !s.contains('*') {
                out.insert(s.to_owned());
            }
        }
    };
    for r in records {
        for i in r.get("identifiers").and_then(Value::as_array).into_iter().flatten() {
            if i.get("scheme").and_then(Value::as_str) != Some("pseudonym") {
                add(i.get("value"));
            }
        }
        for p in r.get("phones").and_then(Value::as_array).into_iter().flatten() {
            add(Some(p));
        }
        for c in r.get("contacts").and_then(Value::as_array).into_iter().flatten() {
            add(c.get("phone"));
            if level == "public" {
                add(c.get("name"));
            }
        }
        if level == "public" && r.get("type").and_then(Value::as_str) == Some("Person") {
            add(r.get("name"));
        }
    }
    out
}

/// Every string in a JSON value, and every string inside a string (free text quoting a number).
fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn key(r: &Value) -> (String, String) {
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    (s("type"), s("id"))
}

/// Judge the dataset the product wrote into `dir` for a `share` case at `level`.
pub(crate) fn judge_share(v: &DocumentVector, level: &str, r: &CaseResponse, dir: &Path, result: &mut CaseResult) {
    let fail = |result: &mut CaseResult, zh: String, en: String| {
        result.outcome = Outcome::Fail;
        result.detail_zh = zh;
        result.detail_en = en;
    };
    if let Some(e) = &r.error {
        return fail(result, format!("产品无法按共享级别导出：{e}"), format!("the product could not share: {e}"));
    }
    let manifest: Value = std::fs::read_to_string(dir.join(linli_model::manifest::MANIFEST_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let declared = manifest.get("sharingLevel").and_then(Value::as_str).unwrap_or("(none)");
    let mut problems_zh: Vec<String> = Vec::new();
    let mut problems_en: Vec<String> = Vec::new();
    if declared != level {
        problems_zh.push(format!("清单声明的共享级别为 {declared}，应为 {level}"));
        problems_en.push(format!("the manifest declares sharing level {declared}, not {level}"));
    }
    // The validator's checks, leak checks included (they follow the declared level).
    match dataset_findings(dir) {
        Err(ExportUnchecked::NoValidator(e) | ExportUnchecked::Unreadable(e)) => {
            problems_zh.push(format!("导出目录无法读取：{e}"));
            problems_en.push(format!("the export cannot be read: {e}"));
        }
        Ok(found) if !found.is_empty() => {
            problems_zh.push(format!("校验发现问题：{found:?}"));
            problems_en.push(format!("validation findings: {found:?}"));
        }
        Ok(_) => {}
    }
    let back = dataset_records(dir);
    let sent: Vec<Value> = v.record.as_array().cloned().unwrap_or_default();
    let mut want: Vec<_> = sent.iter().map(key).collect();
    let mut got: Vec<_> = back.iter().map(key).collect();
    want.sort();
    got.sort();
    if want != got {
        problems_zh.push(format!("记录的类型与标识不同：发出 {} 条，导出 {} 条", want.len(), got.len()));
        problems_en.push(format!("record types and ids differ: {} sent, {} exported", want.len(), got.len()));
    }
    let forbidden = forbidden(&sent, level);
    let mut texts = Vec::new();
    for b in &back {
        strings(b, &mut texts);
    }
    let leaked: BTreeSet<String> = forbidden
        .iter()
        .filter(|f| texts.iter().any(|t| t.contains(f.as_str())))
        .map(|f| linli_model::check::mask_middle(f))
        .collect();
    if !leaked.is_empty() {
        problems_zh.push(format!("导出中仍有原始的个人信息：{leaked:?}"));
        problems_en.push(format!("raw personal information left in the export: {leaked:?}"));
    }
    if problems_en.is_empty() {
        result.outcome = Outcome::Pass;
        result.detail_zh = format!("按 {level} 级别导出的数据集有效、无泄露，记录完整");
        result.detail_en = format!("a clean dataset at level {level}, no leak, every record present");
    } else {
        fail(result, problems_zh.join("；"), problems_en.join("; "));
    }
}
