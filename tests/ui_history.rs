//! The window's history as a lead reads it after importing an investigator's bundle: each
//! change with its values before → after in words, who made it, and a field filter.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::Path;
use zoufang::bundle::{ExportFilter, ImportOptions, export, import, no_progress};
use zoufang::i18n::Lang;
use zoufang::model::{Finding, FindingId, Status, Visit};
use zoufang::store::Store;
use zoufang::ui::app::AppCommand;
use zoufang::ui::{Settings, ZoufangApp, fonts};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 王敏's laptop: a finding due 2026-12-31, its deadline then extended to 2027-01-15 and its
/// status moved on; 李强's laptop at `lead` imports her bundle.
fn lead_imports_an_extension(dir: &Path, lead: &Path) -> FindingId {
    let mut wang = Store::open(dir.join("wang.sqlite")).unwrap();
    wang.set_author("王敏").unwrap();
    let visit = Visit::new(day("2026-03-05"), "城西敬老院");
    wang.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "消防通道堵塞");
    finding.deadline = Some(day("2026-12-31"));
    wang.save_finding(&finding).unwrap();
    finding.deadline = Some(day("2027-01-15"));
    wang.save_finding(&finding).unwrap();
    finding.status = Status::InProgress;
    wang.save_finding(&finding).unwrap();
    let bundle = dir.join("王敏.zfb");
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    export(&wang, &filter, &bundle, &mut no_progress()).unwrap();
    let mut li = Store::open(lead).unwrap();
    li.set_author("李强").unwrap();
    import(
        &mut li,
        &[bundle],
        &ImportOptions::default(),
        &mut no_progress(),
    )
    .unwrap();
    finding.id
}

fn harness_on(path: &Path, command: AppCommand) -> Harness<'static, ZoufangApp> {
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    let mut app = ZoufangApp::new(settings, path.to_owned());
    app.command(command);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app);
    h.run();
    h
}

#[test]
fn after_an_import_the_history_shows_the_deadline_extension_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let lead = dir.path().join("li.sqlite");
    let id = lead_imports_an_extension(dir.path(), &lead);
    let h = harness_on(&lead, AppCommand::OpenFinding(id));
    assert!(
        h.query_by_label("2026-12-31 → 2027-01-15").is_some(),
        "the extension is shown with both dates"
    );
    // Statuses by their labels, not their codes.
    assert!(h.query_by_label("未整改 → 整改中").is_some());
    assert!(h.query_by_label_contains("in-progress").is_none());
    // Who made it: the investigator, though the lead imported it.
    assert!(h.query_all_by_label("王敏").count() >= 2);
    assert!(h.query_by_label("李强").is_some());
}

#[test]
fn the_history_can_be_narrowed_to_one_field() {
    let dir = tempfile::tempdir().unwrap();
    let lead = dir.path().join("li.sqlite");
    let id = lead_imports_an_extension(dir.path(), &lead);
    let mut h = harness_on(&lead, AppCommand::OpenFinding(id));
    assert!(h.query_by_label("未整改 → 整改中").is_some());
    let before: Vec<_> = h
        .query_all_by_label("整改时限")
        .map(|n| n.accesskit_node().id())
        .collect();
    h.get_by_role_and_label(Role::ComboBox, "字段").click();
    h.run();
    // The popup lists the fields that changed (beside the editor's field of the same name).
    let choice = h
        .query_all_by_label("整改时限")
        .find(|n| !before.contains(&n.accesskit_node().id()))
        .unwrap();
    choice.click();
    h.run();
    assert!(h.query_by_label("2026-12-31 → 2027-01-15").is_some());
    assert!(
        h.query_by_label("未整改 → 整改中").is_none(),
        "other fields' changes are hidden"
    );
}
