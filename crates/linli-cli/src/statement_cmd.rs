//! The signed result statement on the command line (`spec/30-conformance.md` §30.7):
//! `linli conformance run --sign-key`, `linli conformance verify` and `linli conformance keygen`.
//! The work is in `linli_conformance::statement`; this is file and terminal glue only. Key
//! material is never printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use linli_conformance::runner::{Summary, Target};
use linli_conformance::statement::{self, Against, STATEMENT_FILE, SigningKey};

use crate::{CliError, Lang};

/// Arguments of `linli conformance verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The statement written by `run --sign-key` (statement.intoto.json)
    #[arg(value_name = "STATEMENT")]
    pub statement: PathBuf,
    /// The signer's public key (SPKI PEM, `-----BEGIN PUBLIC KEY-----`)
    #[arg(long, value_name = "PUB")]
    pub public_key: PathBuf,
    /// The suite folder to recompute the suite and schema digests from (default: the one `run` uses)
    #[arg(long, value_name = "DIR")]
    pub suite: Option<PathBuf>,
    /// The run's summary.json, to check its SHA-256
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// The adapter's program, to check its SHA-256 against the product subject
    #[arg(long, value_name = "PATH", conflicts_with = "dataset")]
    pub adapter_binary: Option<PathBuf>,
    /// The exported dataset folder of a dataset run, to check its digest against the product subject
    #[arg(long, value_name = "DIR")]
    pub dataset: Option<PathBuf>,
    /// A file the adapter command named (a script, a configuration), to check its SHA-256 (repeatable)
    #[arg(long, value_name = "FILE")]
    pub adapter_file: Vec<PathBuf>,
    /// Also require the result to be PASSED: a valid statement of a failed run exits 1
    /// (statement-result-failed), so that `verify --require-pass && admit` admits only passes
    #[arg(long)]
    pub require_pass: bool,
}

/// Arguments of `linli conformance keygen`.
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Folder for signing-key.pem (private) and signing-key.pub.pem (public); existing keys are never overwritten
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn fail(e: &linli_conformance::Error, lang: Lang) -> CliError {
    CliError::Conformance { code: e.code(), message: e.message(lang == Lang::Zh) }
}

/// Read the signing key of `run --sign-key` (before the run, so that a bad key costs no run).
pub(crate) fn read_key(path: &Path, lang: Lang) -> Result<SigningKey, CliError> {
    statement::read_signing_key(path).map_err(|e| fail(&e, lang))
}

/// Write `statement.intoto.json` into `out_dir` for a finished run `[CNF-060]`.
pub(crate) fn write_statement(
    key: &SigningKey,
    (summary, summary_json): (&Summary, &[u8]),
    target: &Target,
    suite: &Path,
    out_dir: &Path,
    (lang, out): (Lang, &mut dyn Write),
) -> Result<(), CliError> {
    let envelope = statement::sign(&statement::statement(summary, target, suite, summary_json), key)
        .map_err(|e| fail(&e, lang))?;
    let path = out_dir.join(STATEMENT_FILE);
    let text = format!("{}\n", crate::to_json_pretty(&envelope)?);
    std::fs::write(&path, text).map_err(|source| CliError::Io { path: path.clone(), source })?;
    let keyid = statement::keyid(&key.verifying_key()).map_err(|e| fail(&e, lang))?;
    let line = match lang {
        Lang::Zh => format!("已签名的结果声明：{}（公钥标识 {keyid}）", path.display()),
        Lang::En => format!("signed statement: {} (key id {keyid})", path.display()),
    };
    writeln!(out, "{line}").map_err(CliError::Stdout)
}

