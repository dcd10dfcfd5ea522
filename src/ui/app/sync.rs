//! Keeping what the window shows in step with the database: saves from the editors, the change
//! events they return, caches dropped per kind of record, the open editor refreshed when its
//! record changes underneath, and other connections' writes noticed through `data_version`.

use super::*;
use std::time::{Duration, Instant};

/// How often the window asks SQLite whether another connection wrote to the file.
const DATA_VERSION_POLL: Duration = Duration::from_secs(1);

/// A counter per kind of record, bumped when a record of that kind changes: a cache keyed by
/// the kinds it shows is read again only when one of them changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revisions {
    per_kind: [u64; RecordKind::ALL.len()],
    /// Bumped only when records of a kind are created, deleted or restored: the rows of a long
    /// list change then; an updated record is patched into the list in place instead.
    rows_per_kind: [u64; RecordKind::ALL.len()],
    /// Bumped when something changed that no change event names (an import, a resolved
    /// conflict, another window): every cache is read again.
    everything: u64,
}

impl Revisions {
    /// A number that changes whenever a record of one of `kinds` changes.
    pub fn of(&self, kinds: &[RecordKind]) -> u64 {
        kinds.iter().fold(self.everything, |sum, kind| {
            sum.wrapping_add(self.per_kind[Self::index(*kind)])
        })
    }

    /// A number that changes whenever records of one of `kinds` are created, deleted or
    /// restored (not when one is edited).
    pub fn rows_of(&self, kinds: &[RecordKind]) -> u64 {
        kinds.iter().fold(self.everything, |sum, kind| {
            sum.wrapping_add(self.rows_per_kind[Self::index(*kind)])
        })
    }

    fn index(kind: RecordKind) -> usize {
        RecordKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_default()
    }

    fn bump(&mut self, kind: RecordKind) {
        self.per_kind[Self::index(kind)] += 1;
    }
}

/// Which shell caches need reading again.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Stale {
    topics: bool,
    subjects: bool,
    totals: bool,
}

impl Stale {
    pub(super) fn all() -> Stale {
        Stale {
            topics: true,
            subjects: true,
            totals: true,
        }
    }
}

/// A record as saved, on its way back to the editor that sent the edit.
enum Saved {
    Visit(Visit),
    Finding(Finding),
    Subject(Subject),
    Topic(Topic),
}

impl ZoufangApp {
    /// Something changed that no change event names: drop every cache, refresh the editor.
    pub(super) fn everything_changed(&mut self) {
        self.revision += 1;
        self.revisions.everything += 1;
        self.stale = Stale::all();
        self.refresh_editor();
    }

    /// What a write of this window changed: drops the caches of those kinds only.
    pub(super) fn note_changes(&mut self, changes: &ChangeSet) {
        if changes.is_empty() {
            return;
        }
        self.revision += 1;
        for kind in RecordKind::ALL {
            if changes.touches_kind(kind) {
                self.revisions.bump(kind);
            }
            if changes.changes_count_of(kind) {
                self.revisions.rows_per_kind[Revisions::index(kind)] += 1;
            }
        }
        // Edited records are patched into the long lists in place: on 100 000 findings, counting
        // and sorting again after every keystroke's save would cost seconds.
        if let Some(store) = &self.store {
            let edited = |kind| {
                changes
                    .changes
                    .iter()
                    .filter(move |c| c.kind == kind && c.what == crate::store::ChangeKind::Updated)
                    .map(|c| c.id.as_str())
            };
            self.problems.patch_rows(
                store,
                edited(RecordKind::Finding),
                edited(RecordKind::Visit),
            );
            self.visits.patch_rows(store, edited(RecordKind::Visit));
        }
        self.stale.topics |= changes.touches_kind(RecordKind::Topic);
        self.stale.subjects |= changes.touches_kind(RecordKind::Subject);
        self.stale.totals |= changes.changes_count_of(RecordKind::Visit)
            || changes.changes_count_of(RecordKind::Finding);
        if let Some(editor) = &self.editor
            && changes.touches(&editor.draft_id())
        {
            self.refresh_editor();
        }
        // Our own write moved data_version on no other connection, but on ours it did not
        // change either: nothing to record here.
    }

    /// Reads the catalogue, the subjects and the totals again where they are stale. A store
    /// error reaches the status line.
    pub(super) fn refresh_caches(&mut self) {
        let Some(store) = &self.store else {
            return;
        };
        let lang = self.settings.lang;
        let mut errors = Vec::new();
        fn read<T>(
            result: crate::store::Result<T>,
            lang: Lang,
            errors: &mut Vec<String>,
        ) -> Option<T> {
            result.map_err(|err| errors.push(err.localized(lang))).ok()
        }
        if std::mem::take(&mut self.stale.topics)
            && let Some(topics) = read(store.topics(), lang, &mut errors)
        {
            self.topics = topics;
        }
        if std::mem::take(&mut self.stale.subjects)
            && let Some(subjects) = read(store.subjects(false), lang, &mut errors)
        {
            self.subjects = subjects;
        }
        if std::mem::take(&mut self.stale.totals) {
            let visits = store.count_visits(&Default::default());
            let findings = store.count_findings(&Default::default());
            match (visits, findings) {
                (Ok(v), Ok(f)) => self.totals = (v, f),
                (Err(err), _) | (_, Err(err)) => errors.push(err.localized(lang)),
            }
        }
        if let Some(error) = errors.pop() {
            self.message = Some(error);
        }
    }

