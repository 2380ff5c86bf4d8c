//! # linli-privacy — share without exposing
//!
//! Sharing profiles (spec `spec/19-sharing.md`): TOML files that say, per sensitivity class and
//! per member, whether personal information is kept, masked, generalised, pseudonymised with a
//! keyed hash (HMAC-SHA256) or dropped before a Linli record, NDJSON file or dataset is shared —
//! and leak checks that find what a shared dataset must not hold.
//!
//! The marks come from `linli_model::sensitivity`, that is from the published schemas
//! `[PRI-001]`; this crate keeps no list of its own.
//!
//! ```
//! use linli_privacy::{Masker, Profile, mask::Counts};
//! let profile = Profile::built_in("public")?;
//! let masker = Masker::new(&profile, None)?;
//! let mut v = serde_json::json!({"type": "Person", "id": "P-1", "name": "张三", "birthDate": "1978-06-23",
//!     "phones": ["13812345678"]});
//! let mut counts = Counts::default();
//! masker.mask_value(&mut v, &mut counts)?;
//! assert_eq!(v["name"], "***");
//! assert!(v.get("phones").is_none());
//! assert_eq!(v["birthPeriod"]["start"], "1975-01-01");
//! # Ok::<(), linli_privacy::Error>(())
//! ```

pub mod dataset;
pub mod key;
pub mod leak;
pub mod mask;
pub mod profile;

pub use dataset::{Options, Summary, mask_path};
pub use key::Key;
pub use mask::Masker;
pub use profile::{Action, Profile};

