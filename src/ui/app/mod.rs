//! The application state and its frame loop. The shell owns the store: views and editors read
//! it (and small cached snapshots of it) but never write; they send [`AppCommand`]s, drained once
//! a frame, and what a write changed ([`ChangeSet`]) drops only the caches and refreshes only the
//! editor that show those records. Other connections' writes (an import's worker, another
//! window) are noticed through `PRAGMA data_version`, polled at most once a second.

use super::attachments::Thumbnails;
use super::bundles::{BundleContext, BundlesUi};
use super::editors::{FindingEditor, VisitEditor};
use super::history::{History, history_ui};
use super::settings::{Settings, View};
use super::views::conflicts::ConflictsView;
use super::views::problems::ProblemsView;
use super::views::subjects::{SubjectEditor, SubjectsView};
use super::views::summary::SummaryView;
use super::views::topics::{TopicEditor, TopicsView};
use super::views::trash::TrashView;
use super::views::visits::VisitsView;
use crate::i18n::{Lang, Localized};
use crate::model::{
    AttachmentId, AttachmentOwner, Finding, FindingId, Subject, SubjectId, Topic, TopicId, Visit,
    VisitId,
};
use crate::store::{ChangeSet, FieldEdit, RecordKind, SearchHit, Store};
use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod chrome;
mod commands;
mod dialogs;
mod layout;
mod ledger;
mod panels;
mod sync;
mod team_sync;

pub use sync::Revisions;

/// What views and editors ask the shell to do.
#[derive(Clone, Debug, PartialEq)]
pub enum AppCommand {
    /// Show a visit in the editor.
    OpenVisit(VisitId),
    /// Show a finding in the editor.
    OpenFinding(FindingId),
    /// Show a subject in the editor.
    OpenSubject(SubjectId),
    /// Show a topic in the editor.
    OpenTopic(TopicId),
    /// Start a new visit.
    NewVisit,
    /// Start a new finding on a visit.
    NewFinding(VisitId),
    /// Start a new subject.
    NewSubject,
    /// Save the fields an editor changed (only those, against the values they were changed from).
    Save(RecordKind, FieldEdit),
    /// Move a record to the Trash.
    Delete(String),
    /// Take the record deleted last back out of the Trash (the status line's Undo, Ctrl+Z).
    UndoDelete,
    /// Settle a merge conflict by keeping one version.
    Resolve(i64, crate::bundle::Keep),
    /// Mark a merge conflict as reviewed without changing anything.
    MarkReviewed(i64),
    /// Name an attachment as a finding's evidence of the fix, or not.
    SetEvidence(AttachmentId, bool),
    /// Show a message (an error a view met while reading) in the status line.
    Report(String),
    /// Change the author name written into history and bundles.
    SetAuthor(String),
    /// Set the size limit per attached file, in MB.
    SetAttachmentLimit(u64),
    /// Take a record out of the Trash.
    Restore(String),
    /// Switch to a view.
    ShowView(View),
    /// Open another database file.
    OpenDatabase(PathBuf),
    /// Preview an import of these bundles or database files.
    Import(Vec<PathBuf>),
    /// Open the team sync dialog (File → 同步文件夹…).
    OpenTeamSync,
    /// Copy the database into its backups folder now.
    BackUp,
    /// Replace the database by this backup (after backing up the current one).
    RestoreBackup(PathBuf),
    /// Show the problem list filtered by this topic.
    ProblemsOfTopic(TopicId),
    /// Attach these files to a visit or finding (on a worker thread).
    Attach(AttachmentOwner, Vec<PathBuf>),
    /// Open an attachment with the system's viewer (on a worker thread).
    OpenAttachment(AttachmentId),
}

/// What views and editors share for one frame: the store to read, the language, the catalogue,
/// and the way back to the shell. Nothing here can write: writes are [`AppCommand`]s.
pub struct Shared<'a> {
    /// The open database, to read.
    pub store: &'a Store,
    /// The interface language.
    pub lang: Lang,
    /// Every topic.
    pub topics: &'a [Topic],
    /// Live subjects.
    pub subjects: &'a [Subject],
    /// Bumped whenever any data changes (for caches that depend on everything).
    pub revision: u64,
    /// Bumped per kind of record, for caches that depend on some kinds only.
    pub revisions: &'a Revisions,
    /// The database file (worker threads open their own connection to it).
    pub db_path: &'a Path,
    commands: &'a mut Vec<AppCommand>,
}

