//! The store as a dataset `[API-032]`, `[API-033]`: one NDJSON file per record type
//! (`person.ndjson`, …, the type's schema stem), each record's canonical JSON on one line in id
//! order, and a manifest made by [`linli_validate::dataset::build_manifest`] with the node as
//! producer, sharing level `internal` and the export's reference time as `createdAt`. An export
//! at a level is that dataset masked by `linli mask --profile LEVEL` with the node's key and the
//! same reference time; a report is `linli validate` of it.

use std::io::Write;
use std::path::{Path, PathBuf};

use linli_model::codes::{CodeTable, SharingLevel};
use linli_model::datetime::Timestamp;
use linli_model::manifest::{MANIFEST_FILE, Producer};
use linli_model::text::Text;
use linli_privacy::Profile;

use crate::store::{ListQuery, Store};

/// Why the store could not be written as a dataset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A file could not be written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The manifest, masking or validation failed.
    #[error("{0}")]
    Other(String),
}

/// The producer a node's datasets name.
pub fn producer() -> Result<Producer, DatasetError> {
    let t = |s: &str| Text::new(s).map_err(|e| DatasetError::Other(e.to_string()));
    Ok(Producer::new(t("Linli")?, t("linli serve")?, t(env!("CARGO_PKG_VERSION"))?))
}

/// Write every live record of the store into `dir` as a dataset with reference time `at`.
/// Returns the number of records.
pub fn write_store(store: &dyn Store, dir: &Path, at: Timestamp) -> Result<u64, DatasetError> {
    let mut files: Vec<(String, std::io::BufWriter<std::fs::File>)> = Vec::new();
    let mut after = None;
    let mut n = 0u64;
    loop {
        let page = store.list(&ListQuery { after: after.clone(), limit: 1000, ..Default::default() })?;
        let Some(last) = page.last() else { break };
        after = Some((last.record_type, last.id.clone()));
        for r in &page {
            let Some(body) = &r.body else { continue };
            let name = format!("{}.ndjson", r.record_type.schema_stem());
            if files.last().map(|(f, _)| f.as_str()) != Some(name.as_str()) {
                let f = std::fs::File::create(dir.join(&name))?;
                files.push((name, std::io::BufWriter::new(f)));
            }
            if let Some((_, w)) = files.last_mut() {
                w.write_all(body.as_bytes())?;
                w.write_all(b"\n")?;
            }
            n += 1;
        }
    }
    for (_, mut w) in files {
        w.flush()?;
    }
    let manifest = linli_validate::dataset::build_manifest(dir, producer()?, SharingLevel::Internal, at)
        .map_err(|e| DatasetError::Other(e.to_string()))?;
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| DatasetError::Other(e.to_string()))?;
    std::fs::write(dir.join(MANIFEST_FILE), text)?;
    Ok(n)
}

/// The store masked to `level` as a tar: the files `linli mask --profile LEVEL` writes for the
/// store's dataset, in name order, each with mode 0644, owner 0 and time 0.
pub fn export_tar(
    store: &dyn Store,
    views: &crate::view::Views,
    level: SharingLevel,
    at: Timestamp,
    work: &Path,
) -> Result<tempfile::NamedTempFile, DatasetError> {
    let tmp = tempfile::Builder::new().prefix(".linli-export-").tempdir_in(work)?;
    let raw = tmp.path().join("store");
    std::fs::create_dir(&raw)?;
    write_store(store, &raw, at)?;
    let out = tmp.path().join("masked");
    let profile: &Profile = views.profile(level);
    // The tool `linli mask` names: the export is its output, byte for byte [API-032].
    let tool = Text::new(format!("linli mask {}", env!("CARGO_PKG_VERSION")))
        .map_err(|e| DatasetError::Other(e.to_string()))?;
    let opts = linli_privacy::Options { profile, key: views.key(), created_at: Some(at), tool, threads: 1 };
    linli_privacy::mask_path(&raw, &out, &opts).map_err(|e| DatasetError::Other(e.message(false)))?;
    let mut names: Vec<PathBuf> = std::fs::read_dir(&out)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    names.sort();
    let file = tempfile::NamedTempFile::new_in(work)?;
    let mut b = tar::Builder::new(std::io::BufWriter::new(file.reopen()?));
    for p in names {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else { continue };
        let bytes = std::fs::read(&p)?;
        let mut h = tar::Header::new_ustar();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, bytes.as_slice())?;
    }
    b.into_inner()?.flush()?;
    Ok(file)
}

/// The dataset-level report over the store `[API-033]`: `linli validate` of the store's dataset,
/// the dataset folder named `store` in the report.
pub fn report(
    store: &dyn Store,
    validator: &linli_validate::Validator,
    work: &Path,
) -> Result<linli_validate::Report, DatasetError> {
    let tmp = tempfile::Builder::new().prefix(".linli-report-").tempdir_in(work)?;
    let dir = tmp.path().join("store");
    std::fs::create_dir(&dir)?;
    write_store(store, &dir, linli_model::support::clock::now_china())?;
    let opts = linli_validate::Options { dataset_checks: true, threads: 1, ..Default::default() };
    let mut r = linli_validate::validate_paths(std::slice::from_ref(&dir), validator, &opts)
        .map_err(|e| DatasetError::Other(e.message(false)))?;
    relative(&mut r, &format!("{}/", tmp.path().display()));
    Ok(r)
}

/// A report's paths without the node's work folder `prefix`: findings' files, inputs and
/// datasets name what the caller knows (`store/…`, the uploaded file's name).
pub fn relative(r: &mut linli_validate::Report, prefix: &str) {
    let strip = |s: &mut String| {
        if s.contains(prefix) {
            *s = s.replace(prefix, "");
        }
    };
    for f in &mut r.findings {
        if let Some(file) = f.file.as_mut() {
            strip(file);
        }
        strip(&mut f.message_en);
        strip(&mut f.message_zh);
    }
    for i in &mut r.inputs {
        strip(&mut i.path);
    }
    for d in &mut r.datasets {
        strip(&mut d.path);
    }
}

/// The level named `name` (`internal`, `inter-department`, `public`).
pub fn level(name: &str) -> Option<SharingLevel> {
    SharingLevel::from_code(name)
}