/// `linli conformance verify`: 0 valid, 1 invalid, 2 unreadable input (an `Err`).
pub(crate) fn verify(a: &VerifyArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let zh = lang == Lang::Zh;
    // Regular files of bounded size only: a FIFO or a device must not hang the verifier.
    let envelope = linli_conformance::read_regular(&a.statement, 64 << 20)
        .map_err(|source| CliError::Io { path: a.statement.clone(), source })?;
    let key = statement::read_verifying_key(&a.public_key).map_err(|e| fail(&e, lang))?;
    let (suite, _bundle) = crate::conformance_cmd::suite_dir(a.suite.as_ref())?;
    if !suite.join("vectors").is_dir() {
        return Err(CliError::usage(
            format!("{}：不是测试套件文件夹（没有 vectors/）", suite.display()),
            format!("{}: not a suite folder (no vectors/)", suite.display()),
        ));
    }
    let summary = match &a.summary {
        Some(p) => Some(
            linli_conformance::read_regular(p, 256 << 20).map_err(|source| CliError::Io { path: p.clone(), source })?,
        ),
        None => None,
    };
    let against = Against {
        suite: Some(suite),
        summary,
        adapter_binary: a.adapter_binary.clone(),
        dataset: a.dataset.clone(),
        adapter_files: a.adapter_file.clone(),
    };
    match statement::verify(&envelope, &key, &against) {
        Ok(v) => {
            let p = &v.statement.predicate;
            let product = statement::product_name(&v.statement).unwrap_or("-");
            let lines = if zh {
                [
                    format!("有效：签名可用公钥 {} 验证", v.keyid),
                    format!("结果：{}（通过 {}，未通过 {}）", p.result, p.passed_tests.len(), p.failed_tests.len()),
                    format!("产品：{product}"),
                    format!("已核对摘要：{}", v.checked.join("、")),
                ]
            } else {
                [
                    format!("valid: signed by key {}", v.keyid),
                    format!("result: {} ({} passed, {} failed)", p.result, p.passed_tests.len(), p.failed_tests.len()),
                    format!("product: {product}"),
                    format!("digests checked: {}", v.checked.join(", ")),
                ]
            };
            for l in lines {
                writeln!(out, "{}", crate::printable(&l)).map_err(CliError::Stdout)?;
            }
            // What the statement names and nothing was compared with [CNF-064].
            if !v.unchecked.is_empty() {
                let line = unchecked_line(&v.unchecked, zh);
                writeln!(out, "{}", crate::printable(&line)).map_err(CliError::Stdout)?;
            }
            if a.require_pass && p.result != "PASSED" {
                let msg = if zh {
                    format!("结论：声明有效，但运行结果为 {}，未通过（--require-pass）", p.result)
                } else {
                    format!("the statement is valid but the run's result is {}, not PASSED (--require-pass)", p.result)
                };
                writeln!(out, "error[statement-result-failed]: {}", crate::printable(&msg))
                    .map_err(CliError::Stdout)?;
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (linli_conformance::Error::Key { .. } | linli_conformance::Error::Unreadable { .. })) => {
            Err(fail(&e, lang))
        }
        Err(e) => {
            let word = if zh { "无效：" } else { "invalid: " };
            // The envelope is not trusted: what it says is quoted, never obeyed.
            writeln!(out, "{word}error[{}]: {}", e.code(), crate::printable(&e.message(zh)))
                .map_err(CliError::Stdout)?;
            Ok(ExitCode::from(1))
        }
    }
}

/// The line of `verify` naming what was not checked, each with the option that checks it.
fn unchecked_line(unchecked: &[(String, statement::Unchecked)], zh: bool) -> String {
    use statement::Unchecked as U;
    let items: Vec<String> = unchecked
        .iter()
        .map(|(name, kind)| {
            let (what_zh, what_en, option) = match kind {
                U::Suite => ("测试套件", "the suite", "--suite"),
                U::Product { dataset: false } => ("产品程序", "the product program", "--adapter-binary"),
                U::Product { dataset: true } => ("数据集", "the dataset", "--dataset"),
                U::AdapterFile => ("适配器文件", "an adapter file", "--adapter-file"),
                U::Node => {
                    ("节点提供的 OpenAPI 文档", "the OpenAPI document the node served", "--adapter-binary openapi.json")
                }
                U::Summary => ("结果摘要", "the run summary", "--summary"),
            };
            if zh {
                format!("{name}（{what_zh}，用 {option} 核对）")
            } else {
                format!("{name} ({what_en}; check it with {option})")
            }
        })
        .collect();
    if zh { format!("未核对：{}", items.join("、")) } else { format!("not checked: {}", items.join(", ")) }
}

/// Create `path` for writing with mode 0600 (owner only) where the platform has modes; never
/// overwrites.
pub(crate) fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// `linli conformance keygen --out DIR`.
pub(crate) fn keygen(a: &KeygenArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let (private, public) = statement::generate_key().map_err(|e| fail(&e, lang))?;
    std::fs::create_dir_all(&a.out).map_err(|source| CliError::Io { path: a.out.clone(), source })?;
    let private_path = a.out.join("signing-key.pem");
    let public_path = a.out.join("signing-key.pub.pem");
    let io = |path: &PathBuf| {
        let path = path.clone();
        move |source| CliError::Io { path, source }
    };
    if public_path.exists() {
        return Err(CliError::Io {
            path: public_path,
            source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        });
    }
    create_private(&private_path).and_then(|mut f| f.write_all(private.as_bytes())).map_err(io(&private_path))?;
    std::fs::write(&public_path, public.as_bytes()).map_err(io(&public_path))?;
    let keyid =
        statement::read_verifying_key(&public_path).and_then(|k| statement::keyid(&k)).map_err(|e| fail(&e, lang))?;
    let lines = if lang == Lang::Zh {
        [
            format!("私钥（仅本人可读，勿外传）：{}", private_path.display()),
            format!("公钥（交给准入部门存档）：{}", public_path.display()),
            format!("公钥标识：{keyid}"),
        ]
    } else {
        [
            format!("private key (owner only, keep it secret): {}", private_path.display()),
            format!("public key (give it to the admission office): {}", public_path.display()),
            format!("key id: {keyid}"),
        ]
    };
    for l in lines {
        writeln!(out, "{l}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
