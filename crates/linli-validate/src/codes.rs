//! The validator's own finding codes, in one table (spec `spec/21-validation.md`, generated from
//! this table). Record-level semantic codes live in `linli_model::check::FindingCode`.

use linli_model::check::Level;

/// One documented code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The stable code.
    pub code: &'static str,
    /// Its usual level (a few codes are reported at another level in a stated situation).
    pub level: Level,
    /// The requirement it enforces.
    pub requirement: &'static str,
    /// Group, for the spec table.
    pub group: &'static str,
    /// Chinese title.
    pub title_zh: &'static str,
    /// English title.
    pub title_en: &'static str,
}

impl CodeInfo {
    /// The row of a code the validator shares with the crates below it, as written there.
    const fn shared(c: linli_model::check::SharedCode) -> Self {
        CodeInfo {
            code: c.as_str(),
            level: c.level(),
            requirement: c.requirement(),
            group: c.group(),
            title_zh: c.title_zh(),
            title_en: c.title_en(),
        }
    }
}

/// A row of the table: written here, or `shared`, a code of the table the validator shares with
/// the crates below it ([`linli_model::check::SharedCode`]), whose row is written there once.
macro_rules! row {
    (doc; $v:ident; shared) => {
        concat!(
            "A code shared with the crates below the validator: [`linli_model::check::SharedCode::",
            stringify!($v),
            "`]."
        )
    };
    (doc; $v:ident; $code:literal, $level:ident, $req:literal, $group:literal, $zh:literal, $en:literal) => {
        concat!("`", $code, "` (", $req, "): ", $en)
    };
    (info; $v:ident; shared) => {
        CodeInfo::shared(linli_model::check::SharedCode::$v)
    };
    (info; $v:ident; $code:literal, $level:ident, $req:literal, $group:literal, $zh:literal, $en:literal) => {
        CodeInfo { code: $code, level: Level::$level, requirement: $req, group: $group, title_zh: $zh, title_en: $en }
    };
}

macro_rules! table {
    ($($variant:ident = $($row:tt),+;)+) => {
        /// A code the validator reports besides the model's semantic codes: the only way to name
        /// one where a finding is made, so that a mistyped code does not compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = row!(doc; $variant; $($row),+)] $variant,)+
        }

        impl Code {
            /// The stable code as reported.
            pub fn as_str(self) -> &'static str {
                self.info().code
            }

            /// Its row of [`CODES`].
            pub fn info(self) -> &'static CodeInfo {
                &CODES[self as usize]
            }
        }

        impl linli_model::support::code::TableCode for Code {
            fn as_code_str(self) -> &'static str {
                self.as_str()
            }
        }

        /// Every code the validator reports besides the model's semantic codes.
        pub const CODES: &[CodeInfo] = &[$(row!(info; $variant; $($row),+)),+];
    };
}