    /// Asks SQLite, at most once a second, whether another connection wrote to the file (an
    /// import's worker thread, another window, a command); if so, everything is read again.
    pub(super) fn poll_data_version(&mut self) {
        let Some(store) = &self.store else {
            return;
        };
        if self
            .data_version
            .is_some_and(|(_, at)| at.elapsed() < DATA_VERSION_POLL)
        {
            return;
        }
        match store.data_version() {
            Ok(version) => {
                let before = self.data_version.map(|(v, _)| v);
                self.data_version = Some((version, Instant::now()));
                if before.is_some_and(|b| b != version) {
                    self.everything_changed();
                }
            }
            Err(err) => self.message = Some(err.localized(self.settings.lang)),
        }
    }

    /// While a record is open, wakes the window once a second so a change another window
    /// makes to it shows without waiting for the user to move the mouse.
    pub(super) fn keep_watching(&self, ctx: &egui::Context) {
        if self.editor.is_some() {
            ctx.request_repaint_after(DATA_VERSION_POLL);
        }
    }

    /// Reads the editor's record again and lets the editor take what changed.
    pub(super) fn refresh_editor(&mut self) {
        let (Some(store), Some(editor)) = (self.store.as_ref(), self.editor.as_mut()) else {
            return;
        };
        let result = match editor {
            Editor::Visit(e) if !e.draft.is_new() => store.visit(e.draft.draft.id).map(|v| {
                e.draft.refresh(v);
                e.sync_helpers();
            }),
            Editor::Finding(e) if !e.draft.is_new() => {
                store.finding(e.draft.draft.id).map(|f| e.draft.refresh(f))
            }
            Editor::Subject(e) if !e.draft.is_new() => {
                store.subject(e.draft.draft.id).map(|s| e.draft.refresh(s))
            }
            Editor::Topic(e) if !e.draft.is_new() => {
                store.topic(e.draft.draft.id).map(|t| e.draft.refresh(t))
            }
            _ => Ok(()),
        };
        if let Err(err) = result {
            self.message = Some(err.localized(self.settings.lang));
        }
    }

    /// Applies an editor's edit to the stored record and hands the result back to the editor.
    pub(super) fn apply_save(&mut self, kind: RecordKind, edit: &FieldEdit) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let result = match kind {
            RecordKind::Visit => store
                .save_edit::<Visit>(edit)
                .map(|(r, _, c)| (Saved::Visit(r), c)),
            RecordKind::Finding => store
                .save_edit::<Finding>(edit)
                .map(|(r, _, c)| (Saved::Finding(r), c)),
            RecordKind::Subject => store
                .save_edit::<Subject>(edit)
                .map(|(r, _, c)| (Saved::Subject(r), c)),
            RecordKind::Topic => store
                .save_edit::<Topic>(edit)
                .map(|(r, _, c)| (Saved::Topic(r), c)),
            RecordKind::Attachment
            | RecordKind::Form
            | RecordKind::Response
            | RecordKind::Answer => return,
        };
        let is_editors = self
            .editor
            .as_ref()
            .is_some_and(|e| e.draft_id() == edit.id);
        match result {
            Ok((saved, changes)) => {
                if is_editors && let Some(editor) = &mut self.editor {
                    editor.saved(saved);
                }
                self.note_changes(&changes);
            }
            Err(err) => {
                let message = err.localized(lang);
                self.message = Some(message.clone());
                if is_editors && let Some(editor) = &mut self.editor {
                    editor.save_failed(message);
                }
                if matches!(err, crate::store::StoreError::ChangedElsewhere { .. }) {
                    // Show the user what changed and let them choose.
                    self.refresh_editor();
                }
            }
        }
    }

    /// Ctrl+Z outside a text field brings back the record deleted last.
    pub(super) fn undo_shortcut(&mut self, ctx: &egui::Context) {
        let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
        let typing = ctx.memory(|m| m.focused().is_some());
        if !typing && self.last_deleted.is_some() && ctx.input_mut(|i| i.consume_shortcut(&undo)) {
            self.commands.push(AppCommand::UndoDelete);
        }
    }
}

impl Editor {
    /// Hands a saved record to the editor of the same kind.
    fn saved(&mut self, saved: Saved) {
        match (self, saved) {
            (Editor::Visit(e), Saved::Visit(r)) => {
                e.draft.saved(Ok(r));
                e.sync_helpers();
            }
            (Editor::Finding(e), Saved::Finding(r)) => e.draft.saved(Ok(r)),
            (Editor::Subject(e), Saved::Subject(r)) => e.draft.saved(Ok(r)),
            (Editor::Topic(e), Saved::Topic(r)) => e.draft.saved(Ok(r)),
            _ => {}
        }
    }

    /// Tells the editor why its edit was not saved.
    fn save_failed(&mut self, message: String) {
        match self {
            Editor::Visit(e) => e.draft.saved(Err(message)),
            Editor::Finding(e) => e.draft.saved(Err(message)),
            Editor::Subject(e) => e.draft.saved(Err(message)),
            Editor::Topic(e) => e.draft.saved(Err(message)),
        }
    }
}
