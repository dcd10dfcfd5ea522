//! Where the command line gets a bundle's passphrase: `--passphrase-file F` (its first line),
//! else the environment variable `ZOUFANG_PASSPHRASE`, else a prompt on the terminal (asked twice
//! when encrypting). Without a terminal and without either, it is a user error.

use super::CliError;
use crate::bundle::{BundleError, Passphrase};
use crate::i18n::Lang;
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The environment variable holding a passphrase.
pub const PASSPHRASE_ENV: &str = "ZOUFANG_PASSPHRASE";

/// The passphrase options shared by `export --encrypt` and `import`.
#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from the first line of this file (else the environment variable
    /// ZOUFANG_PASSPHRASE, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    /// The passphrase from the first source that has one; `confirm` asks twice at a prompt.
    pub fn get(&self, lang: Lang, confirm: bool) -> Result<Passphrase, CliError> {
        if let Some(path) = &self.passphrase_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::PassphraseFile(path.clone(), e))?;
            let line = text.lines().next().unwrap_or_default();
            return Ok(Passphrase::new(line)?);
        }
        if let Some(text) = std::env::var_os(PASSPHRASE_ENV) {
            let text = text
                .into_string()
                .map_err(|_| BundleError::EmptyPassphrase)?;
            return Ok(Passphrase::new(text)?);
        }
        if !std::io::stdin().is_terminal() {
            return Err(CliError::NoPassphrase);
        }
        let first = rpassword::prompt_password(lang.pick("口令：", "Passphrase: "))?;
        if confirm {
            let again =
                rpassword::prompt_password(lang.pick("再次输入口令：", "Passphrase again: "))?;
            if again != first {
                return Err(BundleError::PassphraseMismatch.into());
            }
        }
        Ok(Passphrase::new(first)?)
    }
}
