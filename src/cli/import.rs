//! `zoufang import`: merges bundles or a colleague's database, or previews that with `--dry-run`.

use super::passphrase::PassphraseArgs;
use super::{CliError, Context};
use crate::bundle::{Counts, ImportOptions, ImportReport, import, is_encrypted, no_progress};
use crate::store::kind_label;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

/// What to import.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Bundles (`.zfb`) or Zoufang database files.
    #[arg(required = true, num_args = 1.., value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Only show what would be added, updated, deleted and flagged; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Where the passphrase of encrypted bundles comes from (asked only if one is encrypted).
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

impl ImportArgs {
    /// True for a preview (a read-only database will do).
    pub fn only_reads(&self) -> bool {
        self.dry_run
    }
}

/// Runs `zoufang import`.
pub fn run(ctx: &mut Context, args: &ImportArgs) -> Result<(), CliError> {
    // A file that cannot be opened is reported by the import itself.
    let any_encrypted = args.files.iter().any(|f| is_encrypted(f).unwrap_or(false));
    let passphrase = if any_encrypted {
        Some(args.passphrase.get(ctx.lang, false)?)
    } else {
        None
    };
    let options = ImportOptions {
        dry_run: args.dry_run,
        passphrase,
        ..ImportOptions::default()
    };
    let report = import(&mut ctx.store, &args.files, &options, &mut no_progress())?;
    if ctx.json {
        return ctx.print_json(&report_json(&report));
    }
    print_report(ctx, &report)
}

/// The `--json` shape: the totals at the top, details under other keys.
fn report_json(report: &ImportReport) -> serde_json::Value {
    let t = &report.totals;
    json!({
        "added": t.added,
        "updated": t.updated,
        "unchanged": t.unchanged,
        "deleted": t.deleted,
        "conflicts": t.conflicts,
        "dry_run": report.dry_run,
        "per_kind": report.per_kind,
        "files": report.files,
        "backup": report.backup,
    })
}

fn print_report(ctx: &Context, report: &ImportReport) -> Result<(), CliError> {
    let lang = ctx.lang;
    if report.dry_run {
        outln!(
            "{}",
            lang.pick("预览（未写入任何内容）：", "Preview (nothing was written):")
        );
    }
    for file in &report.files {
        let who = if file.origin.creator.is_empty() {
            String::new()
        } else {
            format!(" ({})", file.origin.creator)
        };
        let sealed = if file.origin.encrypted {
            lang.pick("（已解密）", " (decrypted)")
        } else {
            ""
        };
        outln!("{}{who}{sealed}", file.origin.path.display());
    }
    outln!(
        "{}",
        lang.pick(
            "类型\t新增\t更新\t未变\t删除\t冲突",
            "kind\tadded\tupdated\tunchanged\tdeleted\tconflicts"
        )
    );
    let row = |label: &str, c: &Counts| -> Result<(), CliError> {
        outln!(
            "{label}\t{}\t{}\t{}\t{}\t{}",
            c.added,
            c.updated,
            c.unchanged,
            c.deleted,
            c.conflicts
        );
        Ok(())
    };
    for (kind, counts) in &report.per_kind {
        row(kind_label(kind, lang), counts)?;
    }
    row(lang.pick("合计", "total"), &report.totals)?;
    for file in &report.files {
        super::import_changes::print_changes(file, lang)?;
    }
    if let Some(backup) = &report.backup {
        outln!(
            "{}{}",
            lang.pick("导入前已备份：", "Backup taken first: "),
            backup.display()
        );
    }
    if report.totals.conflicts > 0 {
        outln!(
            "{}",
            lang.pick(
                "有冲突待核对：zoufang conflicts",
                "Conflicts to review: zoufang conflicts"
            )
        );
    }
    Ok(())
}
