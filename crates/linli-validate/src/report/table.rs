//! The problem list a clerk sends back to the vendor `[VAL-024]`: one row per finding listed, in
//! report order, as CSV (UTF-8 with a byte order mark, CRLF, so that Excel and WPS open it in the
//! right encoding) or as an Excel workbook (a sheet of problems and a sheet with the verdict and
//! the counts).
//!
//! A cell never starts a formula: text from the input that begins with `=`, `+`, `-`, `@`, a tab
//! or a carriage return is written with a leading `'` (in the workbook every cell is a string
//! cell, which is never evaluated). Control characters are written as `\u{..}` escapes
//! `[CON-072]`.

use super::{Lang, Report, level_word};
use crate::finding::Finding;

/// The columns of the problem list, in order: (Chinese, English) header.
pub const CSV_COLUMNS: &[(&str, &str)] = &[
    ("文件", "File"),
    ("行", "Line"),
    ("记录类型", "Record type"),
    ("记录编号", "Record ID"),
    ("成员（JSON 指针）", "Member (JSON pointer)"),
    ("成员名称", "Member name (Chinese)"),
    ("成员名称（英文）", "Member name (English)"),
    ("级别", "Level"),
    ("规则", "Rule"),
    ("要求", "Requirement"),
    ("说明", "Message (Chinese)"),
    ("说明（英文）", "Message (English)"),
    ("值（如显示）", "Value (as shown)"),
];

/// A cell's text: controls escaped, and never the start of a formula.
fn cell(s: &str) -> String {
    let s = linli_model::text::escape_controls(s);
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.into_owned(),
    }
}

fn header(lang: Lang) -> Vec<String> {
    CSV_COLUMNS.iter().map(|(zh, en)| if lang == Lang::Zh { format!("{zh} {en}") } else { (*en).to_owned() }).collect()
}

fn row(f: &Finding) -> Vec<String> {
    let (field_zh, field_en) =
        f.record_type.and_then(|ty| crate::fields::field_label(ty, &f.pointer)).unwrap_or(("", ""));
    let level = format!("{} {}", level_word(f.level, Lang::Zh), f.level.as_str());
    vec![
        cell(f.file.as_deref().unwrap_or("")),
        // A finding without a line: the default empty cell, as [VAL-024] lists the columns.
        f.line.map(|l| l.to_string()).unwrap_or_default(),
        // A finding about no record: the default empty record-type cell.
        f.record_type.map(|t| linli_model::codes::CodeTable::code(t).to_owned()).unwrap_or_default(),
        cell(f.record_id.as_deref().unwrap_or("")),
        cell(&f.pointer),
        cell(field_zh),
        cell(field_en),
        level,
        cell(&f.code),
        f.requirement.unwrap_or("").to_owned(),
        cell(&f.message_zh),
        cell(&f.message_en),
        cell(f.value.as_deref().unwrap_or("")),
    ]
}

/// The problem list as CSV: a byte order mark, a header row (in both languages under `zh`), one
/// row per listed finding, CRLF line ends. A writer's error is returned, never a list cut short.
pub fn render_csv(r: &Report, lang: Lang) -> Result<Vec<u8>, crate::Error> {
    let err = |message: String| crate::Error::Render { format: "csv", message };
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header(lang)).map_err(|e| err(e.to_string()))?;
    for f in &r.findings {
        w.write_record(row(f)).map_err(|e| err(e.to_string()))?;
    }
    w.into_inner().map_err(|e| err(e.error().to_string()))
}

