//! The window as a user drives it, headless (egui_kittest): record a visit and a finding, find it
//! in the problem list by topic, close-out rules, language switch, search, Trash. The bundled
//! font is loaded and missing glyphs panic, so every string drawn here must render.
#![allow(clippy::unwrap_used)]

mod common;
use common::ui::settle;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::Duration;
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::Lang;
use zoufang::model::{FindingKind, Status, builtin_topic_id};
use zoufang::store::{FindingFilter, Store};
use zoufang::ui::app::AppCommand;
use zoufang::ui::{Settings, View, ZoufangApp, fonts};

fn app_on(path: &std::path::Path, lang: Lang) -> ZoufangApp {
    let settings = Settings {
        lang,
        ..Settings::default()
    };
    ZoufangApp::new(settings, path.to_owned())
}

fn harness(app: ZoufangApp) -> Harness<'static, ZoufangApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        // A grid settles its column widths over a few frames when rows appear.
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app)
}

/// A visit saved on `date` (year, month, day) to `place`.
fn saved_visit(
    store: &mut Store,
    (y, m, d): (i32, u32, u32),
    place: &str,
) -> zoufang::model::Visit {
    let visit =
        zoufang::model::Visit::new(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(), place);
    store.save_visit(&visit).unwrap();
    visit
}

/// The window in Chinese on `path`, after `command` (e.g. opening a record) has run.
fn harness_showing(path: &std::path::Path, command: AppCommand) -> Harness<'static, ZoufangApp> {
    let mut app = app_on(path, Lang::Zh);
    app.command(command);
    let mut h = harness(app);
    h.run();
    h
}

/// Focuses the text field labelled `label` and types `text` into it, as a user would.
fn type_into(h: &mut Harness<'static, ZoufangApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

/// Types `text` into the password field labelled `label`.
fn type_secret(h: &mut Harness<'static, ZoufangApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::PasswordInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::PasswordInput, label)
        .type_text(text);
    h.run();
}

/// Lets the typing pause pass so the edit is written.
fn let_autosave_run(h: &mut Harness<'static, ZoufangApp>) {
    std::thread::sleep(Duration::from_millis(600));
    h.run();
    h.run();
}

fn named_db(dir: &tempfile::TempDir, author: Option<&str>) -> std::path::PathBuf {
    let path = dir.path().join("ui.sqlite");
    let mut store = Store::open(&path).unwrap();
    if let Some(author) = author {
        store.set_author(author).unwrap();
    }
    path
}

#[test]
fn record_a_visit_and_a_finding_then_find_it_in_the_problem_list_by_topic() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, Some("王敏"));
    let mut h = harness(app_on(&path, Lang::Zh));
    h.run();

    h.get_by_label("＋ 新建走访").click();
    h.run();
    type_into(&mut h, "走访地点", "城西养老院");
    h.run();
    let_autosave_run(&mut h);
    let store = Store::open(&path).unwrap();
    let visits = store
        .list_visits(
            &Default::default(),
            Default::default(),
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap();
    assert_eq!(
        visits.len(),
        1,
        "the visit is saved as soon as it has a place"
    );
    assert_eq!(visits[0].visit.place, "城西养老院");
    assert_eq!(visits[0].visit.investigators, ["王敏"]);

    h.get_by_label("＋ 添加发现").click();
    h.run();
    type_into(&mut h, "标题", "护理员配备不足");
    h.run();
    h.get_by_label("＋ 添加专题").click();
    h.run();
    h.get_by_label("养老服务").click();
    h.run();
    let_autosave_run(&mut h);

    let filter = FindingFilter {
        topics: vec![builtin_topic_id(1)],
        ..FindingFilter::default()
    };
    let found = store
        .list_findings(&filter, Default::default(), true, zoufang::store::Page::ALL)
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].finding.title, "护理员配备不足");
    assert_eq!(found[0].finding.kind, FindingKind::Problem);

    h.get_by_label("问题清单").click();
    h.run();
    assert_eq!(h.state().view(), View::Problems);
    h.get_by_label("共 1 条");
    // The problem list shows it under its topic filter.
    h.state_mut().command(AppCommand::ShowView(View::Problems));
    h.run();
    assert!(h.query_by_label("护理员配备不足").is_some());
}

