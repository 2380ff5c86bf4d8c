//! Renderings of a run: JUnit XML and one self-contained bilingual HTML page for procurement.

use std::fmt::Write as _;

use crate::runner::{Outcome, Summary};

use linli_validate::report::escape_markup as esc;

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Error => "error",
        Outcome::Skip => "skip",
        Outcome::NotApplicable => "not-applicable",
    }
}

/// The outcome in Chinese.
fn outcome_zh(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "通过",
        Outcome::Fail => "不通过",
        Outcome::Error => "出错",
        Outcome::Skip => "跳过",
        Outcome::NotApplicable => "不适用",
    }
}

/// A requirement's text as a reader sees it: without the Markdown marks of bold and code.
fn plain(markdown: &str) -> String {
    markdown.replace("**", "").replace('`', "")
}

/// JUnit XML: a test suite per class, a test case per outcome. It never disagrees with the
/// verdicts `[CNF-050]`: a `fail` or a `skip` of a claimed class is a failure, an `error` an error,
/// and a run that was refused or could not run is one test case in error.
pub fn junit(s: &Summary) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"linli conformance\">\n");
    if !s.run_errors.is_empty() {
        let _ = writeln!(
            x,
            "  <testsuite name=\"run\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"linli.conformance\" name=\"run\"><error message=\"{}\"/></testcase>\n  </testsuite>",
            esc(&s.run_errors.iter().map(|e| format!("error[{}]: {}", e.code, e.en)).collect::<Vec<_>>().join("; "))
        );
    }
    for c in &s.classes {
        let cases: Vec<_> = s.cases.iter().filter(|k| k.class == c.class).collect();
        let failures = cases.iter().filter(|k| matches!(k.outcome, Outcome::Fail | Outcome::Skip)).count();
        let errors = cases.iter().filter(|k| k.outcome == Outcome::Error).count();
        let skipped = cases.iter().filter(|k| k.outcome == Outcome::NotApplicable).count();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">",
            c.class.name(),
            cases.len()
        );
        for k in cases {
            let _ =
                write!(x, "    <testcase classname=\"linli.conformance.{}\" name=\"{}\">", c.class.name(), esc(&k.id));
            match k.outcome {
                Outcome::Fail => {
                    let _ = write!(x, "<failure message=\"{}\"/>", esc(&k.detail_en));
                }
                Outcome::Skip => {
                    let _ = write!(x, "<failure type=\"skip\" message=\"{}\"/>", esc(&k.detail_en));
                }
                Outcome::Error => {
                    let _ = write!(x, "<error message=\"{}\"/>", esc(&k.detail_en));
                }
                Outcome::NotApplicable => {
                    let _ = write!(x, "<skipped message=\"{}\"/>", esc(&k.detail_en));
                }
                Outcome::Pass => {}
            }
            x.push_str("</testcase>\n");
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// One self-contained page, Chinese and English side by side: the verdict per class first, then
/// every case that did not pass, with the requirement text and what happened.
pub fn html(s: &Summary, requirement_text: &dyn Fn(&str) -> Option<String>) -> String {
    let mut h = String::new();
    let code = s.exit_code();
    let (verdict_zh, verdict_en, class) = match code {
        0 => ("通过", "PASS", "pass"),
        1 => ("不通过", "FAIL", "fail"),
        _ => ("无法完成", "COULD NOT RUN", "fail"),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>邻里一致性测试报告 / Linli conformance report</title>\n<style>body{{font-family:system-ui,\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:2rem;max-width:72rem;color:#1a1a1a}}table{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}.pass{{color:#0a7a2f}}.fail,.error{{color:#b00020}}.skip{{color:#a15c00}}.en{{color:#555}}code{{background:#f6f6f6;padding:0 .2rem}}</style></head><body>\n<h1>邻里一致性测试报告 <span class=\"en\">Linli conformance report</span></h1>\n<p id=\"verdict\" class=\"{class}\"><strong>{verdict_zh} / {verdict_en}</strong></p>\n"
    );
    // An api run tests a node, not a product through the harness: the node as it answered is
    // shown, and neither the product row nor the harness protocol [CNF-076].
    let subject = match &s.node {
        Some(n) => {
            let or_dash = |v: &Option<String>| esc(v.as_deref().unwrap_or("—"));
            format!(
                "<tr><th>节点 <span class=\"en\">Node</span></th><td>{} · version {} · storage {}<br>OpenAPI sha256 <code>{}</code></td></tr>",
                esc(&n.url),
                or_dash(&n.version),
                or_dash(&n.storage),
                or_dash(&n.openapi_sha256)
            )
        }
        None => {
            let product = s
                .product
                .as_ref()
                .map(|p| format!("{} {} {}", p.vendor, p.name, p.version))
                .unwrap_or_else(|| "—".into());
            format!("<tr><th>产品 <span class=\"en\">Product</span></th><td>{}</td></tr>", esc(&product))
        }
    };
    let protocol = if s.node.is_some() { String::new() } else { format!("{} · ", s.protocol) };
    let _ = writeln!(
        h,
        "<table><tr><th>被测对象 <span class=\"en\">Target</span></th><td>{}</td></tr>{subject}<tr><th>测试套件 <span class=\"en\">Suite</span></th><td>{} · {protocol}seed {}</td></tr><tr><th>时间 <span class=\"en\">Time</span></th><td>{} — {}</td></tr><tr><th>摘要 <span class=\"en\">Digests</span></th><td>vectors <code>{}</code><br>schemas <code>{}</code></td></tr></table>",
        esc(&s.target),
        s.suite_version,
        s.seed,
        s.started_at,
        s.finished_at,
        s.vectors_sha256,
        s.schemas_sha256
    );
    for e in &s.run_errors {
        let _ = writeln!(
            h,
            "<p class=\"error\">运行错误 <span class=\"en\">Run error</span> <code>{}</code>: {}<br><span class=\"en\">{}</span></p>",
            e.code,
            esc(&e.zh),
            esc(&e.en)
        );
    }
    h.push_str("<h2>各测试类别结论 <span class=\"en\">Verdict per class</span></h2>\n<table><tr><th>类别 <span class=\"en\">Class</span></th><th>结论 <span class=\"en\">Verdict</span></th><th>通过 <span class=\"en\">pass</span></th><th>失败 <span class=\"en\">fail</span></th><th>出错 <span class=\"en\">error</span></th><th>跳过 <span class=\"en\">skip</span></th></tr>\n");
    for c in &s.classes {
        let n = |k: &str| c.counts.get(k).copied().unwrap_or(0);
        let (zh, cls) = match c.verdict {
            "pass" => ("通过", "pass"),
            "fail" => ("不通过", "fail"),
            _ => ("未声明", "skip"),
        };
        let _ = writeln!(
            h,
            "<tr class=\"class-row\" data-class=\"{}\"><td>{} <span class=\"en\">{}</span></td><td class=\"{cls}\">{zh} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.class.name(),
            c.class.name_zh(),
            c.class.name(),
            c.verdict,
            n("pass"),
            n("fail"),
            n("error"),
            n("skip")
        );
    }
    h.push_str("</table>\n<h2>未通过的用例 <span class=\"en\">Cases that did not pass</span></h2>\n");
    let bad: Vec<_> =
        s.cases.iter().filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Error | Outcome::Skip)).collect();
    if bad.is_empty() {
        h.push_str("<p class=\"pass\">无 <span class=\"en\">None</span></p>\n");
    } else {
        h.push_str("<table><tr><th>结果编号 <span class=\"en\">Outcome</span></th><th>结果 <span class=\"en\">Result</span></th><th>条款 <span class=\"en\">Requirements</span></th><th>情况 <span class=\"en\">What happened</span></th></tr>\n");
        let mut cited: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for c in bad {
            let reqs: Vec<String> = c
                .requirements
                .iter()
                .map(|r| {
                    cited.insert(r);
                    format!("<a href=\"#req-{0}\"><code>{0}</code></a>", esc(r))
                })
                .collect();
            let _ = writeln!(
                h,
                "<tr class=\"case\" data-case=\"{}\"><td><code>{}</code></td><td class=\"{}\">{} <span class=\"en\">{}</span></td><td>{}</td><td>{}<br><span class=\"en\">{}</span></td></tr>",
                esc(&c.id),
                esc(&c.id),
                outcome_name(c.outcome),
                outcome_zh(c.outcome),
                outcome_name(c.outcome),
                reqs.join(" "),
                esc(&c.detail_zh),
                esc(&c.detail_en)
            );
        }
        // The specification is written in English only: its text is quoted as it stands, and the
        // reader told so in Chinese.
        h.push_str("</table>\n<h2>所涉条款 <span class=\"en\">Requirements cited</span></h2>\n<p>条款原文摘自规范（规范正文为英文）。 <span class=\"en\">Quoted from the specification.</span></p>\n<dl>\n");
        for r in cited {
            let _ = writeln!(
                h,
                "<dt id=\"req-{0}\"><code>{0}</code></dt><dd>{1}</dd>",
                esc(r),
                // A requirement whose text is not found: the default, no text, shows its ID alone.
                esc(&plain(&requirement_text(r).unwrap_or_default()))
            );
        }
        h.push_str("</dl>\n");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_vendor_writes_cannot_break_the_xml() {
        // A skip reason or an `error` answer is vendor text: every character XML 1.0 forbids
        // (C0 controls but tab and newline, U+FFFE, U+FFFF) is replaced, markup is escaped.
        let s = esc("a\u{0}\u{1b}[2K\r\u{fffe}\u{ffff}\"<x>&");
        assert!(
            !s.chars().any(
                |c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
            ),
            "{s:?}"
        );
        assert!(s.ends_with("&quot;&lt;x&gt;&amp;"), "{s}");
    }

    /// Every character the escaper must not let through: C0 but tab and line feed, DEL, C1
    /// (U+0085 among them), U+FFFE, U+FFFF.
    fn forbidden() -> Vec<char> {
        let mut cs: Vec<char> = ('\u{0}'..='\u{1f}').filter(|c| !matches!(c, '\t' | '\n')).collect();
        cs.extend('\u{7f}'..='\u{9f}');
        cs.extend(['\u{fffe}', '\u{ffff}']);
        cs
    }

    /// The JUnit report stays well-formed XML 1.0 whatever a vendor's answers, a case id or a run
    /// error hold `[CNF-050]`, `[CON-072]`: read back by a strict XML 1.0 reader, the forbidden
    /// characters gone and `]]>` and markup kept as text.
    #[test]
    fn junit_is_well_formed_xml_whatever_the_text_holds() {
        use crate::runner::{CaseResult, ClassVerdict, RunError};
        use crate::vector::Class;
        let hostile = |what: &str| {
            let mut s = format!("{what}]]><x a=\"'&amp;");
            s.extend(forbidden());
            s.push_str("]]>end");
            s
        };
        let case = |outcome| CaseResult {
            id: hostile("core-001"),
            case: hostile("case"),
            op: "validate",
            class: Class::Core,
            requirements: vec!["CNF-050".into()],
            outcome,
            detail_zh: hostile("说明"),
            detail_en: hostile("detail"),
            ms: 1,
        };
        let s = Summary {
            format: "linli-conformance-summary/1",
            suite_version: "0.1.0",
            runner_version: "0.1.0",
            protocol: "1",
            vectors_sha256: String::new(),
            schemas_sha256: String::new(),
            target: hostile("target"),
            product: None,
            node: None,
            seed: 1,
            started_at: hostile("start"),
            finished_at: hostile("end"),
            classes: vec![ClassVerdict {
                class: Class::Core,
                claimed: true,
                verdict: "fail",
                counts: Default::default(),
            }],
            requirements: Default::default(),
            cases: [Outcome::Pass, Outcome::Fail, Outcome::Skip, Outcome::Error, Outcome::NotApplicable]
                .into_iter()
                .map(case)
                .collect(),
            run_errors: vec![RunError { code: "run-deadline", zh: hostile("中文"), en: hostile("run error") }],
            verdict: "no-verdict",
        };
        let xml = junit(&s);
        let texts = linli_model::support::xml::read_well_formed(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let all = texts.concat();
        for c in forbidden() {
            assert!(!all.contains(c), "U+{:04X} read back", u32::from(c));
        }
        for want in ["core-001]]><x a=\"'&amp;\u{fffd}", "detail]]>", "run error]]>", "]]>end"] {
            assert!(all.contains(want), "{want:?} not read back");
        }
    }
}