/// Errors of this crate. Each has a stable [`Error::code`] and a message in zh-CN and English
/// ([`Error::message`]); none ever holds a key or a personal value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No built-in profile has this name and no such file exists.
    #[error("unknown profile `{name}` (built-in: {known}; or the path of a TOML file)")]
    UnknownProfile {
        /// The name given.
        name: String,
        /// The built-in names.
        known: String,
    },
    /// A profile file is wrong `[SHR-002]`.
    #[error("{file}: {key}: {en}")]
    Profile {
        /// The file.
        file: String,
        /// TOML key path (`rule[3].action`) or position.
        key: String,
        /// What is wrong, in Chinese.
        zh: String,
        /// What is wrong, in English.
        en: String,
    },
    /// The profile pseudonymises but no key was given `[SHR-021]`.
    #[error(
        "profile `{profile}` pseudonymises values and needs a key: give --key-file FILE or set LINLI_MASK_KEY (never on the command line)"
    )]
    MissingKey {
        /// The profile.
        profile: String,
    },
    /// The key is shorter than 16 bytes `[SHR-021]`.
    #[error("the key from {source_name} is {len} bytes long; at least 16 are needed")]
    KeyTooShort {
        /// Where the key came from (a file name or the variable name).
        source_name: String,
        /// Its length.
        len: usize,
    },
    /// A value given to [`Masker::mask_value`] is not an object with a known `type` (the caller
    /// says where it was).
    #[error("not a record: no known `type`")]
    NotARecord,
    /// An input line is not a record.
    #[error("{path}:{line}: {en}")]
    Input {
        /// The file.
        path: String,
        /// 1-based line (or item of a JSON array).
        line: u64,
        /// The code `linli validate` reports for it (`json-syntax`, `schema-required`, ...).
        finding: linli_model::check::SharedCode,
        /// What is wrong, in Chinese.
        zh: String,
        /// What is wrong, in English.
        en: String,
    },
    /// What was to be written did not serialise as JSON: nothing is written, never an empty file.
    #[error("{path}: cannot write the JSON: {source}")]
    Serialize {
        /// The file that was to be written.
        path: String,
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The dataset's manifest is missing, invalid or disagrees with a file.
    #[error("{path}: {en}")]
    Manifest {
        /// The file.
        path: String,
        /// What is wrong, in Chinese.
        zh: String,
        /// What is wrong, in English.
        en: String,
    },
    /// A file of the input is not opened: a symbolic link, a FIFO, a socket, a device, a
    /// directory, or a path that leaves the dataset directory `[DAT-014]`.
    #[error("{path}: {en}")]
    Refused {
        /// The file (the dataset directory joined with the listed path).
        path: String,
        /// Why, in Chinese.
        zh: String,
        /// Why, in English.
        en: String,
    },
    /// Records of the input do not read as Linli records `[SHR-033]`: how many, and where the first
    /// few are, with the validator's code and what is wrong (never a value); nothing is written.
    #[error("{}", invalid_records(input, *count, first, false))]
    InvalidRecords {
        /// The input as given.
        input: String,
        /// How many records do not read.
        count: u64,
        /// The first few of them.
        first: Vec<InvalidRecord>,
    },
    /// The output directory exists and is not empty.
    #[error("{path}: the output directory exists and is not empty")]
    OutputExists {
        /// The directory.
        path: String,
    },
    /// The output is the input.
    #[error("{path}: the output is the input")]
    OutputIsInput {
        /// The path.
        path: String,
    },
    /// The output of a dataset would be written inside the dataset directory read `[SHR-033]`.
    #[error(
        "{path}: the output lies inside the input dataset directory {input}; write it outside (a dataset folder holds only the files its manifest lists)"
    )]
    OutputInsideInput {
        /// The output.
        path: String,
        /// The input directory.
        input: String,
    },
    /// Two files of a manifest would be written under one name `[SHR-033]`: once compressed and
    /// not, names differing in case only, or names that read the same once personal numbers are
    /// masked with `x` ([SHR-030]).
    #[error(
        "{path}: files {first} and {second} of the manifest (`{first_name}` and `{second_name}`) would both be written as `{rel}` (output is uncompressed; above internal personal numbers in names are masked with x; names are compared ignoring case); rename one of them"
    )]
    OutputNamesCollide {
        /// The manifest.
        path: String,
        /// 1-based position of the first file in the manifest's `files`.
        first: usize,
        /// 1-based position of the second.
        second: usize,
        /// The first file's path.
        first_name: String,
        /// The second file's path.
        second_name: String,
        /// The name both would be written as.
        rel: String,
    },
    /// A masked record would not pass the leak checks of the sharing level the profile declares
    /// (those of the level's built-in profile) `[SHR-032]`: nothing is written.
    #[error(
        "{path}:{line}: profile `{profile}` declares the sharing level {level}, but the record masked with it would still hold, at `{pointer}`, what that level does not allow ({finding}, [{}]); nothing was written",
        requirement_of(finding)
    )]
    NotConforming {
        /// The input file.
        path: String,
        /// 1-based line (or item of a JSON array).
        line: u64,
        /// The profile's name, escaped for a terminal.
        profile: String,
        /// The sharing level it declares.
        level: &'static str,
        /// JSON pointer of the first value at fault, personal numbers masked `[PRI-011]`.
        pointer: String,
        /// The finding code a validator would report (`shared-raw-value`, ...); its requirement
        /// is [`Error::requirement`].
        finding: linli_model::check::SharedCode,
    },
}

/// A record that does not read as a Linli record `[SHR-033]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRecord {
    /// The file.
    pub path: String,
    /// 1-based line (or item of a JSON array).
    pub line: u64,
    /// The code `linli validate` reports for it.
    pub finding: linli_model::check::SharedCode,
    /// What is wrong, in Chinese (never a value).
    pub zh: String,
    /// What is wrong, in English (never a value).
    pub en: String,
}

/// How many invalid records [`Error::InvalidRecords`] lists.
pub const INVALID_SHOWN: usize = 5;

/// The message of [`Error::InvalidRecords`], in one language.
fn invalid_records(input: &str, count: u64, first: &[InvalidRecord], zh: bool) -> String {
    let list = first
        .iter()
        .map(|r| {
            let what = if zh { &r.zh } else { &r.en };
            format!("{}:{}: [{}] {what}", r.path, r.line, r.finding)
        })
        .collect::<Vec<_>>()
        .join(if zh { "；" } else { "; " });
    let shown = first.len();
    match (zh, count) {
        (true, _) => format!(
            "{input}：{count} 条记录不是 Linli 记录，无法处理，未写出任何内容。{}：{list}。请先用 `linli validate {input}` 查看全部问题，更正或移除这些记录后再运行 `linli mask` [SHR-033]",
            if (shown as u64) < count { format!("前 {shown} 条") } else { "出错位置".to_owned() }
        ),
        (false, 1) => format!(
            "{input}: 1 record is not a Linli record and cannot be masked; nothing written: {list}. Check the input with `linli validate {input}`, correct or remove that record, and run `linli mask` again [SHR-033]"
        ),
        (false, _) => format!(
            "{input}: {count} records are not Linli records and cannot be masked; nothing written. {}: {list}. Check the input with `linli validate {input}` to see them all, correct or remove them, and run `linli mask` again [SHR-033]",
            if (shown as u64) < count { format!("The first {shown}") } else { "They are".to_owned() }
        ),
    }
}

