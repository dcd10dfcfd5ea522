//! Attachments in the window, headless (egui_kittest): photos dropped on an open visit are
//! attached and listed with their thumbnails; a corrupt photo shows a broken-image tile instead
//! of crashing; files dropped with no record open are not lost silently.
#![allow(clippy::unwrap_used)]

mod common;
use common::ui::settle;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use zoufang::i18n::Lang;
use zoufang::model::{Finding, Visit};
use zoufang::store::Store;
use zoufang::ui::app::AppCommand;
use zoufang::ui::{Settings, ZoufangApp, fonts};

fn harness(path: &Path, command: Option<AppCommand>) -> Harness<'static, ZoufangApp> {
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    let mut app = ZoufangApp::new(settings, path.to_owned());
    if let Some(command) = command {
        app.command(command);
    }
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app);
    h.run();
    h
}

/// A file dropped from the file manager.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_files(h: &mut Harness<'static, ZoufangApp>, files: &[PathBuf]) {
    for file in files {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(Dropped(file.clone())));
    }
    settle(h);
}

fn png(path: &Path) -> PathBuf {
    let image = image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([x as u8, y as u8, 120]));
    image.save(path).unwrap();
    path.to_owned()
}

fn setup(dir: &Path) -> (PathBuf, Visit, Finding) {
    let db = dir.join("ui.sqlite");
    let mut store = Store::open(&db).unwrap();
    store.set_author("王敏").unwrap();
    let visit = Visit::new(
        chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        "城西养老院",
    );
    store.save_visit(&visit).unwrap();
    let finding = Finding::new(visit.id, "消防通道堵塞");
    store.save_finding(&finding).unwrap();
    (db, visit, finding)
}

#[test]
fn photos_dropped_on_a_visit_are_attached_and_listed_with_thumbnails() {
    let dir = tempfile::tempdir().unwrap();
    let (db, visit, _) = setup(dir.path());
    let mut h = harness(&db, Some(AppCommand::OpenVisit(visit.id)));
    h.get_by_label("暂无附件（可拖放照片或文件到此处）");

    let photo = png(&dir.path().join("现场照片.png"));
    let broken = dir.path().join("坏照片.jpg");
    std::fs::write(
        &broken,
        [
            0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 2,
        ],
    )
    .unwrap();
    let report = dir.path().join("整改报告.pdf");
    std::fs::write(&report, b"%PDF-1.4 pretend").unwrap();
    drop_files(&mut h, &[photo.clone(), broken, report]);

    let store = Store::open(&db).unwrap();
    let list = store.attachments(&visit.id.to_string(), false).unwrap();
    let names: Vec<&str> = list.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["现场照片.png", "坏照片.jpg", "整改报告.pdf"]);
    assert_eq!(list[0].added_by, "王敏");
    assert_eq!(
        store.attachment_bytes(&list[0]).unwrap(),
        std::fs::read(&photo).unwrap()
    );

    // The editor lists them: names, a broken-image tile for the corrupt JPEG, a file icon.
    h.get_by_label("已添加 3 个附件");
    h.get_by_label("现场照片.png");
    h.get_by_label("缩略图 现场照片.png");
    h.get_by_label("坏照片.jpg");
    h.get_by_label("无法显示的图片");
    h.get_by_label("PDF 文件");
    assert!(
        h.query_by_label("暂无附件（可拖放照片或文件到此处）")
            .is_none()
    );

    // Removing one moves it to the Trash.
    h.get_all_by_label("移除").next().unwrap().click();
    h.run();
    let store = Store::open(&db).unwrap();
    assert_eq!(
        store
            .attachments(&visit.id.to_string(), false)
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .trash()
            .unwrap()
            .iter()
            .any(|t| t.title == "现场照片.png")
    );
}

#[test]
fn a_finding_names_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _, finding) = setup(dir.path());
    let mut h = harness(&db, Some(AppCommand::OpenFinding(finding.id)));
    drop_files(&mut h, &[png(&dir.path().join("整改后.png"))]);
    h.get_by_label("整改佐证").click();
    h.run();
    let store = Store::open(&db).unwrap();
    let list = store.attachments(&finding.id.to_string(), false).unwrap();
    assert!(list[0].evidence, "ticked as evidence of the fix");
}

#[test]
fn a_file_too_large_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let (db, visit, _) = setup(dir.path());
    Store::open(&db).unwrap().set_max_attachment_mb(1).unwrap();
    let mut h = harness(&db, Some(AppCommand::OpenVisit(visit.id)));
    let big = dir.path().join("航拍.mp4");
    std::fs::write(&big, vec![0u8; 1024 * 1024 + 1]).unwrap();
    drop_files(&mut h, &[big]);
    h.get_by_label_contains("文件过大");
    let store = Store::open(&db).unwrap();
    assert!(
        store
            .attachments(&visit.id.to_string(), true)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn files_dropped_with_no_record_open_are_not_attached_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (db, visit, _) = setup(dir.path());
    let mut h = harness(&db, None);
    drop_files(&mut h, &[png(&dir.path().join("现场.png"))]);
    h.get_by_label_contains("请先打开一条走访记录或发现");
    let store = Store::open(&db).unwrap();
    assert!(
        store
            .attachments(&visit.id.to_string(), true)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn closing_a_problem_names_its_evidence() {
    use egui::accesskit::Role;
    let dir = tempfile::tempdir().unwrap();
    let (db, _, finding) = setup(dir.path());
    let mut h = harness(&db, Some(AppCommand::OpenFinding(finding.id)));
    let before = png(&dir.path().join("整改前.png"));
    let after = dir.path().join("整改后.png");
    image::RgbImage::from_pixel(64, 64, image::Rgb([20, 160, 60]))
        .save(&after)
        .unwrap();
    drop_files(&mut h, &[before, after]);

    h.get_by_label("销号…").click();
    h.run();
    let verifier = h.get_by_role_and_label(Role::TextInput, "验收人");
    verifier.focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "验收人")
        .type_text("李强");
    h.run();
    // The dialog lists the finding's files: tick the one that shows the fix.
    h.get_by_role_and_label(Role::CheckBox, "整改后.png")
        .click();
    h.run();
    h.get_by_label("确认销号").click();
    h.run();

    let store = Store::open(&db).unwrap();
    let closed = store.finding(finding.id).unwrap();
    assert_eq!(closed.status, zoufang::model::Status::Closed);
    let evidence: Vec<(String, bool)> = store
        .attachments(&finding.id.to_string(), false)
        .unwrap()
        .into_iter()
        .map(|a| (a.name, a.evidence))
        .collect();
    assert_eq!(
        evidence,
        [
            ("整改前.png".to_owned(), false),
            ("整改后.png".to_owned(), true)
        ]
    );
}

#[test]
fn the_size_limit_is_set_from_the_file_menu() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _, _) = setup(dir.path());
    let mut h = harness(&db, None);
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label("附件大小上限：50 MB").click();
    h.run();
    h.get_by_label("10 MB").click();
    h.run();
    h.get_by_label_contains("附件大小上限已设为 10 MB");
    assert_eq!(
        Store::open(&db).unwrap().max_attachment_bytes().unwrap(),
        10 * 1024 * 1024
    );
}
