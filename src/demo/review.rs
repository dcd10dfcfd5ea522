//! Something to review in a newcomer's demo database: a colleague's bundle whose deadline
//! disagrees with a local edit, merged the way any bundle is, so the Conflicts view has an
//! entry to try (the Trash gets its records in [`super::generate`]).

use crate::bundle::{ExportFilter, ImportOptions, export, import, no_progress};
use crate::model::{FindingKind, Status};
use crate::store::{FindingFilter, FindingSort, Page, Store};
use chrono::Days;
use std::path::PathBuf;

/// The colleague whose edit conflicts.
const COLLEAGUE: &str = "李强";

/// A bundle file in the temporary folder, removed when dropped.
struct TempBundle(PathBuf);

impl TempBundle {
    fn new(name: &str) -> TempBundle {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        TempBundle(std::env::temp_dir().join(format!(
            "zoufang-demo-{}-{nanos}-{name}.zfb",
            std::process::id()
        )))
    }
}

impl Drop for TempBundle {
    fn drop(&mut self) {
        // A leftover file in the temporary folder harms nothing.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Makes a conflict to review: a colleague (李强) gets a bundle of the earliest open problem's
/// visit, moves its deadline a month on; meanwhile the deadline is moved two weeks on here; the
/// colleague's bundle is then imported. Returns how many conflicts the import found (0 when
/// the database has no open problem with a deadline).
pub fn add_a_conflict_to_review(store: &mut Store) -> crate::bundle::Result<usize> {
    let filter = FindingFilter {
        kinds: vec![FindingKind::Problem],
        statuses: vec![Status::Open],
        ..FindingFilter::default()
    };
    let page = Page {
        offset: 0,
        limit: 20,
    };
    let rows = store.list_findings(&filter, FindingSort::Date, true, page)?;
    let Some(row) = rows.into_iter().find(|r| r.finding.deadline.is_some()) else {
        return Ok(0);
    };
    let (Some(deadline), day) = (row.finding.deadline, row.visit_date) else {
        return Ok(0);
    };
    let one_day = ExportFilter {
        since: Some(day),
        until: Some(day),
        ..ExportFilter::default()
    };
    let to_colleague = TempBundle::new("to-colleague");
    export(store, &one_day, &to_colleague.0, &mut no_progress())?;
    let mut colleague = Store::open_in_memory()?;
    colleague.set_author(COLLEAGUE)?;
    import(
        &mut colleague,
        std::slice::from_ref(&to_colleague.0),
        &ImportOptions::default(),
        &mut no_progress(),
    )?;
    let mut theirs = colleague.finding(row.finding.id)?;
    theirs.deadline = deadline.checked_add_days(Days::new(30));
    theirs.status = Status::InProgress;
    colleague.save_finding(&theirs)?;

    // Later than the colleague's edit by the clock, so the local deadline wins on every
    // laptop and the colleague's is the one kept for review.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut mine = row.finding;
    mine.deadline = deadline.checked_add_days(Days::new(14));
    store.save_finding(&mine)?;

    let from_colleague = TempBundle::new("from-colleague");
    export(&colleague, &one_day, &from_colleague.0, &mut no_progress())?;
    let report = import(
        store,
        std::slice::from_ref(&from_colleague.0),
        &ImportOptions::default(),
        &mut no_progress(),
    )?;
    Ok(report.totals.conflicts)
}
