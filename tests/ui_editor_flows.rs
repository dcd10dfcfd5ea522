//! The editor a user can trust, driven headless (egui_kittest): a value decided elsewhere (a
//! resolved conflict, another window on the same file) is never written back by an open editor,
//! a date typed slowly is saved once, and the small things a newcomer meets (focus after Ctrl+N,
//! no error before typing, Delete with Undo, warnings beside dates, the author asked once).
#![allow(clippy::unwrap_used)]

mod common;
use chrono::NaiveDate;
use common::ui::settle;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::time::Duration;
use zoufang::i18n::Lang;
use zoufang::model::{Finding, FindingKind, Visit};
use zoufang::store::Store;
use zoufang::ui::app::AppCommand;
use zoufang::ui::{Settings, View, ZoufangApp, fonts};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn app_on(path: &Path) -> ZoufangApp {
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    ZoufangApp::new(settings, path.to_owned())
}

fn harness(app: ZoufangApp) -> Harness<'static, ZoufangApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app)
}

fn harness_showing(path: &Path, command: AppCommand) -> Harness<'static, ZoufangApp> {
    let mut app = app_on(path);
    app.command(command);
    let mut h = harness(app);
    h.run();
    h
}

/// A database whose author is `author`, with one visit on 2026-05-06 and one problem found on
/// it with a deadline of 2026-12-31.
fn db_with_problem(dir: &tempfile::TempDir, author: &str) -> (PathBuf, Visit, Finding) {
    let path = dir.path().join("ui.sqlite");
    let mut store = Store::open(&path).unwrap();
    store.set_author(author).unwrap();
    let visit = Visit::new(day(2026, 5, 6), "城西养老院");
    store.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "护理员配备不足");
    finding.kind = FindingKind::Problem;
    finding.deadline = Some(day(2026, 12, 31));
    store.save_finding(&finding).unwrap();
    (path, visit, finding)
}

fn type_into(h: &mut Harness<'static, ZoufangApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

fn let_autosave_run(h: &mut Harness<'static, ZoufangApp>) {
    std::thread::sleep(Duration::from_millis(600));
    h.run();
    h.run();
}

fn field_text(h: &Harness<'static, ZoufangApp>, label: &str) -> String {
    h.get_by_role_and_label(Role::TextInput, label)
        .value()
        .unwrap_or_default()
}

/// The changes history lists for a record (creation excluded).
fn updates(path: &Path, id: &str) -> usize {
    Store::open(path)
        .unwrap()
        .history(id)
        .unwrap()
        .iter()
        .filter(|e| e.action == zoufang::store::Action::Update)
        .count()
}

/// 王敏's bundle of the same finding with its deadline moved to 2027-01-15, while 李强 (the
/// database at `path`) moved it to 2026-12-20 a moment later: importing it makes a conflict.
fn conflicting_bundle(dir: &tempfile::TempDir, path: &Path, finding: &Finding) -> PathBuf {
    let mut wang = Store::open(dir.path().join("wang.sqlite")).unwrap();
    wang.set_author("王敏").unwrap();
    let all = zoufang::bundle::ExportFilter {
        all: true,
        ..Default::default()
    };
    let export = |from: &Store, name: &str| {
        let file = dir.path().join(name);
        zoufang::bundle::export(from, &all, &file, &mut zoufang::bundle::no_progress()).unwrap();
        file
    };
    let mut li = Store::open(path).unwrap();
    let first = export(&li, "1.zfb");
    zoufang::bundle::import(
        &mut wang,
        &[first],
        &Default::default(),
        &mut zoufang::bundle::no_progress(),
    )
    .unwrap();
    let mut theirs = wang.finding(finding.id).unwrap();
    theirs.deadline = Some(day(2027, 1, 15));
    wang.save_finding(&theirs).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let mut mine = li.finding(finding.id).unwrap();
    mine.deadline = Some(day(2026, 12, 20));
    li.save_finding(&mine).unwrap();
    export(&wang, "王敏.zfb")
}

#[test]
fn resolving_a_conflict_then_editing_another_field_keeps_the_resolved_value() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _visit, finding) = db_with_problem(&dir, "李强");
    let bundle = conflicting_bundle(&dir, &path, &finding);
    let mut li = Store::open(&path).unwrap();
    zoufang::bundle::import(
        &mut li,
        &[bundle],
        &Default::default(),
        &mut zoufang::bundle::no_progress(),
    )
    .unwrap();
    assert_eq!(
        li.finding(finding.id).unwrap().deadline,
        Some(day(2026, 12, 20))
    );

    let mut h = harness(app_on(&path));
    h.state_mut().command(AppCommand::ShowView(View::Conflicts));
    h.run();
    // Open the finding from the conflict, then take their deadline with the editor open.
    h.get_by_label("护理员配备不足").click();
    h.run();
    assert_eq!(field_text(&h, "整改时限"), "2026-12-20");
    h.get_by_label("采用对方版本").click();
    h.run();
    assert_eq!(
        field_text(&h, "整改时限"),
        "2027-01-15",
        "the open editor shows the value just chosen"
    );
    type_into(&mut h, "责任人", "张伟");
    let_autosave_run(&mut h);

    let stored = Store::open(&path).unwrap().finding(finding.id).unwrap();
    assert_eq!(stored.owner, "张伟");
    assert_eq!(
        stored.deadline,
        Some(day(2027, 1, 15)),
        "editing another field does not write the old deadline back"
    );
}