#[test]
fn closing_a_problem_without_a_verifier_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, Some("王敏"));
    let mut store = Store::open(&path).unwrap();
    let visit = saved_visit(&mut store, (2026, 5, 1), "城郊公益性公墓");
    let finding = zoufang::model::Finding::new(visit.id, "山林地新增违建墓地");
    store.save_finding(&finding).unwrap();

    let mut h = harness_showing(&path, AppCommand::OpenFinding(finding.id));
    h.get_by_label("销号…").click();
    h.run();
    h.get_by_label("确认销号").click();
    h.run();
    assert!(
        h.query_by_label("销号需要填写验收人").is_some(),
        "the dialog says what is missing"
    );
    assert_eq!(store.finding(finding.id).unwrap().status, Status::Open);

    type_into(&mut h, "验收人", "李强");
    h.run();
    h.get_by_label("确认销号").click();
    h.run();
    let closed = store.finding(finding.id).unwrap();
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.verified_by, "李强");
    assert!(closed.closed_on.is_some());
}

#[test]
fn switching_language_relabels_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, Some("王敏"));
    let mut h = harness(app_on(&path, Lang::En));
    h.run();
    assert!(h.query_by_label("Problem list").is_some());
    h.get_by_label("中文").click();
    h.run();
    assert!(h.query_by_label("问题清单").is_some());
    assert!(h.query_by_label("Problem list").is_none());
    assert_eq!(h.state().settings.lang, Lang::Zh);
    h.get_by_label("English").click();
    h.run();
    assert!(h.query_by_label("Problem list").is_some());
}

#[test]
fn search_a_two_character_word_and_open_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut store = Store::open(&path).unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 60,
            seed: 3,
        },
    )
    .unwrap();
    let mut h = harness(app_on(&path, Lang::Zh));
    h.run();
    type_into(&mut h, "搜索", "低保");
    h.run();
    let hit = store.search("低保", 30).unwrap().remove(0);
    let label = format!(
        "[{}] {}",
        zoufang::store::kind_label(hit.kind.table(), Lang::Zh),
        hit.title
    );
    h.get_all_by_label(&label)
        .next()
        .unwrap_or_else(|| panic!("{label} not shown: {h:#?}"))
        .click();
    h.run();
    assert_eq!(h.state().selected_id().as_deref(), Some(hit.id.as_str()));
}

#[test]
fn delete_and_restore_from_the_trash() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, Some("王敏"));
    let mut store = Store::open(&path).unwrap();
    let visit = saved_visit(&mut store, (2026, 6, 2), "市儿童福利院");
    let mut h = harness_showing(&path, AppCommand::OpenVisit(visit.id));
    h.get_by_label("移入回收站").click();
    h.run();
    assert!(store.visit(visit.id).unwrap().meta.is_deleted());
    h.get_by_label("回收站").click();
    h.run();
    h.get_by_label("恢复").click();
    h.run();
    assert!(!store.visit(visit.id).unwrap().meta.is_deleted());
}

#[test]
fn first_run_asks_for_the_author_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut h = harness(app_on(&path, Lang::Zh));
    h.run();
    h.get_by_label("欢迎使用走访");
    type_into(&mut h, "姓名", "陈珺");
    h.run();
    h.get_by_label("开始使用").click();
    h.run();
    assert_eq!(Store::open(&path).unwrap().author(), "陈珺");
    assert!(h.query_by_label("欢迎使用走访").is_none());
}

