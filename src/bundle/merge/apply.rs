//! Applying a worked-out merge plan: records, history, conflicts and the import log, in one
//! transaction.

use super::{ImportReport, Plan, Planned};
use crate::bundle::error::Result;
use crate::bundle::{Progress, Stage};
use crate::model::Hlc;
use crate::store::{Action, Stamp, Writer};

impl Plan {
    /// Writes every changed record with its history, the conflicts and the import log, inside
    /// the write transaction the plan was made in.
    pub(super) fn apply(
        self,
        w: &mut Writer<'_>,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<()> {
        let mut changes: Vec<&Planned> = self.records.values().filter(|p| p.changed).collect();
        // Parents before children, for the foreign keys.
        changes
            .sort_by(|a, b| (a.current.kind, &a.current.id).cmp(&(b.current.kind, &b.current.id)));
        let backup = report.backup.as_ref().map(|p| p.display().to_string());
        let write_total = changes.len() as u64;
        let files = &report.files;
        {
            if let Some(clock) = &self.max_clock {
                w.observe(clock);
            }
            let author = w.author().to_owned();
            let device = w.device().to_owned();
            // Attachment bytes first: every attachment record written below finds its own.
            for (sha256, bytes) in &self.blobs {
                w.insert_blob(sha256, bytes)?;
            }
            w.insert_travelled(&self.history, Some(&self.history_texts))?;
            for (i, planned) in changes.iter().enumerate() {
                let rec = &planned.current;
                // A record the merge changed had a previous version here; one it adds had none.
                w.write_row_unindexed(rec, planned.before.is_none())?;
                let clock = rec.meta.clock.clone().unwrap_or_else(Hlc::origin);
                let stamp = Stamp {
                    author: &author,
                    device: &device,
                    clock: &clock,
                };
                let before = planned.before.as_ref();
                let after = rec.snapshot();
                w.write_history(
                    rec.kind,
                    &rec.id,
                    Action::Merge,
                    &stamp,
                    before,
                    Some(&after),
                )?;
                if i.is_multiple_of(500) {
                    progress(Progress {
                        stage: Stage::Writing,
                        done: i as u64,
                        total: write_total,
                    });
                }
            }
            // The search indexes last, after every statement that opens a savepoint (see
            // `write_row_unindexed`).
            for planned in &changes {
                w.reindex_merged(&planned.current, planned.before.as_ref())?;
            }
            for lost in &self.lost {
                let stamp = Stamp {
                    author: &author,
                    device: &device,
                    clock: &lost.clock,
                };
                w.write_history(
                    lost.kind,
                    &lost.id,
                    Action::Conflict,
                    &stamp,
                    Some(&lost.before),
                    Some(&lost.after),
                )?;
            }
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            for (file, file_report) in files.iter().enumerate() {
                let origin = &file_report.origin;
                let seq = w.log_import(&crate::store::ImportLogLine {
                    at: &now,
                    source: origin.kind.code(),
                    file_name: origin.path.display().to_string(),
                    bundle_id: origin.bundle_id.as_deref(),
                    sha256: &origin.sha256,
                    creator: &origin.creator,
                    device_id: &origin.device_id,
                    result: serde_json::to_string(&file_report.totals)?,
                    backup: backup.as_deref(),
                })?;
                for planned in self.conflicts.iter().filter(|c| c.file == file) {
                    let c = &planned.conflict;
                    w.record_conflict(&crate::store::ConflictLine {
                        kind: planned.kind,
                        record_id: &planned.id,
                        field: &c.field,
                        loser_value: c.loser_value.to_string(),
                        loser_clock: c.loser_clock.to_string(),
                        loser_author: &c.loser_author,
                        winner_value: c.winner_value.to_string(),
                        winner_clock: c.winner_clock.to_string(),
                        found_at: &now,
                        import_seq: seq,
                        reviewed_by: c.settled_by.as_deref(),
                    })?;
                }
            }
        }
        progress(Progress {
            stage: Stage::Writing,
            done: write_total,
            total: write_total,
        });
        drop_elsewhere(self);
        Ok(())
    }
}

/// Frees `value` on another thread: freeing the values of thousands of records was a
/// twentieth of an import, and nothing waits for it (the transaction commits meanwhile).
fn drop_elsewhere<T: Send + 'static>(value: T) {
    // Should the thread not start, the value is freed here, as it would have been.
    let _ = std::thread::Builder::new()
        .name("free-plan".to_owned())
        .spawn(move || drop(value));
}