#[test]
fn a_change_from_another_window_shows_in_the_open_editor_and_a_later_edit_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _visit, finding) = db_with_problem(&dir, "李强");
    let mut h = harness_showing(&path, AppCommand::OpenFinding(finding.id));
    assert_eq!(field_text(&h, "整改时限"), "2026-12-31");

    let mut other = Store::open(&path).unwrap();
    let mut moved = other.finding(finding.id).unwrap();
    moved.deadline = Some(day(2027, 1, 15));
    other.save_finding(&moved).unwrap();
    // The window asks SQLite at most once a second whether the file changed.
    std::thread::sleep(Duration::from_millis(1100));
    h.run();
    assert_eq!(field_text(&h, "整改时限"), "2027-01-15");

    type_into(&mut h, "责任人", "张伟");
    let_autosave_run(&mut h);
    let stored = Store::open(&path).unwrap().finding(finding.id).unwrap();
    assert_eq!(stored.owner, "张伟");
    assert_eq!(stored.deadline, Some(day(2027, 1, 15)));
}

#[test]
fn a_field_changed_elsewhere_while_being_edited_is_shown_and_never_overwritten_silently() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _visit, finding) = db_with_problem(&dir, "李强");
    let mut h = harness_showing(&path, AppCommand::OpenFinding(finding.id));
    h.get_by_role_and_label(Role::TextInput, "责任人").focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "责任人")
        .type_text("张");
    h.run();
    // Before the typing pause is over, another window sets the same field.
    let mut other = Store::open(&path).unwrap();
    let mut theirs = other.finding(finding.id).unwrap();
    theirs.owner = "王敏".into();
    other.save_finding(&theirs).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    h.run();
    assert!(
        h.query_by_label_contains("已被他人修改为：王敏").is_some(),
        "the editor says the field changed elsewhere"
    );
    let_autosave_run(&mut h);
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .finding(finding.id)
            .unwrap()
            .owner,
        "王敏",
        "nothing is written until the user chooses"
    );
    h.get_by_label("保留我的").click();
    h.run();
    h.run();
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .finding(finding.id)
            .unwrap()
            .owner,
        "张"
    );
}

#[test]
fn a_date_typed_slowly_is_saved_once_never_half_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _visit, finding) = db_with_problem(&dir, "李强");
    let mut h = harness_showing(&path, AppCommand::OpenFinding(finding.id));
    h.get_by_role_and_label(Role::TextInput, "整改时限").focus();
    h.run();
    for _ in 0.."2026-12-31".len() {
        h.key_press(egui::Key::Backspace);
        h.run();
    }
    for c in "2026-12-10".chars() {
        h.get_by_role_and_label(Role::TextInput, "整改时限")
            .type_text(&c.to_string());
        h.run();
        // A pause longer than the autosave's between every key.
        std::thread::sleep(Duration::from_millis(550));
        h.run();
    }
    h.key_press(egui::Key::Enter);
    let_autosave_run(&mut h);
    let id = finding.id.to_string();
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .finding(finding.id)
            .unwrap()
            .deadline,
        Some(day(2026, 12, 10))
    );
    assert_eq!(
        updates(&path, &id),
        1,
        "one edit of the date, one history entry"
    );
}