#[test]
fn a_file_that_is_not_a_database_gets_a_clear_message_and_stays_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    std::fs::write(&path, "这不是数据库".repeat(100)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut h = harness(app_on(&path, Lang::Zh));
    h.run();
    h.get_by_label("无法打开数据库");
    assert!(h.state().db_error().unwrap().contains("不是走访数据库"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn the_bundled_font_covers_the_interface_and_the_demo_data() {
    let ctx = egui::Context::default();
    fonts::install(&ctx, false);
    let mut output = ctx.run_ui(Default::default(), |_| {});
    output.textures_delta.clear();
    let mut text = String::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                // Unit tests below `#[cfg(test)]` are never drawn.
                let source = std::fs::read_to_string(&path).unwrap();
                let drawn = source.split("#[cfg(test)]").next().unwrap_or_default();
                for line in drawn.lines() {
                    if !line.trim_start().starts_with("//") {
                        text.push_str(line);
                    }
                }
            }
        }
    }
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| !c.is_ascii())
        .filter(|c| !ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::proportional(14.0), *c)))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "characters without a glyph: {missing:?}"
    );
    let chinese = text
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    assert!(
        chinese > 1000,
        "the scan saw the interface strings ({chinese} hanzi)"
    );
}

#[test]
fn every_view_and_editor_renders_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut store = Store::open(&path).unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 40,
            seed: 5,
        },
    )
    .unwrap();
    let closed = store
        .list_findings(
            &FindingFilter {
                statuses: vec![Status::Closed],
                ..FindingFilter::default()
            },
            Default::default(),
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap()
        .remove(0);
    let subject = store.subjects(false).unwrap().remove(0);
    let visit = store.finding(closed.finding.id).unwrap().visit_id;
    store.delete(&visit.to_string()).unwrap();
    store.restore(&visit.to_string()).unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let mut h = harness(app_on(&path, lang));
        for view in View::ALL {
            h.state_mut().command(AppCommand::ShowView(view));
            settle(&mut h);
        }
        for command in [
            AppCommand::OpenVisit(visit),
            AppCommand::OpenFinding(closed.finding.id),
            AppCommand::OpenSubject(subject.id),
            AppCommand::OpenTopic(builtin_topic_id(0)),
            AppCommand::NewVisit,
            AppCommand::NewSubject,
            AppCommand::NewFinding(visit),
        ] {
            h.state_mut().command(command);
            h.run();
        }
        assert!(h.state().db_error().is_none());
    }
}

#[test]
fn keyboard_shortcuts_start_records_and_move_them_to_the_trash() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, Some("王敏"));
    let mut store = Store::open(&path).unwrap();
    let visit = saved_visit(&mut store, (2026, 7, 1), "街道综合养老服务中心");
    let mut h = harness_showing(&path, AppCommand::OpenVisit(visit.id));

    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::N,
    );
    h.run();
    assert!(
        h.query_by_label("新建发现").is_some(),
        "Ctrl+Shift+N starts a finding on the visit"
    );

    h.state_mut().command(AppCommand::OpenVisit(visit.id));
    h.run();
    h.key_press(egui::Key::Delete);
    h.run();
    assert!(
        store.visit(visit.id).unwrap().meta.is_deleted(),
        "Delete moves the visit to the Trash"
    );

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run();
    assert!(
        h.query_by_label("新建走访").is_some(),
        "Ctrl+N starts a visit"
    );
}

/// Runs frames until the worker threads are done.

#[test]
fn a_colleagues_bundle_is_previewed_then_merged_from_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let colleague = dir.path().join("colleague.sqlite");
    let mut theirs = Store::open(&colleague).unwrap();
    generate(
        &mut theirs,
        DemoOptions {
            visits: 12,
            seed: 9,
        },
    )
    .unwrap();
    let bundle = dir.path().join("同事.zfb");
    zoufang::bundle::export(
        &theirs,
        &zoufang::bundle::ExportFilter {
            all: true,
            ..Default::default()
        },
        &bundle,
        &mut zoufang::bundle::no_progress(),
    )
    .unwrap();
    let findings = theirs.count_findings(&FindingFilter::default()).unwrap();

    let path = named_db(&dir, Some("组长"));
    let mut h = harness(app_on(&path, Lang::Zh));
    h.run();
    h.state_mut()
        .command(AppCommand::Import(vec![bundle.clone()]));
    settle(&mut h);
    assert!(
        h.query_by_label("预览：导入将作如下修改（尚未写入）。")
            .is_some()
    );
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.count_findings(&FindingFilter::default()).unwrap(),
        0,
        "a preview writes nothing"
    );

    h.get_by_label("应用导入").click();
    settle(&mut h);
    assert!(h.query_by_label("导入完成。").is_some());
    assert_eq!(
        store.count_findings(&FindingFilter::default()).unwrap(),
        findings
    );
    h.get_by_label("关闭").click();
    h.run();
    h.state_mut().command(AppCommand::Import(vec![bundle]));
    settle(&mut h);
    h.get_by_label("应用导入").click();
    settle(&mut h);
    let again = h
        .state_mut()
        .bundles_mut()
        .0
        .applied_import()
        .cloned()
        .unwrap();
    assert_eq!(
        again.totals.added + again.totals.updated,
        0,
        "importing the same bundle again changes nothing"
    );
}

