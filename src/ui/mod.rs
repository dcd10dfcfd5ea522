//! The egui window: a thin shell over the library. `app` holds the state and the frame loop,
//! each view and editor is its own file, `fonts` makes Chinese render everywhere.

pub mod app;
pub mod attachments;
pub mod bundles;
pub mod draft;
pub mod editors;
pub mod fonts;
pub mod forms;
pub mod history;
pub mod import_changes;
pub mod jobs;
pub mod ledger;
pub mod settings;
pub mod team_sync;
pub mod views;
pub mod widgets;

pub use app::ZoufangApp;
pub use settings::{Settings, View};

use crate::i18n::Lang;
use std::path::PathBuf;

/// How the window starts.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// The database given on the command line (`--db`, `ZOUFANG_DB`, `--demo`).
    pub db: Option<PathBuf>,
    /// The language given on the command line.
    pub lang: Option<Lang>,
    /// Bundles or database files given on the command line (a double click in the file
    /// manager): the window opens on the preview of importing them.
    pub import: Vec<PathBuf>,
}

/// The app as the command line asks for it: on the given database (else the last one, else the
/// default), in the given language, with the import preview of the given files under way.
pub fn start(mut settings: Settings, launch: &Launch) -> ZoufangApp {
    if let Some(lang) = launch.lang {
        settings.lang = lang;
    }
    let db = launch
        .db
        .clone()
        .or_else(|| settings.last_db.clone())
        .unwrap_or_else(crate::paths::default_db);
    let mut app = ZoufangApp::new(settings, db);
    if !launch.import.is_empty() {
        app.command(app::AppCommand::Import(launch.import.clone()));
    }
    app
}

/// The application icon (assets/icons, made by scripts/make-icons.sh) for the window.
fn window_icon() -> Option<egui::IconData> {
    let png = include_bytes!("../../assets/icons/zoufang-256.png");
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png).ok()?;
    let rgba = image.into_rgba8();
    Some(egui::IconData {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// Opens the window and runs until it is closed.
pub fn run(launch: Launch) -> eframe::Result {
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("走访 Zoufang")
            .with_app_id("zoufang")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let options = match window_icon() {
        Some(icon) => eframe::NativeOptions {
            viewport: options.viewport.with_icon(icon),
            ..options
        },
        None => options,
    };
    eframe::run_native(
        "zoufang",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx, true);
            let settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            Ok(Box::new(start(settings, &launch)))
        }),
    )
}
