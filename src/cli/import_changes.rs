//! The lines of `zoufang import` that say which records a file adds, updates, moves to the
//! Trash or flags, by kind and title (a few per file; `--json` lists up to
//! [`crate::bundle::MAX_LISTED_CHANGES`] of each change).

use super::CliError;
use crate::bundle::{Change, FileReport};
use crate::i18n::Lang;
use crate::store::kind_label;

/// How many records the text output names per file (the rest are counted).
const SHOWN_PER_FILE: usize = 20;

/// Prints which records `file` changes, at most [`SHOWN_PER_FILE`] of them, then how many more.
pub(super) fn print_changes(file: &FileReport, lang: Lang) -> Result<(), CliError> {
    let t = &file.totals;
    if t.added + t.updated + t.deleted + t.conflicts == 0 {
        return Ok(());
    }
    outln!("{}:", file.origin.path.display());
    let mut shown = 0usize;
    for change in Change::ALL {
        for record in file.changes.iter().filter(|c| c.change == change) {
            if shown == SHOWN_PER_FILE {
                break;
            }
            shown += 1;
            // One line per record, whatever line breaks the title holds.
            let title = record.title.replace(['\n', '\r'], " ");
            outln!(
                "  {}\t{}\t{title}",
                change.label(lang),
                kind_label(&record.kind, lang)
            );
        }
    }
    let u = &file.changes_unlisted;
    let more = file.changes.len() - shown + u.added + u.updated + u.deleted + u.conflicts;
    if more > 0 {
        outln!(
            "  {}",
            match lang {
                Lang::Zh => format!("……另有 {more} 条（--json 列出更多）"),
                Lang::En => format!("… and {more} more (--json lists more)"),
            }
        );
    }
    Ok(())
}
