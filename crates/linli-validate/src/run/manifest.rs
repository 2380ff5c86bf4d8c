//! A dataset directory: its manifest read and checked, its listed files validated against it.

use super::*;
use crate::codes::Code;
impl DatasetSummary {
    /// What a manifest says about its dataset.
    pub(super) fn of(label: &str, m: &Manifest) -> Self {
        DatasetSummary {
            path: label.to_owned(),
            vendor: m.producer.vendor.to_string(),
            product: m.producer.product.to_string(),
            product_version: m.producer.product_version.to_string(),
            sharing_level: m.sharing_level,
            created_at: m.created_at.to_string(),
            standard_version: m.standard_version.clone(),
        }
    }
}

pub(super) fn manifest_finding(
    code: Code,
    level: Level,
    req: &'static str,
    zh: String,
    en: String,
    pointer: String,
) -> Finding {
    Finding::new(code, level, Some(req), zh, en).at(pointer)
}

/// The finding for a dataset file that is not opened [DAT-013] [DAT-014].
pub(super) fn member_finding(e: &linli_model::member::MemberError, pointer: String) -> Finding {
    use linli_model::member::Refusal;
    let (code, req) = match e.refusal {
        Refusal::Characters => (Code::ManifestPathCharacters, "DAT-014"),
        Refusal::NotRelative | Refusal::Escapes | Refusal::Outside => (Code::ManifestPathEscapes, "DAT-014"),
        Refusal::Symlink | Refusal::Changed => (Code::ManifestPathSymlink, "DAT-014"),
        Refusal::Missing => (Code::ManifestFileMissing, "DAT-013"),
        Refusal::Unreadable => (Code::ReadError, "DAT-002"),
        _ => (Code::ManifestPathNotRegular, "DAT-014"),
    };
    manifest_finding(code, Level::Error, req, e.message_zh(), e.message_en(), pointer)
}

