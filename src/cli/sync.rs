//! `zoufang sync DIR`: writes this laptop's new changes to a shared folder and imports the
//! colleagues' bundles found there.

use super::passphrase::PassphraseArgs;
use super::{CliError, Context};
use crate::bundle::{SyncOptions, no_progress, sync};
use crate::i18n::Lang;
use clap::Args;
use std::path::PathBuf;

/// Which folder, and its passphrase.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The shared folder (a USB stick, a file server's folder, a Syncthing folder).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The team passphrase: bundles are written encrypted with it and read with it.
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

/// Runs `zoufang sync`.
pub fn run(ctx: &mut Context, args: &SyncArgs) -> Result<(), CliError> {
    // Without --passphrase-file, the environment's passphrase (if any) is the team's.
    let passphrase = if args.passphrase.passphrase_file.is_some()
        || std::env::var_os(super::passphrase::PASSPHRASE_ENV).is_some()
    {
        Some(args.passphrase.get(ctx.lang, false)?)
    } else {
        None
    };
    let options = SyncOptions {
        passphrase,
        lang: ctx.lang,
        ..SyncOptions::default()
    };
    let report = sync(&mut ctx.store, &args.dir, &options, &mut no_progress())?;
    if ctx.json {
        return ctx.print_json(&report);
    }
    match &report.wrote {
        Some(path) => outln!(
            "{}{}",
            ctx.lang
                .pick("已写出本机的新改动：", "Wrote this laptop's changes: "),
            path.display()
        ),
        None => outln!(
            "{}",
            ctx.lang
                .pick("本机没有新的改动。", "No new changes on this laptop.")
        ),
    }
    match ctx.lang {
        Lang::Zh => outln!(
            "导入 {} 份新的数据包，来自 {} 位同事；新冲突 {} 处。",
            report.imported,
            report.colleagues,
            report.conflicts
        ),
        Lang::En => outln!(
            "Imported {} new bundles from {} colleagues; {} new conflicts.",
            report.imported,
            report.colleagues,
            report.conflicts
        ),
    }
    for refused in &report.refused {
        outln!(
            "{}{}: {}",
            ctx.lang.pick("已跳过 ", "Skipped "),
            refused.file.display(),
            refused.reason
        );
    }
    Ok(())
}