impl Shared<'_> {
    /// Asks the shell to do something after this frame's UI.
    pub fn send(&mut self, command: AppCommand) {
        self.commands.push(command);
    }

    /// Shows a store error met while reading in the status line (and returns nothing to show).
    pub fn report<T: Default>(&mut self, result: crate::store::Result<T>) -> T {
        result.unwrap_or_else(|err| {
            self.send(AppCommand::Report(err.localized(self.lang)));
            T::default()
        })
    }
}

/// The editor on the right (one exists at a time, so the size difference does not matter).
#[allow(clippy::large_enum_variant)]
enum Editor {
    Visit(VisitEditor),
    Finding(FindingEditor),
    Subject(SubjectEditor),
    Topic(TopicEditor),
}

impl Editor {
    /// The saved visit or finding in the editor, which dropped files are attached to.
    fn attachment_owner(&self) -> Option<AttachmentOwner> {
        match self {
            Editor::Visit(e) if !e.draft.is_new() => Some(AttachmentOwner::Visit(e.draft.draft.id)),
            Editor::Finding(e) if !e.draft.is_new() => {
                Some(AttachmentOwner::Finding(e.draft.draft.id))
            }
            _ => None,
        }
    }

    /// The edit the editor holds and would send now (`force`: without waiting for a pause).
    fn take_edit(
        &mut self,
        lang: Lang,
        ctx: &egui::Context,
        force: bool,
    ) -> Option<(RecordKind, FieldEdit)> {
        let edit = match self {
            Editor::Visit(e) => e.draft.take_edit(lang, ctx, force),
            Editor::Finding(e) => e.draft.take_edit(lang, ctx, force),
            Editor::Subject(e) => e.draft.take_edit(lang, ctx, force),
            Editor::Topic(e) => e.draft.take_edit(lang, ctx, force),
        };
        edit.map(|edit| (self.kind(), edit))
    }

    fn kind(&self) -> RecordKind {
        match self {
            Editor::Visit(_) => RecordKind::Visit,
            Editor::Finding(_) => RecordKind::Finding,
            Editor::Subject(_) => RecordKind::Subject,
            Editor::Topic(_) => RecordKind::Topic,
        }
    }

    /// The record's id, saved or not.
    fn draft_id(&self) -> String {
        match self {
            Editor::Visit(e) => e.draft.id_text(),
            Editor::Finding(e) => e.draft.id_text(),
            Editor::Subject(e) => e.draft.id_text(),
            Editor::Topic(e) => e.draft.id_text(),
        }
    }

    fn record_id(&self) -> Option<String> {
        let (id, new) = match self {
            Editor::Visit(e) => (e.draft.draft.id.to_string(), e.draft.is_new()),
            Editor::Finding(e) => (e.draft.draft.id.to_string(), e.draft.is_new()),
            Editor::Subject(e) => (e.draft.draft.id.to_string(), e.draft.is_new()),
            Editor::Topic(e) => (e.draft.draft.id.to_string(), e.draft.is_new()),
        };
        (!new).then_some(id)
    }
}

/// The search box and its results.
#[derive(Default)]
struct SearchBox {
    text: String,
    hits: Vec<SearchHit>,
    hits_for: Option<(String, u64)>,
    open: bool,
}

/// The About / agreement-check dialog.
#[derive(Default)]
struct AboutState {
    job: Option<super::jobs::Job<crate::bundle::AgreementDigest>>,
    digest: Option<Result<crate::bundle::AgreementDigest, String>>,
}