table! {
    Utf8Bom = "utf8-bom", Warning, "CON-002", "input", "文件以 UTF-8 BOM 开头", "The file starts with a UTF-8 byte order mark";
    InvalidUtf8 = "invalid-utf8", Error, "CON-002", "input", "不是有效的 UTF-8", "Not valid UTF-8";
    LineTooLong = shared;
    BlankLines = "blank-lines", Info, "DAT-002", "input", "跳过的空行", "Blank lines skipped";
    EmptyInput = "empty-input", Error, "DAT-002", "input", "输入中没有记录：空文件或只有空白（清单列出的数据集文件为警告）", "The input holds no record: an empty file or only white space (a warning for a file a manifest lists)";
    InputNotLinli = "input-not-linli", Error, "DAT-019", "input", "文件夹或数据集中的文件不是 Linli 记录（CSV、Excel、PDF、压缩包等），未读取", "A file in a folder or dataset is not Linli records (CSV, Excel, PDF, an archive ...); not read";
    ArchiveEntryPath = "archive-entry-path", Error, "DAT-021", "input", "压缩包条目的路径为绝对路径、含 `..` 或不允许的字符，未解压", "Archive entry path is absolute, climbs with `..` or has characters not allowed; not extracted";
    ArchiveEntryType = "archive-entry-type", Error, "DAT-021", "input", "压缩包条目是链接、硬链接、设备或管道，未解压", "Archive entry is a link, hard link, device or FIFO; not extracted";
    ArchiveEntryDuplicate = "archive-entry-duplicate", Error, "DAT-021", "input", "压缩包中条目名称重复，后者未解压", "Archive entry name given twice; the later one not extracted";
    ReadError = "read-error", Error, "DAT-002", "input", "读取失败", "Read error";
    JsonSyntax = shared;
    JsonTruncated = shared;
    JsonTooDeep = shared;
    JsonNumberRange = "json-number-range", Error, "CON-002", "json", "数值超出可表示的范围", "Number out of range";
    JsonDuplicateKey = shared;
    NotAnObject = "not-an-object", Error, "COR-001", "record", "记录不是 JSON 对象", "Record is not a JSON object";
    MissingRecordType = shared;
    UnknownRecordType = shared;
    RecordStructure = shared;
    SchemaUnknownMember = shared;
    SchemaRequired = shared;
    SchemaCode = shared;
    SchemaRecordType = "schema-record-type", Error, "COR-002", "schema", "记录类型不符", "Wrong record type";
    SchemaType = shared;
    SchemaRefType = "schema-ref-type", Error, "COR-021", "schema", "引用指向的记录类型不允许", "A reference names a record type the member does not allow";
    SchemaDate = "schema-date", Error, "CON-022", "schema", "日期格式错误", "Malformed date";
    SchemaTimestamp = shared;
    SchemaPattern = shared;
    SchemaRange = "schema-range", Error, "CON-004", "schema", "数值超出范围", "Number out of range";
    SchemaExtensionNamespace = "schema-extension-namespace", Error, "COR-040", "schema", "扩展命名空间不合法", "Invalid extension namespace";
    SchemaStructure = shared;
    DuplicateId = shared;
    DuplicatePerson = shared;
    RefUnresolved = shared;
    HouseholdHead = "household-head", Error, "PER-013", "dataset", "户主人数不为一", "Household without exactly one head";
    PlaceHierarchyOrder = "place-hierarchy-order", Error, "PLA-004", "dataset", "地点层级顺序错误", "Place hierarchy out of order";
    PlaceHierarchyCycle = "place-hierarchy-cycle", Error, "PLA-004", "dataset", "上级地点链构成循环", "Parent places loop";
    OrganizationParentCycle = "organization-parent-cycle", Error, "ORG-008", "dataset", "上级组织链构成循环", "Parent organizations loop";
    ManifestMissing = "manifest-missing", Error, "DAT-010", "manifest", "缺少 manifest.json（未用 --dataset 的普通文件夹只给提示）", "manifest.json missing (info only for a plain folder without --dataset)";
    ManifestSyntax = "manifest-syntax", Error, "DAT-010", "manifest", "manifest.json 不是合法 JSON", "manifest.json is not well-formed JSON";
    ManifestInvalid = "manifest-invalid", Error, "DAT-010", "manifest", "manifest.json 不符合清单模式", "manifest.json breaks the manifest schema";
    ManifestStandardVersion = "manifest-standard-version", Warning, "DAT-011", "manifest", "标准版本与校验器不符（格式错误时为错误）", "Standard version differs from the validator's (an error when malformed)";
    ManifestProductVersion = "manifest-product-version", Warning, "DAT-010", "manifest", "产品版本不是确定的版本", "Product version is not a definite version";
    ManifestDuplicateFile = "manifest-duplicate-file", Error, "DAT-013", "manifest", "文件在清单中重复列出", "File listed twice";
    ManifestPathEscapes = "manifest-path-escapes", Error, "DAT-014", "manifest", "路径不是数据集目录内的相对路径", "Path is not relative inside the dataset directory";
    ManifestPathCharacters = "manifest-path-characters", Error, "DAT-014", "manifest", "路径含有不允许的字符", "Path has characters that are not allowed";
    ManifestPathSymlink = "manifest-path-symlink", Error, "DAT-014", "manifest", "路径经过符号链接", "Path goes through a symbolic link";
    ManifestPathNotRegular = "manifest-path-not-regular", Error, "DAT-014", "manifest", "路径指向的不是普通文件（目录、命名管道、套接字或设备），未打开", "Path names something other than a regular file (a directory, FIFO, socket or device); not opened";
    ManifestFileMissing = "manifest-file-missing", Error, "DAT-013", "manifest", "清单列出的文件不存在", "Listed file does not exist";
    ManifestHashMismatch = "manifest-hash-mismatch", Error, "DAT-013", "manifest", "文件摘要与清单不符", "File digest differs from the manifest";
    ManifestCountMismatch = "manifest-count-mismatch", Error, "DAT-013", "manifest", "记录数与清单不符", "Record count differs from the manifest";
    ManifestExtraFile = "manifest-extra-file", Error, "DAT-013", "manifest", "文件不在清单中", "File not listed in the manifest";
    ManifestProtection = "manifest-protection", Error, "DAT-017", "manifest", "protection 不符：密钥标识格式错误，或内置配置与共享级别不符", "protection is inconsistent: a malformed key id, or a built-in profile that does not give the sharing level";
    ManifestProtectionMissing = "manifest-protection-missing", Error, "DAT-018", "manifest", "共享级别高于 internal 的数据集清单缺少 protection", "A dataset above internal whose manifest has no protection";
    ManifestRecordType = "manifest-record-type", Error, "DAT-013", "manifest", "记录类型与清单声明不符（每个文件每种类型报告一次，附记录数）", "Record type differs from the manifest (once per file and type, with the number of records)";
    EventTextIdNumber = shared;
    CaseTextIdNumber = shared;
    FreeTextIdNumber = shared;
    FreeTextMobile = shared;
    IdHoldsPersonalNumber = shared;
    SharedRawValue = shared;
    SharedResidenceNotCommunity = shared;
    SharedPersonName = shared;
}

