//! The ledger import preview as a user goes through it: the header row found, a column mapped
//! by its drop-down, a bad row shown by its number, the import refused until the user chooses
//! to skip that row, then the rest imported.
#![allow(clippy::unwrap_used)]

mod common;
use common::ui::settle;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use zoufang::i18n::Lang;
use zoufang::ledger::{LedgerField, import_ledger};
use zoufang::store::Store;
use zoufang::ui::fonts;
use zoufang::ui::ledger::{LedgerPreview, LedgerPreviewAction};

struct Flow {
    preview: LedgerPreview,
    action: Option<LedgerPreviewAction>,
}

const LEDGER: &str = "区民政局问题清单\n\
    序号,所属领域,问题表现,整改时限,情况说明\n\
    1,社会救助,低保动态管理不及时,2026年5月31日,群众来信反映\n\
    2,社会救助,单人户政策宣传不到位,下半年,\n\
    3,婚姻登记,预约渠道单一,2026/07/01,\n";

#[test]
fn the_preview_maps_columns_names_bad_rows_and_imports_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("清单.csv");
    std::fs::write(&path, LEDGER).unwrap();
    let mut store = Store::open(dir.path().join("z.db")).unwrap();
    let preview = LedgerPreview::open(&path, store.topics().unwrap(), Lang::Zh);
    let mut h = Harness::builder()
        .with_size([1100.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(
            |ui, flow: &mut Flow| {
                if let Some(action) = flow.preview.ui(ui, Lang::Zh) {
                    flow.action = Some(action);
                }
            },
            Flow {
                preview,
                action: None,
            },
        );
    h.run();

    // The header row is found below the title, the bad row named by the number WPS shows.
    h.get_by_label_contains("表头在第 2 行");
    h.get_by_label_contains("第 4 行 D 整改时限 列");
    // Nothing can be imported while a row cannot be read.
    h.get_by_label("导入").click();
    h.run();
    assert!(h.state().action.is_none(), "the import button is disabled");

    // 情况说明 maps to nothing at first; the user makes it the problem's detail.
    h.get_by_label("E 情况说明").click();
    h.run();
    h.get_by_label("问题详情").click();
    h.run();
    let ledger = h.state().preview.ledger().unwrap();
    let column = ledger
        .mapping
        .columns
        .iter()
        .find(|c| c.header == "情况说明")
        .unwrap();
    assert_eq!(column.field, Some(LedgerField::Detail));

    h.get_by_label("跳过无法读取的行，导入其余行").click();
    h.run();
    h.get_by_label("导入").click();
    h.run();
    let Some(LedgerPreviewAction::Import(file, options)) = h.state().action.clone() else {
        panic!("the preview asked for no import");
    };
    let report = import_ledger(&mut store, &file, &options).unwrap();
    assert_eq!((report.created, report.skipped), (2, 1));
    let first = store
        .finding(report.findings.values().copied().next().unwrap())
        .unwrap();
    assert_eq!(
        first.detail, "群众来信反映",
        "the remapped column became the detail"
    );
}

#[test]
fn the_window_imports_a_ledger_through_its_preview_and_shows_what_it_did() {
    use zoufang::ui::{Settings, ZoufangApp};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("清单.csv");
    std::fs::write(&path, LEDGER.replace("下半年", "2026年12月31日")).unwrap();
    let db = dir.path().join("z.db");
    Store::open(&db).unwrap().set_author("李娜").unwrap();
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    let mut app = ZoufangApp::new(settings, db.clone());
    // What File → 导入台账… does once the file is chosen.
    app.open_ledger_preview(&path);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app);
    h.run();
    h.get_by_label_contains("表头在第 2 行");
    assert_eq!(
        Store::open(&db)
            .unwrap()
            .count_findings(&Default::default())
            .unwrap(),
        0,
        "the preview writes nothing"
    );

    h.get_by_label("导入").click();
    settle(&mut h);

    let store = Store::open(&db).unwrap();
    assert_eq!(store.count_findings(&Default::default()).unwrap(), 3);
    h.get_by_label_contains("台账已导入：新增 3");
}
