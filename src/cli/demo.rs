//! `zoufang demo`: fills the database with demo data.

use super::{CliError, Context};
use crate::demo::{DemoOptions, generate};
use crate::i18n::count_en;
use clap::Args;

/// How much demo data to make.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of visits (about three findings each).
    #[arg(long, default_value_t = 200)]
    visits: usize,
    /// The seed: the same seed gives the same data.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// Runs `zoufang demo`.
pub fn run(ctx: &mut Context, args: &DemoArgs) -> Result<(), CliError> {
    let summary = generate(
        &mut ctx.store,
        DemoOptions {
            visits: args.visits,
            seed: args.seed,
        },
    )?;
    if ctx.json {
        return ctx.print_json(&summary);
    }
    outln!(
        "{}",
        match ctx.lang {
            crate::i18n::Lang::Zh => format!(
                "已生成演示数据：调研课题 {} 个，走访 {} 次，发现 {} 条 → {}",
                summary.subjects,
                summary.visits,
                summary.findings,
                ctx.store.path().display()
            ),
            crate::i18n::Lang::En => format!(
                "Demo data added: {}, {}, {} → {}",
                count_en(summary.subjects as i64, "subject", "subjects"),
                count_en(summary.visits as i64, "visit", "visits"),
                count_en(summary.findings as i64, "finding", "findings"),
                ctx.store.path().display()
            ),
        }
    );
    Ok(())
}