#[test]
fn a_new_visit_has_the_cursor_in_its_first_field_and_no_error_before_typing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = db_with_problem(&dir, "李强");
    let mut h = harness(app_on(&path));
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run();
    h.run();
    assert!(
        h.get_by_role_and_label(Role::TextInput, "走访地点")
            .is_focused(),
        "Ctrl+N puts the cursor in the place"
    );
    assert!(
        h.query_by_label_contains("不能为空").is_none(),
        "no error before anything was typed"
    );
}

#[test]
fn delete_moves_to_the_trash_and_undo_brings_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, visit, _) = db_with_problem(&dir, "李强");
    let mut h = harness_showing(&path, AppCommand::OpenVisit(visit.id));
    h.key_press(egui::Key::Delete);
    h.run();
    let store = Store::open(&path).unwrap();
    assert!(store.visit(visit.id).unwrap().meta.is_deleted());
    h.get_by_label("撤销").click();
    h.run();
    assert!(!store.visit(visit.id).unwrap().meta.is_deleted());

    h.state_mut().command(AppCommand::OpenVisit(visit.id));
    h.run();
    h.key_press(egui::Key::Delete);
    h.run();
    assert!(store.visit(visit.id).unwrap().meta.is_deleted());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(
        !store.visit(visit.id).unwrap().meta.is_deleted(),
        "Ctrl+Z undoes the delete too"
    );
}

#[test]
fn the_previous_editor_does_not_stay_open_in_topics_conflicts_and_trash() {
    let dir = tempfile::tempdir().unwrap();
    let (path, visit, _) = db_with_problem(&dir, "李强");
    for view in [View::Topics, View::Conflicts, View::Trash] {
        let mut h = harness_showing(&path, AppCommand::OpenVisit(visit.id));
        assert!(h.state().selected_id().is_some());
        h.state_mut().command(AppCommand::ShowView(view));
        h.run();
        assert!(h.state().selected_id().is_none(), "{view:?}");
    }
}

#[test]
fn a_visit_dated_far_ahead_and_a_deadline_before_the_visit_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let (path, visit, finding) = db_with_problem(&dir, "李强");
    let mut store = Store::open(&path).unwrap();
    let mut far = store.visit(visit.id).unwrap();
    far.date = day(2062, 5, 6);
    store.save_visit(&far).unwrap();
    let h = harness_showing(&path, AppCommand::OpenVisit(visit.id));
    assert!(h.query_by_label_contains("走访日期在一年以后").is_some());

    let mut early = store.finding(finding.id).unwrap();
    early.deadline = Some(day(2026, 5, 1));
    store.save_finding(&early).unwrap();
    let mut near = store.visit(visit.id).unwrap();
    near.date = day(2026, 5, 6);
    store.save_visit(&near).unwrap();
    let h = harness_showing(&path, AppCommand::OpenFinding(finding.id));
    assert!(h.query_by_label_contains("整改时限早于走访日期").is_some());
    assert_eq!(
        store.finding(finding.id).unwrap().deadline,
        Some(day(2026, 5, 1)),
        "a warning, not a refusal"
    );
}

#[test]
fn the_author_is_asked_once_per_user_and_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.sqlite");
    let mut h = harness(app_on(&first));
    h.run();
    type_into(&mut h, "姓名", "陈珺");
    h.get_by_label("开始使用").click();
    h.run();
    assert_eq!(Store::open(&first).unwrap().author(), "陈珺");

    let second = dir.path().join("second.sqlite");
    h.state_mut()
        .command(AppCommand::OpenDatabase(second.clone()));
    h.run();
    assert!(
        h.query_by_label("欢迎使用走访").is_none(),
        "a new database does not ask again"
    );
    assert_eq!(Store::open(&second).unwrap().author(), "陈珺");

    h.state_mut().edit_author();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "姓名").focus();
    h.run();
    for _ in 0.."陈珺".chars().count() {
        h.key_press(egui::Key::Backspace);
        h.run();
    }
    h.get_by_role_and_label(Role::TextInput, "姓名")
        .type_text("陈珺敏");
    h.run();
    h.get_by_label("保存").click();
    h.run();
    assert_eq!(Store::open(&second).unwrap().author(), "陈珺敏");
    assert_eq!(h.state().settings.author.as_deref(), Some("陈珺敏"));
}