/// The codes of the errors that stop `linli validate` before it reports (exit code 2) because an
/// input is not something it reads `[DAT-019]` `[DAT-020]` `[DAT-021]` `[DAT-022]`:
/// `(code, requirement, 中文, English)`.
pub const RUN_ERRORS: &[(&str, &str, &str, &str)] = &[
    (
        "input-csv",
        "DAT-019",
        "CSV 或制表符分隔的表格：先用 linli convert 转换",
        "A CSV or tab-separated table: convert it with linli convert first",
    ),
    (
        "input-excel",
        "DAT-019",
        "Excel 工作簿（.xlsx、.xls）：先用 linli convert 转换",
        "An Excel workbook (.xlsx, .xls): convert it with linli convert first",
    ),
    ("input-office", "DAT-019", "Word、PowerPoint 或 OpenDocument 文档", "A Word, PowerPoint or OpenDocument document"),
    ("input-pdf", "DAT-019", "PDF 文档", "A PDF document"),
    ("input-xml", "DAT-019", "XML 或 HTML 文档", "An XML or HTML document"),
    ("input-encoding", "DAT-019", "UTF-16 或 UTF-32 文本：须为 UTF-8", "UTF-16 or UTF-32 text: UTF-8 is required"),
    (
        "input-archive",
        "DAT-021",
        "压缩包中没有数据集（根目录或唯一顶层文件夹中没有 manifest.json）",
        "An archive that holds no dataset (no manifest.json at its root or in its one top folder)",
    ),
    ("input-empty-folder", "DAT-020", "文件夹为空", "The folder is empty"),
    (
        "input-not-file",
        "DAT-019",
        "既不是普通文件也不是文件夹（命名管道、设备等）",
        "Neither a regular file nor a folder (a FIFO, a device and the like)",
    ),
    (
        "input-no-data",
        "DAT-020",
        "文件夹中既没有 manifest.json 也没有 Linli 数据文件",
        "The folder has neither manifest.json nor Linli data files",
    ),
    (
        "archive-limit",
        "DAT-022",
        "压缩包或 gzip 文件超出解压限制（总字节数、条目数或压缩比）",
        "The archive or gzip file exceeds an extraction limit (total bytes, entries or compression ratio)",
    ),
    (
        "spill-io",
        "VAL-026",
        "--memory-limit 的临时文件夹无法写入或读取（空间不足或无权限）",
        "The temporary folder of --memory-limit cannot be written or read (no room or no permission)",
    ),
    (
        "archive-unreadable",
        "DAT-021",
        "压缩包无法读取（损坏、加密或压缩方法不受支持）",
        "The archive cannot be read (damaged, encrypted or an unsupported compression method)",
    ),
];

