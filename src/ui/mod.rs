//! The egui window: a thin shell over the library. `app` holds the state and the frame loop,
//! each view and editor is its own file, `fonts` makes Chinese render everywhere.

pub mod app;
pub mod attachments;
pub mod bundles;
pub mod draft;
pub mod editors;
pub mod fonts;
pub mod history;
pub mod jobs;
pub mod ledger;
pub mod settings;
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
    eframe::run_native(
        "zoufang",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx, true);
            let mut settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            if let Some(lang) = launch.lang {
                settings.lang = lang;
            }
            let db = launch
                .db
                .clone()
                .or_else(|| settings.last_db.clone())
                .unwrap_or_else(crate::paths::default_db);
            Ok(Box::new(ZoufangApp::new(settings, db)))
        }),
    )
}
