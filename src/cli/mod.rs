//! The command line: one small file per subcommand, each a thin call into the library.
//! Exit codes: 0 success, 1 a user error (one line on stderr, in the user's language),
//! 2 a usage error (clap's own message).

/// Writes a line of text to standard output, with control characters and escape sequences made
/// visible ([`terminal::sanitize`]); a closed pipe (`zoufang list … | head`) ends the command
/// quietly instead of panicking, other write errors become a [`CliError::Io`].
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($arg)*);
        writeln!(std::io::stdout().lock(), "{}", $crate::cli::terminal::sanitize(&line))?
    }};
}

/// Writes JSON to standard output exactly as encoded (its encoder escapes control characters).
macro_rules! jsonln {
    ($json:expr) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), "{}", $json)?
    }};
}

mod attach;
mod backup;
mod conflicts;
mod demo;
mod digest;
mod export;
mod finding;
mod form;
mod form_json;
mod form_records;
mod form_results;
mod import;
mod import_changes;
mod json;
mod ledger;
mod list;
mod passphrase;
mod response;
mod shell;
mod show;
mod subject;
mod summary;
mod sync;
pub mod terminal;
mod topic;
mod verify;
mod visit;

use crate::i18n::{Lang, Localized};
use crate::model::{ValidationError, parse_date};
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Zoufang (走访): record field visits, findings and their rectification, offline.
#[derive(Debug, Parser)]
#[command(name = "zoufang", version, about, long_about = None)]
pub struct Cli {
    /// The database file (default: the platform's data directory).
    #[arg(long, global = true, env = "ZOUFANG_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages and labels (default: the system's).
    #[arg(long, global = true, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// Open the window on the demo database (created on first use).
    #[arg(long)]
    pub demo: bool,
    /// Bundles (.zfb) or colleagues' database files: the window opens on the preview of
    /// importing them, and writes nothing until you confirm (what a double click runs).
    #[arg(value_name = "FILE", value_parser = existing_file)]
    pub files: Vec<PathBuf>,
    /// What to do; without one, the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record, change, delete or restore a visit.
    #[command(subcommand)]
    Visit(visit::VisitCommand),
    /// Record, change, delete or restore a finding.
    #[command(subcommand)]
    Finding(finding::FindingCommand),
    /// The topic catalogue.
    #[command(subcommand)]
    Topic(topic::TopicCommand),
    /// Research subjects (调研课题).
    #[command(subcommand)]
    Subject(subject::SubjectCommand),
    /// Attach files (photos, documents) to a visit or finding.
    Attach(attach::AttachArgs),
    /// List the attachments of a visit or finding.
    Attachments(attach::ListArgs),
    /// Move an attachment to the Trash (`--undo` brings it back).
    Detach(attach::DetachArgs),
    /// Write an attachment's content to a file.
    Extract(attach::ExtractArgs),
    /// Show or set this database's size limit per attached file, in MB (default 50); the window
    /// and `attach` use it.
    AttachmentLimit {
        /// The new limit in MB.
        mb: Option<u64>,
    },
    /// List visits, findings, topics or subjects.
    List(list::ListArgs),
    /// Show any record with its history.
    Show {
        /// The record's id.
        id: String,
    },
    /// Search visits, findings and subjects (Chinese substrings of any length).
    Search {
        /// What to look for; several words must all match.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        /// Results at most.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Fill the database with realistic Chinese demo data.
    Demo(demo::DemoArgs),
    /// The progress-report figures (per topic and overall) as text, JSON or a document.
    Summary(summary::SummaryArgs),
    /// Write a case bundle (.zfb) of selected visits to mail or carry.
    Export(export::ExportArgs),
    /// Merge colleagues' bundles or database files (preview with --dry-run).
    Import(import::ImportArgs),
    /// Import an office ledger (问题清单 / 整改台账: .xlsx, .xls, .ods, .csv) as problems; importing
    /// it again updates the rows that changed.
    ImportTable(ledger::ImportTableArgs),
    /// Write the problem list as an office ledger (.xlsx or .csv).
    ExportTable(ledger::ExportTableArgs),
    /// The conflicts merges found, to review.
    Conflicts(conflicts::ConflictsArgs),
    /// The bundles and databases imported so far.
    Imports,
    /// One SHA-256 over the synced data: equal on two laptops exactly when they agree.
    Digest(digest::DigestArgs),
    /// Check a bundle (or a database file) without importing it.
    Verify(verify::VerifyArgs),
    /// Sync through a shared folder: write this laptop's new changes there as one bundle and
    /// import the colleagues' bundles not imported yet.
    Sync(sync::SyncArgs),
    /// Copy the database (SQLite's online backup) to FILE, or into the rotated backups folder.
    Backup {
        /// Where to write the copy (default: `backups/` beside the database, newest 10 kept).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Replace the database by a backup (after backing up the current one).
    Restore {
        /// The backup to restore (see `zoufang backups`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// List the backups beside the database, newest first.
    Backups,
    /// Set the schema version of a database copied through SQL (`.dump`), after checking its
    /// tables object by object and backing it up.
    Repair,
    /// XLSForm questionnaires and checklists: check or import a workbook, list and show forms,
    /// list the built-in templates.
    #[command(subcommand)]
    Form(form::FormCommand),
    /// Fill forms on visits: add, edit, delete, restore, list and show responses.
    #[command(subcommand)]
    Response(response::ResponseCommand),
    /// Show or set the author name written into history and bundles.
    Author {
        /// The new name.
        name: Option<String>,
    },
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff, for `man`).
    Manpage,
}

/// A user error: printed as one line, exit code 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// From the store.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// From validation.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// From bundles.
    #[error(transparent)]
    Bundle(#[from] crate::bundle::BundleError),
    /// A value that is not one of the accepted ones.
    #[error("unknown {what}: {value} (expected one of: {expected})")]
    BadValue {
        /// What was given (kind, status …).
        what: &'static str,
        /// The value.
        value: String,
        /// The accepted codes.
        expected: String,
    },
    /// Writing the output failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// JSON output failed.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// From the report layer.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// A binary format asked for without a file to write it to.
    #[error("{0} is a binary format: give a file with --out FILE")]
    NeedsOut(&'static str),
    /// Writing an output file failed.
    #[error("could not write the file ({1}): {path}", path = .0.display())]
    Write(PathBuf, std::io::Error),
    /// The passphrase file could not be read.
    #[error("could not read the passphrase file ({1}): {path}", path = .0.display())]
    PassphraseFile(PathBuf, std::io::Error),
    /// A passphrase is needed, and there is no terminal to ask on.
    #[error(
        "a passphrase is needed: give --passphrase-file FILE or set ZOUFANG_PASSPHRASE (there is no terminal to ask on)"
    )]
    NoPassphrase,
    /// An output file that would destroy the database or replace a file unasked.
    #[error(transparent)]
    Output(#[from] crate::paths::UnsafeOutput),
    /// The folder of the database given with `--db` does not exist.
    #[error("the folder of the database does not exist (it is not created; check --db): {path}", path = .0.display())]
    NoSuchFolder(PathBuf),
    /// From office ledgers.
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    /// A format the chosen kind of summary is not written in.
    #[error("{0}")]
    Unsupported(String),
    /// A form workbook or a response that breaks its rules (one line per problem).
    #[error("{}", form::localized(.0, Lang::En))]
    Form(crate::forms::FormError),
}

impl CliError {
    /// Standard output was closed by its reader: not an error worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl Localized for CliError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (CliError::Store(e), _) => e.localized(lang),
            (CliError::Invalid(e), _) => e.localized(lang),
            (CliError::Report(e), _) => e.localized(lang),
            (CliError::Form(e), _) => e.localized(lang),
            (CliError::NeedsOut(format), Lang::Zh) => {
                format!("{format} 是二进制格式，请用 --out 文件名 指定输出文件")
            }
            (CliError::Write(path, e), Lang::Zh) => {
                format!(
                    "无法写入文件（{}）：{}",
                    crate::paths::io_reason_zh(e),
                    path.display()
                )
            }
            (CliError::NoSuchFolder(path), Lang::Zh) => format!(
                "数据库所在的文件夹不存在（不会自动创建，请检查 --db）：{}",
                path.display()
            ),
            (CliError::Bundle(e), _) => e.localized(lang),
            (CliError::Output(e), _) => e.localized(lang),
            (CliError::Ledger(e), _) => e.localized(lang),
            (CliError::PassphraseFile(path, e), Lang::Zh) => {
                format!("无法读取口令文件（{e}）：{}", path.display())
            }
            (CliError::NoPassphrase, Lang::Zh) => {
                "需要口令：请使用 --passphrase-file 文件名，或设置环境变量 ZOUFANG_PASSPHRASE（当前没有终端可供输入）"
                    .to_owned()
            }
            (
                CliError::BadValue {
                    what,
                    value,
                    expected,
                },
                Lang::Zh,
            ) => {
                let what = match *what {
                    "kind" => "类型",
                    "category" => "整改类别",
                    "status" => "整改状态",
                    "list" => "列表",
                    "role" => "受访人身份",
                    _ => "取值",
                };
                format!(
                    "未知的{what}：{value}（可选：{}）",
                    with_chinese_labels(expected)
                )
            }
            (other, _) => other.to_string(),
        }
    }
}