/// Data files in a dataset directory (not following links), relative `/`-separated paths.
pub(super) fn data_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            let Ok(ft) = e.file_type() else { continue };
            // Links are never followed; a listed path through one is reported on its own.
            if ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                stack.push((e.path(), rel));
            } else if rel != MANIFEST_FILE {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

pub(super) fn dataset_dir(run: &mut Run<'_>, root: &Path, label: &str) -> Result<(), RunError> {
    let manifest_path = root.join(MANIFEST_FILE);
    let manifest_label = format!("{label}/{MANIFEST_FILE}");
    run.report.inputs.push(InputSummary {
        path: label.to_owned(),
        kind: InputKind::Dataset,
        bytes: 0,
        records: 0,
        sha256: String::new(),
    });
    // The manifest is opened like the files it lists: a regular file, not a link, never a FIFO
    // that could block [DAT-014].
    let manifest: Option<Manifest> = match linli_model::member::read_member(root, MANIFEST_FILE).map(String::from_utf8)
    {
        Err(e) if e.refusal == linli_model::member::Refusal::Missing => {
            run.push(
                manifest_finding(
                    Code::ManifestMissing,
                    Level::Error,
                    "DAT-010",
                    "数据集目录缺少 manifest.json；仍将校验其中的数据文件".into(),
                    "the dataset directory has no manifest.json; its data files are still checked".into(),
                    String::new(),
                ),
                &manifest_label,
                None,
            );
            None
        }
        Err(e) if e.refusal == linli_model::member::Refusal::Unreadable => {
            return Err(RunError::Io { path: manifest_path, source: e.into_io() });
        }
        // A link, a FIFO, a directory …: not opened [DAT-014]; the files are checked one by one.
        Err(e) => {
            run.push(member_finding(&e, String::new()), &manifest_label, None);
            None
        }
        // Bytes that are not UTF-8 are no JSON text: a finding about the dataset, not a failure
        // to read it (its data files are still checked).
        Ok(Err(_)) => {
            run.push(
                manifest_finding(
                    Code::ManifestSyntax,
                    Level::Error,
                    "DAT-010",
                    "manifest.json 无效：不是有效的 UTF-8".into(),
                    "manifest.json is not valid: not valid UTF-8".into(),
                    String::new(),
                ),
                &manifest_label,
                None,
            );
            None
        }
        Ok(Ok(text)) => {
            // A byte order mark is reported as for a data file [CON-002].
            let body = match text.strip_prefix('\u{feff}') {
                Some(rest) => {
                    run.push(input::bom_finding(), &manifest_label, None);
                    rest
                }
                None => text.as_str(),
            };
            read_manifest(run, body, &manifest_label)
        }
    };
    let Some(manifest) = manifest else {
        // Validate what is there, guessing each file's kind from its name.
        for rel in data_files(root) {
            folder_file(run, &root.join(&rel), &format!("{label}/{rel}"))?;
        }
        return Ok(());
    };
    check_manifest_header(run, &manifest, &manifest_label);
    run.report.datasets.push(DatasetSummary::of(label, &manifest));
    if manifest.sharing_level != linli_model::codes::SharingLevel::Internal {
        // The built-in profiles are part of the binary; one that does not load is a build defect
        // that the tests of linli-privacy catch.
        // Ages are judged on the date of the manifest's `createdAt`, never on the day the
        // validator runs `[SHR-007]`.
        run.sharing = linli_privacy::Profile::for_level(manifest.sharing_level)
            .ok()
            .map(|p| (p, manifest.created_at.local_date()));
    }
    if run.sharing.is_some() {
        // A first pass over the persons and organizations: the names still given in full
        // `[SHR-052]`. Only files the main pass will read; what fails there is reported there.
        for entry in &manifest.files {
            let named =
                matches!(entry.record_type, linli_model::RecordType::Person | linli_model::RecordType::Organization);
            if !named {
                continue;
            }
            if let Ok(src) = linli_privacy::dataset::Source::member(root, &entry.path, None) {
                let _ = linli_privacy::dataset::names_of(&src, &mut run.names);
            }
        }
    }
    if let Some(index) = run.index.as_mut() {
        if manifest.sharing_level == linli_model::codes::SharingLevel::Public {
            index.require_community_residences();
        }
        for ext in &manifest.external_refs {
            index.declare_external(ext.record_type, ext.id.as_ref().map(|i| i.as_str()));
        }
    }
    let mut listed = Vec::new();
    for (i, entry) in manifest.files.iter().enumerate() {
        let ptr = format!("/files/{i}/path");
        if listed.contains(&entry.path) {
            run.push(
                manifest_finding(
                    Code::ManifestDuplicateFile,
                    Level::Error,
                    "DAT-013",
                    format!("文件 `{}` 在清单中重复列出", entry.path),
                    format!("file `{}` is listed twice", entry.path),
                    ptr,
                ),
                &manifest_label,
                None,
            );
            continue;
        }
        listed.push(entry.path.clone());
        // Only a regular file inside the directory, reached without a link, is opened [DAT-014].
        let (checked, mut opened) = match linli_model::member::check_member(root, &entry.path) {
            Ok(c) => c,
            Err(e) => {
                run.push(member_finding(&e, ptr), &manifest_label, None);
                continue;
            }
        };
        let file_label = format!("{label}/{}", entry.path);
        // Its bytes say what it is, whatever its name [DAT-019]: gzip is read as gzip, and a
        // table, a workbook or an archive is not read at all.
        use crate::sniff::Sniffed;
        let kind = match crate::sniff::sniff(&mut opened) {
            Ok(Sniffed::GzipJson) => InputKind::NdjsonGz,
            Ok(Sniffed::Foreign(f)) => {
                run.push(not_linli_finding(RunError::foreign(&file_label, f)), &file_label, None);
                continue;
            }
            Ok(Sniffed::Zip | Sniffed::Tar { .. }) => {
                let e = RunError::input(
                    &file_label,
                    "input-archive",
                    "这是压缩包，不是数据文件：数据集中的数据文件须为 NDJSON（可用 gzip 压缩）".into(),
                    "this is an archive, not a data file: the data files of a dataset are NDJSON (gzip allowed)".into(),
                );
                run.push(not_linli_finding(e), &file_label, None);
                continue;
            }
            _ => InputKind::Ndjson,
        };
        drop(opened);
        match run.file(Source::Checked(&checked), &file_label, kind, Some(entry.record_type)) {
            Ok(stats) => {
                if stats.sha256 != entry.sha256.as_str() {
                    run.push(
                        manifest_finding(
                            Code::ManifestHashMismatch,
                            Level::Error,
                            "DAT-013",
                            format!("文件 `{}` 的 SHA-256 与清单不符（实际 {}）", entry.path, stats.sha256),
                            format!("SHA-256 of `{}` differs from the manifest (actual {})", entry.path, stats.sha256),
                            format!("/files/{i}/sha256"),
                        ),
                        &manifest_label,
                        None,
                    );
                }
                if stats.records != entry.records {
                    run.push(
                        manifest_finding(
                            Code::ManifestCountMismatch,
                            Level::Error,
                            "DAT-013",
                            format!("文件 `{}` 有 {} 条记录，清单写 {}", entry.path, stats.records, entry.records),
                            format!(
                                "`{}` holds {} records, the manifest says {}",
                                entry.path, stats.records, entry.records
                            ),
                            format!("/files/{i}/records"),
                        ),
                        &manifest_label,
                        None,
                    );
                }
                run.report.inputs.push(InputSummary::read(file_label, kind, stats));
            }
            // A gzip bomb stops the run, as an archive's does [DAT-022].
            Err(e) if input::gzip_limit(&e).is_some() => return Err(super::inputs::limit_error(&file_label, &e)),
            Err(e) => {
                let f = read_error(&e);
                run.push(f, &file_label, None);
            }
        }
    }
    for rel in data_files(root) {
        if !listed.contains(&rel) {
            run.push(
                manifest_finding(
                    Code::ManifestExtraFile,
                    Level::Error,
                    "DAT-013",
                    format!("文件 `{rel}` 不在清单中"),
                    format!("file `{rel}` is not listed in the manifest"),
                    "/files".into(),
                ),
                &manifest_label,
                None,
            );
        }
    }
    Ok(())
}

/// Read the manifest's text: a member given twice is refused like in a record [CON-002].
pub(super) fn read_manifest(run: &mut Run<'_>, body: &str, manifest_label: &str) -> Option<Manifest> {
    if let Err(linli_model::json::TextProblem::DuplicateMember { pointer }) = linli_model::json::check_text(body) {
        run.push(
            manifest_finding(
                Code::ManifestInvalid,
                Level::Error,
                "DAT-010",
                format!("manifest.json 中同一对象的成员名 `{pointer}` 出现两次"),
                format!("manifest.json gives the member `{pointer}` twice in one object"),
                // Manifest-wide findings point at the manifest itself [CON-071].
                String::new(),
            ),
            manifest_label,
            None,
        );
        return None;
    }
    match serde_json::from_str::<Manifest>(body) {
        Ok(m) => Some(m),
        Err(e) => {
            let syntax = e.is_syntax() || e.is_eof();
            let code = if syntax { Code::ManifestSyntax } else { Code::ManifestInvalid };
            // The place in each language, serde's own words after it in parentheses [CON-055].
            let msg = e.to_string();
            let at = format!(" at line {} column {}", e.line(), e.column());
            let words = msg.strip_suffix(&at).unwrap_or(&msg);
            let what_zh = if syntax { "不是合法的 JSON" } else { "不符合清单的格式" };
            let zh = if e.line() > 0 {
                format!("manifest.json {what_zh}：第 {} 行第 {} 列（{words}）", e.line(), e.column())
            } else {
                format!("manifest.json {what_zh}（{words}）")
            };
            let mut f = manifest_finding(
                code,
                Level::Error,
                "DAT-010",
                zh,
                format!("manifest.json is not valid: {e}"),
                String::new(),
            );
            f.line = Some(e.line() as u64);
            run.push(f, manifest_label, None);
            None
        }
    }
}

pub(super) fn check_manifest_header(run: &mut Run<'_>, m: &Manifest, label: &str) {
    let ours: Vec<&str> = linli_model::STANDARD_VERSION.split('.').collect();
    let theirs: Vec<&str> = m.standard_version.split('.').collect();
    if theirs.len() != 3 || theirs.iter().any(|p| p.parse::<u32>().is_err()) {
        run.push(
            manifest_finding(
                Code::ManifestStandardVersion,
                Level::Error,
                "DAT-011",
                format!("标准版本 `{}` 不是 主.次.修订 形式", m.standard_version),
                format!("standard version `{}` is not MAJOR.MINOR.PATCH", m.standard_version),
                "/standardVersion".into(),
            ),
            label,
            None,
        );
    } else if theirs[..2] != ours[..2] {
        run.push(
            manifest_finding(
                Code::ManifestStandardVersion,
                Level::Warning,
                "DAT-011",
                format!("数据集遵循标准 {}，校验器实现 {}", m.standard_version, linli_model::STANDARD_VERSION),
                format!(
                    "the dataset follows standard {}, this validator implements {}",
                    m.standard_version,
                    linli_model::STANDARD_VERSION
                ),
                "/standardVersion".into(),
            ),
            label,
            None,
        );
    }
    let v = m.producer.product_version.as_str().to_ascii_lowercase();
    if matches!(v.as_str(), "latest" | "main" | "master" | "head" | "dev" | "snapshot") {
        run.push(
            manifest_finding(
                Code::ManifestProductVersion,
                Level::Warning,
                "DAT-010",
                format!("产品版本 `{v}` 不是确定的版本"),
                format!("product version `{v}` is not a definite version"),
                "/producer/productVersion".into(),
            ),
            label,
            None,
        );
    }
    // What the manifest says of how the data was treated `[DAT-017]`; above `internal` it must
    // say it `[DAT-018]`.
    use linli_model::codes::CodeTable;
    if m.protection.is_none() && m.sharing_level != linli_model::codes::SharingLevel::Internal {
        run.push(
            manifest_finding(
                Code::ManifestProtectionMissing,
                Level::Error,
                "DAT-018",
                format!("共享级别为 `{}` 的数据集清单缺少 protection（所用共享配置）", m.sharing_level.code()),
                format!(
                    "a dataset at sharing level `{}` has no protection in its manifest (the profile applied)",
                    m.sharing_level.code()
                ),
                "/protection".into(),
            ),
            label,
            None,
        );
    }
    if let Some(p) = &m.protection {
        if let Some(k) = &p.key_id {
            if !(k.len() == 16 && k.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))) {
                // Never quoted: a tool that writes something else here may have written the key.
                run.push(
                    manifest_finding(
                        Code::ManifestProtection,
                        Level::Error,
                        "DAT-017",
                        "protection.keyId 不是密钥标识（16 位小写十六进制）；清单中不得写入密钥".into(),
                        "protection.keyId is not a key id (16 lower-case hexadecimal digits); a manifest must never hold the key".into(),
                        "/protection/keyId".into(),
                    ),
                    label,
                    None,
                );
            }
        }
        let built_in = linli_model::codes::SharingLevel::from_code(p.profile.as_str());
        if built_in.is_some_and(|level| level != m.sharing_level) {
            run.push(
                manifest_finding(
                    Code::ManifestProtection,
                    Level::Error,
                    "DAT-017",
                    format!("内置共享配置 `{}` 与清单的共享级别 `{}` 不符", p.profile, m.sharing_level.code()),
                    format!(
                        "the built-in profile `{}` does not give the manifest's sharing level `{}`",
                        p.profile,
                        m.sharing_level.code()
                    ),
                    "/protection/profile".into(),
                ),
                label,
                None,
            );
        }
    }
}
