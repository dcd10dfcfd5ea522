//! `zoufang completions SHELL` and `zoufang manpage`: generated from the command-line
//! definitions, so they never drift from what the program accepts (the Debian package installs
//! both, scripts/package-deb.sh).

use super::{Cli, CliError};
use clap::CommandFactory;
use std::io::Write;

/// Writes the completion script for `shell` to standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "zoufang", &mut out);
    out.flush()?;
    Ok(())
}

/// Writes the manual page (roff) to standard output: the overview with every subcommand, then
/// one section per subcommand with its options, so `man zoufang` is the whole reference.
pub fn manpage() -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(&manpage_roff()?)?;
    out.flush()?;
    Ok(())
}

/// The manual page as roff bytes.
pub fn manpage_roff() -> Result<Vec<u8>, CliError> {
    let command = Cli::command();
    let mut roff = Vec::new();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(&mut roff)?;
    man.render_name_section(&mut roff)?;
    man.render_synopsis_section(&mut roff)?;
    man.render_description_section(&mut roff)?;
    man.render_options_section(&mut roff)?;
    man.render_subcommands_section(&mut roff)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        writeln!(roff, ".SH \"ZOUFANG {}\"", sub.get_name().to_uppercase())?;
        let sub_man =
            clap_mangen::Man::new(sub.clone().bin_name(format!("zoufang {}", sub.get_name())));
        let mut body = Vec::new();
        sub_man.render_synopsis_section(&mut body)?;
        sub_man.render_options_section(&mut body)?;
        if sub.has_subcommands() {
            sub_man.render_subcommands_section(&mut body)?;
        }
        // Each rendered part starts with its own .SH; nested under the subcommand they are .SS.
        let body = String::from_utf8_lossy(&body).replace(".SH ", ".SS ");
        roff.write_all(body.as_bytes())?;
    }
    man.render_version_section(&mut roff)?;
    Ok(roff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_names_every_subcommand_with_its_options() {
        let roff = String::from_utf8(manpage_roff().unwrap()).unwrap();
        assert!(
            roff.starts_with(".ie") || roff.contains(".TH zoufang"),
            "{roff:.200}"
        );
        for sub in ["visit", "finding", "import", "export", "summary", "restore"] {
            assert!(
                roff.contains(&format!("ZOUFANG {}", sub.to_uppercase())),
                "{sub}"
            );
        }
        assert!(
            roff.contains("\\-\\-dry\\-run"),
            "import's options are listed"
        );
    }

    #[test]
    fn completions_know_the_subcommands_in_every_shell() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let mut command = Cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "zoufang", &mut out);
            let script = String::from_utf8(out).unwrap();
            assert!(script.contains("attachment-limit"), "{shell:?}");
            assert!(script.contains("dry-run"), "{shell:?}");
        }
    }
}
