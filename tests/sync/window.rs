//! File → 同步文件夹… in the window: the folder typed once is remembered, the passphrase is not,
//! the sync runs on a worker and the status line says what came in.

use super::*;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::Duration;
use zoufang::i18n::Lang;
use zoufang::ui::app::AppCommand;
use zoufang::ui::{Settings, ZoufangApp, fonts};

fn harness(app: ZoufangApp) -> Harness<'static, ZoufangApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app)
}

/// Runs frames until the worker threads are done.
fn settle(h: &mut Harness<'static, ZoufangApp>) {
    for _ in 0..1000 {
        let _ = h.try_run();
        if !h.state().is_busy() {
            h.run();
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the sync did not finish");
}

fn type_into(h: &mut Harness<'static, ZoufangApp>, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.run();
    h.get_by_role_and_label(role, label).type_text(text);
    h.run();
}

/// Two colleagues' bundles in the folder, then the window's sync brings both in.
#[test]
fn the_window_syncs_a_folder_and_says_what_came_in() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("组内共享");
    std::fs::create_dir(&folder).unwrap();
    let mut colleagues = Vec::new();
    for (name, place) in [("王敏", "城西敬老院"), ("赵兰", "东湖社区")] {
        let mut store = laptop(name);
        let visit = Visit::new(day("2026-03-05"), place);
        store.save_visit(&visit).unwrap();
        sync_plain(&mut store, &folder);
        colleagues.push((store, visit.id));
    }
    let db = dir.path().join("组长.sqlite");
    Store::open(&db).unwrap().set_author("李强").unwrap();
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    let mut h = harness(ZoufangApp::new(settings, db.clone()));
    h.run();
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label("同步文件夹…").click();
    h.run();
    type_into(
        &mut h,
        Role::TextInput,
        "文件夹",
        &folder.display().to_string(),
    );
    h.get_by_label("开始同步").click();
    settle(&mut h);
    assert!(
        h.query_by_label_contains("2 份新的数据包，来自 2 位同事")
            .is_some(),
        "the status line counts bundles and colleagues"
    );
    let store = Store::open(&db).unwrap();
    for (_, visit) in &colleagues {
        assert!(store.visit(*visit).is_ok());
    }
    assert_eq!(
        h.state().settings().sync_folder.as_deref(),
        Some(folder.as_path())
    );

    // Again: the folder is remembered, nothing new comes in; a weak passphrase is refused
    // before anything runs.
    h.state_mut().command(AppCommand::OpenTeamSync);
    h.run();
    assert!(
        h.query_all_by_value(&folder.display().to_string())
            .next()
            .is_some()
    );
    type_into(&mut h, Role::PasswordInput, "团队口令", "短");
    h.get_by_label("开始同步").click();
    h.run();
    assert!(h.query_by_label_contains("口令太短").is_some());
    assert!(!h.state().is_busy());
    // The refused passphrase is gone from the field: this time the folder is synced in clear.
    h.get_by_label("开始同步").click();
    settle(&mut h);
    assert!(h.query_by_label_contains("没有新的数据包").is_some());
}
