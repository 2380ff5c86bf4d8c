//! The dataset target: an exported dataset validated, each class judged by the findings on its
//! requirements.

use super::*;

/// Every record of the NDJSON files under `dir`, ordered by type and id.
pub(crate) fn dataset_records(dir: &Path) -> Vec<serde_json::Value> {
    let mut records = Vec::new();
    for f in files_under(dir, "ndjson") {
        let text = read_text(&f);
        records.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()),
        );
    }
    records.sort_by_key(|r| (r["type"].as_str().unwrap_or("").to_owned(), r["id"].as_str().unwrap_or("").to_owned()));
    records
}

/// Why an exported directory could not be checked.
pub(crate) enum ExportUnchecked {
    /// The validator could not be built (a defect of the harness).
    NoValidator(String),
    /// The directory could not be read as a dataset.
    Unreadable(String),
}

/// The warning- and error-level findings `linli validate` gives for the dataset in `dir`, one
/// line each (code, file, line, pointer).
pub(crate) fn dataset_findings(dir: &Path) -> Result<Vec<String>, ExportUnchecked> {
    let validator = linli_validate::Validator::new().map_err(|e| ExportUnchecked::NoValidator(e.to_string()))?;
    let opts = linli_validate::Options { max_findings: 20, threads: 1, ..linli_validate::Options::default() };
    let report = linli_validate::validate_paths(&[dir.to_path_buf()], &validator, &opts)
        .map_err(|e| ExportUnchecked::Unreadable(e.to_string()))?;
    Ok(report
        .findings
        .iter()
        .filter(|f| f.level != linli_model::check::Level::Info)
        .map(|f| format!("{} {} {}", f.code, place(f, dir), f.pointer))
        .collect())
}

/// Where a finding is: `file:line`, or the file alone for a finding of a whole file (a manifest's,
/// which has no line), never `file:0`. The file is named relative to `base` (the directory of
/// the case or the dataset), so that a report names no temporary folder of the run and reads the
/// same from one run to the next `[CNF-070]`.
pub(super) fn place(f: &linli_validate::finding::Finding, base: &Path) -> String {
    let file = f.file.as_deref().map_or_else(|| "-".to_owned(), |file| relative(file, base));
    match f.line {
        Some(line) if line > 0 => format!("{file}:{line}"),
        _ => file,
    }
}

/// `file` relative to `base` when it lies in it (`person.ndjson`, `sub/a.ndjson`), else as given.
/// The validator names a file under `base` as `base` joined with the file's path, but masks what
/// reads as a personal number in it (the random part of a case directory's name may), so a file
/// that does not start with `base` as written and has more components than `base` loses as many.
fn relative(file: &str, base: &Path) -> String {
    let path = Path::new(file);
    if let Ok(rel) = path.strip_prefix(base) {
        if !rel.as_os_str().is_empty() {
            return rel.to_string_lossy().into_owned();
        }
    }
    let n = base.components().count();
    if path.is_absolute() == base.is_absolute() && path.components().count() > n {
        let rel: PathBuf = path.components().skip(n).collect();
        return rel.to_string_lossy().into_owned();
    }
    file.to_owned()
}
/// A dataset target: validate the export, and judge each class by the findings on its
/// requirements.
pub(super) fn run_dataset(
    dir: &Path,
    spec: &Path,
    summary: &mut Summary,
    event: &mut dyn FnMut(&serde_json::Value),
) -> Vec<Class> {
    if let Some(why) = not_a_dataset_folder(dir) {
        summary.run_errors.push(why);
        return Vec::new();
    }
    let validator = match linli_validate::Validator::new() {
        Ok(v) => v,
        Err(e) => {
            summary.run_errors.push(RunError::new("dataset-unreadable", format!("无法建立校验器：{e}"), e.to_string()));
            return Vec::new();
        }
    };
    let opts = linli_validate::Options {
        max_findings: usize::MAX,
        max_per_rule: 0,
        dataset_checks: true,
        ..linli_validate::Options::default()
    };
    let report = match linli_validate::validate_paths(&[dir.to_path_buf()], &validator, &opts) {
        Ok(r) => r,
        Err(e) => {
            summary.run_errors.push(RunError::new("dataset-unreadable", format!("数据集无法读取：{e}"), e.to_string()));
            return Vec::new();
        }
    };
    if report.records == 0 {
        summary.run_errors.push(RunError::new(
            "dataset-empty",
            "数据集中没有任何记录 [CNF-069]",
            "the dataset holds no record [CNF-069]",
        ));
    }
    let mut by_req: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.level == linli_model::check::Level::Error) {
        if let Some(r) = f.requirement {
            by_req.entry(r.to_owned()).or_default().push(format!("{} {} {}", place(f, dir), f.pointer, f.code));
        }
    }
    // A class is judged when the dataset holds what it is about, or when a finding cites it.
    let mut judged = dataset_classes(dir);
    for r in by_req.keys() {
        let class = class_of_requirement(r);
        if Class::DATASET.contains(&class) && !judged.contains(&class) {
            judged.push(class);
        }
    }
    // A spec that does not read refused the run before (the coverage gate [CNF-020]): the
    // default, no requirements, is never what judges.
    let reqs = crate::coverage::requirements(spec).unwrap_or_default();
    for r in reqs {
        let class = class_of_requirement(&r.id);
        if !Class::DATASET.contains(&class) || r.id.starts_with("CNF-") {
            // Requirements on conversions, on the suite and its runner, and on verifiers are not
            // judged from a dataset.
            continue;
        }
        let fails = by_req.get(&r.id);
        let outcome = if !judged.contains(&class) {
            Outcome::NotApplicable
        } else if fails.is_some() {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        let result = CaseResult {
            id: format!("{}/dataset", r.id),
            case: r.id.clone(),
            op: "dataset",
            class,
            requirements: vec![r.id.clone()],
            outcome,
            detail_zh: if outcome == Outcome::NotApplicable {
                "数据集中没有该类别涉及的内容，不评判".into()
            } else {
                fails
                    .map(|f| {
                        format!("{} 处违反：{}", f.len(), f.iter().take(5).cloned().collect::<Vec<_>>().join("; "))
                    })
                    .unwrap_or_else(|| "未发现违反".into())
            },
            detail_en: if outcome == Outcome::NotApplicable {
                "the dataset holds nothing this class is about: not judged".into()
            } else {
                fails
                    .map(|f| {
                        format!("{} violations: {}", f.len(), f.iter().take(5).cloned().collect::<Vec<_>>().join("; "))
                    })
                    .unwrap_or_else(|| "no violation found".into())
            },
            ms: 0,
        };
        event(&case_event(&result));
        summary.cases.push(result);
    }
    judged
}

