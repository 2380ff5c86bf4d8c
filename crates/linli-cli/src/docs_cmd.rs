//! `linli docs`: write or check the generated chapters of `spec/`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use linli_model::docs::generated_chapters;

use crate::{CliError, Lang};

/// Arguments of `linli docs`.
#[derive(Debug, clap::Args)]
pub struct DocsArgs {
    /// Write the generated chapters into DIR (normally `spec/`)
    #[arg(long, value_name = "DIR", conflicts_with = "check")]
    pub write: Option<PathBuf>,
    /// Compare the chapters in DIR with the generated ones; exit 1 on any difference
    #[arg(long, value_name = "DIR")]
    pub check: Option<PathBuf>,
}

/// Run `linli docs`.
pub(crate) fn run(args: &DocsArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let mut chapters: Vec<(&str, String)> =
        generated_chapters().into_iter().map(|c| (c.file_name, c.markdown)).collect();
    chapters.push(linli_validate::codes::validation_chapter());
    chapters.push(linli_adapters::codes::adapter_codes_chapter());
    // Chapter 18 is written by hand but for Table 18-1, spliced in between its markers.
    let spliced_18 = |dir: &std::path::Path| -> Result<(&'static str, String), CliError> {
        let name = linli_adapters::csv_table::targets::CHAPTER;
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|source| CliError::Io { path: path.clone(), source })?;
        let spliced = linli_adapters::csv_table::targets::splice_chapter(&text).ok_or_else(|| {
            CliError::usage(
                format!("{}：缺少表 18-1 的起止标记", path.display()),
                format!("{}: the markers of Table 18-1 are missing", path.display()),
            )
        })?;
        Ok((name, spliced))
    };
    // Chapter 31 likewise but for Table 31-1, the exchange API's error codes.
    let spliced_31 = |dir: &std::path::Path| -> Result<(&'static str, String), CliError> {
        let name = linli_node::error::CHAPTER;
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|source| CliError::Io { path: path.clone(), source })?;
        let spliced = linli_node::error::splice_chapter(&text).ok_or_else(|| {
            CliError::usage(
                format!("{}：缺少表 31-1 的起止标记", path.display()),
                format!("{}: the markers of Table 31-1 are missing", path.display()),
            )
        })?;
        Ok((name, spliced))
    };
    if let Some(dir) = args.write.as_ref().or(args.check.as_ref()) {
        if dir.join(linli_adapters::csv_table::targets::CHAPTER).exists() {
            chapters.push(spliced_18(dir)?);
        }
        if dir.join(linli_node::error::CHAPTER).exists() {
            chapters.push(spliced_31(dir)?);
        }
    }
    if let Some(dir) = &args.write {
        for (name, markdown) in &chapters {
            let path = dir.join(name);
            std::fs::write(&path, markdown).map_err(|source| CliError::Io { path, source })?;
        }
        let msg = match lang {
            Lang::Zh => format!("已写入 {} 个章节到 {}\n", chapters.len(), dir.display()),
            Lang::En => format!("wrote {} chapters to {}\n", chapters.len(), dir.display()),
        };
        out.write_all(msg.as_bytes()).map_err(CliError::Stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(dir) = &args.check {
        let mut differ = 0;
        for (name, markdown) in &chapters {
            let path = dir.join(name);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(markdown.as_str()) {
                differ += 1;
                writeln!(out, "{}: differs / 与代码不一致", path.display()).map_err(CliError::Stdout)?;
            }
        }
        return Ok(if differ == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    for (_, markdown) in &chapters {
        out.write_all(markdown.as_bytes()).map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
