//! The bundle layer's one error type, and how each error reads to a user (the file named last).

use crate::i18n::{Lang, Localized};
use crate::store::{StoreError, kind_label};
use std::path::PathBuf;

/// What can go wrong exporting or importing a bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// From the database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The file could not be read or written.
    #[error("cannot read or write the file ({source}): {path}")]
    File {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// Neither a bundle nor a Zoufang database.
    #[error("not a Zoufang bundle or database file: {0}")]
    NotABundle(PathBuf),
    /// A zip that cannot be read to the end (truncated or damaged).
    #[error("the bundle is damaged or incomplete ({detail}): {path}")]
    Damaged {
        /// What the zip reader said.
        detail: String,
        /// The file.
        path: PathBuf,
    },
    /// Made by a newer Zoufang.
    #[error(
        "the bundle was made by a newer version of Zoufang (format version {found}, this version reads up to {supported}); update Zoufang to import it: {path}"
    )]
    NewerFormat {
        /// The version in the manifest.
        found: u64,
        /// The newest this build reads.
        supported: u32,
        /// The file.
        path: PathBuf,
    },
    /// A records document that is not valid JSON of its shape (a record whose clock, date or
    /// id does not even decode).
    #[error("the entry {name} of the bundle cannot be read ({detail}): {path}")]
    BadEntry {
        /// The entry (`records/visit.json` …).
        name: String,
        /// What the decoder said.
        detail: String,
        /// The file.
        path: PathBuf,
    },
    /// The manifest is missing, malformed or of another format.
    #[error("the bundle's manifest is missing or invalid ({detail}): {path}")]
    BadManifest {
        /// What is wrong.
        detail: Detail,
        /// The file.
        path: PathBuf,
    },
    /// An entry name that could escape a folder or is otherwise unsafe.
    #[error("the bundle contains an unsafe entry name \"{name}\": {path}")]
    UnsafeName {
        /// The entry name.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// The same entry twice.
    #[error("the bundle contains an entry twice (\"{name}\"): {path}")]
    DuplicateEntry {
        /// The entry name.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// An entry that has no place in a bundle.
    #[error("the bundle contains an unexpected entry \"{name}\": {path}")]
    UnexpectedEntry {
        /// The entry name.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// Records of a kind this version does not know.
    #[error("the bundle contains records of an unknown kind \"{kind}\": {path}")]
    UnknownKind {
        /// The kind found.
        kind: String,
        /// The file.
        path: PathBuf,
    },
    /// An entry, or the whole, larger than the limits.
    #[error("the bundle is too large (\"{name}\" exceeds the limit of {limit} bytes): {path}")]
    TooLarge {
        /// The entry (or `*` for the whole file).
        name: String,
        /// The limit.
        limit: u64,
        /// The file.
        path: PathBuf,
    },
    /// An entry whose zip header claims more bytes than the limits allow (refused unread).
    #[error(
        "the bundle's entry \"{name}\" declares {declared} bytes, more than the limit of {limit}: {path}"
    )]
    DeclaredTooLarge {
        /// The entry.
        name: String,
        /// The size its header claims.
        declared: u64,
        /// The limit.
        limit: u64,
        /// The file.
        path: PathBuf,
    },
    /// JSON nested deeper than the reader follows (a crafted file).
    #[error("the bundle's entry \"{name}\" is nested too deeply to be read: {path}")]
    TooDeep {
        /// The entry.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// Too many entries.
    #[error("the bundle has too many entries (more than {limit}): {path}")]
    TooManyEntries {
        /// The limit.
        limit: usize,
        /// The file.
        path: PathBuf,
    },
    /// An entry whose bytes do not match the manifest.
    #[error(
        "the checksum of \"{name}\" does not match the manifest (the bundle was damaged or altered): {path}"
    )]
    Checksum {
        /// The entry.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// An entry the manifest lists but the zip lacks, or the other way round.
    #[error("the bundle's entries do not match its manifest (\"{name}\"): {path}")]
    EntryMismatch {
        /// The entry.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// An attachment entry whose bytes do not hash to its name.
    #[error(
        "the attachment \"{name}\" does not match its SHA-256 (the bundle was damaged or altered): {path}"
    )]
    AttachmentHash {
        /// The entry.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// An attachment record whose bytes the file does not carry.
    #[error("the file lacks the content of attachment {id} (SHA-256 {sha256}): {path}")]
    MissingAttachment {
        /// The attachment's id.
        id: String,
        /// The hash of the missing bytes.
        sha256: String,
        /// The file.
        path: PathBuf,
    },
    /// A record that does not read as its kind (bad date, unknown value, bad id …).
    #[error("invalid {kind} record {id} ({detail}): {path}")]
    BadRecord {
        /// The kind.
        kind: &'static str,
        /// Its id as given.
        id: String,
        /// What is wrong.
        detail: Detail,
        /// The file.
        path: PathBuf,
    },
    /// A record that refers to one neither in the file nor in the database.
    #[error("{kind} record {id} refers to a missing {target} {target_id}: {path}")]
    MissingReference {
        /// The kind of the referring record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The kind referred to.
        target: &'static str,
        /// The id referred to.
        target_id: String,
        /// The file.
        path: PathBuf,
    },
    /// Changes dated too far in the future (the exporting laptop's clock is wrong).
    #[error(
        "the file holds changes dated {when}, in the future; check the clock of the laptop that made it: {path}"
    )]
    FutureClock {
        /// The date of the change (UTC).
        when: String,
        /// The file.
        path: PathBuf,
    },
    /// A history entry that is malformed, too large or not what its id says.
    #[error("invalid history entry {number} ({id}): {detail}: {path}")]
    BadHistory {
        /// Its position in `history.json`, from 1.
        number: usize,
        /// Its id as given.
        id: String,
        /// What is wrong.
        detail: String,
        /// The file.
        path: PathBuf,
    },
    /// An SQLite file that is not a Zoufang database.
    #[error("not a Zoufang database: {0}")]
    ForeignDatabase(PathBuf),
    /// A Zoufang database of a newer schema.
    #[error(
        "the database was written by a newer version of Zoufang (schema {found}, this version knows up to {supported}); update Zoufang to import it: {path}"
    )]
    NewerDatabase {
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
        /// The file.
        path: PathBuf,
    },
    /// Export was asked for nothing.
    #[error(
        "choose what to export (--topic, --since, --until, --investigator, --subject) or --all"
    )]
    NothingSelected,
    /// No conflict with that number.
    #[error("no conflict number {0}")]
    NoSuchConflict(i64),
    /// An encrypted bundle and no passphrase to open it.
    #[error("the bundle is encrypted: give its passphrase to import it: {0}")]
    NeedsPassphrase(PathBuf),
    /// The passphrase does not open the bundle.
    #[error("wrong passphrase: the bundle cannot be decrypted with it (nothing was imported): {0}")]
    WrongPassphrase(PathBuf),
    /// An age file encrypted to keys rather than a passphrase.
    #[error("the file is encrypted, but not with a passphrase; Zoufang cannot open it: {0}")]
    NotPassphraseEncrypted(PathBuf),
    /// An encrypted file demanding more key-stretching work than a reader allows.
    #[error(
        "the bundle's encryption asks for too much work (scrypt work factor {required}, at most {max} accepted): {path}",
        max = super::crypt::MAX_WORK_FACTOR
    )]
    ExcessiveWork {
        /// The work factor the file names.
        required: u8,
        /// The file.
        path: PathBuf,
    },
    /// An empty passphrase.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// A passphrase too short for a new encrypted bundle.
    #[error("the passphrase is too short: use at least {min} characters")]
    WeakPassphrase {
        /// The fewest characters accepted.
        min: usize,
    },
    /// The two passphrases typed differ.
    #[error("the two passphrases differ")]
    PassphraseMismatch,
    /// Encrypting failed.
    #[error("could not encrypt the bundle: {0}")]
    Encryption(String),
}

