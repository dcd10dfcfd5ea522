//! `zoufang verify FILE`: checks a bundle without importing it.

use super::passphrase::PassphraseArgs;
use super::{CliError, Context};
use crate::bundle::{Limits, is_encrypted, verify};
use crate::i18n::Lang;
use crate::store::kind_label;
use clap::Args;
use std::path::PathBuf;

/// What to check.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle (`.zfb`) or Zoufang database file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Where the passphrase of an encrypted bundle comes from.
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

/// Runs `zoufang verify`: exit 0 and a summary for a sound file, 1 and the reason otherwise.
pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<(), CliError> {
    let passphrase = if is_encrypted(&args.file).unwrap_or(false) {
        Some(args.passphrase.get(ctx.lang, false)?)
    } else {
        None
    };
    let verified = verify(&args.file, &Limits::default(), passphrase.as_ref())?;
    if ctx.json {
        return ctx.print_json(&verified);
    }
    let o = &verified.origin;
    outln!("{}{}", ctx.lang.pick("完好：", "Sound: "), o.path.display());
    match ctx.lang {
        Lang::Zh => outln!("制作人：{}（设备 {}）", o.creator, o.device_id),
        Lang::En => outln!("Made by: {} (device {})", o.creator, o.device_id),
    }
    if let Some(id) = &o.bundle_id {
        outln!("{}{id}", ctx.lang.pick("案卷包编号：", "Bundle id: "));
    }
    outln!("SHA-256: {}", o.sha256);
    for (kind, n) in &verified.counts {
        outln!("{}\t{n}", kind_label(kind, ctx.lang));
    }
    Ok(())
}
