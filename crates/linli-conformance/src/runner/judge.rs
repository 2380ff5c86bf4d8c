//! Judging an adapter's answer to one case against its vector.

use super::*;

pub(super) fn judge(v: &DocumentVector, op: &str, r: &CaseResponse, result: &mut CaseResult) {
    if let Some(e) = &r.error {
        result.outcome = Outcome::Fail;
        result.detail_zh = format!("产品无法处理：{e}");
        result.detail_en = format!("the product could not do it: {e}");
        return;
    }
    match op {
        "validate" => {
            let want = v.verdict == Verdict::Valid;
            match r.accepted {
                Some(got) if got == want => {
                    result.outcome = Outcome::Pass;
                    result.detail_zh = if want {
                        "正确地接受了有效记录".into()
                    } else {
                        "正确地拒绝了无效记录".into()
                    };
                    result.detail_en =
                        if want { "accepted a valid record".into() } else { "rejected an invalid record".into() };
                }
                Some(got) => {
                    // Say what the vector is about, so that the vendor need not look it up.
                    let expected: Vec<String> =
                        v.findings.iter().map(|f| format!("{} {}", f.code, f.pointer)).collect();
                    let (zh, en) = if got {
                        (
                            format!("接受了无效记录（应报告：{}）", expected.join("；")),
                            format!("accepted an invalid record (expected: {})", expected.join("; ")),
                        )
                    } else {
                        ("拒绝了有效记录".to_owned(), "rejected a valid record".to_owned())
                    };
                    result.outcome = Outcome::Fail;
                    result.detail_zh = format!("{zh} — {}", v.description.zh);
                    result.detail_en = format!("{en} — {}", v.description.en);
                }
                None => {
                    result.outcome = Outcome::Error;
                    result.detail_zh = "应答缺少 accepted".into();
                    result.detail_en = "the answer has no `accepted`".into();
                }
            }
        }
        _ => match &r.record {
            Some(back) => {
                let d = diff(&v.record, back);
                if d.is_empty() {
                    result.outcome = Outcome::Pass;
                    result.detail_zh = "往返转换后记录不变".into();
                    result.detail_en = "the record came back unchanged".into();
                } else {
                    result.outcome = Outcome::Fail;
                    result.detail_zh = format!(
                        "往返转换改变了记录：丢失 {}；新增 {}；改变 {}",
                        listed(&d.lost, true),
                        listed(&d.added, true),
                        listed(&d.changed, true)
                    );
                    result.detail_en = format!(
                        "the round trip changed the record: lost {}; added {}; changed {}",
                        listed(&d.lost, false),
                        listed(&d.added, false),
                        listed(&d.changed, false)
                    );
                }
            }
            None => {
                result.outcome = Outcome::Error;
                result.detail_zh = "应答缺少 record".into();
                result.detail_en = "the answer has no `record`".into();
            }
        },
    }
}

/// An export case: the directory must hold a dataset that `linli validate` accepts, with exactly
/// the records sent, unchanged.
pub(super) fn judge_export(v: &DocumentVector, r: &CaseResponse, dir: &Path, result: &mut CaseResult) {
    if let Some(e) = &r.error {
        result.outcome = Outcome::Fail;
        result.detail_zh = format!("产品无法导出：{e}");
        result.detail_en = format!("the product could not export: {e}");
        return;
    }
    let errors = match dataset_findings(dir) {
        Ok(found) => found,
        Err(ExportUnchecked::NoValidator(e)) => {
            result.outcome = Outcome::Error;
            result.detail_en = e;
            return;
        }
        Err(ExportUnchecked::Unreadable(e)) => {
            result.outcome = Outcome::Fail;
            result.detail_zh = format!("导出目录无法读取：{e}");
            result.detail_en = format!("the export cannot be read: {e}");
            return;
        }
    };
    let d = diff(&v.record, &serde_json::Value::Array(dataset_records(dir)));
    if errors.is_empty() && d.is_empty() {
        result.outcome = Outcome::Pass;
        result.detail_zh = "导出的数据集有效，记录完整无变化".into();
        result.detail_en = "the export is a valid dataset holding the records unchanged".into();
    } else {
        result.outcome = Outcome::Fail;
        result.detail_zh = format!(
            "导出的数据集有问题：{}；记录差异：丢失 {}；新增 {}；改变 {}",
            listed(&errors, true),
            listed(&d.lost, true),
            listed(&d.added, true),
            listed(&d.changed, true)
        );
        result.detail_en = format!(
            "the export has problems: {}; records: lost {}; added {}; changed {}",
            listed(&errors, false),
            listed(&d.lost, false),
            listed(&d.added, false),
            listed(&d.changed, false)
        );
    }
}
