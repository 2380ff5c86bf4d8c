//! `linli codes`: list the code tables.

use std::io::Write;
use std::process::ExitCode;

use linli_model::codes::all_tables;

use crate::{CliError, Lang};

/// Arguments of `linli codes`.
#[derive(Debug, clap::Args)]
pub struct CodesArgs {
    /// Only this table (e.g. `gender`, `ethnic-group`, `case-status`)
    #[arg(value_name = "TABLE")]
    pub table: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    /// List the validator's finding codes (the rules of `linli validate --pick/--skip`) instead
    #[arg(long, conflicts_with = "table")]
    pub findings: bool,
}

/// The finding codes: code, level, requirement and titles, in the order of the spec's tables.
fn findings(args: &CodesArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let mut rows: Vec<(&str, &str, &str, String, String)> = linli_model::check::FindingCode::ALL
        .iter()
        .map(|c| (c.as_str(), c.level().as_str(), c.requirement(), c.title_zh().to_owned(), c.title_en().to_owned()))
        .collect();
    rows.extend(
        linli_validate::codes::CODES
            .iter()
            .map(|c| (c.code, c.level.as_str(), c.requirement, c.title_zh.to_owned(), c.title_en.to_owned())),
    );
    rows.sort_by(|a, b| a.0.cmp(b.0));
    if args.json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, level, req, zh, en)| {
                serde_json::json!({"code": code, "level": level, "requirement": req, "title_zh": zh, "title_en": en})
            })
            .collect();
        let text = crate::to_json_pretty(&v)?;
        writeln!(out, "{text}").map_err(CliError::Stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    for (code, level, req, zh, en) in &rows {
        let line = match lang {
            Lang::Zh => format!("{code:<40} {level:<8} {req:<8} {zh}  {en}"),
            Lang::En => format!("{code:<40} {level:<8} {req:<8} {en}  {zh}"),
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Run `linli codes`.
pub(crate) fn run(args: &CodesArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    if args.findings {
        return findings(args, lang, out);
    }
    let mut tables = all_tables();
    if let Some(name) = &args.table {
        tables.retain(|t| t.table == name);
        if tables.is_empty() {
            let names: Vec<&str> = all_tables().iter().map(|t| t.table).collect();
            return Err(CliError::usage(
                format!("未知代码表 `{name}`；代码表有：{}", names.join("、")),
                format!("unknown table `{name}`; tables: {}", names.join(", ")),
            ));
        }
    }
    if args.json {
        let text = crate::to_json_pretty(&tables)?;
        writeln!(out, "{text}").map_err(CliError::Stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    for t in &tables {
        let title = match lang {
            Lang::Zh => format!("{} {}（{}）", t.table, t.title_zh, t.standard),
            Lang::En => format!("{} {} ({})", t.table, t.title_en, t.standard),
        };
        writeln!(out, "{title}").map_err(CliError::Stdout)?;
        for (code, zh, en) in &t.codes {
            let line = match lang {
                Lang::Zh => format!("  {code:<28} {zh}  {en}"),
                Lang::En => format!("  {code:<28} {en}  {zh}"),
            };
            writeln!(out, "{line}").map_err(CliError::Stdout)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