/// The whole application.
pub struct ZoufangApp {
    /// What is remembered between runs.
    pub settings: Settings,
    store: Option<Store>,
    db_path: PathBuf,
    db_error: Option<String>,
    /// Bumped whenever any data changes (what the search box and the Summary compare against).
    revision: u64,
    revisions: Revisions,
    topics: Vec<Topic>,
    subjects: Vec<Subject>,
    /// Which of the catalogue, the subjects and the status line's totals need reading again.
    stale: sync::Stale,
    /// `PRAGMA data_version` when last polled, and when.
    data_version: Option<(i64, std::time::Instant)>,
    /// The record deleted last, which Undo brings back.
    last_deleted: Option<(String, String)>,
    totals: (usize, usize),
    /// The database's size limit per attached file in MB, read when the File menu first needs it.
    attachment_limit_mb: Option<u64>,
    editor: Option<Editor>,
    visits: VisitsView,
    problems: ProblemsView,
    topics_view: TopicsView,
    subjects_view: SubjectsView,
    trash: TrashView,
    summary: SummaryView,
    conflicts: ConflictsView,
    bundles: BundlesUi,
    search: SearchBox,
    history: Option<(u64, String, History)>,
    author_input: String,
    /// The author dialog was opened from the File menu.
    editing_author: bool,
    about: Option<AboutState>,
    /// The latest backup of a damaged database, offered on the error page.
    restore_from: Option<PathBuf>,
    message: Option<String>,
    commands: Vec<AppCommand>,
    /// Attaching files or opening one with the system's viewer; says what it did.
    file_job: Option<super::jobs::Job<String>>,
    thumbnails: Arc<Mutex<Thumbnails>>,
    /// The open preview of a ledger import (File → 导入台账…).
    ledger_preview: Option<super::ledger::LedgerPreview>,
    /// The team sync dialog and the sync running from it.
    team_sync: super::team_sync::TeamSyncUi,
}

const SEARCH_ID: &str = "search-box";

impl ZoufangApp {
    /// The app on the database at `db` (an error dialog says why if it cannot be opened).
    pub fn new(settings: Settings, db: PathBuf) -> Self {
        let mut app = ZoufangApp {
            settings,
            store: None,
            db_path: db.clone(),
            db_error: None,
            revision: 0,
            revisions: Revisions::default(),
            topics: Vec::new(),
            subjects: Vec::new(),
            stale: sync::Stale::all(),
            data_version: None,
            last_deleted: None,
            totals: (0, 0),
            attachment_limit_mb: None,
            editor: None,
            visits: VisitsView::default(),
            problems: ProblemsView::default(),
            topics_view: TopicsView::default(),
            subjects_view: SubjectsView,
            trash: TrashView::default(),
            summary: SummaryView::default(),
            conflicts: ConflictsView::default(),
            bundles: BundlesUi::default(),
            search: SearchBox::default(),
            history: None,
            author_input: String::new(),
            editing_author: false,
            about: None,
            restore_from: None,
            message: None,
            commands: Vec::new(),
            file_job: None,
            thumbnails: Arc::default(),
            ledger_preview: None,
            team_sync: Default::default(),
        };
        app.open_database(db);
        app
    }

    /// The open store (for tests).
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// The error shown instead of the data, if the database could not be opened.
    pub fn db_error(&self) -> Option<&str> {
        self.db_error.as_deref()
    }

    /// The settings as the window would remember them now.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The view shown.
    pub fn view(&self) -> View {
        self.settings.view
    }

    /// The id of the record in the editor, once saved.
    pub fn selected_id(&self) -> Option<String> {
        self.editor.as_ref().and_then(Editor::record_id)
    }

    /// Runs a command as if a view had sent it (for tests and menus).
    pub fn command(&mut self, command: AppCommand) {
        self.commands.push(command);
    }

    fn open_database(&mut self, path: PathBuf) {
        self.flush_editor(None);
        self.restore_from = None;
        // A write-protected file (a colleague's database on a CD, a locked share) opens for reading.
        match Store::open_or_read_only(&path) {
            Ok(mut store) => {
                // The name is asked once per user: a new database takes the one the user typed
                // (not that of a colleague's database opened first).
                if store.author().is_empty()
                    && !store.is_read_only()
                    && let Some(name) = self.settings.author.clone()
                    && let Err(err) = store.set_author(&name)
                {
                    self.message = Some(err.localized(self.settings.lang));
                }
                self.author_input = store.author().to_owned();
                self.store = Some(store);
                self.attachment_limit_mb = None;
                self.db_error = None;
                self.settings.last_db = Some(path.clone());
            }
            Err(err) => {
                if let crate::store::StoreError::Damaged { backup, .. } = &err {
                    self.restore_from = Some(backup.clone());
                }
                self.store = None;
                self.db_error = Some(err.localized(self.settings.lang));
            }
        }
        self.db_path = path;
        self.editor = None;
        self.last_deleted = None;
        self.data_version = None;
        self.everything_changed();
    }

