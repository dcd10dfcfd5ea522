//! The store's one error type, and how each error reads to a user.

use crate::i18n::{Lang, Localized};
use crate::model::ValidationError;
use std::path::PathBuf;

/// What can go wrong when reading or writing the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record would not be valid.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The file exists but is not an SQLite database (or is damaged).
    #[error("not a Zoufang database (or damaged): {0}")]
    NotADatabase(PathBuf),
    /// Zoufang's tables with no schema version: a copy made through SQL (`.dump`).
    #[error(
        "the database has Zoufang's tables but no schema version (restored from a dump?); run `zoufang repair` to check it and set the version: {0}"
    )]
    RestoredFromDump(PathBuf),
    /// `zoufang repair` on a database that has its schema version.
    #[error("the database needs no repair (schema version {version}): {path}", path = .path.display())]
    NothingToRepair {
        /// Its schema version.
        version: i64,
        /// The file.
        path: PathBuf,
    },
    /// The file is damaged; a backup of it exists.
    #[error(
        "the database is damaged or not a Zoufang database; restore the latest backup with `zoufang restore {backup}`: {path}",
        backup = .backup.display(), path = .path.display()
    )]
    Damaged {
        /// The damaged file.
        path: PathBuf,
        /// Its newest backup.
        backup: PathBuf,
    },
    /// Opened read-only, the file has an older schema that only a writable open can migrate.
    #[error(
        "the database has an older format and is read-only, so it cannot be upgraded; make it writable and open it once: {0}"
    )]
    NeedsUpgrade(PathBuf),
    /// The disk (or the database's size limit) is full.
    #[error(
        "the disk is full: nothing was changed; free some space (or move the database) and try again"
    )]
    DiskFull,
    /// The file was written by a newer Zoufang.
    #[error(
        "the database was written by a newer version of Zoufang (schema {found}, this version knows up to {supported}); update Zoufang to open it: {path}"
    )]
    NewerSchema {
        /// Schema version in the file.
        found: i64,
        /// Newest schema this build knows.
        supported: i64,
        /// The file.
        path: PathBuf,
    },
    /// Another program holds the database and did not let go in time.
    #[error(
        "the database is busy (another Zoufang window or command is writing); try again in a moment: {0}"
    )]
    Busy(PathBuf),
    /// The database can only be read.
    #[error(
        "the database is read-only (it can be read but not changed; check the file's permissions or the disk): {0}"
    )]
    ReadOnly(PathBuf),
    /// No live record has that id.
    #[error("no {kind} with id {id}")]
    NotFound {
        /// The kind of record looked for.
        kind: &'static str,
        /// The id given.
        id: String,
    },
    /// A topic given by code or name that does not exist.
    #[error("unknown topic: {0}")]
    UnknownTopic(String),
    /// Text that should be an id but is not one.
    #[error("not a record id: {0}")]
    BadId(String),
    /// A topic code already taken.
    #[error("a topic with code {0} already exists")]
    DuplicateCode(String),
    /// A parent that would make the topic its own ancestor.
    #[error("a topic cannot sit under itself or its own subtopic")]
    TopicCycle,
    /// Built-in topics keep their names and codes.
    #[error("built-in topics cannot be renamed, archived or deleted")]
    BuiltinTopic,
    /// A file above the size limit for attachments.
    #[error(
        "the file is too large to attach ({size}; the limit is {limit}, see --max-size): {path}",
        size = super::human_size(*.size), limit = super::human_size(*.limit), path = .path.display()
    )]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A path to attach that is not a regular file (a folder, a FIFO, a device).
    #[error("not a regular file (a folder, a pipe or a device cannot be attached): {0}")]
    NotAFile(PathBuf),
    /// An attachment whose bytes are not in the database.
    #[error("the content of the attachment is missing from the database (SHA-256 {0})")]
    MissingBlob(String),
    /// Stored attachment bytes that no longer match their SHA-256.
    #[error("the stored content of the attachment is damaged (SHA-256 {0}); restore a backup")]
    DamagedBlob(String),
    /// A field the user changed was also changed elsewhere since the editor read it.
    #[error(
        "{field} was changed elsewhere meanwhile (an import, another window); nothing was saved: {id}"
    )]
    ChangedElsewhere {
        /// The field's name.
        field: String,
        /// The record's id.
        id: String,
    },
    /// A database whose schema holds an object (a trigger, a view, a changed table …) that
    /// Zoufang does not make, or lacks one it does.
    #[error(
        "the database's structure differs from Zoufang's ({object}); it is refused so that nothing in it runs: {path}",
        path = .path.display()
    )]
    ForeignSchema {
        /// The object, as "trigger name", "table name" ….
        object: String,
        /// The file.
        path: PathBuf,
    },
    /// An output file that would destroy the database or replace a file unasked.
    #[error(transparent)]
    UnsafeOutput(#[from] crate::paths::UnsafeOutput),
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// A file-system error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Stored JSON that does not decode (a damaged row).
    #[error("damaged record: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Busy(PathBuf::new())
            }
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase(PathBuf::new())
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(PathBuf::new()),
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sqlite(err),
        }
    }
}

