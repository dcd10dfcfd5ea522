//! The application state and its frame loop. Views and editors send [`AppCommand`]s, drained
//! once a frame; data is read through small cached queries refreshed when it changes (the
//! `revision` counter), never re-read every frame.

use super::attachments::Thumbnails;
use super::bundles::{BundleContext, BundlesUi};
use super::editors::{FindingEditor, VisitEditor};
use super::history::history_ui;
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
use crate::store::{HistoryEntry, RecordKind, SearchHit, Store};
use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod chrome;
mod commands;
mod dialogs;
mod layout;
mod panels;

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
    /// Move a record to the Trash.
    Delete(String),
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

/// What views and editors share for one frame: the store, the language, the catalogue, and
/// the way back to the shell.
pub struct Shared<'a> {
    /// The open database.
    pub store: &'a mut Store,
    /// The interface language.
    pub lang: Lang,
    /// Every topic.
    pub topics: &'a [Topic],
    /// Live subjects.
    pub subjects: &'a [Subject],
    /// Bumped whenever data changes; caches compare against it.
    pub revision: u64,
    /// The database file (worker threads open their own connection to it).
    pub db_path: &'a Path,
    commands: &'a mut Vec<AppCommand>,
    changed: &'a mut bool,
}

impl Shared<'_> {
    /// Asks the shell to do something after this frame's UI.
    pub fn send(&mut self, command: AppCommand) {
        self.commands.push(command);
    }

    /// Says that data was written, so cached lists refresh.
    pub fn data_changed(&mut self) {
        *self.changed = true;
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
    revision: u64,
    topics: Vec<Topic>,
    subjects: Vec<Subject>,
    cached_revision: Option<u64>,
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
    history: Option<(u64, String, Vec<HistoryEntry>)>,
    author_input: String,
    about: Option<AboutState>,
    /// The latest backup of a damaged database, offered on the error page.
    restore_from: Option<PathBuf>,
    message: Option<String>,
    commands: Vec<AppCommand>,
    /// Attaching files or opening one with the system's viewer; says what it did.
    file_job: Option<super::jobs::Job<String>>,
    thumbnails: Arc<Mutex<Thumbnails>>,
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
            topics: Vec::new(),
            subjects: Vec::new(),
            cached_revision: None,
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
            about: None,
            restore_from: None,
            message: None,
            commands: Vec::new(),
            file_job: None,
            thumbnails: Arc::default(),
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
            Ok(store) => {
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
        self.revision += 1;
    }

    /// Writes whatever the editor holds that is not saved yet.
    pub fn flush_editor(&mut self, ctx: Option<&egui::Context>) {
        let ctx = ctx.cloned().unwrap_or_default();
        let lang = self.settings.lang;
        let (Some(store), Some(editor)) = (self.store.as_mut(), self.editor.as_mut()) else {
            return;
        };
        let mut changed = false;
        let mut commands = Vec::new();
        let mut shared = Shared {
            store,
            lang,
            topics: &self.topics,
            subjects: &self.subjects,
            revision: self.revision,
            db_path: &self.db_path,
            commands: &mut commands,
            changed: &mut changed,
        };
        match editor {
            Editor::Visit(e) => e.flush(&mut shared, &ctx),
            Editor::Finding(e) => e.flush(&mut shared, &ctx),
            Editor::Subject(e) => e.flush(&mut shared, &ctx),
            Editor::Topic(e) => e.flush(&mut shared, &ctx),
        }
        if changed {
            self.revision += 1;
        }
    }

    fn refresh_caches(&mut self) {
        if self.cached_revision == Some(self.revision) {
            return;
        }
        if let Some(store) = &self.store {
            self.topics = store.topics().unwrap_or_default();
            self.subjects = store.subjects(false).unwrap_or_default();
            self.totals = (
                store.count_visits(&Default::default()).unwrap_or(0),
                store.count_findings(&Default::default()).unwrap_or(0),
            );
        }
        self.cached_revision = Some(self.revision);
    }

    /// Draws one frame (the eframe `App::ui` and the UI tests both call this).
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.refresh_caches();
        let ctx = ui.ctx().clone();
        let thumbnails = self.thumbnails.clone();
        ctx.data_mut(|d| d.insert_temp(super::attachments::thumbnails_id(), thumbnails));
        self.poll_file_job(&ctx);
        self.shortcuts(&ctx);
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
        self.drain_commands(&ctx);
    }

    /// A worker thread is importing, exporting or counting.
    pub fn is_busy(&self) -> bool {
        self.bundles.is_busy()
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
            self.revision += 1;
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
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let (mut commands, mut changed) = (Vec::new(), false);
        let shared = Shared {
            store,
            lang,
            topics: &self.topics,
            subjects: &self.subjects,
            revision: self.revision,
            db_path: &self.db_path,
            commands: &mut commands,
            changed: &mut changed,
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

    #[allow(clippy::too_many_arguments)] // the disjoint borrows of one frame, gathered once
    fn shared<'a>(
        store: &'a mut Store,
        lang: Lang,
        topics: &'a [Topic],
        subjects: &'a [Subject],
        revision: u64,
        db_path: &'a Path,
        commands: &'a mut Vec<AppCommand>,
        changed: &'a mut bool,
    ) -> Shared<'a> {
        Shared {
            store,
            lang,
            topics,
            subjects,
            revision,
            db_path,
            commands,
            changed,
        }
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