/// The bundle layer's result type.
pub type Result<T, E = BundleError> = std::result::Result<T, E>;

impl From<serde_json::Error> for BundleError {
    fn from(err: serde_json::Error) -> Self {
        BundleError::Store(err.into())
    }
}

impl Localized for BundleError {
    fn localized(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            BundleError::Store(e) => e.localized(lang),
            BundleError::File { source, path } => {
                format!(
                    "无法读写文件（{}）：{}",
                    crate::paths::io_reason_zh(source),
                    path.display()
                )
            }
            BundleError::NotABundle(p) => {
                format!("这不是走访案卷包，也不是走访数据库：{}", p.display())
            }
            BundleError::BadEntry { name, detail, path } => {
                format!("案卷包中的 {name} 无法读取（{detail}）：{}", path.display())
            }
            BundleError::Damaged { detail, path } => {
                format!("案卷包已损坏或不完整（{detail}）：{}", path.display())
            }
            BundleError::NewerFormat {
                found,
                supported,
                path,
            } => format!(
                "该案卷包由更新版本的走访程序生成（格式版本 {found}，本程序最高支持 {supported}），请升级程序后再导入：{}",
                path.display()
            ),
            BundleError::BadManifest { detail, path } => {
                format!(
                    "案卷包的清单缺失或无效（{}）：{}",
                    detail.in_lang(Lang::Zh),
                    path.display()
                )
            }
            BundleError::UnsafeName { name, path } => {
                format!("案卷包含有不安全的条目名“{name}”：{}", path.display())
            }
            BundleError::DuplicateEntry { name, path } => {
                format!("案卷包中有重复的条目（“{name}”）：{}", path.display())
            }
            BundleError::UnexpectedEntry { name, path } => {
                format!("案卷包含有不应有的条目“{name}”：{}", path.display())
            }
            BundleError::UnknownKind { kind, path } => {
                format!("案卷包含有未知类型“{kind}”的记录：{}", path.display())
            }
            BundleError::TooLarge { name, limit, path } => format!(
                "案卷包过大（“{name}”超过 {limit} 字节的上限）：{}",
                path.display()
            ),
            BundleError::DeclaredTooLarge {
                name,
                declared,
                limit,
                path,
            } => format!(
                "案卷包条目“{name}”声明大小为 {declared} 字节，超过 {limit} 字节的上限：{}",
                path.display()
            ),
            BundleError::TooDeep { name, path } => format!(
                "案卷包条目“{name}”的 JSON 嵌套层数过多，无法读取：{}",
                path.display()
            ),
            BundleError::TooManyEntries { limit, path } => {
                format!("案卷包条目过多（超过 {limit} 个）：{}", path.display())
            }
            BundleError::Checksum { name, path } => format!(
                "“{name}”的校验和与清单不符（案卷包已损坏或被改动）：{}",
                path.display()
            ),
            BundleError::EntryMismatch { name, path } => {
                format!("案卷包的条目与清单不一致（“{name}”）：{}", path.display())
            }
            BundleError::AttachmentHash { name, path } => format!(
                "附件“{name}”与其 SHA-256 不符（案卷包已损坏或被改动）：{}",
                path.display()
            ),
            BundleError::MissingAttachment { id, sha256, path } => format!(
                "文件中缺少附件 {id} 的内容（SHA-256 {sha256}）：{}",
                path.display()
            ),
            BundleError::BadRecord {
                kind,
                id,
                detail,
                path,
            } => format!(
                "{} {id} 无效（{}）：{}",
                record_label(kind, lang),
                detail.in_lang(lang),
                path.display()
            ),
            BundleError::MissingReference {
                kind,
                id,
                target,
                target_id,
                path,
            } => format!(
                "{} {id} 引用的{} {target_id} 既不在文件中也不在数据库中：{}",
                record_label(kind, lang),
                kind_label(target, lang),
                path.display()
            ),
            BundleError::FutureClock { when, path } => format!(
                "文件中有日期为 {when} 的修改，晚于当前时间；请检查生成该文件的电脑的时钟：{}",
                path.display()
            ),
            BundleError::BadHistory {
                number,
                id,
                detail,
                path,
            } => format!(
                "修改记录第 {number} 条（{id}）无效（{detail}）：{}",
                path.display()
            ),
            BundleError::ForeignDatabase(p) => {
                format!("这不是走访数据库：{}", p.display())
            }
            BundleError::NewerDatabase {
                found,
                supported,
                path,
            } => format!(
                "该数据库由更新版本的走访程序写入（结构版本 {found}，本程序最高支持 {supported}），请升级程序后再导入：{}",
                path.display()
            ),
            BundleError::NothingSelected => {
                "请指定导出范围（--topic、--since、--until、--investigator、--subject）或使用 --all"
                    .to_owned()
            }
            BundleError::NoSuchConflict(n) => format!("没有编号为 {n} 的冲突"),
            BundleError::NeedsPassphrase(p) => {
                format!("案卷包已加密，请提供口令后再导入：{}", p.display())
            }
            BundleError::WrongPassphrase(p) => {
                format!(
                    "口令错误，无法解密案卷包（未导入任何内容）：{}",
                    p.display()
                )
            }
            BundleError::NotPassphraseEncrypted(p) => {
                format!(
                    "该文件已加密，但不是用口令加密的，走访程序无法打开：{}",
                    p.display()
                )
            }
            BundleError::ExcessiveWork { required, path } => format!(
                "案卷包的加密参数要求的计算量过大（scrypt 工作因子 {required}，最多接受 {}）：{}",
                super::crypt::MAX_WORK_FACTOR,
                path.display()
            ),
            BundleError::EmptyPassphrase => "口令不能为空".to_owned(),
            BundleError::WeakPassphrase { min } => format!("口令太短：请至少使用 {min} 个字符"),
            BundleError::PassphraseMismatch => "两次输入的口令不一致".to_owned(),
            BundleError::Encryption(e) => format!("无法加密案卷包：{e}"),
        }
    }
}

/// "走访记录", "发现记录" …: a kind's name with 记录 once (the visit's own name already ends
/// with it; "走访记录记录" read as a typo).
fn record_label(kind: &str, lang: Lang) -> String {
    let label = kind_label(kind, lang);
    if label.ends_with("记录") {
        label.to_owned()
    } else {
        format!("{label}记录")
    }
}

/// What is wrong with a record, in both languages. A detail that is data (a decoder's own
/// message) reads the same in both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    en: String,
    zh: String,
}

impl Detail {
    /// A detail in Chinese and English.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Detail {
        Detail {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The detail of a localised error (a validation rule the record breaks).
    pub fn of(error: &impl Localized) -> Detail {
        Detail::new(error.localized(Lang::Zh), error.localized(Lang::En))
    }

    /// The detail in `lang`.
    pub fn in_lang(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

impl From<String> for Detail {
    fn from(text: String) -> Detail {
        Detail {
            zh: text.clone(),
            en: text,
        }
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::ops::Deref for Detail {
    type Target = str;
    fn deref(&self) -> &str {
        &self.en
    }
}