#[test]
fn the_export_dialog_writes_an_encrypted_bundle_a_colleague_can_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut store = Store::open(&path).unwrap();
    generate(&mut store, DemoOptions { visits: 8, seed: 4 }).unwrap();
    let mut h = harness(app_on(&path, Lang::Zh));
    h.run();
    let out = dir.path().join("出差.zfb");
    let export = |h: &mut Harness<'static, ZoufangApp>, passphrase: &str| {
        let app = h.state_mut();
        let (bundles, db, lang) = app.bundles_mut();
        let db = db.to_owned();
        bundles.open_export();
        bundles.set_export_passphrase(Some(passphrase));
        bundles.export_to(out.clone(), &egui::Context::default(), &db, lang);
    };
    export(&mut h, "短");
    h.run();
    assert!(
        h.query_by_label_contains("口令太短").is_some(),
        "a short passphrase is refused"
    );
    assert!(!out.exists());
    export(&mut h, "城西养老院2026");
    settle(&mut h);
    assert!(h.query_by_label_contains("已导出").is_some());
    let bytes = std::fs::read(&out).unwrap();
    let place = store
        .list_visits(
            &Default::default(),
            Default::default(),
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap()[0]
        .visit
        .place
        .clone();
    assert!(
        !bytes.windows(place.len()).any(|w| w == place.as_bytes()),
        "encrypted by default"
    );
    let mut other = Store::open(dir.path().join("lead.sqlite")).unwrap();
    let options = zoufang::bundle::ImportOptions {
        passphrase: Some(zoufang::bundle::Passphrase::new("城西养老院2026").unwrap()),
        ..Default::default()
    };
    zoufang::bundle::import(
        &mut other,
        std::slice::from_ref(&out),
        &options,
        &mut zoufang::bundle::no_progress(),
    )
    .unwrap();
    assert_eq!(
        other.count_findings(&FindingFilter::default()).unwrap(),
        store.count_findings(&FindingFilter::default()).unwrap()
    );
}

#[test]
fn the_summary_view_shows_the_figures_and_the_report_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut store = Store::open(&path).unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 30,
            seed: 2,
        },
    )
    .unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let mut h = harness(app_on(&path, lang));
        h.state_mut().command(AppCommand::ShowView(View::Summary));
        h.run();
        settle(&mut h);
        let summary = h
            .state()
            .summary_view()
            .summary()
            .cloned()
            .expect("counted");
        assert_eq!(summary.totals.visits, 30);
        let paragraph = zoufang::report::paragraph(&summary, lang);
        assert!(
            h.query_by_value(&paragraph).is_some(),
            "the paragraph is on screen"
        );
        let label = lang.pick("走访次数", "Visits");
        assert!(h.query_all_by_label(label).next().is_some());
    }
}

