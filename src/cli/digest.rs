//! `zoufang digest [--topic T]...`: the agreement check two people compare after swapping
//! bundles.

use super::{CliError, Context};
use crate::bundle::agreement_digest;
use clap::Args;

/// What to cover.
#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Only what a bundle of this topic would carry (code or name; repeatable).
    #[arg(long = "topic", value_name = "TOPIC")]
    topics: Vec<String>,
}

/// Runs `zoufang digest`.
pub fn run(ctx: &Context, args: &DigestArgs) -> Result<(), CliError> {
    let topics = args
        .topics
        .iter()
        .map(|t| ctx.store.resolve_topic(t))
        .collect::<Result<Vec<_>, _>>()?;
    let digest = agreement_digest(&ctx.store, &topics)?;
    if ctx.json {
        return ctx.print_json(&digest);
    }
    outln!("{}", digest.digest);
    Ok(())
}
