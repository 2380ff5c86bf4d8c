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
}

/// Run `linli codes`.
pub(crate) fn run(args: &CodesArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
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
        let text = serde_json::to_string_pretty(&tables).unwrap_or_default();
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
