//! `zoufang`: opens the window, or runs a subcommand from the terminal.

use clap::Parser;
use std::process::ExitCode;
use zoufang::cli::{Cli, run};
use zoufang::i18n::{Lang, Localized};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.language();
    let result = match &cli.command {
        Some(command) => match run(&cli, command) {
            Err(e) if e.is_broken_pipe() => Ok(()),
            other => other.map_err(|e| e.localized(lang)),
        },
        None => open_window(&cli, lang),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Messages quote titles, names and paths: nothing in them may drive the terminal.
            eprintln!("zoufang: {}", zoufang::cli::terminal::sanitize(&message));
            ExitCode::from(1)
        }
    }
}

/// Opens the window; with `--demo`, on the demo database (made on first use).
fn open_window(cli: &Cli, lang: Lang) -> Result<(), String> {
    cli.check_db_folder().map_err(|e| e.localized(lang))?;
    let db = cli.db_path();
    if cli.demo && cli.db.is_none() && !db.exists() {
        let mut store = zoufang::store::Store::open(&db).map_err(|e| e.localized(lang))?;
        zoufang::demo::generate(&mut store, zoufang::demo::DemoOptions::default())
            .map_err(|e| e.localized(lang))?;
        // A conflict to review, so a newcomer can try the Conflicts view too.
        zoufang::demo::add_a_conflict_to_review(&mut store).map_err(|e| e.localized(lang))?;
    }
    zoufang::ui::run(cli.launch()).map_err(|e| e.to_string())
}
