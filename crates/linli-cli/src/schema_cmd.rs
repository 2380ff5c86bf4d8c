//! `linli schema`: print, write or check the generated JSON Schemas.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use linli_model::codes::CodeTable;
use linli_model::schema::{SchemaFile, all_schema_files};

use crate::{CliError, Lang};

/// Arguments of `linli schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Only this record type (Person, Organization, Place, Thing, Event, Case) or `common`
    #[arg(value_name = "TYPE")]
    pub record_type: Option<String>,
    /// Write every schema file into DIR (created if missing)
    #[arg(long, value_name = "DIR", conflicts_with = "check")]
    pub write: Option<PathBuf>,
    /// Compare DIR with the generated schemas; exit 1 on any difference
    #[arg(long, value_name = "DIR")]
    pub check: Option<PathBuf>,
}

fn select(files: Vec<SchemaFile>, ty: Option<&str>) -> Result<Vec<SchemaFile>, CliError> {
    let Some(ty) = ty else { return Ok(files) };
    let stem = if ty.eq_ignore_ascii_case("common") {
        "common".to_owned()
    } else {
        linli_model::RecordType::ALL
            .iter()
            .find(|t| t.code().eq_ignore_ascii_case(ty))
            .map(|t| t.schema_stem().to_owned())
            .ok_or_else(|| {
                CliError::usage(
                    format!("未知记录类型 `{ty}`；应为 Person、Organization、Place、Thing、Event、Case、common 之一"),
                    format!("unknown record type `{ty}`; expected one of Person, Organization, Place, Thing, Event, Case, common"),
                )
            })?
    };
    Ok(files.into_iter().filter(|f| f.file_name == format!("{stem}.schema.json")).collect())
}

/// Run `linli schema`.
pub(crate) fn run(args: &SchemaArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let files = select(all_schema_files(), args.record_type.as_deref())?;
    if let Some(dir) = &args.write {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Io { path: dir.clone(), source })?;
        for f in &files {
            let path = dir.join(&f.file_name);
            std::fs::write(&path, f.to_pretty_json()).map_err(|source| CliError::Io { path, source })?;
        }
        if args.record_type.is_none() {
            // The tool schemas (the validator's JSON report) live beside the record schemas.
            let reports = dir.join("reports");
            std::fs::create_dir_all(&reports).map_err(|source| CliError::Io { path: reports.clone(), source })?;
            let path = reports.join("validation-report.schema.json");
            let mut text = serde_json::to_string_pretty(&linli_validate::report::report_schema()).unwrap_or_default();
            text.push('\n');
            std::fs::write(&path, text).map_err(|source| CliError::Io { path, source })?;
        }
        let msg = match lang {
            Lang::Zh => format!("已写入 {} 个文件到 {}\n", files.len(), dir.display()),
            Lang::En => format!("wrote {} files to {}\n", files.len(), dir.display()),
        };
        out.write_all(msg.as_bytes()).map_err(CliError::Stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(dir) = &args.check {
        let differ = if args.record_type.is_some() {
            // One file only: do not report the others as extra.
            linli_model::schema::drift(&files, dir)
                .into_iter()
                .filter(|d| !d.ends_with("not generated from the types"))
                .collect()
        } else {
            linli_model::schema::drift(&files, dir)
        };
        for d in &differ {
            writeln!(out, "{d}").map_err(CliError::Stdout)?;
        }
        if differ.is_empty() {
            let msg = match lang {
                Lang::Zh => format!("{} 个模式文件与类型一致\n", files.len()),
                Lang::En => format!("{} schema files match the types\n", files.len()),
            };
            out.write_all(msg.as_bytes()).map_err(CliError::Stdout)?;
            return Ok(ExitCode::SUCCESS);
        }
        let msg = match lang {
            Lang::Zh => "模式文件与类型不一致；请运行 `linli schema --write schemas/`\n",
            Lang::En => "schemas differ from the types; run `linli schema --write schemas/`\n",
        };
        out.write_all(msg.as_bytes()).map_err(CliError::Stdout)?;
        return Ok(ExitCode::from(1));
    }
    if files.len() == 1 {
        out.write_all(files[0].to_pretty_json().as_bytes()).map_err(CliError::Stdout)?;
    } else {
        let bundle: serde_json::Map<String, serde_json::Value> =
            files.into_iter().map(|f| (f.file_name, f.schema)).collect();
        let text = serde_json::to_string_pretty(&bundle).unwrap_or_default();
        writeln!(out, "{text}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