/// What a subcommand needs: the open store, the language, and the output mode.
pub struct Context {
    /// The open database.
    pub store: Store,
    /// The language of messages.
    pub lang: Lang,
    /// Print JSON instead of text.
    pub json: bool,
}

impl Context {
    /// Prints a value as pretty JSON.
    pub fn print_json(&self, value: &impl serde::Serialize) -> Result<(), CliError> {
        jsonln!(serde_json::to_string_pretty(value)?);
        Ok(())
    }
}

impl Cli {
    /// The language chosen by `--lang`, else the system's.
    pub fn language(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_else(Lang::from_system)
    }

    /// Refuses a database named with `--db` (or `ZOUFANG_DB`) in a folder that does not exist:
    /// a typing mistake must not leave a trail of new folders (only the default data folder is
    /// made). The window checks the same before it opens.
    pub fn check_db_folder(&self) -> Result<(), CliError> {
        let db = self.db_path();
        if self.db.is_some()
            && let Some(folder) = db.parent().filter(|p| !p.as_os_str().is_empty())
            && !folder.is_dir()
        {
            return Err(CliError::NoSuchFolder(folder.to_owned()));
        }
        Ok(())
    }

    /// How the window starts: the database given (if any), the language, the files to preview.
    pub fn launch(&self) -> crate::ui::Launch {
        let explicit_db = self.db.is_some() || self.demo;
        crate::ui::Launch {
            db: explicit_db.then(|| self.db_path()),
            lang: self.lang.as_deref().and_then(Lang::parse),
            import: self.files.clone(),
        }
    }

