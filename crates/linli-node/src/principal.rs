//! Callers of the node `[API-001]`, `[API-002]`: principals in a TOML file, each with the
//! SHA-256 of its token (the token itself is never stored), write scopes and a read level.
//!
//! ```toml
//! [[principal]]
//! name = "acme-iot"
//! kind = "vendor"
//! vendor = "苏州邻里示例科技有限公司"   # a vendor writes only records whose meta.source.vendor is this
//! token-sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//! write = ["Event", "Thing"]
//! read = "public"
//! ```

use std::path::Path;

use linli_model::RecordType;
use linli_model::codes::{CodeTable, SharingLevel};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Who a principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A vendor's system: writes only its own records.
    Vendor,
    /// A department.
    Department,
}

/// One caller.
#[derive(Clone)]
pub struct Principal {
    /// Its name, as the audit log records it.
    pub name: String,
    /// Vendor or department.
    pub kind: Kind,
    /// A vendor's `meta.source.vendor`.
    pub vendor: Option<String>,
    /// The record types it may write.
    pub write: Vec<RecordType>,
    /// The level its reads are masked to.
    pub read: SharingLevel,
    token_sha256: [u8; 32],
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Principal")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

impl Principal {
    /// Whether it may write a record of type `ty` from `vendor` (`meta.source.vendor`).
    pub fn may_write(&self, ty: RecordType, vendor: Option<&str>) -> bool {
        self.write.contains(&ty)
            && (self.kind == Kind::Department || (self.vendor.is_some() && self.vendor.as_deref() == vendor))
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    principal: Vec<Entry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Entry {
    name: String,
    kind: Kind,
    #[serde(default)]
    vendor: Option<String>,
    token_sha256: String,
    #[serde(default)]
    write: Vec<String>,
    read: String,
}

/// The principals of a node.
#[derive(Debug, Clone, Default)]
pub struct Principals {
    list: Vec<Principal>,
}

/// Why a principals file was refused: a message in both languages, naming the file and the
/// entry, never a token.
#[derive(Debug, thiserror::Error)]
#[error("{en}")]
pub struct PrincipalsError {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

fn bad(file: &str, zh: String, en: String) -> PrincipalsError {
    PrincipalsError { zh: format!("{file}：{zh}"), en: format!("{file}: {en}") }
}

/// The hex SHA-256 of a token, as a principals file holds it.
pub fn token_hash(token: &str) -> String {
    linli_model::support::hex::encode(&Sha256::digest(token.trim().as_bytes()))
}

impl Principals {
    /// Read a principals file.
    pub fn load(path: &Path) -> Result<Self, PrincipalsError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(&shown, format!("无法读取：{e}"), format!("cannot be read: {e}")))?;
        Self::from_toml(&text, &shown)
    }

    /// Read principals from TOML text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, PrincipalsError> {
        let f: File = toml::from_str(text).map_err(|e| {
            // toml's message quotes the line; a token is never in the file, only its hash.
            bad(
                file,
                format!("不是有效的调用方文件：{}", e.message()),
                format!("not a valid principals file: {}", e.message()),
            )
        })?;
        let mut list = Vec::new();
        for (i, e) in f.principal.into_iter().enumerate() {
            let at = format!("principal[{i}] ({})", e.name);
            let hash = linli_model::support::hex::decode(&e.token_sha256)
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .ok_or_else(|| {
                    bad(
                        file,
                        format!("{at}：token-sha256 须为 64 位十六进制"),
                        format!("{at}: token-sha256 must be 64 hex digits"),
                    )
                })?;
            let read = SharingLevel::from_code(&e.read).ok_or_else(|| {
                bad(
                    file,
                    format!("{at}：read 须为 internal、inter-department 或 public"),
                    format!("{at}: read must be internal, inter-department or public"),
                )
            })?;
            let mut write = Vec::new();
            for w in &e.write {
                let ty = RecordType::from_code(w).ok_or_else(|| {
                    bad(file, format!("{at}：未知的记录类型 {w:?}"), format!("{at}: unknown record type {w:?}"))
                })?;
                write.push(ty);
            }
            if e.kind == Kind::Vendor && e.vendor.is_none() && !write.is_empty() {
                return Err(bad(
                    file,
                    format!("{at}：可写入的供应商须给出 vendor"),
                    format!("{at}: a vendor that writes needs `vendor`"),
                ));
            }
            if list.iter().any(|p: &Principal| p.name == e.name || p.token_sha256 == hash) {
                return Err(bad(file, format!("{at}：名称或令牌重复"), format!("{at}: name or token given twice")));
            }
            list.push(Principal { name: e.name, kind: e.kind, vendor: e.vendor, write, read, token_sha256: hash });
        }
        Ok(Principals { list })
    }