/// Look a validator code up.
pub fn info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code == code)
}

/// Whether `code` is documented, here or among the model's semantic codes.
pub fn is_documented(code: &str) -> bool {
    info(code).is_some() || linli_model::check::FindingCode::from_code(code).is_some()
}

/// Whether a reported finding is documented with the requirement it cites; `Err` says what is
/// wrong. Tests run every report through this.
pub fn check_documented(code: &str, requirement: Option<&str>) -> Result<(), crate::Error> {
    let want = match (info(code), linli_model::check::FindingCode::from_code(code)) {
        (Some(c), _) => c.requirement,
        (None, Some(c)) => c.requirement(),
        (None, None) => return Err(crate::Error::UndocumentedCode { code: code.to_owned() }),
    };
    if requirement == Some(want) {
        Ok(())
    } else {
        Err(crate::Error::RequirementMismatch {
            code: code.to_owned(),
            cited: requirement.map(str::to_owned),
            documented: want,
        })
    }
}

/// The generated chapter `spec/21-validation.md`.
pub fn validation_chapter() -> (&'static str, String) {
    use std::fmt::Write;
    let mut md = String::from(
        "<!-- Generated by `linli docs --write spec/` from crates/linli-validate/src/codes.rs. Do not edit by hand. -->\n\n",
    );
    md.push_str("# 21. The validator: inputs, findings, reports (校验器：输入、问题与报告)\n\n");
    md.push_str("中文摘要：本章说明 `linli validate` 接受的输入、它报告的问题代码（除第 20 章的语义校验代码之外）、报告格式和退出码。\n\n");
    md.push_str("## 21.1 Inputs\n\n");
    md.push_str("`linli validate PATH...` accepts a record file (`.json`: one record, or an array of records), NDJSON (`.ndjson`, `.jsonl`, any other name: one record per line, LF or CRLF), gzip-compressed NDJSON (`.gz`), and dataset directories with a `manifest.json` ([DAT-010]). A folder without a manifest is read file by file; `--dataset` checks all inputs together as one dataset. Lines longer than `--max-line-bytes` (16 MiB by default) are reported and skipped without being held in memory.\n\n");
    md.push_str("Every input is recognised by its leading bytes before it is read ([DAT-019]): gzip is read as gzip whatever its name; a `manifest.json` named on its own validates its folder ([DAT-020]); a zip, tar or tar.gz holding a dataset is validated as that dataset, its files labelled `ARCHIVE!/path` ([DAT-021]), within limits against archive bombs ([DAT-022]; `--max-archive-bytes`, 1 GiB by default). What is not read stops the run with exit code 2 and one of these codes, its message in zh-CN and English saying what the input is and what to do instead:\n\n");
    md.push_str("| code | requirement | 中文 | English |\n|---|---|---|---|\n");
    for (code, req, zh, en) in RUN_ERRORS {
        let _ = writeln!(md, "| `{code}` | [{req}] | {zh} | {en} |");
    }
    md.push('\n');
    md.push_str("## 21.2 Findings\n\nEvery finding has a stable code (never reused, never translated), a level, the requirement it enforces, the file, the 1-based line, a JSON pointer (RFC 6901) into the record, a message in zh-CN and English, and the offending value, cut to 64 characters and masked when the member holds personal information ([PRI-004]). The semantic-check codes are listed in chapter 20; the validator adds these. Which of them a record that does not fit its schema draws, and at which pointer, is fixed by [CON-070]:\n\n");
    md.push_str("| code | group | level | requirement | 中文 | English |\n|---|---|---|---|---|---|\n");
    for c in CODES {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | [{}] | {} | {} |",
            c.code,
            c.group,
            c.level.as_str(),
            c.requirement,
            c.title_zh,
            c.title_en
        );
    }
    md.push_str("\n## 21.3 Reports and exit codes\n\n");
    md.push_str("`--format text` (default; coloured on a terminal), `json` (the full report: schema `schemas/reports/validation-report.schema.json`), `junit` (JUnit XML, for CI systems), `html` (one self-contained page), `csv` or `xlsx` (the problem list). `--lang zh|en` chooses the language (default from `LANG`).\n\n");
    md.push_str("**[VAL-020]** A validation report MUST state one verdict: FAIL (不合格) when at least one finding counted is at or above the fail level (`--fail-on`: `error` by default, `warning`, or `info`), PASS (合格) otherwise; every format MUST give the same verdict, and the exit code MUST follow it (0 PASS, 1 FAIL). In `text` the last line is the verdict (`结论：合格` / `结论：不合格`, `Result: PASS` / `Result: FAIL`, with the number of findings at or above the fail level); in `json` the boolean member `valid` is the verdict and `fail_on` the level; in `junit` every rule found is a test case — failing when its level is at or above the fail level, passing with its findings in `system-out` otherwise, so that warnings stay visible — and one test case `verdict` fails exactly when the verdict is FAIL, so that `failures` is 0 exactly on PASS; in `html` the element `#verdict` comes first and carries `data-valid=\"true\"` or `\"false\"`.\n\n");
    md.push_str("**[VAL-021]** Every finding MUST be counted, whatever is listed. A report lists at most `--max-per-rule` findings of each rule (default 20; 0: no limit per rule) and at most `--max-findings` in all (default 1000), but MUST list at least one finding of every rule it counts, so that no rule is shown with a count and no example, and it MUST say for each rule how many findings it does not list. The problem lists (`csv`, `xlsx`) list every finding unless the limits are given (their defaults are 0 and 1,000,000) and say on standard error when they do not.\n\n");
    md.push_str("**[VAL-022]** Every format MUST give the rules in one order — level (error, warning, info), then how often the rule was found (most first), then code — and the findings of a rule in input order. Every finding about a record MUST name the record's type and id in every format (the id masked where it holds a personal number or is not of the form of [CON-010], [PRI-011]), besides file, line and pointer. For each dataset read, the report MUST show before the findings what its manifest says: the producer's vendor, product and version, the sharing level, the creation time and the standard version (`datasets` in `json`, properties in `junit`).\n\n");
    md.push_str("**[VAL-023]** `--pick RULE` and `--skip RULE` (repeated, or comma-separated) choose the rules checked; a RULE is a finding code, a requirement ID (every code that cites it), or either with `*` standing for any text. A pattern that names no finding code or requirement of the validator MUST be refused as a usage error (exit code 2). Findings of a rule not checked MUST NOT be listed or counted, MUST NOT make a record invalid and MUST NOT make the verdict FAIL; the report MUST say which rules were left out and how many findings that left uncounted (`rule_filter` and `findings_filtered` in `json`). `linli codes --findings` lists every rule.\n\n");
    md.push_str("**[VAL-024]** The problem list MUST have one row per finding listed, in report order, with these columns: file, line, record type, record id, member (JSON pointer), member name in Chinese, member name in English (the schema's `x-linli-title-zh` and `title` of the member, or of the nearest member that holds it), level, rule (code), requirement, message in Chinese, message in English, and the value as shown (masked as in every report, [PRI-004]). As `csv` it MUST be UTF-8 starting with a byte order mark, with CRLF line ends and a header row (in both languages under `--lang zh`), so that Excel and WPS open it in the right encoding. No cell MUST start a formula: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`, and control characters are written as escapes ([CON-072]). As `xlsx` it is a workbook with the sheet `问题 Problems` (the same rows, every cell a string cell except the line number) and the sheet `汇总 Summary` (the verdict, the counts, the datasets' manifests, and every rule with its count and how many are listed).\n\n");
    md.push_str("| exit code | meaning |\n|---|---|\n| 0 | PASS: no finding at or above `--fail-on` |\n| 1 | FAIL: findings at or above `--fail-on` |\n| 2 | usage or I/O error: nothing was validated |\n");
    md.push_str("\n## 21.4 Datasets in bounded memory\n\n");
    md.push_str("The dataset-level checks ([DAT-003], [DAT-004], [DAT-015], [DAT-016], [PER-013], [PLA-004], [ORG-008], [SHR-051]) need facts about every record at once. By default the validator keeps them in memory (a packed index of the ids and their places). `--memory-limit SIZE` (a whole number with a unit `K`, `M`, `G` or `T`, powers of 1024; at least `1M`) bounds that memory: the facts are written as sorted runs to a temporary folder and merged at the end, so that a dataset of any size can be checked on a machine with less memory than the index would take.\n\n");
    md.push_str("**[VAL-025]** With `--memory-limit`, the validator MUST report exactly what it reports without it: the same findings with the same messages, counts, listed examples and order, the same record counts and the same verdict and exit code — every format byte for byte the same, apart from the run's start time and duration. In this mode ids and person identifiers MUST be matched by comparing them byte by byte, never by a hash alone.\n\n");
    md.push_str("**[VAL-026]** A SIZE that is not a memory size, or is smaller than `1M`, MUST be refused as a usage error (exit code 2) with a message in zh-CN and English. With `--memory-limit SIZE`, the memory the dataset-level checks hold SHOULD stay within SIZE; the peak resident memory of the run SHOULD stay under SIZE plus a base that does not grow with the dataset (the program, the schemas and the records in flight between reader and checkers; about 100 MiB on two cores), besides a few bytes for each Place and Organization record (the hierarchy walks). The temporary files hold ids and places of records and MUST be written only inside one new folder that only the user running the validator can read (mode 0700 on Unix), under the system's temporary folder (`TMPDIR`); the validator MUST remove that folder when the run ends — after the report, after an error, and when the run is interrupted (Ctrl-C). A temporary folder that cannot be written or read MUST stop the run with exit code 2 and the run error `spill-io`.\n\n");
    ("21-validation.md", md)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A documented code citing its requirement passes; an unknown code and a wrong requirement
    /// are the crate's typed errors, with stable codes and both messages.
    #[test]
    fn check_documented_says_what_is_wrong_with_a_typed_error() {
        let c = &CODES[0];
        assert!(check_documented(c.code, Some(c.requirement)).is_ok());
        let e = check_documented("no-such-code", Some("CON-001")).unwrap_err();
        assert!(matches!(&e, crate::Error::UndocumentedCode { code } if code == "no-such-code"), "{e:?}");
        assert_eq!((e.code(), e.to_string()), ("code-undocumented", "code `no-such-code` is not documented".into()));
        assert_eq!(e.message(true), "问题代码 `no-such-code` 没有文档");
        let e = check_documented(c.code, None).unwrap_err();
        assert_eq!(e.code(), "code-requirement-mismatch");
        assert_eq!(e.to_string(), format!("code `{}` cites no requirement, the table says {}", c.code, c.requirement));
        let e = check_documented(c.code, Some("XYZ-999")).unwrap_err();
        assert!(e.message(true).contains("引用了 XYZ-999") && e.message(false).contains("cites XYZ-999"), "{e}");
    }

    /// Every code the crates below the validator report is a row of the validator's table, with
    /// the shared table's level, requirement and titles.
    #[test]
    fn shared_codes_are_in_the_table() {
        for &s in linli_model::check::SharedCode::ALL {
            let c = info(s.as_str()).unwrap_or_else(|| panic!("{s} missing"));
            assert_eq!(
                (c.level, c.requirement, c.group, c.title_zh, c.title_en),
                (s.level(), s.requirement(), s.group(), s.title_zh(), s.title_en()),
                "{s}"
            );
        }
    }

    #[test]
    fn codes_are_unique_and_do_not_clash_with_the_model() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "{} repeated", c.code);
            assert!(linli_model::check::FindingCode::from_code(c.code).is_none(), "{} clashes", c.code);
        }
    }
}
