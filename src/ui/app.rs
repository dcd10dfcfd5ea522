//! The application state and its frame loop. Views and editors send [`AppCommand`]s, drained
//! once a frame; data is read through small cached queries refreshed when it changes (the
//! `revision` counter), never re-read every frame.

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
use crate::model::{Finding, FindingId, Subject, SubjectId, Topic, TopicId, Visit, VisitId};
use crate::store::{HistoryEntry, RecordKind, SearchHit, Store};
use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use std::path::{Path, PathBuf};

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
    /// Take a record out of the Trash.
    Restore(String),
    /// Switch to a view.
    ShowView(View),
    /// Open another database file.
    OpenDatabase(PathBuf),
    /// Preview an import of these bundles or database files.
    Import(Vec<PathBuf>),
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
    message: Option<String>,
    commands: Vec<AppCommand>,
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
            message: None,
            commands: Vec::new(),
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
        match Store::open(&path) {
            Ok(store) => {
                self.author_input = store.author().to_owned();
                self.store = Some(store);
                self.db_error = None;
                self.settings.last_db = Some(path.clone());
            }
            Err(err) => {
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
        self.author_dialog_ui(&ctx);
        self.drain_commands(&ctx);
    }

    /// A worker thread is importing, exporting or counting.
    pub fn is_busy(&self) -> bool {
        self.bundles.is_busy() || self.summary.is_busy()
    }

    /// The bundle dialogs (for tests: start an import or an export without a file dialog).
    pub fn bundles_mut(&mut self) -> (&mut BundlesUi, &Path, Lang) {
        (&mut self.bundles, &self.db_path, self.settings.lang)
    }

    /// The Summary view (for tests).
    pub fn summary_view(&self) -> &SummaryView {
        &self.summary
    }

    fn bundles_ui(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.commands.push(AppCommand::Import(dropped));
        }
        let b = BundleContext {
            db: &self.db_path,
            lang: self.settings.lang,
            topics: &self.topics,
            subjects: &self.subjects,
        };
        if self.bundles.ui(ctx, &b) {
            // The import wrote through its own connection: everything shown may have changed.
            self.editor = None;
            self.revision += 1;
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let new_finding = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
        let new_visit = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
        let find = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
        if ctx.input_mut(|i| i.consume_shortcut(&new_finding)) {
            let visit = match &self.editor {
                Some(Editor::Visit(e)) if !e.draft.is_new() => Some(e.draft.draft.id),
                Some(Editor::Finding(e)) => Some(e.draft.draft.visit_id),
                _ => None,
            };
            if let Some(visit) = visit {
                self.commands.push(AppCommand::NewFinding(visit));
            }
        }
        if ctx.input_mut(|i| i.consume_shortcut(&new_visit)) {
            self.commands.push(AppCommand::NewVisit);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&find)) {
            ctx.memory_mut(|m| m.request_focus(egui::Id::unique(SEARCH_ID)));
        }
        let typing = ctx.memory(|m| m.focused().is_some());
        if !typing
            && ctx.input(|i| i.key_pressed(Key::Delete))
            && let Some(id) = self.selected_id()
        {
            self.commands.push(AppCommand::Delete(id));
        }
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        egui::Panel::top("top-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button(lang.pick("文件", "File"), |ui| {
                    if ui
                        .button(lang.pick("打开数据库…", "Open database…"))
                        .clicked()
                    {
                        ui.close();
                        if let Some(path) = rfd::FileDialog::new()
                            .set_title(lang.pick("打开走访数据库", "Open a Zoufang database"))
                            .add_filter(
                                lang.pick("走访数据库", "Zoufang database"),
                                &["sqlite", "db", "zoufang"],
                            )
                            .pick_file()
                        {
                            self.commands.push(AppCommand::OpenDatabase(path));
                        }
                    }
                    if ui
                        .button(lang.pick("新建数据库…", "New database…"))
                        .clicked()
                    {
                        ui.close();
                        if let Some(path) = rfd::FileDialog::new()
                            .set_title(lang.pick("新建走访数据库", "Create a Zoufang database"))
                            .set_file_name("zoufang.sqlite")
                            .save_file()
                        {
                            self.commands.push(AppCommand::OpenDatabase(path));
                        }
                    }
                    ui.separator();
                    if ui
                        .button(lang.pick("导入案卷包或数据库…", "Import bundles or databases…"))
                        .clicked()
                    {
                        ui.close();
                        if let Some(files) = rfd::FileDialog::new()
                            .set_title(lang.pick("选择要导入的案卷包", "Choose bundles to import"))
                            .add_filter(
                                lang.pick("走访案卷包或数据库", "Zoufang bundle or database"),
                                &["zfb", "sqlite", "db"],
                            )
                            .pick_files()
                        {
                            self.commands.push(AppCommand::Import(files));
                        }
                    }
                    if ui
                        .button(lang.pick("导出案卷包…", "Export a bundle…"))
                        .clicked()
                    {
                        ui.close();
                        self.bundles.open_export();
                    }
                    ui.separator();
                    if ui.button(lang.pick("退出", "Quit")).clicked() {
                        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
                ui.menu_button(lang.pick("记录", "Record"), |ui| {
                    if ui
                        .button(lang.pick("新建走访　Ctrl+N", "New visit　Ctrl+N"))
                        .clicked()
                    {
                        ui.close();
                        self.commands.push(AppCommand::NewVisit);
                    }
                    if ui
                        .button(lang.pick("新建调研课题", "New subject"))
                        .clicked()
                    {
                        ui.close();
                        self.commands.push(AppCommand::NewSubject);
                    }
                });
                ui.add_space(16.0);
                let search_label = ui.label(lang.pick("搜索", "Search"));
                let search = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.search.text)
                            .id(egui::Id::unique(SEARCH_ID))
                            .hint_text(lang.pick(
                                "Ctrl+F：地点、问题、措施…",
                                "Ctrl+F: places, problems, measures…",
                            ))
                            .desired_width(320.0),
                    )
                    .labelled_by(search_label.id);
                if search.changed() || search.gained_focus() {
                    self.search.open = !self.search.text.trim().is_empty();
                }
                if search.has_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
                    self.search.open = false;
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let other = match lang {
                        Lang::Zh => Lang::En,
                        Lang::En => Lang::Zh,
                    };
                    if ui
                        .button(lang.pick("English", "中文"))
                        .on_hover_text(lang.pick("切换界面语言", "Switch the interface language"))
                        .clicked()
                    {
                        self.settings.lang = other;
                    }
                });
            });
        });
    }

    fn status_bar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(self.db_path.display().to_string())
                        .small()
                        .weak(),
                );
                if let Some(store) = &self.store {
                    ui.separator();
                    ui.label(
                        RichText::new(match lang {
                            Lang::Zh => format!(
                                "走访 {} 次 · 发现 {} 条 · 记录人：{}",
                                self.totals.0,
                                self.totals.1,
                                store.author()
                            ),
                            Lang::En => format!(
                                "{} visits · {} findings · author: {}",
                                self.totals.0,
                                self.totals.1,
                                store.author()
                            ),
                        })
                        .small(),
                    );
                }
                if let Some(message) = &self.message {
                    ui.separator();
                    ui.label(RichText::new(message).small().strong());
                }
            });
        });
    }

    fn nav_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        egui::Panel::left("navigation")
            .resizable(false)
            .exact_size(132.0)
            .show(ui, |ui| {
                ui.add_space(8.0);
                for view in View::ALL {
                    let selected = self.settings.view == view;
                    let button = egui::Button::selectable(
                        selected,
                        RichText::new(view.label(lang)).size(15.0),
                    )
                    .min_size(egui::vec2(ui.available_width(), 30.0));
                    if ui.add(button).clicked() {
                        self.commands.push(AppCommand::ShowView(view));
                    }
                }
            });
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

    fn editor_panel_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        let mut changed = false;
        egui::Panel::right("editor")
            .resizable(true)
            .default_size(400.0)
            .min_size(320.0)
            .show(ui, |ui| {
                let Some(store) = self.store.as_mut() else {
                    return;
                };
                egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
                    let mut shared = Self::shared(
                        store,
                        lang,
                        &self.topics,
                        &self.subjects,
                        self.revision,
                        &self.db_path,
                        &mut self.commands,
                        &mut changed,
                    );
                    match &mut self.editor {
                        None => {
                            ui.add_space(20.0);
                            ui.add(
                                egui::Label::new(
                                    RichText::new(lang.pick(
                                        "在列表中选择一条记录进行编辑，或按 Ctrl+N 新建走访。",
                                        "Select a record to edit it, or press Ctrl+N for a new visit.",
                                    ))
                                    .weak(),
                                )
                                .wrap(),
                            );
                            return;
                        }
                        Some(Editor::Visit(e)) => e.ui(ui, &mut shared),
                        Some(Editor::Finding(e)) => e.ui(ui, &mut shared),
                        Some(Editor::Subject(e)) => e.ui(ui, &mut shared),
                        Some(Editor::Topic(e)) => e.ui(ui, &mut shared),
                    }
                    let Some(id) = self.editor.as_ref().and_then(Editor::record_id) else {
                        return;
                    };
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        let deletable = !matches!(self.editor, Some(Editor::Topic(_)));
                        if deletable
                            && ui
                                .button(lang.pick("移入回收站", "Move to Trash"))
                                .on_hover_text(lang.pick("快捷键 Delete", "Shortcut: Delete"))
                                .clicked()
                        {
                            self.commands.push(AppCommand::Delete(id.clone()));
                        }
                    });
                    ui.separator();
                    let revision = self.revision + u64::from(changed);
                    let stale = self
                        .history
                        .as_ref()
                        .is_none_or(|(rev, hid, _)| *rev != revision || *hid != id);
                    if stale {
                        let entries = store.history(&id).unwrap_or_default();
                        self.history = Some((revision, id.clone(), entries));
                    }
                    egui::CollapsingHeader::new(lang.pick("修改记录", "History"))
                        .id_salt("history")
                        .default_open(self.settings.show_history)
                        .show(ui, |ui| {
                            if let Some((_, _, entries)) = &self.history {
                                history_ui(ui, entries, lang);
                            }
                        });
                });
            });
        if changed {
            self.revision += 1;
        }
    }

    fn view_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        let mut changed = false;
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let selected = self.editor.as_ref().and_then(Editor::record_id);
        let mut shared = Self::shared(
            store,
            lang,
            &self.topics,
            &self.subjects,
            self.revision,
            &self.db_path,
            &mut self.commands,
            &mut changed,
        );
        let parse = |id: &Option<String>| id.as_ref().and_then(|i| i.parse().ok());
        match self.settings.view {
            View::Visits => self
                .visits
                .ui(ui, &mut shared, parse(&selected).map(VisitId)),
            View::Problems => self
                .problems
                .ui(ui, &mut shared, parse(&selected).map(FindingId)),
            View::Topics => self
                .topics_view
                .ui(ui, &mut shared, parse(&selected).map(TopicId)),
            View::Subjects => {
                self.subjects_view
                    .ui(ui, &mut shared, parse(&selected).map(SubjectId));
            }
            View::Summary => self.summary.ui(ui, &mut shared),
            View::Conflicts => self.conflicts.ui(ui, &mut shared),
            View::Trash => self.trash.ui(ui, &mut shared),
        }
        if changed {
            self.revision += 1;
        }
    }

    fn search_results_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        if !self.search.open {
            return;
        }
        let Some(store) = &self.store else {
            return;
        };
        let text = self.search.text.trim().to_owned();
        if self.search.hits_for.as_ref() != Some(&(text.clone(), self.revision)) {
            self.search.hits = store.search(&text, 30).unwrap_or_default();
            self.search.hits_for = Some((text.clone(), self.revision));
        }
        let Some(anchor) = ctx
            .memory(|m| m.area_rect(egui::Id::unique("top-bar")))
            .or_else(|| {
                Some(egui::Rect::from_min_size(
                    egui::pos2(0.0, 0.0),
                    egui::vec2(400.0, 30.0),
                ))
            })
        else {
            return;
        };
        let mut open = None;
        let mut close = false;
        egui::Area::new(egui::Id::unique("search-results"))
            .order(egui::Order::Foreground)
            .fixed_pos(egui::pos2(anchor.left() + 150.0, anchor.bottom() + 2.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_width(460.0);
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(match lang {
                                Lang::Zh => {
                                    format!("“{text}”的搜索结果：{} 条", self.search.hits.len())
                                }
                                Lang::En => {
                                    format!("{} results for “{text}”", self.search.hits.len())
                                }
                            })
                            .weak(),
                        );
                        if ui
                            .small_button("×")
                            .on_hover_text(lang.pick("关闭", "Close"))
                            .clicked()
                        {
                            close = true;
                        }
                    });
                    egui::ScrollArea::vertical()
                        .max_height(360.0)
                        .show(ui, |ui| {
                            for hit in &self.search.hits {
                                let kind = crate::store::kind_label(hit.kind.table(), lang);
                                let label = format!("[{kind}] {}", hit.title);
                                let response = ui.selectable_label(false, label);
                                ui.label(RichText::new(&hit.context).small().weak());
                                if response.clicked() {
                                    open = Some(hit.clone());
                                }
                            }
                        });
                });
            });
        if let Some(hit) = open {
            self.search.open = false;
            let command = match hit.kind {
                RecordKind::Visit => hit.id.parse().ok().map(AppCommand::OpenVisit),
                RecordKind::Finding => hit.id.parse().ok().map(AppCommand::OpenFinding),
                RecordKind::Subject => hit.id.parse().ok().map(AppCommand::OpenSubject),
                RecordKind::Topic => hit.id.parse().ok().map(AppCommand::OpenTopic),
            };
            self.commands.extend(command);
        }
        if close {
            self.search.open = false;
        }
    }

    fn author_dialog_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_mut() else {
            return;
        };
        if !store.author().is_empty() {
            return;
        }
        let mut error = None;
        egui::Modal::new(egui::Id::unique("author-dialog")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading(lang.pick("欢迎使用走访", "Welcome to Zoufang"));
            ui.label(lang.pick(
                "请输入您的姓名。它会记录在每一次修改和导出的案卷包中，便于监督核查。",
                "Please enter your name. It is written into every change and every bundle you export.",
            ));
            let label = ui.label(lang.pick("姓名", "Name"));
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.author_input)
                        .hint_text(lang.pick("例如：王敏", "e.g. Wang Min"))
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            if (ui.button(lang.pick("开始使用", "Start")).clicked() || enter)
                && let Err(err) = store.set_author(&self.author_input)
            {
                error = Some(err.localized(lang));
            }
        });
        if let Some(error) = error {
            self.message = Some(error);
        }
    }

    fn db_error_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            ui.heading(lang.pick("无法打开数据库", "The database cannot be opened"));
            ui.add_space(8.0);
            if let Some(error) = &self.db_error {
                ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
            }
            ui.add_space(8.0);
            ui.label(lang.pick(
                "文件未被修改。您可以打开其他数据库、新建一个数据库，或关闭其他正在使用该文件的走访窗口后重试。",
                "The file was not changed. Open another database, create a new one, or close other Zoufang windows using this file and retry.",
            ));
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                if ui.button(lang.pick("重试", "Retry")).clicked() {
                    self.commands.push(AppCommand::OpenDatabase(self.db_path.clone()));
                }
                if ui.button(lang.pick("打开其他数据库…", "Open another…")).clicked()
                    && let Some(path) = rfd::FileDialog::new().pick_file()
                {
                    self.commands.push(AppCommand::OpenDatabase(path));
                }
                if ui.button(lang.pick("新建数据库…", "New database…")).clicked()
                    && let Some(path) = rfd::FileDialog::new().set_file_name("zoufang.sqlite").save_file()
                {
                    self.commands.push(AppCommand::OpenDatabase(path));
                }
            });
        });
        let ctx = ui.ctx().clone();
        self.drain_commands(&ctx);
    }

    fn drain_commands(&mut self, ctx: &egui::Context) {
        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // What a command changes is drawn in the next frame.
            ctx.request_repaint();
        }
        for command in commands {
            self.run_command(command, ctx);
        }
    }

    fn run_command(&mut self, command: AppCommand, ctx: &egui::Context) {
        let lang = self.settings.lang;
        if let AppCommand::OpenDatabase(path) = command {
            self.open_database(path);
            return;
        }
        if let AppCommand::ShowView(view) = command {
            self.settings.view = view;
            return;
        }
        if let AppCommand::Import(files) = command {
            self.flush_editor(Some(ctx));
            self.bundles.open_import(files, ctx, &self.db_path, lang);
            return;
        }
        self.flush_editor(Some(ctx));
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let today = chrono::Local::now().date_naive();
        match command {
            AppCommand::OpenVisit(id) => {
                if let Ok(v) = store.visit(id) {
                    self.editor = Some(Editor::Visit(VisitEditor::existing(v)));
                }
            }
            AppCommand::OpenFinding(id) => {
                if let Ok(f) = store.finding(id) {
                    self.editor = Some(Editor::Finding(FindingEditor::existing(f)));
                }
            }
            AppCommand::OpenSubject(id) => {
                if let Ok(s) = store.subject(id) {
                    self.editor = Some(Editor::Subject(SubjectEditor::existing(s)));
                }
            }
            AppCommand::OpenTopic(id) => {
                if let Ok(t) = store.topic(id) {
                    self.editor = Some(Editor::Topic(TopicEditor::new(t)));
                }
            }
            AppCommand::NewVisit => {
                let mut visit = Visit::new(today, "");
                if !store.author().is_empty() {
                    visit.investigators = vec![store.author().to_owned()];
                }
                self.settings.view = View::Visits;
                self.editor = Some(Editor::Visit(VisitEditor::new(visit)));
            }
            AppCommand::NewFinding(visit) => {
                let finding = Finding::new(visit, "");
                self.editor = Some(Editor::Finding(FindingEditor::new(finding)));
            }
            AppCommand::NewSubject => {
                let subject = Subject {
                    start_date: Some(today),
                    ..Subject::default()
                };
                self.settings.view = View::Subjects;
                self.editor = Some(Editor::Subject(SubjectEditor::new(subject)));
            }
            AppCommand::Delete(id) => match store.delete(&id) {
                Ok(_) => {
                    self.editor = None;
                    self.revision += 1;
                    self.message = Some(lang.pick("已移入回收站", "Moved to the Trash").to_owned());
                }
                Err(err) => self.message = Some(err.localized(lang)),
            },
            AppCommand::Restore(id) => match store.restore(&id) {
                Ok(_) => {
                    self.revision += 1;
                    self.message = Some(lang.pick("已恢复", "Restored").to_owned());
                }
                Err(err) => self.message = Some(err.localized(lang)),
            },
            AppCommand::OpenDatabase(_) | AppCommand::ShowView(_) | AppCommand::Import(_) => {}
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
