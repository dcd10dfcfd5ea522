//! `zoufang conflicts` (the losing versions of merges, to review) and `zoufang imports` (the
//! import log).

use super::{CliError, Context};
use crate::bundle::{Keep, Resolution, conflicts, import_log, mark_reviewed, resolve, value_text};
use crate::store::kind_label;
use clap::Args;

/// Which conflicts to show, or which to mark reviewed.
#[derive(Debug, Args)]
pub struct ConflictsArgs {
    /// Reviewed conflicts too.
    #[arg(long)]
    all: bool,
    /// Mark these conflicts (by number) as reviewed.
    #[arg(long, value_name = "N", num_args = 1..)]
    review: Vec<i64>,
    /// Resolve a conflict.
    #[command(subcommand)]
    action: Option<ConflictsAction>,
}

/// What to do with a conflict.
#[derive(Debug, clap::Subcommand)]
pub enum ConflictsAction {
    /// Keep this laptop's version (`mine`) or the colleague's (`theirs`); writes history and
    /// marks the conflict reviewed.
    Resolve {
        /// The conflict's number (see `zoufang conflicts`).
        id: i64,
        /// Which version to keep.
        #[arg(long, value_enum)]
        keep: Keep,
    },
}

impl ConflictsArgs {
    /// True when nothing is to be marked (a read-only database will do).
    pub fn only_reads(&self) -> bool {
        self.review.is_empty() && self.action.is_none()
    }
}

/// Runs `zoufang conflicts`.
pub fn run(ctx: &mut Context, args: &ConflictsArgs) -> Result<(), CliError> {
    if let Some(ConflictsAction::Resolve { id, keep }) = &args.action {
        let resolution = resolve(&mut ctx.store, *id, *keep)?;
        if ctx.json {
            return ctx.print_json(
                &serde_json::json!({ "id": id, "keep": keep, "resolution": resolution }),
            );
        }
        outln!(
            "{}",
            match resolution {
                Resolution::KeptAsIs => ctx
                    .lang
                    .pick("已核对：保留现有值", "Reviewed: the value in place is kept"),
                Resolution::Rewritten => ctx.lang.pick(
                    "已核对：改回所选版本（已记入修改记录）",
                    "Reviewed: the chosen version is written again (in the history)"
                ),
            }
        );
        return Ok(());
    }
    if !args.review.is_empty() {
        for seq in &args.review {
            mark_reviewed(&ctx.store, *seq)?;
        }
        if ctx.json {
            return ctx.print_json(&serde_json::json!({ "reviewed": args.review }));
        }
        outln!(
            "{}{}",
            ctx.lang.pick("已标记为已核对：", "Marked reviewed: "),
            args.review
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(());
    }
    let list = conflicts(&ctx.store, args.all)?;
    if ctx.json {
        return ctx.print_json(&list);
    }
    if list.is_empty() {
        outln!(
            "{}",
            ctx.lang.pick("没有待核对的冲突", "No conflicts to review")
        );
    }
    for c in &list {
        let reviewed = if c.reviewed_at.is_some() {
            ctx.lang.pick("（已核对）", " (reviewed)")
        } else {
            ""
        };
        outln!(
            "#{}\t{} {}\t{}\t{}: {}\t{}: {}{reviewed}",
            c.seq,
            kind_label(c.kind.table(), ctx.lang),
            c.record_id,
            c.field,
            ctx.lang.pick("落选", "lost"),
            value_text(&c.field, &c.loser_value, ctx.lang),
            ctx.lang.pick("保留", "kept"),
            value_text(&c.field, &c.winner_value, ctx.lang),
        );
    }
    Ok(())
}

/// Runs `zoufang imports`.
pub fn imports(ctx: &Context) -> Result<(), CliError> {
    let log = import_log(&ctx.store)?;
    if ctx.json {
        return ctx.print_json(&log);
    }
    if log.is_empty() {
        outln!("{}", ctx.lang.pick("尚无导入记录", "Nothing imported yet"));
    }
    for entry in &log {
        outln!(
            "#{}\t{}\t{}\t{}\t{}\t{}",
            entry.seq,
            entry.at,
            entry.bundle_id.as_deref().unwrap_or(&entry.source),
            entry.file_name,
            &entry.sha256[..entry.sha256.len().min(12)],
            entry.result
        );
    }
    Ok(())
}
