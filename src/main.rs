//! `zoufang`: opens the window, or runs a subcommand from the terminal.

use clap::Parser;
use std::process::ExitCode;
use zoufang::cli::{Cli, run};
use zoufang::i18n::Localized;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.language();
    let Some(command) = &cli.command else {
        eprintln!(
            "{}",
            lang.pick("窗口尚未提供", "the window is not available yet")
        );
        return ExitCode::from(1);
    };
    match run(&cli, command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zoufang: {}", err.localized(lang));
            ExitCode::from(1)
        }
    }
}