#[test]
fn the_import_says_whom_a_bundle_is_from_and_leads_to_its_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _visit, finding) = db_with_problem(&dir, "李强");
    let bundle = conflicting_bundle(&dir, &path, &finding);
    let mut h = harness_showing(&path, AppCommand::OpenFinding(finding.id));
    h.state_mut().command(AppCommand::Import(vec![bundle]));
    settle(&mut h);
    assert!(h.query_by_label_contains("王敏.zfb：来自 王敏").is_some());
    h.get_by_label("应用导入").click();
    settle(&mut h);
    assert_eq!(
        field_text(&h, "整改时限"),
        "2026-12-20",
        "the open editor stays open and shows what the import left"
    );
    h.get_by_label("查看冲突").click();
    h.run();
    assert_eq!(h.state().view(), View::Conflicts);
    assert!(h.query_by_label("采用对方版本").is_some());
}

#[test]
fn arrow_keys_move_through_the_visit_list() {
    let dir = tempfile::tempdir().unwrap();
    let (path, visit, _) = db_with_problem(&dir, "李强");
    let mut store = Store::open(&path).unwrap();
    let other = Visit::new(day(2026, 6, 1), "街道综合养老服务中心");
    store.save_visit(&other).unwrap();
    // Newest first: the June visit, then the May one, opened with a click.
    let mut h = harness(app_on(&path));
    h.run();
    h.get_by_label("城西养老院").click();
    h.run();
    assert_eq!(h.state().selected_id(), Some(visit.id.to_string()));
    h.key_press(egui::Key::ArrowUp);
    h.run();
    assert_eq!(h.state().selected_id(), Some(other.id.to_string()));
    h.key_press(egui::Key::ArrowUp);
    h.run();
    assert_eq!(
        h.state().selected_id(),
        Some(other.id.to_string()),
        "the first row stays"
    );
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert_eq!(h.state().selected_id(), Some(visit.id.to_string()));
}

#[test]
fn an_edit_shows_in_the_problem_list_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, finding) = db_with_problem(&dir, "李强");
    let mut app = app_on(&path);
    app.settings.view = View::Problems;
    app.command(AppCommand::OpenFinding(finding.id));
    let mut h = harness(app);
    h.run();
    type_into(&mut h, "责任人", "张伟");
    let_autosave_run(&mut h);
    assert!(
        h.query_by_label("张伟").is_some(),
        "the list's row shows the new responsible person"
    );
}

#[test]
fn a_count_typed_digit_by_digit_is_saved_once() {
    let dir = tempfile::tempdir().unwrap();
    let (path, visit, _) = db_with_problem(&dir, "李强");
    let mut h = harness_showing(&path, AppCommand::OpenVisit(visit.id));
    let field = "走访党员群众（人）";
    h.get_by_label(field).focus();
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    for digit in ["1", "2"] {
        h.get_by_label(field).type_text(digit);
        h.run();
        std::thread::sleep(Duration::from_millis(550));
        h.run();
    }
    h.key_press(egui::Key::Enter);
    let_autosave_run(&mut h);
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .visit(visit.id)
            .unwrap()
            .people_met,
        12
    );
    assert_eq!(
        updates(&path, &visit.id.to_string()),
        1,
        "12 is one edit, never 1 first"
    );
}

#[test]
fn fields_stay_in_place_when_an_error_comes_and_goes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = db_with_problem(&dir, "李强");
    let mut h = harness_showing(&path, AppCommand::NewVisit);
    // Its top edge, to a pixel: a jump is a whole line of text.
    let region = |h: &Harness<'static, ZoufangApp>| {
        h.get_by_role_and_label(Role::TextInput, "所在区域")
            .rect()
            .top()
            .round()
    };
    let before = region(&h);
    type_into(&mut h, "走访地点", "城");
    h.key_press(egui::Key::Backspace);
    h.run();
    assert!(
        h.query_by_label_contains("不能为空").is_some(),
        "an emptied required field says so"
    );
    assert_eq!(
        region(&h),
        before,
        "the error line does not push the fields down"
    );
    h.get_by_role_and_label(Role::TextInput, "走访地点")
        .type_text("城西");
    h.run();
    assert!(h.query_by_label_contains("不能为空").is_none());
    assert_eq!(region(&h), before);
}
