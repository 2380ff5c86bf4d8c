//! The text report: what the datasets are, the findings grouped by rule with their examples, the
//! counts, and the verdict as the last line `[VAL-020]`.

use std::fmt::Write as _;

use linli_model::check::Level;
use linli_model::text::escape_controls as esc;

use super::{Lang, Report, level_word, location, record_label, sharing_label, verdict_line};
use crate::finding::Finding;

/// One finding as one line: `file:line: level[code] Type id /pointer: message (value: …) [REQ]`.
/// Text from the input is escaped, so that it can neither act on a terminal nor forge a line of
/// the report `[CON-072]`.
pub(crate) fn finding_line(f: &Finding, lang: Lang, paint: &dyn Fn(&str, &str) -> String) -> String {
    let mut out = String::new();
    let lvl = level_word(f.level, lang);
    let lvl = match f.level {
        Level::Error => paint("1;31", lvl),
        Level::Warning => paint("1;33", lvl),
        _ => paint("36", lvl),
    };
    let _ = write!(out, "{}: {lvl}[{}]", esc(&location(f)), esc(&f.code));
    let record = record_label(f);
    if !record.is_empty() {
        let _ = write!(out, " {}", esc(&record));
    }
    if !f.pointer.is_empty() {
        let _ = write!(out, " {}", esc(&f.pointer));
    }
    let _ = write!(out, ": {}", esc(f.message(lang == Lang::Zh)));
    if let Some(v) = f.value.as_deref().map(esc) {
        let _ = write!(out, " ({})", if lang == Lang::Zh { format!("值：{v}") } else { format!("value: {v}") });
    }
    if let Some(req) = f.requirement {
        let _ = write!(out, " [{req}]");
    }
    out
}

/// Plain text: the datasets' manifests, each rule with its count and its listed findings, the
/// counts, and the verdict as the last line. `color` adds ANSI colours.
pub fn render_text(r: &Report, lang: Lang, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
    };
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    for d in &r.datasets {
        let _ = writeln!(
            out,
            "{}",
            esc(&if zh {
                format!(
                    "数据集 {}：生成方 {} / {} {}；共享级别 {}；生成于 {}；标准 {}",
                    d.path,
                    d.vendor,
                    d.product,
                    d.product_version,
                    sharing_label(d.sharing_level, lang),
                    d.created_at,
                    d.standard_version
                )
            } else {
                format!(
                    "dataset {}: produced by {} / {} {}; sharing level {}; created {}; standard {}",
                    d.path,
                    d.vendor,
                    d.product,
                    d.product_version,
                    sharing_label(d.sharing_level, lang),
                    d.created_at,
                    d.standard_version
                )
            })
        );
    }
    if !r.datasets.is_empty() {
        out.push('\n');
    }
    for rule in &r.rules {
        let title = lang.pick(&rule.title_zh, &rule.title_en);
        let lvl = level_word(rule.level, lang);
        let head = match lang {
            Lang::Zh => format!("{lvl} {}：{title} — 共 {} 处", rule.code, rule.count),
            Lang::En => format!("{lvl} {}: {title} — {} found", rule.code, rule.count),
        };
        // A rule that cites no requirement: the default, no ` [ID]` after its title.
        let req = rule.requirement.map(|r| format!(" [{r}]")).unwrap_or_default();
        let _ = writeln!(out, "{}{req}", paint("1", &esc(&head)));
        for f in r.findings_of(&rule.code) {
            let _ = writeln!(out, "  {}", finding_line(f, lang, &paint));
        }
        let more = rule.count - rule.listed;
        if more > 0 {
            let _ = writeln!(
                out,
                "  {}",
                match lang {
                    Lang::Zh => format!("……另有 {more} 处未列出（用 --max-per-rule、--max-findings 调整）"),
                    Lang::En => format!("… {more} more not listed (see --max-per-rule, --max-findings)"),
                }
            );
        }
    }
    if !r.rules.is_empty() {
        out.push('\n');
    }
    match lang {
        Lang::Zh => {
            let _ = writeln!(out, "记录 {}：合格 {}，不合格 {}", r.records, r.records_valid, r.records_invalid);
            let _ = writeln!(out, "问题：错误 {}，警告 {}，提示 {}", r.errors, r.warnings, r.infos);
        }
        Lang::En => {
            let _ = writeln!(out, "records {}: {} valid, {} invalid", r.records, r.records_valid, r.records_invalid);
            let _ = writeln!(
                out,
                "findings: {} error{}, {} warning{}, {} info",
                r.errors,
                if r.errors == 1 { "" } else { "s" },
                r.warnings,
                if r.warnings == 1 { "" } else { "s" },
                r.infos
            );
        }
    }
    for (ty, s) in &r.by_type {
        // Padded to 13 columns, a Chinese character taking two.
        let label = super::type_label(ty, lang);
        let width: usize = label.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
        let ty = format!("{label}{}", " ".repeat(13usize.saturating_sub(width)));
        let line = match lang {
            Lang::Zh => {
                format!("  {ty} 记录 {:>9}  合格 {:>9}  不合格 {:>9}", s.records, s.records_valid, s.records_invalid)
            }
            Lang::En => format!(
                "  {ty} records {:>9}  valid {:>9}  invalid {:>9}",
                s.records, s.records_valid, s.records_invalid
            ),
        };
        let _ = writeln!(out, "{line}");
    }
    if !r.rule_filter.is_all() {
        let mut options = Vec::new();
        if !r.rule_filter.pick.is_empty() {
            options.push(format!("--pick {}", r.rule_filter.pick.join(",")));
        }
        if !r.rule_filter.skip.is_empty() {
            options.push(format!("--skip {}", r.rule_filter.skip.join(",")));
        }
        let options = options.join(" ");
        let n = r.findings_filtered;
        let _ = writeln!(
            out,
            "{}",
            esc(&match lang {
                Lang::Zh => format!("只检查部分规则（{options}）：另有 {n} 处问题属于未检查的规则，未计入"),
                Lang::En => format!(
                    "some rules not checked ({options}): {n} finding{} of those rules not counted",
                    if n == 1 { "" } else { "s" }
                ),
            })
        );
    }
    let verdict = verdict_line(r, lang);
    let _ = writeln!(out, "{}", if r.valid { paint("1;32", &verdict) } else { paint("1;31", &verdict) });
    out
}