#[test]
fn an_encrypted_bundle_asks_for_its_passphrase_before_the_preview() {
    let dir = tempfile::tempdir().unwrap();
    let colleague = dir.path().join("colleague.sqlite");
    let mut theirs = Store::open(&colleague).unwrap();
    generate(
        &mut theirs,
        DemoOptions {
            visits: 5,
            seed: 11,
        },
    )
    .unwrap();
    let bundle = dir.path().join("加密.zfb");
    let passphrase = zoufang::bundle::Passphrase::new("正确的口令是城西2026")
        .unwrap()
        .with_work_factor(4);
    zoufang::bundle::export_encrypted(
        &theirs,
        &zoufang::bundle::ExportFilter {
            all: true,
            ..Default::default()
        },
        &bundle,
        &passphrase,
        &mut zoufang::bundle::no_progress(),
    )
    .unwrap();
    let path = named_db(&dir, Some("组长"));
    let before = Store::open(&path).unwrap().digest().unwrap();
    let mut h = harness(app_on(&path, Lang::Zh));
    h.state_mut().command(AppCommand::Import(vec![bundle]));
    settle(&mut h);
    assert!(h.query_by_label_contains("案卷包已加密").is_some());
    type_secret(&mut h, "口令", "错误的口令");
    h.get_by_label("解密并预览").click();
    settle(&mut h);
    assert!(
        h.query_by_label_contains("口令错误").is_some(),
        "a wrong passphrase is said so"
    );
    assert_eq!(Store::open(&path).unwrap().digest().unwrap(), before);
    type_secret(&mut h, "口令", "正确的口令是城西2026");
    h.get_by_label("解密并预览").click();
    settle(&mut h);
    h.get_by_label("应用导入").click();
    settle(&mut h);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.count_findings(&FindingFilter::default()).unwrap(),
        theirs.count_findings(&FindingFilter::default()).unwrap()
    );
}

#[test]
fn people_interviewed_are_listed_on_the_visit_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, Some("王敏"));
    let mut store = Store::open(&path).unwrap();
    let visit = saved_visit(&mut store, (2026, 8, 3), "乡镇敬老院");
    let mut h = harness_showing(&path, AppCommand::OpenVisit(visit.id));
    h.get_by_label("＋ 添加受访人").click();
    h.run();
    type_into(&mut h, "姓名", "赵大爷");
    let_autosave_run(&mut h);
    let saved = store.visit(visit.id).unwrap();
    assert_eq!(saved.interviewees.len(), 1);
    assert_eq!(saved.interviewees[0].name, "赵大爷");
    assert!(
        saved.people_met >= 1,
        "the count of people met follows the list"
    );
}

#[test]
fn the_public_version_from_the_summary_view_names_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut store = Store::open(&path).unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 20,
            seed: 6,
        },
    )
    .unwrap();
    let mut h = harness(app_on(&path, Lang::Zh));
    h.state_mut().command(AppCommand::ShowView(View::Summary));
    settle(&mut h);
    let out = dir.path().join("公示.html");
    h.state_mut()
        .save_public_summary(out.clone(), zoufang::report::PublicFormat::Html);
    settle(&mut h);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(
        page.contains("<html") || page.contains("<!DOCTYPE"),
        "a web page"
    );
    let findings = store
        .list_findings(
            &FindingFilter {
                kinds: vec![FindingKind::Problem],
                ..Default::default()
            },
            Default::default(),
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap();
    for row in findings {
        for name in [&row.finding.owner, &row.finding.verified_by] {
            if !name.is_empty() {
                assert!(!page.contains(name.as_str()), "{name} is published");
            }
        }
    }
}

#[test]
fn the_about_dialog_shows_the_agreement_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut store = Store::open(&path).unwrap();
    generate(&mut store, DemoOptions { visits: 6, seed: 1 }).unwrap();
    let expected = zoufang::bundle::agreement_digest(&store, &[]).unwrap();
    let mut app = app_on(&path, Lang::Zh);
    app.open_about_and_check();
    let mut h = harness(app);
    h.run();
    h.get_by_label("计算核对码").click();
    settle(&mut h);
    assert!(
        h.query_by_label(&expected.digest).is_some(),
        "the code is on screen"
    );
}

