//! The window's import preview names the records a colleague's bundle changes, and a line of
//! that list opens the record once the import is applied (egui_kittest, headless).
#![allow(clippy::unwrap_used)]

mod common;
use common::ui::settle;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use zoufang::i18n::Lang;
use zoufang::model::{Finding, Visit};
use zoufang::store::Store;
use zoufang::ui::app::AppCommand;
use zoufang::ui::{Settings, ZoufangApp, fonts};

fn harness(path: &std::path::Path) -> Harness<'static, ZoufangApp> {
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    let app = ZoufangApp::new(settings, path.to_owned());
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app)
}

#[test]
fn the_preview_names_the_colleagues_new_finding_and_opens_it_once_applied() {
    let dir = tempfile::tempdir().unwrap();
    let mut theirs = Store::open(dir.path().join("colleague.sqlite")).unwrap();
    theirs.set_author("王敏").unwrap();
    let visit = Visit::new(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
        "城西敬老院",
    );
    theirs.save_visit(&visit).unwrap();
    let finding = Finding::new(visit.id, "护理员人手不足");
    theirs.save_finding(&finding).unwrap();
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

    let path = dir.path().join("ui.sqlite");
    Store::open(&path).unwrap().set_author("组长").unwrap();
    let mut h = harness(&path);
    h.run();
    h.state_mut().command(AppCommand::Import(vec![bundle]));
    settle(&mut h);
    assert!(h.query_by_label_contains("同事.zfb：涉及的记录").is_some());
    assert!(
        h.query_by_label("发现：护理员人手不足").is_some(),
        "the preview names the new finding"
    );
    assert!(
        h.query_by_label("走访记录：城西敬老院 2026-03-05")
            .is_some()
    );

    h.get_by_label("应用导入").click();
    settle(&mut h);
    assert!(h.query_by_label("导入完成。").is_some());
    h.get_by_label("发现：护理员人手不足").click();
    h.run();
    h.run();
    assert_eq!(
        h.state().selected_id(),
        Some(finding.id.to_string()),
        "the line opens the finding"
    );
    assert!(
        h.query_by_label("导入完成。").is_none(),
        "the dialog closed"
    );
}