    /// Writes whatever the editor holds that is not saved yet.
    pub fn flush_editor(&mut self, ctx: Option<&egui::Context>) {
        let ctx = ctx.cloned().unwrap_or_default();
        let lang = self.settings.lang;
        if let Some((kind, edit)) = self
            .editor
            .as_mut()
            .and_then(|e| e.take_edit(lang, &ctx, true))
        {
            self.apply_save(kind, &edit);
        }
    }

    /// Draws one frame (the eframe `App::ui` and the UI tests both call this).
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.poll_data_version();
        self.refresh_caches();
        let ctx = ui.ctx().clone();
        let thumbnails = self.thumbnails.clone();
        ctx.data_mut(|d| d.insert_temp(super::attachments::thumbnails_id(), thumbnails));
        self.poll_file_job(&ctx);
        self.keep_watching(&ctx);
        self.shortcuts(&ctx);
        self.undo_shortcut(&ctx);
        self.top_bar_ui(ui);
        self.status_bar_ui(ui);
        if self.store.is_none() {
            egui::CentralPanel::default().show(ui, |ui| self.db_error_ui(ui));
            return;
        }
        self.nav_ui(ui);
        self.editor_panel_ui(ui);
        egui::CentralPanel::default().show(ui, |ui| self.view_ui(ui));
        self.search_results_ui(&ctx);
        self.bundles_ui(&ctx);
        self.about_ui(&ctx);
        self.author_dialog_ui(&ctx);
        self.ledger_ui(&ctx);
        self.team_sync_ui(&ctx);
        self.drain_commands(&ctx);
    }

    /// A worker thread is importing, exporting or counting.
    pub fn is_busy(&self) -> bool {
        self.bundles.is_busy()
            || self.team_sync.is_busy()
            || self.file_job.is_some()
            || self.thumbnails.lock().is_ok_and(|t| t.is_busy())
            || self.summary.is_busy()
            || self.about.as_ref().is_some_and(|a| a.job.is_some())
    }

    /// Shows what the attach or open job did, once it is done.
    fn poll_file_job(&mut self, ctx: &egui::Context) {
        if let Some(job) = &mut self.file_job
            && let Some(result) = job.poll(ctx)
        {
            self.message = Some(result.unwrap_or_else(|err| err));
            self.file_job = None;
            // The job wrote through its own connection.
            self.everything_changed();
            self.data_version = None;
        }
    }

    /// The bundle dialogs (for tests: start an import or an export without a file dialog).
    pub fn bundles_mut(&mut self) -> (&mut BundlesUi, &Path, Lang) {
        (&mut self.bundles, &self.db_path, self.settings.lang)
    }

    /// Exports the Summary view's public version to `path` (what its buttons do after the save
    /// dialog; for tests).
    pub fn save_public_summary(&mut self, path: PathBuf, format: crate::report::PublicFormat) {
        let ctx = egui::Context::default();
        let lang = self.settings.lang;
        let Some(store) = self.store.as_ref() else {
            return;
        };
        let mut commands = Vec::new();
        let shared = Shared {
            store,
            lang,
            topics: &self.topics,
            subjects: &self.subjects,
            revision: self.revision,
            revisions: &self.revisions,
            db_path: &self.db_path,
            commands: &mut commands,
        };
        self.summary.save_public_to(path, format, &ctx, &shared);
    }

    /// The Summary view (for tests).
    pub fn summary_view(&self) -> &SummaryView {
        &self.summary
    }

    /// The Summary view, to set its filters (for tests).
    pub fn summary_view_mut(&mut self) -> &mut SummaryView {
        &mut self.summary
    }

    /// The problem list's filter (for tests).
    pub fn problems_filter(&self) -> crate::store::FindingFilter {
        self.problems.filter()
    }

    /// The author name as the window will write it into history (for tests).
    pub fn author(&self) -> Option<&str> {
        self.store.as_ref().map(Store::author)
    }
}

impl eframe::App for ZoufangApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        ZoufangApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.flush_editor(None);
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.flush_editor(None);
    }
}