    /// The database path: `--db`, `ZOUFANG_DB`, the demo database, or the default.
    pub fn db_path(&self) -> PathBuf {
        match (&self.db, self.demo) {
            (Some(path), _) => path.clone(),
            (None, true) => crate::paths::demo_db(),
            (None, false) => crate::paths::default_db(),
        }
    }
}

/// Runs a subcommand; the caller prints the error and exits 1 on `Err`.
pub fn run(cli: &Cli, command: &Command) -> Result<(), CliError> {
    let (db, lang) = (cli.db_path(), cli.language());
    cli.check_db_folder()?;
    // These work on the file itself, even when it is damaged.
    match command {
        Command::Restore { file } => return backup::restore_cmd(&db, file, lang, cli.json),
        Command::Backups => return backup::list(&db, lang, cli.json),
        Command::Repair => return backup::repair_cmd(&db, lang, cli.json),
        Command::Form(cmd) if cmd.needs_no_database() => return form::run(cmd, lang, cli.json),
        // These need no database at all.
        Command::Completions { shell } => return shell::completions(*shell),
        Command::Manpage => return shell::manpage(),
        _ => {}
    }
    let store = if command.only_reads() {
        let store = Store::open_or_read_only(&db)?;
        if store.is_read_only() && !cli.json {
            eprintln!(
                "{}{}",
                lang.pick(
                    "数据库为只读，仅可查看：",
                    "The database is read-only; opened for reading only: "
                ),
                db.display()
            );
        }
        store
    } else {
        Store::open(&db)?
    };
    let mut ctx = Context {
        store,
        lang,
        json: cli.json,
    };
    run_on(&mut ctx, command).map_err(|e| match e {
        // SQLite reports a busy, read-only or damaged file without its name: the database's.
        CliError::Store(e) => CliError::Store(e.at(&db)),
        CliError::Bundle(crate::bundle::BundleError::Store(e)) => {
            CliError::Bundle(crate::bundle::BundleError::Store(e.at(&db)))
        }
        other => other,
    })
}