    /// The principals in the order of the file (their tokens' hashes stay inside) `[API-083]`.
    pub fn iter(&self) -> impl Iterator<Item = &Principal> {
        self.list.iter()
    }

    /// The principal whose token this is: every hash compared in constant time `[API-001]`.
    pub fn authenticate(&self, token: &str) -> Option<&Principal> {
        let h: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
        let mut found = None;
        for p in &self.list {
            if bool::from(p.token_sha256.ct_eq(&h)) {
                found = Some(p);
            }
        }
        found
    }

    /// How many principals there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A principal to add to a principals file ([`add`]).
#[derive(Debug, Clone)]
pub struct NewPrincipal {
    /// Its name (letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// Vendor or department.
    pub kind: Kind,
    /// A vendor's `meta.source.vendor`.
    pub vendor: Option<String>,
    /// Record types it may write.
    pub write: Vec<RecordType>,
    /// Its read level.
    pub read: SharingLevel,
}

/// Add `p` to the principals file `file` (created when absent) with a new random token, written
/// once to `tokens_dir/NAME.token` (mode 0600); the file gets only the token's hash. The whole
/// file is read back to check it before it replaces the old one. Returns the token file.
pub fn add(file: &Path, tokens_dir: &Path, p: &NewPrincipal) -> Result<std::path::PathBuf, PrincipalsError> {
    let shown = file.display().to_string();
    let ok_name = !p.name.is_empty()
        && p.name.len() <= 64
        && p.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !p.name.starts_with('.');
    if !ok_name {
        return Err(bad(
            &shown,
            "名称只能由字母、数字和 - _ . 组成（最多 64 个）".into(),
            "a name is letters, digits, - _ . only (at most 64)".into(),
        ));
    }
    let old = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(bad(&shown, format!("无法读取：{e}"), format!("cannot be read: {e}"))),
    };
    let before = Principals::from_toml(&old, &shown)?;
    if before.list.iter().any(|q| q.name == p.name) {
        return Err(bad(
            &shown,
            format!("已有名为 {} 的调用方", p.name),
            format!("a principal named {} exists", p.name),
        ));
    }
    let token = new_token().map_err(|e| bad(&shown, format!("无法生成令牌：{e}"), format!("no random token: {e}")))?;
    let mut entry = format!(
        "\n[[principal]]\nname = {}\nkind = \"{}\"\n",
        toml_str(&p.name),
        match p.kind {
            Kind::Vendor => "vendor",
            Kind::Department => "department",
        }
    );
    if let Some(v) = &p.vendor {
        entry.push_str(&format!("vendor = {}\n", toml_str(v)));
    }
    let write: Vec<String> = p.write.iter().map(|t| format!("\"{}\"", t.code())).collect();
    entry.push_str(&format!(
        "token-sha256 = \"{}\"\nwrite = [{}]\nread = \"{}\"\n",
        token_hash(&token),
        write.join(", "),
        p.read.code()
    ));
    let text = format!("{old}{entry}");
    // The new file must read, with the new principal in it.
    Principals::from_toml(&text, &shown)?;
    let io = |e: std::io::Error| bad(&shown, format!("无法写入：{e}"), format!("cannot be written: {e}"));
    std::fs::create_dir_all(tokens_dir).map_err(io)?;
    let token_file = tokens_dir.join(format!("{}.token", p.name));
    crate::write_private(&token_file, token.as_bytes()).map_err(io)?;
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(io)?;
    tmp.persist(file).map_err(|e| io(e.error))?;
    Ok(token_file)
}

/// Remove the principal `name` from the principals `file` and its token file
/// `tokens_dir/NAME.token` `[API-083]`: the other entries are kept as they are written (the file
/// is cut at its `[[principal]]` headers), the new file is read back under `[API-003]` before it
/// replaces the old one (owner-only), then the token file is deleted. A node running on the file
/// keeps the caller until its next start.
pub fn remove(file: &Path, tokens_dir: &Path, name: &str) -> Result<(), PrincipalsError> {
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| bad(&shown, format!("无法读取：{e}"), format!("cannot be read: {e}")))?;
    let before = Principals::from_toml(&text, &shown)?;
    if !before.list.iter().any(|p| p.name == name) {
        let n = name.chars().filter(|c| !c.is_control()).take(64).collect::<String>();
        return Err(bad(&shown, format!("没有名为 {n} 的调用方"), format!("no principal named {n}")));
    }
    // The file in blocks, each beginning at a `[[principal]]` header (the first: what comes
    // before any); the block whose entry is `name` is left out.
    let mut starts: Vec<usize> = text
        .match_indices("[[principal]]")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .collect();
    starts.push(text.len());
    let mut kept = String::from(&text[..starts[0]]);
    for w in starts.windows(2) {
        let block = &text[w[0]..w[1]];
        let is_it = Principals::from_toml(block, &shown).ok().is_some_and(|p| p.list.iter().any(|q| q.name == name));
        if !is_it {
            kept.push_str(block);
        }
    }
    let after = Principals::from_toml(&kept, &shown)?;
    if after.list.len() + 1 != before.list.len() || after.list.iter().any(|p| p.name == name) {
        return Err(bad(
            &shown,
            "无法只删除这一条目（文件的写法不是每个条目以 [[principal]] 开头）".into(),
            "the entry cannot be removed alone (the file does not begin each entry with [[principal]])".into(),
        ));
    }
    let io = |e: std::io::Error| bad(&shown, format!("无法写入：{e}"), format!("cannot be written: {e}"));
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, kept.as_bytes()).map_err(io)?;
    tmp.persist(file).map_err(|e| io(e.error))?;
    // Only a name `add` could have written is a file name in tokens/.
    let file_name = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !file_name {
        return Ok(());
    }
    match std::fs::remove_file(tokens_dir.join(format!("{name}.token"))) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(e)),
    }
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A new random token: 32 bytes from the operating system, as 64 hex digits with a `lt_`
/// prefix (so that it is recognisable in a leaked file).
pub fn new_token() -> Result<String, std::io::Error> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(format!("lt_{}", linli_model::support::hex::encode(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_a_principal_keeps_the_others_as_written_and_deletes_its_token() {
        let dir = tempfile::tempdir().expect("temp");
        let file = dir.path().join("principals.toml");
        let tokens = dir.path().join("tokens");
        std::fs::write(&file, "# callers\n").expect("write");
        for (name, kind, vendor) in
            [("a", Kind::Department, None), ("b", Kind::Vendor, Some("V")), ("c", Kind::Department, None)]
        {
            let p = NewPrincipal {
                name: name.into(),
                kind,
                vendor: vendor.map(str::to_owned),
                write: vec![RecordType::Event],
                read: SharingLevel::Public,
            };
            add(&file, &tokens, &p).expect("add");
        }
        let before = std::fs::read_to_string(&file).expect("read");
        remove(&file, &tokens, "b").expect("remove");
        let after = std::fs::read_to_string(&file).expect("read");
        let names: Vec<String> = Principals::load(&file).expect("reads").iter().map(|p| p.name.clone()).collect();
        assert_eq!(names, ["a", "c"]);
        assert!(after.starts_with("# callers\n"), "the comment is kept");
        let c_entry = &before[before.rfind("[[principal]]").expect("c")..];
        assert!(after.ends_with(c_entry), "the other entries as written");
        assert!(!tokens.join("b.token").exists() && tokens.join("a.token").exists() && tokens.join("c.token").exists());
        let e = remove(&file, &tokens, "b").expect_err("gone");
        assert!(e.en.contains("no principal named b"), "{}", e.en);
        assert_eq!(std::fs::read_to_string(&file).expect("read"), after, "nothing changed");
    }

    #[test]
    fn tokens_authenticate_by_hash_and_unknown_ones_do_not() {
        let t = new_token().expect("random");
        let text = format!(
            "[[principal]]\nname = \"a\"\nkind = \"department\"\ntoken-sha256 = \"{}\"\nwrite = [\"Person\"]\nread = \"public\"\n",
            token_hash(&t)
        );
        let p = Principals::from_toml(&text, "p.toml").expect("reads");
        assert_eq!(p.authenticate(&t).map(|p| p.name.as_str()), Some("a"));
        assert!(p.authenticate("lt_other").is_none());
        assert!(p.authenticate("").is_none());
        assert!(!format!("{:?}", p).contains(&token_hash(&t)), "no hash in Debug");
    }

    #[test]
    fn added_principals_authenticate_and_the_file_keeps_only_hashes() {
        let dir = tempfile::tempdir().expect("temp");
        let file = dir.path().join("principals.toml");
        let p = NewPrincipal {
            name: "acme-iot".into(),
            kind: Kind::Vendor,
            vendor: Some("苏州\"邻里\"科技".into()),
            write: vec![RecordType::Event],
            read: SharingLevel::Public,
        };
        let token_file = add(&file, &dir.path().join("tokens"), &p).expect("added");
        let token = std::fs::read_to_string(&token_file).expect("token");
        let text = std::fs::read_to_string(&file).expect("file");
        assert!(!text.contains(&token));
        let all = Principals::load(&file).expect("reads");
        let who = all.authenticate(&token).expect("known");
        assert!(who.may_write(RecordType::Event, Some("苏州\"邻里\"科技")));
        assert!(add(&file, &dir.path().join("tokens"), &p).expect_err("twice").en.contains("exists"));
        let bad_name = NewPrincipal { name: "a b".into(), ..p };
        assert!(add(&file, &dir.path().join("tokens"), &bad_name).is_err());
    }

    #[test]
    fn vendors_write_only_their_own_records() {
        let text = format!(
            "[[principal]]\nname = \"v\"\nkind = \"vendor\"\nvendor = \"甲公司\"\ntoken-sha256 = \"{}\"\nwrite = [\"Event\"]\nread = \"public\"\n",
            token_hash("x")
        );
        let p = Principals::from_toml(&text, "p.toml").expect("reads");
        let v = p.authenticate("x").expect("known");
        assert!(v.may_write(RecordType::Event, Some("甲公司")));
        assert!(!v.may_write(RecordType::Event, Some("乙公司")));
        assert!(!v.may_write(RecordType::Person, Some("甲公司")));
    }

    #[test]
    fn bad_files_say_where() {
        let hash = token_hash("t");
        for (text, want) in [
            (
                "[[principal]]\nname = \"a\"\nkind = \"department\"\ntoken-sha256 = \"zz\"\nread = \"public\"\n"
                    .to_owned(),
                "token-sha256 must be",
            ),
            (
                format!(
                    "[[principal]]\nname = \"a\"\nkind = \"department\"\ntoken-sha256 = \"{hash}\"\nread = \"secret\"\n"
                ),
                "read must be",
            ),
            (
                format!(
                    "[[principal]]\nname = \"a\"\nkind = \"department\"\ntoken-sha256 = \"{hash}\"\nwrite = [\"Robot\"]\nread = \"public\"\n"
                ),
                "unknown record type",
            ),
            (
                format!(
                    "[[principal]]\nname = \"a\"\nkind = \"vendor\"\ntoken-sha256 = \"{hash}\"\nwrite = [\"Event\"]\nread = \"public\"\n"
                ),
                "needs `vendor`",
            ),
            ("[[principal]]\nname = \"a\"\nkind = \"robot\"\n".to_owned(), "not a valid principals file"),
        ] {
            let e = Principals::from_toml(&text, "p.toml").expect_err("refused");
            assert!(e.en.starts_with("p.toml: "), "{}", e.en);
            assert!(e.en.contains(want), "{} / {want}", e.en);
            assert!(e.zh.starts_with("p.toml："), "{}", e.zh);
        }
    }
}
