//! What each input is (a dataset, a folder, an archive, a plain file) and how it is read.

use super::*;
use crate::codes::Code;
/// Check `root` as a dataset of its own (`before`: findings about how it was found, such as the
/// refused entries of an archive).
pub(super) fn dataset(run: &mut Run<'_>, root: &Path, label: &str, before: Vec<Finding>) -> Result<(), RunError> {
    run.report.dataset_checks = true;
    let inner = run.new_index();
    let outer = run.index.replace(inner);
    for f in before {
        // A finding that names no file keeps naming none (not an empty file name).
        match f.file.clone() {
            Some(file) => run.push(f, &file, None),
            None => run.emit(f),
        }
    }
    let done = dataset_dir(run, root, label);
    run.sharing = None;
    run.names = linli_privacy::leak::Names::default();
    done?;
    run.finish_index();
    run.index = outer;
    Ok(())
}

/// A folder without a manifest must hold data to check: a run error otherwise, saying what was
/// expected [DAT-020].
pub(super) fn folder_has_data(root: &Path, label: &str) -> Result<(), RunError> {
    pub(super) const EXPECTED_ZH: &str =
        "应为含 manifest.json 的数据集目录，或含 Linli 记录文件（.ndjson、.json、.ndjson.gz）的文件夹";
    pub(super) const EXPECTED_EN: &str = "expected a dataset directory with manifest.json, or a folder of Linli record files (.ndjson, .json, .ndjson.gz)";
    let files = data_files(root);
    if files.is_empty() {
        return Err(RunError::input(
            label,
            "input-empty-folder",
            format!("文件夹中没有文件：{EXPECTED_ZH}"),
            format!("the folder holds no file: {EXPECTED_EN}"),
        ));
    }
    let mut foreign = Vec::new();
    for rel in &files {
        let Ok((_, mut file)) = linli_model::member::check_regular(&root.join(rel)) else {
            // A FIFO or a device: reported when the folder is read.
            return Ok(());
        };
        match crate::sniff::sniff(&mut file) {
            Ok(crate::sniff::Sniffed::Foreign(f)) => foreign.push(f),
            _ => return Ok(()),
        }
    }
    let mut kinds: Vec<&str> = foreign.iter().map(|f| f.what().1).collect();
    kinds.dedup();
    let mut kinds_zh: Vec<&str> = foreign.iter().map(|f| f.what().0).collect();
    kinds_zh.dedup();
    let hint = foreign[0].hint();
    Err(RunError::input(
        label,
        "input-no-data",
        format!(
            "文件夹中没有 manifest.json，也没有 Linli 数据文件（{} 个文件：{}）：{EXPECTED_ZH}。{}",
            files.len(),
            kinds_zh.join("、"),
            hint.0
        ),
        format!(
            "the folder has no manifest.json and no Linli data file ({} file(s): {}): {EXPECTED_EN}. Hint: {}",
            files.len(),
            kinds.join(", "),
            hint.1
        ),
    ))
}

/// A file to read, and how to open it (again: several threads each read a part of a file).
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    /// A file named on the command line, opened as named.
    Named(&'a Path),
    /// A file of a dataset or a folder, checked and opened once: opened again only as that very
    /// file `[DAT-014]`.
    Checked(&'a linli_model::member::Checked),
}

impl Source<'_> {
    pub(super) fn open(self) -> std::io::Result<std::fs::File> {
        match self {
            Source::Named(p) => std::fs::File::open(p),
            Source::Checked(c) => c.open_io(),
        }
    }

    pub(super) fn len(self) -> std::io::Result<u64> {
        match self {
            Source::Named(p) => Ok(std::fs::metadata(p)?.len()),
            Source::Checked(c) => Ok(c.len()),
        }
    }
}

/// The finding for a file that could not be read to its end.
pub(super) fn read_error(e: &std::io::Error) -> Finding {
    Finding::new(Code::ReadError, Level::Error, Some("DAT-002"), format!("读取失败：{e}"), format!("read failed: {e}"))
}

impl InputSummary {
    /// An input that was read, with its statistics.
    pub(super) fn read(path: String, kind: InputKind, stats: FileStats) -> Self {
        InputSummary { path, kind, bytes: stats.bytes, records: stats.records, sha256: stats.sha256 }
    }
}

/// A file found in a folder: read only when it is a regular file. A FIFO, a socket or a device
/// would block the validator or never end; it is reported as unreadable instead.
pub(super) fn folder_file(run: &mut Run<'_>, path: &Path, label: &str) -> Result<(), RunError> {
    match linli_model::member::check_regular(path) {
        Ok((checked, _)) => plain_file(run, path, Source::Checked(&checked), label, false),
        Err(e) => {
            let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, e.message_en());
            run.push(read_error(&e), label, None);
            Ok(())
        }
    }
}