/// Runs a subcommand on the open database.
fn run_on(ctx: &mut Context, command: &Command) -> Result<(), CliError> {
    match command {
        Command::Visit(cmd) => visit::run(ctx, cmd),
        Command::Finding(cmd) => finding::run(ctx, cmd),
        Command::Topic(cmd) => topic::run(ctx, cmd),
        Command::Subject(cmd) => subject::run(ctx, cmd),
        Command::Attach(args) => attach::attach(ctx, args),
        Command::Attachments(args) => attach::list(ctx, args),
        Command::Detach(args) => attach::detach(ctx, args),
        Command::Extract(args) => attach::extract(ctx, args),
        Command::AttachmentLimit { mb } => attach::limit(ctx, *mb),
        Command::List(args) => list::run(ctx, args),
        Command::Show { id } => show::run(ctx, id),
        Command::Search { text, limit } => show::search(ctx, &text.join(" "), *limit),
        Command::Demo(args) => demo::run(ctx, args),
        Command::Summary(args) => summary::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Import(args) => import::run(ctx, args),
        Command::ImportTable(args) => ledger::import(ctx, args),
        Command::ExportTable(args) => ledger::export(ctx, args),
        Command::Conflicts(args) => conflicts::run(ctx, args),
        Command::Imports => conflicts::imports(ctx),
        Command::Digest(args) => digest::run(ctx, args),
        Command::Verify(args) => verify::run(ctx, args),
        Command::Sync(args) => sync::run(ctx, args),
        Command::Backup { out } => backup::backup(ctx, out.as_deref()),
        Command::Form(cmd) => form::run_on(ctx, cmd),
        Command::Response(cmd) => response::run(ctx, cmd),
        Command::Restore { .. }
        | Command::Backups
        | Command::Repair
        | Command::Completions { .. }
        | Command::Manpage => Ok(()),
        Command::Author { name } => {
            if let Some(name) = name {
                ctx.store.set_author(name)?;
            }
            if ctx.json {
                ctx.print_json(&serde_json::json!({ "author": ctx.store.author() }))
            } else {
                outln!("{}", ctx.store.author());
                Ok(())
            }
        }
    }
}

impl Command {
    /// True for the commands that only read, which also work on a read-only database.
    fn only_reads(&self) -> bool {
        match self {
            Command::List(_)
            | Command::Attachments(_)
            | Command::Extract(_)
            | Command::AttachmentLimit { mb: None }
            | Command::Show { .. }
            | Command::Search { .. }
            | Command::Summary(_)
            | Command::Export(_)
            | Command::ExportTable(_)
            | Command::Imports
            | Command::Backup { .. }
            | Command::Backups
            | Command::Author { name: None } => true,
            Command::Conflicts(args) => args.only_reads(),
            Command::Form(cmd) => cmd.only_reads(),
            Command::Response(cmd) => cmd.only_reads(),
            Command::Import(args) => args.only_reads(),
            Command::ImportTable(args) => args.only_reads(),
            _ => false,
        }
    }
}

/// A file to open in the window must exist; anything else is most likely a mistyped subcommand,
/// which deserves clap's usage error (exit 2), not an empty window.
fn existing_file(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    if path.is_file() {
        Ok(path)
    } else {
        Err("no such subcommand, nor a file to import".to_owned())
    }
}

/// Reads an optional date argument.
fn date_arg(text: Option<&String>) -> Result<Option<NaiveDate>, CliError> {
    text.map(|t| parse_date(t)).transpose().map_err(Into::into)
}

/// A list of codes (`resident, family, …`) with the Chinese word each one also accepts:
/// `群众（resident）、家属（family）…`. Codes of no vocabulary stay as they are.
fn with_chinese_labels(codes: &str) -> String {
    use crate::model::{Category, FindingKind, IntervieweeRole, Status};
    let label = |code: &str| -> Option<&'static str> {
        let zh = Lang::Zh;
        IntervieweeRole::ALL
            .iter()
            .find(|v| v.code() == code)
            .map(|v| v.label(zh))
            .or_else(|| {
                Status::ALL
                    .iter()
                    .find(|v| v.code() == code)
                    .map(|v| v.label(zh))
            })
            .or_else(|| {
                Category::ALL
                    .iter()
                    .find(|v| v.code() == code)
                    .map(|v| v.label(zh))
            })
            .or_else(|| {
                FindingKind::ALL
                    .iter()
                    .find(|v| v.code() == code)
                    .map(|v| v.label(zh))
            })
    };
    let codes: Vec<&str> = codes.split(", ").collect();
    if codes.iter().all(|c| label(c).is_some()) {
        codes
            .iter()
            .filter_map(|c| label(c).map(|l| format!("{l}（{c}）")))
            .collect::<Vec<_>>()
            .join("、")
    } else {
        codes.join(", ")
    }
}

/// Reads an enum argument by code or label.
fn enum_arg<T: Copy>(
    what: &'static str,
    text: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Result<T, CliError> {
    parse(text).ok_or_else(|| CliError::BadValue {
        what,
        value: text.to_owned(),
        expected: all.iter().map(|v| code(*v)).collect::<Vec<_>>().join(", "),
    })
}

/// Reads a record id of the given type.
fn id_arg<T: std::str::FromStr>(text: &str) -> Result<T, CliError> {
    text.trim()
        .parse()
        .map_err(|_| CliError::Store(StoreError::BadId(text.to_owned())))
}
