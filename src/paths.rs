//! Where Zoufang keeps its files by default.

use std::path::{Path, PathBuf};

/// The platform's data directory for Zoufang (e.g. `~/.local/share/zoufang`).
pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "zoufang")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The default database: `ZOUFANG_DB` is read by the command line before this is used.
pub fn default_db() -> PathBuf {
    data_dir().join("zoufang.sqlite")
}

/// The demo database opened by `zoufang --demo`.
pub fn demo_db() -> PathBuf {
    data_dir().join("demo.sqlite")
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename, so a failed or
/// interrupted write never leaves a half-written document behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".zoufang-tmp");
    let tmp = path.with_file_name(tmp_name);
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        // On disk before the rename, so a power cut leaves the old file or the new one.
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        // Nothing useful can be done if the leftover cannot be removed either.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The common file-system errors in Chinese (the system's own text is English).
pub fn io_reason_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull => "磁盘已满，文件未写入；请清理磁盘空间后重试".to_owned(),
        ErrorKind::NotFound => "文件或文件夹不存在".to_owned(),
        ErrorKind::PermissionDenied => "没有权限".to_owned(),
        ErrorKind::ReadOnlyFilesystem => "磁盘为只读".to_owned(),
        ErrorKind::AlreadyExists => "文件已存在".to_owned(),
        ErrorKind::IsADirectory => "这是一个文件夹".to_owned(),
        _ => format!("系统错误：{e}"),
    }
}

/// Why a file may not be written where a command was asked to write it.
#[derive(Debug, thiserror::Error)]
pub enum UnsafeOutput {
    /// The open database, or one of the files SQLite keeps beside it.
    #[error("this is the open database (or its journal); choose another file name: {0}")]
    Database(PathBuf),
    /// An existing file, and the command was not told it may replace it.
    #[error("the file already exists; give --force to replace it: {0}")]
    Exists(PathBuf),
}

impl crate::i18n::Localized for UnsafeOutput {
    fn localized(&self, lang: crate::i18n::Lang) -> String {
        match (self, lang) {
            (UnsafeOutput::Database(p), crate::i18n::Lang::Zh) => {
                format!(
                    "这是当前打开的数据库（或其日志文件），请换一个文件名：{}",
                    p.display()
                )
            }
            (UnsafeOutput::Exists(p), crate::i18n::Lang::Zh) => {
                format!("文件已存在；如需替换请加 --force：{}", p.display())
            }
            (other, _) => other.to_string(),
        }
    }
}

/// Decides whether a command may write its output to `out` while the database `db` is open.
/// The rule, the same for every output (bundles, summaries, documents, extracted attachments,
/// backups): never the database itself nor the `-wal`, `-shm` or `-journal` file beside it
/// (whatever the spelling: a relative path, `..`, a symbolic or hard link), and an existing
/// file only when `replace` is true (the command line's `--force`; the window's save dialog
/// asks the user itself).
pub fn check_output(out: &Path, db: &Path, replace: bool) -> Result<(), UnsafeOutput> {
    if db.as_os_str() != ":memory:" {
        let target = resolved(out);
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let companion = PathBuf::from(name);
            if resolved(&companion) == target || same_existing_file(out, &companion) {
                return Err(UnsafeOutput::Database(out.to_owned()));
            }
        }
    }
    if !replace && std::fs::symlink_metadata(out).is_ok() {
        return Err(UnsafeOutput::Exists(out.to_owned()));
    }
    Ok(())
}

/// Writes a document to the file the user chose in the window's save dialog (which asked
/// about replacing an existing one): never onto the open database `db` or its journals, and
/// atomically. The error is a message in `lang` naming the file.
pub fn save_chosen(
    out: &Path,
    db: &Path,
    bytes: &[u8],
    lang: crate::i18n::Lang,
) -> Result<(), String> {
    use crate::i18n::Localized;
    check_output(out, db, true).map_err(|e| e.localized(lang))?;
    write_atomically(out, bytes).map_err(|e| {
        let reason = match lang {
            crate::i18n::Lang::Zh => io_reason_zh(&e),
            crate::i18n::Lang::En => e.to_string(),
        };
        format!("{reason}: {}", out.display())
    })
}

/// `path` with its folder made absolute and its links resolved (the file itself may not
/// exist yet), for comparing two spellings of one place.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(full) = path.canonicalize() {
        return full;
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_owned(),
    }
}

/// Whether two existing paths are one file (a hard link has its own name).
#[cfg(unix)]
fn same_existing_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether two existing paths are one file (elsewhere, their resolved names decide).
#[cfg(not(unix))]
fn same_existing_file(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_chosen_in_the_window_never_replaces_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("z.sqlite");
        std::fs::write(&db, b"database").unwrap();
        let refused = save_chosen(&db, &db, b"report", crate::i18n::Lang::Zh).unwrap_err();
        assert!(refused.contains("当前打开的数据库"), "{refused}");
        assert_eq!(std::fs::read(&db).unwrap(), b"database");
        let report = dir.path().join("汇总.xlsx");
        std::fs::write(&report, b"old").unwrap();
        save_chosen(&report, &db, b"new", crate::i18n::Lang::Zh).unwrap();
        assert_eq!(std::fs::read(&report).unwrap(), b"new", "the dialog asked");
    }

    #[test]
    fn the_database_and_its_companions_are_never_an_output() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("z.sqlite");
        std::fs::write(&db, b"x").unwrap();
        for name in [
            "z.sqlite",
            "z.sqlite-wal",
            "z.sqlite-shm",
            "z.sqlite-journal",
        ] {
            let out = dir.path().join("sub").join("..").join(name);
            std::fs::create_dir_all(dir.path().join("sub")).unwrap();
            assert!(
                matches!(
                    check_output(&out, &db, true),
                    Err(UnsafeOutput::Database(_))
                ),
                "{name}"
            );
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link.zfb");
            std::fs::hard_link(&db, &link).unwrap();
            assert!(matches!(
                check_output(&link, &db, true),
                Err(UnsafeOutput::Database(_))
            ));
        }
    }

    #[test]
    fn an_existing_file_is_replaced_only_when_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("z.sqlite");
        let out = dir.path().join("out.zfb");
        assert!(check_output(&out, &db, false).is_ok());
        std::fs::write(&out, b"keep").unwrap();
        let err = check_output(&out, &db, false).unwrap_err();
        assert!(matches!(err, UnsafeOutput::Exists(_)));
        use crate::i18n::Localized;
        assert!(err.localized(crate::i18n::Lang::Zh).contains("--force"));
        assert!(check_output(&out, &db, true).is_ok());
    }
}
