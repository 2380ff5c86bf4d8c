//! `linli convert` of a register (CSV, Excel) as a stream: records written as rows are read,
//! refused rows into a rejects file, the loss report streamed to its file, memory flat in the
//! number of rows `[ADP-016]`; and `--init-mapping`, `--list-targets`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use linli_adapters::csv_table::{self, Mapping, RegisterItem, RegisterOptions, RowOutcome, TableKind};
use linli_model::RecordType;

use crate::convert_cmd::{ConvertArgs, Format, adapter_error};
use crate::{CliError, Lang};

fn io(path: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |source| CliError::Io { path: path.to_path_buf(), source }
}

/// `--list-targets`: every target of a register mapping.
pub(crate) fn list_targets(lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let head = match lang {
        Lang::Zh => "登记表映射的列目标（[columns] 中写法；Person 目标可省略 person. 前缀）：",
        Lang::En => "Column targets of a register mapping (as written in [columns]; Person targets may omit person.):",
    };
    writeln!(out, "{head}").map_err(CliError::Stdout)?;
    for t in csv_table::targets::catalogue() {
        let how = if lang == Lang::Zh { &t.zh } else { &t.en };
        let personal = match (t.personal, lang) {
            (true, Lang::Zh) => "  [个人信息]",
            (true, Lang::En) => "  [personal]",
            _ => "",
        };
        writeln!(out, "  {:<36} {:<12} {}{personal}", t.target, t.record, how).map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `--init-mapping REGISTER`: a mapping skeleton to `-o` or standard output.
pub(crate) fn init_mapping(
    register: &Path,
    a: &ConvertArgs,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(register).map_err(io(register))?;
    let now = crate::convert_cmd::now();
    let opts = csv_table::init::InitOptions {
        encoding: a.encoding.clone(),
        sheet: a.sheet.clone(),
        file_name: register.file_name().map(|f| f.to_string_lossy().into_owned()),
        created_at: now.to_string(),
    };
    let text = csv_table::init::init_mapping(&bytes, &opts).map_err(|e| adapter_error(register, lang, &e))?;
    match &a.output {
        Some(p) if p.exists() => Err(CliError::Usage(match lang {
            Lang::Zh => format!("{} 已存在：不覆盖（可能是改过的映射）；请换一个文件名或先删除它", p.display()),
            Lang::En => format!(
                "{} exists: not overwritten (it may be an edited mapping); choose another name or remove it",
                p.display()
            ),
        })),
        Some(p) => {
            std::fs::write(p, &text).map_err(io(p))?;
            let msg = match lang {
                Lang::Zh => format!("已写出映射骨架 {}：请核对后用 --mapping 使用", p.display()),
                Lang::En => {
                    format!("mapping skeleton written to {}: check it, then use it with --mapping", p.display())
                }
            };
            writeln!(out, "{msg}").map_err(CliError::Stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Where the records go: one NDJSON file, or one file per record type in a dataset directory.
enum Sink {
    One(BufWriter<File>, PathBuf),
    Dataset { dir: PathBuf, files: BTreeMap<RecordType, BufWriter<File>> },
}

impl Sink {
    fn open(output: &Path) -> Result<Sink, CliError> {
        if output.extension().is_some_and(|x| x == "ndjson") {
            let f = crate::convert_cmd::create_private(output)?;
            return Ok(Sink::One(BufWriter::with_capacity(1 << 16, f), output.to_path_buf()));
        }
        crate::convert_cmd::private_dirs(output)?;
        Ok(Sink::Dataset { dir: output.to_path_buf(), files: BTreeMap::new() })
    }

    fn write(&mut self, r: &linli_model::Record) -> Result<(), CliError> {
        let (w, path) = match self {
            Sink::One(w, path) => (w, path.clone()),
            Sink::Dataset { dir, files } => {
                let ty = r.record_type();
                let path = dir.join(format!("{}.ndjson", ty.schema_stem()));
                let w = match files.entry(ty) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let f = crate::convert_cmd::create_private(&path)?;
                        e.insert(BufWriter::with_capacity(1 << 16, f))
                    }
                };
                (w, path)
            }
        };
        let err = |e: std::io::Error| CliError::Io { path: path.clone(), source: e };
        serde_json::to_writer(&mut *w, r).map_err(|e| err(std::io::Error::other(e)))?;
        w.write_all(b"\n").map_err(err)
    }

    /// Remove what [`Sink::open`] made when no record was written: the file, or the folder when
    /// the run created it.
    fn discard(self, output: &Path, existed: bool) -> Result<(), CliError> {
        match self {
            Sink::One(w, _) => {
                drop(w);
                std::fs::remove_file(output).map_err(io(output))
            }
            Sink::Dataset { dir, files } => {
                debug_assert!(files.is_empty());
                if existed { Ok(()) } else { std::fs::remove_dir(&dir).map_err(io(&dir)) }
            }
        }
    }

    fn finish(self, output: &Path) -> Result<(), CliError> {
        match self {
            Sink::One(mut w, _) => w.flush().map_err(io(output)),
            Sink::Dataset { dir, files } => {
                for (_, mut w) in files {
                    w.flush().map_err(io(&dir))?;
                }
                crate::convert_cmd::write_manifest(&dir)
            }
        }
    }
}

/// The loss report written as it grows, in the form `linli convert --loss-report` always writes:
/// `{"loss": {"entries": [...]}, "errors": [...], "records": N}`.
struct LossFile {
    w: BufWriter<File>,
    path: PathBuf,
    first: bool,
    /// The error lines, kept aside until the loss entries are written.
    errors: BufWriter<File>,
    errors_path: PathBuf,
}

impl LossFile {
    /// One entry, as [`crate::convert_cmd::shown`] shows it.
    fn entry(&mut self, l: &linli_adapters::Loss) -> Result<(), CliError> {
        let sep: &[u8] = if self.first { b"\n    " } else { b",\n    " };
        self.first = false;
        self.w.write_all(sep).map_err(io(&self.path))?;
        let text = crate::to_json(&crate::convert_cmd::shown(l))?;
        let text = linli_validate::report::escape_json_controls(&text);
        self.w.write_all(text.as_bytes()).map_err(io(&self.path))
    }
}

/// Convert a register to canonical records as a stream.
pub(crate) fn convert(
    a: &ConvertArgs,
    mapping: &Mapping,
    input: &Path,
    output: &Path,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    if linli_adapters::coords::Datum::parse(&a.datum) != Some(linli_adapters::coords::Datum::Wgs84) {
        let e = linli_adapters::Error::DatumNotHonoured { format: "csv", datum: "gcj02/bd09" };
        return Err(adapter_error(input, lang, &e));
    }
    let file = File::open(input).map_err(io(input))?;
    let expected = match a.from {
        Some(Format::Xlsx) => TableKind::Xlsx,
        _ => TableKind::Csv,
    };
    let opts = RegisterOptions { encoding: a.encoding.clone(), sheet: a.sheet.clone(), expected: Some(expected) };
    let mut reg =
        csv_table::Register::open(Box::new(file), mapping, &opts).map_err(|e| adapter_error(input, lang, &e))?;
    let header = reg.header();
    let text_enc: &'static encoding_rs::Encoding = encoding_rs::Encoding::for_label(reg.encoding.as_bytes())
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
        .unwrap_or(encoding_rs::UTF_8);
    // Beside the output, named after it (`out/` → `out.rejects.csv`, visible in a file browser).
    let default_rejects = match (output.parent(), output.file_name()) {
        (Some(dir), Some(name)) => {
            let mut n = name.to_owned();
            n.push(".rejects.csv");
            dir.join(n)
        }
        _ => PathBuf::from("rejects.csv"),
    };
    let rejects_path = a.rejects.clone().unwrap_or_else(|| default_rejects.clone());
    // The rejects file never replaces anything but an earlier rejects file of the same output:
    // not the register, not the mapping, not a file named with --rejects, not a link's target.
    let same = |p: &Path, q: &Path| match (std::fs::canonicalize(p), std::fs::canonicalize(q)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    let refuse = |why_zh: &str, why_en: &str| {
        Err(CliError::Usage(match lang {
            Lang::Zh => format!("拒收文件 {}：{why_zh}", rejects_path.display()),
            Lang::En => format!("rejects file {}: {why_en}", rejects_path.display()),
        }))
    };
    if std::fs::symlink_metadata(&rejects_path).is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse("是符号链接，不写入", "is a symbolic link; not written");
    }
    if same(&rejects_path, input) || a.mapping.as_deref().is_some_and(|m| same(&rejects_path, m)) {
        return refuse("与输入或映射文件相同，不覆盖", "is the input or the mapping; not overwritten");
    }
    if a.rejects.is_some() && rejects_path.exists() {
        return refuse("已存在，不覆盖", "exists; not overwritten");
    }
    let existed = output.exists();
    let mut sink = Sink::open(output)?;
    let mut loss_file = match &a.loss_report {
        Some(p) => {
            let mut w = BufWriter::new(crate::convert_cmd::create_private(p)?);
            w.write_all(b"{\n  \"loss\": {\n  \"entries\": [").map_err(io(p))?;
            let mut errors_path = p.as_os_str().to_owned();
            errors_path.push(".errors.tmp");
            let errors_path = PathBuf::from(errors_path);
            let errors = BufWriter::new(crate::convert_cmd::create_private(&errors_path)?);
            Some(LossFile { w, path: p.clone(), first: true, errors, errors_path })
        }
        None => None,
    };
    let mut rejects: Option<BufWriter<File>> = None;
    let bar = progress_bar(a, reg.progress().1);

    let mut records = 0usize;
    let mut rows_converted = 0usize;
    let mut rows_refused = 0usize;
    let mut loss_count: BTreeMap<(linli_adapters::LossKind, &'static str), usize> = BTreeMap::new();
    let mut loss_total = 0usize;
    let mut errors: Vec<String> = Vec::new();
    let mut error_total = 0usize;
    let mut refused_any = false;
    // Each error names the register, as every other reader's errors name their input.
    let file = input.display().to_string();
    let note = |f: &csv_table::RowFinding,
                errors: &mut Vec<String>,
                error_total: &mut usize,
                loss_file: &mut Option<LossFile>|
     -> Result<bool, CliError> {
        let af = linli_adapters::convert::AdapterFinding {
            code: f.code,
            at: match (f.row, &f.column) {
                (0, _) => "file".to_owned(),
                (row, None) => format!("row {row}"),
                (row, Some(c)) => format!("row {row} column {c}"),
            },
            message_zh: f.message_zh.clone(),
            message_en: f.message_en.clone(),
        };
        let refusal = linli_adapters::convert::is_refusal(&af);
        let what = if refusal { "error" } else { "note" };
        let msg = if lang == Lang::Zh { &af.message_zh } else { &af.message_en };
        // The place as the language says it; the loss report keeps `row R column C`.
        let at = match (lang, f.row, &f.column) {
            (Lang::Zh, 0, _) => "文件".to_owned(),
            (Lang::Zh, row, None) => format!("第 {row} 行"),
            (Lang::Zh, row, Some(c)) => format!("第 {row} 行「{c}」列"),
            _ => af.at.clone(),
        };
        let line = format!("{file}: {what}[{}] {at}: {msg}", af.code);
        if refusal {
            *error_total += 1;
        }
        if errors.len() < 20 {
            errors.push(line.clone());
        }
        if let Some(lf) = loss_file {
            lf.error(&line)?;
        }
        Ok(refusal)
    };
    for l in std::mem::take(&mut reg.header_loss) {
        loss_total += 1;
        *loss_count.entry((l.kind, l.code.as_str())).or_default() += 1;
        if let Some(lf) = &mut loss_file {
            lf.entry(&l)?;
        }
    }
    let header_findings = std::mem::take(&mut reg.header_findings);
    for f in &header_findings {
        refused_any |= note(f, &mut errors, &mut error_total, &mut loss_file)?;
    }
    let mut tick = 0u32;
    while let Some(item) = reg.next() {
        tick = tick.wrapping_add(1);
        if tick % 4096 == 0 {
            if let Some(b) = &bar {
                b.set_position(reg.progress().0);
            }
        }
        match item {
            RegisterItem::Finding(f) => refused_any |= note(&f, &mut errors, &mut error_total, &mut loss_file)?,
            RegisterItem::Row { outcome: RowOutcome::Empty, .. } => {}
            RegisterItem::Row { outcome: RowOutcome::Converted { records: rs, loss, notes }, .. } => {
                rows_converted += 1;
                for r in &rs {
                    sink.write(r)?;
                }
                records += rs.len();
                for l in &loss {
                    loss_total += 1;
                    *loss_count.entry((l.kind, l.code.as_str())).or_default() += 1;
                    if let Some(lf) = &mut loss_file {
                        lf.entry(l)?;
                    }
                }
                for f in &notes {
                    refused_any |= note(f, &mut errors, &mut error_total, &mut loss_file)?;
                }
            }
            RegisterItem::Row { cells, outcome: RowOutcome::Refused(reasons), .. } => {
                rows_refused += 1;
                refused_any = true;
                for f in &reasons {
                    note(f, &mut errors, &mut error_total, &mut loss_file)?;
                }
                if rejects.is_none() {
                    let f = crate::convert_cmd::create_private(&rejects_path)?;
                    let mut w = BufWriter::new(f);
                    if text_enc == encoding_rs::UTF_8 {
                        w.write_all(b"\xEF\xBB\xBF").map_err(io(&rejects_path))?;
                    }
                    csv_table::write_rejects_row(&mut w, text_enc, header.len(), &header, csv_table::REASON_COLUMN)
                        .map_err(io(&rejects_path))?;
                    rejects = Some(w);
                }
                if let Some(w) = &mut rejects {
                    csv_table::write_rejects_row(w, text_enc, header.len(), &cells, &csv_table::reasons_zh(&reasons))
                        .map_err(io(&rejects_path))?;
                }
            }
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    // Every row refused: nothing to write, so no output is left (no empty file or folder) and the
    // summary says so [ADP-077].
    let nothing = records == 0 && refused_any;
    if nothing {
        sink.discard(output, existed)?;
    } else {
        sink.finish(output)?;
    }
    match rejects {
        Some(mut w) => w.flush().map_err(io(&rejects_path))?,
        // A rejects file of an earlier run of the same output would mislead: it goes.
        None if a.rejects.is_none() && rejects_path.is_file() => {
            std::fs::remove_file(&rejects_path).map_err(io(&rejects_path))?;
        }
        None => {}
    }
    if let Some(lf) = loss_file {
        lf.finish(records)?;
    }
    let head = match lang {
        Lang::Zh => format!(
            "已转换 {records} 条记录（{rows_converted} 行；拒收 {rows_refused} 行）；损失报告 {loss_total} 项；错误 {error_total} 项"
        ),
        Lang::En => format!(
            "converted {records} records ({rows_converted} rows; {rows_refused} rows refused); {loss_total} loss report entries; {error_total} errors"
        ),
    };
    writeln!(out, "{head}").map_err(CliError::Stdout)?;
    if nothing {
        writeln!(out, "  {}", crate::convert_cmd::not_written(output, lang)).map_err(CliError::Stdout)?;
    }
    for ((kind, code), n) in &loss_count {
        let kind = crate::convert_cmd::loss_kind_shown(*kind, lang);
        let k = format!("{kind} {code}");
        writeln!(out, "  {n:>6}  {k}").map_err(CliError::Stdout)?;
    }
    for e in &errors {
        writeln!(out, "  {}", crate::printable(e)).map_err(CliError::Stdout)?;
    }
    if rows_refused > 0 {
        let msg = match lang {
            Lang::Zh => {
                format!("拒收的行已写入 {}（原列加拒收原因；改正后可用同一映射再次转换）", rejects_path.display())
            }
            Lang::En => format!(
                "refused rows written to {} (the register's columns and the reason; correct them and convert again with the same mapping)",
                rejects_path.display()
            ),
        };
        writeln!(out, "  {msg}").map_err(CliError::Stdout)?;
    }
    Ok(if refused_any { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

impl LossFile {
    /// One error line, its personal numbers masked `[PRI-011]`.
    fn error(&mut self, line: &str) -> Result<(), CliError> {
        let text = crate::to_json(&linli_model::redact::redact(line))?;
        let text = linli_validate::report::escape_json_controls(&text);
        self.errors.write_all(text.as_bytes()).map_err(io(&self.errors_path))?;
        self.errors.write_all(b"\n").map_err(io(&self.errors_path))
    }

    /// Close the loss entries, copy the error lines in, and remove the scratch file.
    fn finish(mut self, records: usize) -> Result<(), CliError> {
        use std::io::BufRead;
        self.errors.flush().map_err(io(&self.errors_path))?;
        drop(self.errors);
        self.w.write_all(b"\n  ]\n  },\n  \"errors\": [").map_err(io(&self.path))?;
        let f = File::open(&self.errors_path).map_err(io(&self.errors_path))?;
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.map_err(io(&self.errors_path))?;
            let sep: &[u8] = if i == 0 { b"\n    " } else { b",\n    " };
            self.w.write_all(sep).map_err(io(&self.path))?;
            self.w.write_all(line.as_bytes()).map_err(io(&self.path))?;
        }
        let tail = format!("\n  ],\n  \"records\": {records}\n}}\n");
        self.w.write_all(tail.as_bytes()).map_err(io(&self.path))?;
        self.w.flush().map_err(io(&self.path))?;
        std::fs::remove_file(&self.errors_path).map_err(io(&self.errors_path))
    }
}

fn progress_bar(a: &ConvertArgs, total: u64) -> Option<indicatif::ProgressBar> {
    if a.no_progress || total < (8 << 20) || !std::io::stderr().is_terminal() {
        return None;
    }
    Some(crate::bytes_bar(total))
}