/// Why `dir` is not taken as a dataset target `[CNF-069]`: a file (an archive or a single record
/// file: the classes are judged from a dataset directory, so the run says what to give instead
/// of judging nothing) is `dataset-not-directory`; a folder with nothing in it is
/// `dataset-empty`. A path that is not there is left to the validator (`dataset-unreadable`).
pub(super) fn not_a_dataset_folder(dir: &Path) -> Option<RunError> {
    let shown = linli_model::redact::for_output(&dir.display().to_string()).into_owned();
    // A path without a file name (`/`, `..`) is a folder: the default empty name is no archive's.
    let name = dir.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    if dir.is_file() {
        let archive = [".zip", ".tar", ".tar.gz", ".tgz"].iter().any(|x| name.ends_with(x));
        return Some(if archive {
            RunError::new(
                "dataset-not-directory",
                format!(
                    "--dataset {shown}：是压缩包，不是数据集目录；请先解压（unzip / tar -x），再以 --dataset 解压后的目录 运行（linli validate 可直接校验压缩包） [CNF-069]"
                ),
                format!(
                    "--dataset {shown}: an archive, not a dataset directory; extract it first (unzip / tar -x) and give the extracted folder to --dataset (linli validate reads the archive itself) [CNF-069]"
                ),
            )
        } else {
            RunError::new(
                "dataset-not-directory",
                format!(
                    "--dataset {shown}：是单个文件，不是数据集目录；请把记录文件放入一个目录（可用 linli manifest 写出其清单），再以 --dataset 该目录 运行 [CNF-069]"
                ),
                format!(
                    "--dataset {shown}: a single file, not a dataset directory; put the record files in a folder (linli manifest writes its manifest) and give that folder to --dataset [CNF-069]"
                ),
            )
        });
    }
    let empty = dir.is_dir() && std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
    empty.then(|| {
        RunError::new(
            "dataset-empty",
            format!("--dataset {shown}：目录是空的，没有可评判的数据集 [CNF-069]"),
            format!("--dataset {shown}: the folder is empty; there is no dataset to judge [CNF-069]"),
        )
    })
}

/// The classes a dataset target holds evidence for `[CNF-003]`, so
/// that a dataset of one Place does not pass `people` for want of people. `core`: any record;
/// `people`: a Person or an Organization; `places`: a Place; `things`: a Thing; `events`: an
/// Event; `cases`: a Case; `privacy`: a manifest that declares a sharing level other than
/// `internal` (the leak checks apply only then).
pub(super) fn dataset_classes(dir: &Path) -> Vec<Class> {
    let records = dataset_records(dir);
    let has = |types: &[&str]| records.iter().any(|r| r["type"].as_str().is_some_and(|t| types.contains(&t)));
    let manifest = Some(read_text(&dir.join(linli_model::manifest::MANIFEST_FILE)))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t.trim_start_matches('\u{feff}')).ok());
    let shared = manifest
        .as_ref()
        .and_then(|m| m.get("sharingLevel"))
        .and_then(serde_json::Value::as_str)
        .is_some_and(|l| l != "internal");
    let mut out = Vec::new();
    for class in Class::DATASET {
        let evidence = match class {
            Class::Core => !records.is_empty(),
            Class::People => has(&["Person", "Organization"]),
            Class::Places => has(&["Place"]),
            Class::Things => has(&["Thing"]),
            Class::Events => has(&["Event"]),
            Class::Cases => has(&["Case"]),
            Class::Privacy => shared,
            Class::Adapters | Class::Api => false,
        };
        if evidence {
            out.push(*class);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn a_finding_names_its_file_relative_to_the_case_even_when_the_validator_masked_the_folder() {
        let base = Path::new("/w/.work/linli-conformance-31015-0-1-7-0901c82f52d67e1");
        assert_eq!(
            relative("/w/.work/linli-conformance-31015-0-1-7-0901c82f52d67e1/person.ndjson", base),
            "person.ndjson"
        );
        assert_eq!(
            relative("/w/.work/linli-conformance-3101*********0901c82f52d67e1/person.ndjson", base),
            "person.ndjson"
        );
        assert_eq!(relative("/w/.work/linli-conformance-3101*****/sub/a.ndjson", base), "sub/a.ndjson");
        assert_eq!(relative("other.ndjson", base), "other.ndjson");
    }
}
