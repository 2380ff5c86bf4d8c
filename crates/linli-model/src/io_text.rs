//! I/O errors in words: what went wrong, by the error's kind, in Chinese or English, keeping the
//! system's error number for support `[CON-055]`.

/// What an I/O error says, in Chinese (`zh`) or English, starting with its separator (`：` or
/// `: `): what went wrong by the error's kind (不存在 / does not exist, 无权限 / permission denied,
/// ...), then the system's error number (`os error 2`) for support, or the reader's own words
/// when it gave some `[CON-055]`.
pub fn describe(e: &std::io::Error, zh: bool) -> String {
    use std::io::ErrorKind as K;
    // A dataset file that was refused carries its own message in both languages.
    if let Some(m) = e.get_ref().and_then(|r| r.downcast_ref::<crate::member::MemberError>()) {
        return if zh { format!("：{}", m.message_zh()) } else { format!(": {}", m.message_en()) };
    }
    let (what_zh, what_en) = match e.kind() {
        K::NotFound => ("文件或文件夹不存在", "no such file or folder"),
        K::PermissionDenied => ("无权读取或写入", "permission denied"),
        K::IsADirectory => ("是文件夹，这里需要文件", "is a folder; a file is needed here"),
        K::NotADirectory => ("路径中有一段不是文件夹", "a part of the path is not a folder"),
        K::AlreadyExists => ("已存在", "already exists"),
        K::DirectoryNotEmpty => ("文件夹不为空", "the folder is not empty"),
        K::InvalidData => ("内容无法读取", "the content does not read"),
        K::InvalidInput => ("不能这样读取", "cannot be read this way"),
        K::UnexpectedEof => ("文件提前结束", "the file ends too early"),
        K::StorageFull => ("磁盘已满或超出配额", "the disk is full or the quota is used up"),
        K::ReadOnlyFilesystem => ("文件系统只读", "the file system is read-only"),
        K::FileTooLarge => ("文件过大", "the file is too large"),
        K::ResourceBusy => ("正被占用", "is busy"),
        K::BrokenPipe => ("读取方已关闭", "the reader has gone"),
        K::Interrupted => ("被中断", "interrupted"),
        _ => ("读写失败", "cannot be read or written"),
    };
    match e.raw_os_error() {
        Some(n) => {
            if zh {
                format!("：{what_zh}（os error {n}）")
            } else {
                format!(": {what_en} (os error {n})")
            }
        }
        // Words of the reader's own (`not a regular file`, `larger than … bytes`): kept after the
        // lead, translated where they are known.
        // A bare kind (`ErrorKind::AlreadyExists.into()`): the lead says it all.
        None if e.get_ref().is_none() => {
            if zh {
                format!("：{what_zh}")
            } else {
                format!(": {what_en}")
            }
        }
        None => {
            let own = e.to_string();
            let own_zh = if own == "not a regular file" {
                "不是普通文件".to_owned()
            } else if let Some(n) = own.strip_prefix("larger than ").and_then(|r| r.strip_suffix(" bytes")) {
                format!("大于 {n} 字节")
            } else {
                own.clone()
            };
            if zh { format!("：{what_zh}：{own_zh}") } else { format!(": {what_en}: {own}") }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use std::io::{Error, ErrorKind};

    #[test]
    fn a_missing_file_is_said_in_both_languages_with_its_error_number() {
        let e = Error::from_raw_os_error(2);
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(describe(&e, true), "：文件或文件夹不存在（os error 2）");
        assert_eq!(describe(&e, false), ": no such file or folder (os error 2)");
    }

    #[test]
    fn own_words_are_kept_and_bare_kinds_need_none() {
        let e = Error::new(ErrorKind::InvalidInput, "not a regular file");
        assert_eq!(describe(&e, true), "：不能这样读取：不是普通文件");
        assert_eq!(describe(&e, false), ": cannot be read this way: not a regular file");
        let e = Error::from(ErrorKind::AlreadyExists);
        assert_eq!(describe(&e, true), "：已存在");
        assert_eq!(describe(&e, false), ": already exists");
    }

    #[test]
    fn a_refused_dataset_file_keeps_its_own_message() {
        let dir = std::env::temp_dir().join(format!("linli-io-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = crate::member::read_member(&dir, "missing.ndjson").unwrap_err().into_io();
        assert!(describe(&e, true).contains("不存在"), "{}", describe(&e, true));
        assert!(describe(&e, false).contains("does not exist"), "{}", describe(&e, false));
        std::fs::remove_dir_all(&dir).ok();
    }
}