#[test]
fn filtering_the_summary_by_topic_changes_the_figures_and_a_topic_opens_its_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let mut store = Store::open(&path).unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 40,
            seed: 8,
        },
    )
    .unwrap();
    let elderly = builtin_topic_id(1);
    // Tall enough that the table by topic, under the chart, is on screen to be clicked.
    let mut h = Harness::builder()
        .with_size([1280.0, 2400.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(
            |ui, app: &mut ZoufangApp| app.ui(ui),
            app_on(&path, Lang::Zh),
        );
    h.state_mut().command(AppCommand::ShowView(View::Summary));
    settle(&mut h);
    let all = h.state().summary_view().summary().unwrap().totals;
    h.state_mut().summary_view_mut().set_topic(Some(elderly));
    settle(&mut h);
    let summary = h.state().summary_view().summary().unwrap().clone();
    assert!(
        summary.totals.problems < all.problems,
        "the topic narrows the figures"
    );
    let today = chrono::Local::now().date_naive();
    let expected = zoufang::report::summarize(
        &store,
        &zoufang::report::SummaryFilter {
            topics: vec![elderly],
            ..Default::default()
        },
        today,
    )
    .unwrap();
    assert_eq!(summary.totals, expected.totals);
    let paragraph = zoufang::report::paragraph(&summary, Lang::Zh);
    assert!(h.query_by_value(&paragraph).is_some());

    h.get_by_role_and_label(Role::Link, "养老服务").click();
    settle(&mut h);
    assert_eq!(h.state().view(), View::Problems);
    assert_eq!(h.state().problems_filter().topics, vec![elderly]);
}

#[test]
fn a_damaged_database_offers_its_latest_backup_and_restoring_brings_the_data_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = named_db(&dir, None);
    let (visits, digest) = {
        let mut store = Store::open(&path).unwrap();
        generate(&mut store, DemoOptions { visits: 7, seed: 5 }).unwrap();
        zoufang::store::backup::backup_to(&store, None).unwrap();
        (
            store.count_visits(&Default::default()).unwrap(),
            store.records_digest().unwrap(),
        )
    };
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..100].fill(0x5a);
    std::fs::write(&path, &bytes).unwrap();

    let mut h = harness(app_on(&path, Lang::Zh));
    h.run();
    h.get_by_label("无法打开数据库");
    h.get_by_label("从最近的备份恢复").click();
    h.run();
    h.run();
    assert!(h.state().db_error().is_none(), "{:?}", h.state().db_error());
    let store = h.state().store().unwrap();
    assert_eq!(store.count_visits(&Default::default()).unwrap(), visits);
    assert_eq!(store.records_digest().unwrap(), digest);
}

#[test]
fn a_conflict_is_resolved_from_the_conflicts_view() {
    let dir = tempfile::tempdir().unwrap();
    let all = zoufang::bundle::ExportFilter {
        all: true,
        ..Default::default()
    };
    let swap = |from: &Store, to: &mut Store, name: &str| {
        let file = dir.path().join(name);
        zoufang::bundle::export(from, &all, &file, &mut zoufang::bundle::no_progress()).unwrap();
        zoufang::bundle::import(
            to,
            &[file],
            &Default::default(),
            &mut zoufang::bundle::no_progress(),
        )
        .unwrap();
    };
    let mut a = Store::open(dir.path().join("a.sqlite")).unwrap();
    a.set_author("王敏").unwrap();
    let path = named_db(&dir, Some("李强"));
    let mut b = Store::open(&path).unwrap();
    let mut visit = zoufang::model::Visit::new(
        chrono::NaiveDate::from_ymd_opt(2026, 5, 6).unwrap(),
        "城西养老院",
    );
    a.save_visit(&visit).unwrap();
    swap(&a, &mut b, "1.zfb");
    visit.notes = "王敏：已清理".into();
    a.save_visit(&visit).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let mut theirs = b.visit(visit.id).unwrap();
    theirs.notes = "李强：仍堵塞".into();
    b.save_visit(&theirs).unwrap();
    swap(&a, &mut b, "2.zfb");
    assert_eq!(b.visit(visit.id).unwrap().notes, "李强：仍堵塞");

    let mut h = harness(app_on(&path, Lang::Zh));
    h.state_mut().command(AppCommand::ShowView(View::Conflicts));
    h.run();
    h.get_by_label("采用对方版本").click();
    h.run();
    assert_eq!(
        Store::open(&path).unwrap().visit(visit.id).unwrap().notes,
        "王敏：已清理"
    );
    assert!(h.query_by_label("没有待复核的冲突").is_some());
}