impl StoreError {
    /// Names `path` in an error SQLite reported without a file (busy, read-only, damaged), so
    /// the message says which database it is about.
    pub fn at(self, path: &std::path::Path) -> StoreError {
        match self {
            StoreError::Busy(p) if p.as_os_str().is_empty() => StoreError::Busy(path.to_owned()),
            StoreError::ReadOnly(p) if p.as_os_str().is_empty() => {
                StoreError::ReadOnly(path.to_owned())
            }
            // Damage found while reading names the file and, when there is one, its backup.
            StoreError::NotADatabase(p) if p.as_os_str().is_empty() => {
                match super::backup::latest_backup(path) {
                    Some(backup) => StoreError::Damaged {
                        path: path.to_owned(),
                        backup,
                    },
                    None => StoreError::NotADatabase(path.to_owned()),
                }
            }
            other => other,
        }
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl Localized for StoreError {
    fn localized(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::Invalid(e) => e.localized(lang),
            StoreError::NotADatabase(p) => {
                format!("这不是走访数据库，或文件已损坏：{}", p.display())
            }
            StoreError::RestoredFromDump(p) => format!(
                "数据库含有走访的数据表，但没有结构版本号（是否从导出的 SQL 恢复？）；请运行 `zoufang repair` 检查并设置版本号：{}",
                p.display()
            ),
            StoreError::NothingToRepair { version, path } => {
                format!("数据库无需修复（结构版本 {version}）：{}", path.display())
            }
            StoreError::Damaged { path, backup } => format!(
                "数据库已损坏或不是走访数据库；可用 `zoufang restore {}` 恢复最近的备份：{}",
                backup.display(),
                path.display()
            ),
            StoreError::NeedsUpgrade(p) => format!(
                "数据库为旧版格式且为只读，无法升级；请先设为可写并打开一次：{}",
                p.display()
            ),
            StoreError::DiskFull => {
                "磁盘已满：未做任何修改；请清理磁盘空间（或移动数据库）后重试".to_owned()
            }
            StoreError::NewerSchema {
                found,
                supported,
                path,
            } => format!(
                "该数据库由更新版本的走访程序写入（结构版本 {found}，本程序最高支持 {supported}），请升级程序后再打开：{}",
                path.display()
            ),
            StoreError::Busy(p) => format!(
                "数据库正被其他走访窗口或命令写入，请稍后重试：{}",
                p.display()
            ),
            StoreError::ReadOnly(p) => format!(
                "数据库为只读（可以查看，不能修改；请检查文件权限或磁盘）：{}",
                p.display()
            ),
            StoreError::NotFound { kind, id } => {
                format!("找不到{}：{id}", kind_label(kind, lang))
            }
            StoreError::UnknownTopic(t) => format!("未知专题：{t}"),
            StoreError::BadId(t) => format!("不是有效的记录编号：{t}"),
            StoreError::DuplicateCode(c) => format!("专题代码“{c}”已存在"),
            StoreError::TopicCycle => "专题不能放在自身或其下级专题之下".to_owned(),
            StoreError::BuiltinTopic => "内置专题不能改名、归档或删除".to_owned(),
            StoreError::FileTooLarge { path, size, limit } => format!(
                "文件过大，无法添加为附件（{}，上限为 {}，可用 --max-size 调整）：{}",
                super::human_size(*size),
                super::human_size(*limit),
                path.display()
            ),
            StoreError::NotAFile(p) => format!(
                "不是普通文件（文件夹、管道或设备不能作为附件）：{}",
                p.display()
            ),
            StoreError::MissingBlob(sha) => {
                format!("数据库中缺少该附件的内容（SHA-256 {sha}）")
            }
            StoreError::DamagedBlob(sha) => {
                format!("数据库中该附件的内容已损坏（SHA-256 {sha}），请恢复备份")
            }
            StoreError::ChangedElsewhere { field, id } => {
                format!("字段 {field} 已在别处被修改（导入、其他窗口），本次未保存：{id}")
            }
            StoreError::UnsafeOutput(e) => e.localized(lang),
            StoreError::ForeignSchema { object, path } => format!(
                "数据库结构与走访程序的不同（{object}），为避免执行其中的任何内容已拒绝：{}",
                path.display()
            ),
            StoreError::Sqlite(e) => format!("数据库错误：{e}"),
            StoreError::Io(e) => format!("文件错误：{e}"),
            StoreError::Json(e) => format!("记录已损坏：{e}"),
        }
    }
}

/// The name of a record kind in the user's language.
pub fn kind_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "visit" => lang.pick("走访记录", "visit"),
        "finding" => lang.pick("发现", "finding"),
        "topic" => lang.pick("专题", "topic"),
        "subject" => lang.pick("调研课题", "subject"),
        "attachment" => lang.pick("附件", "attachment"),
        "form" => lang.pick("表单", "form"),
        "response" => lang.pick("表单答卷", "form response"),
        "answer" => lang.pick("答案", "answer"),
        _ => lang.pick("记录", "record"),
    }
}