/// The problem list as an Excel workbook: sheet `问题 Problems` (the rows of [`render_csv`],
/// header frozen and filtered) and sheet `汇总 Summary` (the verdict, the counts, the datasets'
/// manifests and every rule with its count).
#[cfg(feature = "xlsx")]
pub fn render_xlsx(r: &Report, lang: Lang) -> Result<Vec<u8>, crate::Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| crate::Error::Render { format: "xlsx", message: e.to_string() };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let problems = book.add_worksheet();
    problems.set_name("问题 Problems").map_err(err)?;
    for (c, h) in header(lang).iter().enumerate() {
        let c = c as u16;
        problems.write_string_with_format(0, c, h, &bold).map_err(err)?;
    }
    let widths = [28.0, 8.0, 12.0, 24.0, 28.0, 14.0, 18.0, 12.0, 30.0, 10.0, 50.0, 50.0, 24.0];
    for (c, w) in widths.iter().enumerate() {
        problems.set_column_width(c as u16, *w).map_err(err)?;
    }
    for (i, f) in r.findings.iter().enumerate() {
        let row_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (c, v) in row(f).iter().enumerate() {
            let c = c as u16;
            // A line number stays a number; everything else is text, never a formula.
            match (c, f.line) {
                (1, Some(line)) => problems.write_number(row_no, c, line as f64).map_err(err)?,
                _ => problems.write_string(row_no, c, v).map_err(err)?,
            };
        }
    }
    problems.set_freeze_panes(1, 0).map_err(err)?;
    let last = u32::try_from(r.findings.len()).unwrap_or(u32::MAX);
    problems.autofilter(0, 0, last, (CSV_COLUMNS.len() - 1) as u16).map_err(err)?;

    let summary = book.add_worksheet();
    summary.set_name("汇总 Summary").map_err(err)?;
    summary.set_column_width(0, 34.0).map_err(err)?;
    summary.set_column_width(1, 60.0).map_err(err)?;
    let mut n = 0u32;
    let mut line = |k: &str, v: &str, s: &mut rust_xlsxwriter::Worksheet| -> Result<(), crate::Error> {
        s.write_string_with_format(n, 0, k, &bold).map_err(err)?;
        s.write_string(n, 1, cell(v)).map_err(err)?;
        n += 1;
        Ok(())
    };
    line("结论 Result", &super::verdict_line(r, lang), summary)?;
    line("记录 Records", &r.records.to_string(), summary)?;
    line("合格 Valid", &r.records_valid.to_string(), summary)?;
    line("不合格 Invalid", &r.records_invalid.to_string(), summary)?;
    line("错误 Errors", &r.errors.to_string(), summary)?;
    line("警告 Warnings", &r.warnings.to_string(), summary)?;
    line("提示 Info", &r.infos.to_string(), summary)?;
    line("未列出 Not listed", &r.findings_omitted.to_string(), summary)?;
    line("标准版本 Standard", r.standard_version, summary)?;
    line("校验器 Validator", r.tool_version, summary)?;
    line("开始 Started", &r.started_at, summary)?;
    for d in &r.datasets {
        line("数据集 Dataset", &d.path, summary)?;
        line("生成方 Producer", &format!("{} / {} {}", d.vendor, d.product, d.product_version), summary)?;
        line("共享级别 Sharing level", &super::sharing_label(d.sharing_level, lang), summary)?;
        line("生成时间 Created", &d.created_at, summary)?;
    }
    n += 1;
    for (c, h) in
        ["规则 Rule", "级别 Level", "要求 Requirement", "名称", "Title", "次数 Count", "列出 Listed"].iter().enumerate()
    {
        summary.write_string_with_format(n, c as u16, *h, &bold).map_err(err)?;
    }
    for rule in &r.rules {
        n += 1;
        summary.write_string(n, 0, cell(&rule.code)).map_err(err)?;
        summary.write_string(n, 1, rule.level.as_str()).map_err(err)?;
        summary.write_string(n, 2, rule.requirement.unwrap_or("")).map_err(err)?;
        summary.write_string(n, 3, cell(&rule.title_zh)).map_err(err)?;
        summary.write_string(n, 4, cell(&rule.title_en)).map_err(err)?;
        summary.write_number(n, 5, rule.count as f64).map_err(err)?;
        summary.write_number(n, 6, rule.listed as f64).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn no_cell_starts_a_formula_and_controls_are_escaped() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("/gender"), "/gender");
        assert!(!cell("a\u{1b}[2Kb").contains('\u{1b}'));
    }
}