/// The finding for a file of a folder or a dataset that is not read: it is not Linli records
/// [DAT-019].
pub(super) fn not_linli_finding(err: RunError) -> Finding {
    let (zh, en) = match err {
        RunError::Input { zh, en, .. } => (zh, en),
        other => (other.to_string(), other.to_string()),
    };
    Finding::new(Code::InputNotLinli, Level::Error, Some("DAT-019"), zh, en)
}

/// Read one file given on the command line (`top`) or found in a folder without a manifest,
/// after looking at its first bytes [DAT-019]: what is not Linli records stops the run when
/// given on the command line, and is a finding about the file in a folder.
pub(super) fn plain_file(
    run: &mut Run<'_>,
    path: &Path,
    src: Source<'_>,
    label: &str,
    top: bool,
) -> Result<(), RunError> {
    use crate::sniff::Sniffed;
    let by_name = InputKind::of(path);
    let summary = |kind| InputSummary { path: label.to_owned(), kind, bytes: 0, records: 0, sha256: String::new() };
    let sniffed = match src.open().and_then(|mut f| crate::sniff::sniff(&mut f)) {
        Ok(s) => s,
        Err(e) => {
            run.push(read_error(&e), label, None);
            run.report.inputs.push(summary(by_name));
            return Ok(());
        }
    };
    let kind = match sniffed {
        // Nothing to read: an error about the file [DAT-020].
        Sniffed::Empty => {
            run.file_id(label);
            run.push(input::empty_finding(1), label, None);
            run.report.inputs.push(summary(by_name));
            return Ok(());
        }
        Sniffed::GzipJson => InputKind::NdjsonGz,
        Sniffed::Json if by_name == InputKind::NdjsonGz => InputKind::Ndjson,
        Sniffed::Json => by_name,
        Sniffed::Zip | Sniffed::Tar { .. } => {
            let kind = match sniffed {
                Sniffed::Tar { gz } => crate::archive::Kind::Tar { gz },
                _ => crate::archive::Kind::Zip,
            };
            return match archive(run, src, label, kind) {
                Err(e @ RunError::Input { .. }) if !top => {
                    run.push(not_linli_finding(e), label, None);
                    Ok(())
                }
                other => other,
            };
        }
        Sniffed::Foreign(f) if top => return Err(RunError::foreign(label, f)),
        Sniffed::Foreign(f) => {
            run.push(not_linli_finding(RunError::foreign(label, f)), label, None);
            run.report.inputs.push(summary(by_name));
            return Ok(());
        }
    };
    match run.file(src, label, kind, None) {
        Ok(stats) => run.report.inputs.push(InputSummary::read(label.to_owned(), kind, stats)),
        Err(e) if input::gzip_limit(&e).is_some() => return Err(limit_error(label, &e)),
        Err(e) => {
            let f = read_error(&e);
            run.push(f, label, None);
            run.report.inputs.push(summary(kind));
        }
    }
    Ok(())
}

/// A zip or tar(.gz) archive: written out under limits and checked as the dataset it holds
/// [DAT-021] [DAT-022]. Its files are labelled `ARCHIVE!/path`.
pub(super) fn archive(
    run: &mut Run<'_>,
    src: Source<'_>,
    label: &str,
    kind: crate::archive::Kind,
) -> Result<(), RunError> {
    let limits = crate::archive::Limits { max_bytes: run.opts.max_archive_bytes, ..Default::default() };
    let file = src.open().map_err(|source| RunError::Io { path: PathBuf::from(label), source })?;
    let extracted =
        crate::archive::extract(file, kind, limits).map_err(|e| RunError::input(label, e.code, e.zh, e.en))?;
    let Some(root) = extracted.root.as_deref() else {
        return Err(RunError::input(
            label,
            "input-archive",
            "压缩包中没有数据集：根目录或唯一的顶层文件夹中没有 manifest.json，未校验。请解压后校验其中的文件，或用 `linli manifest` 为数据集目录写清单后重新打包".into(),
            "the archive holds no dataset: no manifest.json at its root or in its one top folder; not validated. Extract it and validate its files, or write the dataset directory's manifest with `linli manifest` and pack it again".into(),
        ));
    };
    let inner = if root.is_empty() { format!("{label}!") } else { format!("{label}!/{root}") };
    let before = extracted
        .refused
        .into_iter()
        .map(|mut f| {
            f.file = Some(match f.file.as_deref() {
                Some(path) => format!("{label}!/{path}"),
                None => format!("{label}!"),
            });
            f
        })
        .collect();
    let dir = extracted.dir.path().join(root);
    let done = dataset(run, &dir, &inner, before);
    drop(extracted.dir);
    done
}

/// The run error for a gzip stream that broke a limit of an archive `[DAT-022]`.
pub(super) fn limit_error(label: &str, e: &std::io::Error) -> RunError {
    match input::gzip_limit(e) {
        Some((code, zh, en)) => RunError::input(label, code, zh.to_owned(), en.to_owned()),
        None => RunError::Io { path: PathBuf::from(label), source: std::io::Error::new(e.kind(), e.to_string()) },
    }
}