/// The requirement a finding code of [`Error::NotConforming`] stands for.
fn requirement_of(finding: &linli_model::check::SharedCode) -> &'static str {
    match finding {
        // A masked record that no longer reads as a record: the masker's own requirement.
        linli_model::check::SharedCode::RecordStructure => "SHR-030",
        other => other.requirement(),
    }
}

impl Error {
    /// For [`Error::NotConforming`], the requirement its finding breaks.
    pub fn requirement(&self) -> Option<&'static str> {
        match self {
            Error::NotConforming { finding, .. } => Some(requirement_of(finding)),
            _ => None,
        }
    }

    /// Stable code, never translated.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Serialize { .. } => "serialize-failed",
            Error::UnknownProfile { .. } => "unknown-profile",
            Error::Profile { .. } => "profile-invalid",
            Error::MissingKey { .. } => "key-missing",
            Error::KeyTooShort { .. } => "key-too-short",
            Error::Input { .. } | Error::InvalidRecords { .. } | Error::NotARecord => "input-invalid",
            Error::Manifest { .. } => "manifest-invalid",
            Error::Refused { .. } => "input-refused",
            Error::OutputExists { .. } => "output-exists",
            Error::OutputIsInput { .. } => "output-is-input",
            Error::OutputInsideInput { .. } => "output-inside-input",
            Error::OutputNamesCollide { .. } => "output-name-collision",
            Error::NotConforming { .. } => "output-not-conforming",
        }
    }

    /// The message in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            Error::Io { path, source } => format!("{path}：读写失败：{source}"),
            Error::Serialize { path, source } => format!("{path}：无法写出 JSON：{source}"),
            Error::UnknownProfile { name, known } => {
                format!("未知的共享配置 `{name}`（内置：{known}；或给出 TOML 文件的路径）")
            }
            Error::Profile { file, key, zh, .. } => format!("{file}：{key}：{zh}"),
            Error::MissingKey { profile } => format!(
                "共享配置 `{profile}` 需要假名化密钥：请用 --key-file 文件 或环境变量 LINLI_MASK_KEY 提供（不得写在命令行上）"
            ),
            Error::KeyTooShort { source_name, len } => {
                format!("来自 {source_name} 的密钥只有 {len} 字节，至少需要 16 字节")
            }
            Error::NotARecord => "不是记录：缺少已知的 `type`".to_owned(),
            Error::Input { path, line, zh, .. } => format!("{path}:{line}：{zh}"),
            Error::Manifest { path, zh, .. } => format!("{path}：{zh}"),
            Error::Refused { path, zh, .. } => format!("{path}：{zh}"),
            Error::InvalidRecords { input, count, first } => invalid_records(input, *count, first, true),
            Error::OutputExists { path } => format!("{path}：输出目录已存在且不为空"),
            Error::OutputIsInput { path } => format!("{path}：输出与输入相同"),
            Error::OutputInsideInput { path, input } => format!(
                "{path}：输出位于输入的数据集目录 {input} 之内；请写到它之外（数据集目录只应包含清单列出的文件）"
            ),
            Error::OutputNamesCollide { path, first, second, first_name, second_name, rel } => format!(
                "{path}：清单中第 {first} 个和第 {second} 个文件（`{first_name}` 与 `{second_name}`）都会写成 `{rel}`（输出不压缩；高于 internal 级别时名称中的个人号码以 x 掩码；名称比较不区分大小写）；请重命名其中一个"
            ),
            Error::NotConforming { path, line, profile, level, pointer, finding } => format!(
                "{path}:{line}：共享配置 `{profile}` 声明的共享级别为 {level}，但按它处理后的记录在 `{pointer}` 处仍有该级别不允许的内容（{finding}，[{}]）；未写入任何内容",
                requirement_of(finding)
            ),
        }
    }
}
