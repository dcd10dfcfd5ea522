//! `zoufang export`: writes a case bundle.

use super::passphrase::PassphraseArgs;
use super::{CliError, Context, date_arg, id_arg};
use crate::bundle::{ExportFilter, export, export_encrypted, no_progress};
use crate::i18n::Lang;
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
    if args.passphrase.passphrase_file.is_some() && !args.encrypt {
        return Err(CliError::Unsupported(
            ctx.lang
                .pick(
                    "--passphrase-file 需要与 --encrypt 一起使用",
                    "--passphrase-file needs --encrypt",
                )
                .to_owned(),
        ));
    }
    let summary = if args.encrypt {
        let passphrase = args.passphrase.get(ctx.lang, true)?;
        export_encrypted(
            &ctx.store,
            &filter,
            &args.out,
            &passphrase,
            &mut no_progress(),
        )?
    } else {
        export(&ctx.store, &filter, &args.out, &mut no_progress())?
    };
    if ctx.json {
        return ctx.print_json(&summary);
    }
    let n = |k: &str| summary.counts.get(k).copied().unwrap_or(0);
    match ctx.lang {
        Lang::Zh => outln!(
            "已导出{}：走访 {} 次，发现 {} 条，调研课题 {} 个，专题 {} 个，附件 {} 个 → {}",
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
            summary.path.display()
        ),
        Lang::En => outln!(
            "Exported {} visits, {} findings, {} subjects, {} topics, {} attachments{} → {}",
            n("visit"),
            n("finding"),
            n("subject"),
            n("topic"),
            n("attachment"),
            if summary.encrypted { ", encrypted" } else { "" },
            summary.path.display()
        ),
    }
    Ok(())
}
