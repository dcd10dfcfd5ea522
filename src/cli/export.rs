//! `zoufang export`: writes a case bundle.

use super::passphrase::PassphraseArgs;
use super::{CliError, Context, date_arg, id_arg};
use crate::bundle::{
    ChangesSince, ExportFilter, ExportOptions, export_with_options, is_encrypted, no_progress,
    sync_mark,
};
use crate::i18n::{Lang, count_en};
use clap::Args;
use std::path::PathBuf;

/// What to export, and where.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The bundle file to write (`.zfb`).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
    /// Visits with findings of this topic (code or name; subtopics included); repeatable.
    #[arg(long = "topic", value_name = "T")]
    topics: Vec<String>,
    /// Visits on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Visits on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Visits this investigator went on.
    #[arg(long, value_name = "N")]
    investigator: Option<String>,
    /// Visits of this research subject (its id).
    #[arg(long, value_name = "ID")]
    subject: Option<String>,
    /// Everything, the Trash included.
    #[arg(long)]
    all: bool,
    /// Encrypt the bundle with a passphrase (asked twice unless given by file or environment).
    #[arg(long)]
    encrypt: bool,
    /// Only the records that moved since a bundle sent before (its file) or since the last
    /// sync to a folder (its path); without other selection, out of everything.
    #[arg(long, value_name = "BUNDLE_OR_MARK")]
    changes_since: Option<PathBuf>,
    /// The bundle format: 3 (default), or 2 for a colleague whose Zoufang predates format 3
    /// (no history).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=3))]
    format_version: u32,
    /// Where the passphrase comes from.
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

/// Runs `zoufang export`.
pub fn run(ctx: &Context, args: &ExportArgs) -> Result<(), CliError> {
    crate::paths::check_output(&args.out, ctx.store.path(), args.force)?;
    let topics = args
        .topics
        .iter()
        .map(|t| ctx.store.resolve_topic(t))
        .collect::<Result<Vec<_>, _>>()?;
    let filter = ExportFilter {
        all: args.all,
        topics,
        since: date_arg(args.since.as_ref())?,
        until: date_arg(args.until.as_ref())?,
        investigator: args.investigator.clone(),
        subject: args.subject.as_deref().map(id_arg).transpose()?,
    };
    if args.passphrase.passphrase_file.is_some() && !args.encrypt && args.changes_since.is_none() {
        return Err(CliError::Unsupported(
            ctx.lang
                .pick(
                    "--passphrase-file 需要与 --encrypt 一起使用",
                    "--passphrase-file needs --encrypt",
                )
                .to_owned(),
        ));
    }
    let passphrase = if args.encrypt {
        Some(args.passphrase.get(ctx.lang, true)?)
    } else {
        None
    };
    let since = match &args.changes_since {
        None => None,
        Some(path) if path.is_dir() => Some(
            sync_mark(&ctx.store, path)?
                .map(ChangesSince::Mark)
                .ok_or_else(|| no_mark(ctx.lang, path))?,
        ),
        Some(path) => {
            let encrypted = is_encrypted(path).unwrap_or(false);
            let key = if encrypted && passphrase.is_none() {
                Some(args.passphrase.get(ctx.lang, false)?)
            } else {
                None
            };
            Some(ChangesSince::of_bundle(
                path,
                key.as_ref().or(passphrase.as_ref()),
            )?)
        }
    };
    let options = ExportOptions {
        passphrase: passphrase.as_ref(),
        older_reader: args.format_version < 3,
        changes_since: since.as_ref(),
        skip_if_empty: false,
    };
    let summary =
        export_with_options(&ctx.store, &filter, &args.out, &options, &mut no_progress())?
            .ok_or(crate::bundle::BundleError::NothingSelected)?;
    if ctx.json {
        return ctx.print_json(&summary);
    }
    let n = |k: &str| summary.counts.get(k).copied().unwrap_or(0);
    // Questionnaires are named only when the bundle holds some.
    let forms = n("form") + n("response") > 0;
    match ctx.lang {
        Lang::Zh => outln!(
            "已导出{}：走访 {} 次，发现 {} 条，调研课题 {} 个，专题 {} 个，附件 {} 个{} → {}",
            if summary.encrypted {
                "（已加密）"
            } else {
                ""
            },
            n("visit"),
            n("finding"),
            n("subject"),
            n("topic"),
            n("attachment"),
            if forms {
                format!("，问卷 {} 份，答卷 {} 份", n("form"), n("response"))
            } else {
                String::new()
            },
            summary.path.display()
        ),
        Lang::En => {
            let mut parts: Vec<String> = [
                ("visit", "visits"),
                ("finding", "findings"),
                ("subject", "subjects"),
                ("topic", "topics"),
                ("attachment", "attachments"),
            ]
            .iter()
            .map(|(one, many)| count_en(n(one) as i64, one, many))
            .collect();
            if forms {
                parts.push(count_en(n("form") as i64, "form", "forms"));
                parts.push(count_en(n("response") as i64, "response", "responses"));
            }
            outln!(
                "Exported {}{} → {}",
                parts.join(", "),
                if summary.encrypted { ", encrypted" } else { "" },
                summary.path.display()
            );
        }
    }
    Ok(())
}

/// The error for a folder that was never synced to from this database.
fn no_mark(lang: Lang, path: &std::path::Path) -> CliError {
    CliError::Unsupported(format!(
        "{}{}",
        lang.pick(
            "本数据库从未同步到这个文件夹，没有可比较的记录：",
            "this database never synced to this folder, there is nothing to compare with: "
        ),
        path.display()
    ))
}
