//! What the window remembers between runs (eframe persistence).

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The views of the left navigation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    /// Visits and their findings.
    #[default]
    Visits,
    /// The problem list (问题清单).
    Problems,
    /// The topic catalogue.
    Topics,
    /// Research subjects.
    Subjects,
    /// The progress-report figures and exports.
    Summary,
    /// Merge conflicts to review.
    Conflicts,
    /// Deleted records.
    Trash,
}

impl View {
    /// Every view, in navigation order.
    pub const ALL: [View; 7] = [
        View::Visits,
        View::Problems,
        View::Topics,
        View::Subjects,
        View::Summary,
        View::Conflicts,
        View::Trash,
    ];

    /// Its name in the navigation.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            View::Visits => lang.pick("走访记录", "Visits"),
            View::Problems => lang.pick("问题清单", "Problem list"),
            View::Topics => lang.pick("专题", "Topics"),
            View::Subjects => lang.pick("调研课题", "Subjects"),
            View::Summary => lang.pick("统计汇总", "Summary"),
            View::Conflicts => lang.pick("冲突复核", "Conflicts"),
            View::Trash => lang.pick("回收站", "Trash"),
        }
    }
}

/// The remembered settings. `#[serde(default)]` keeps old settings loading as fields are added.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Interface language.
    pub lang: Lang,
    /// The database opened last.
    pub last_db: Option<PathBuf>,
    /// The view shown last.
    pub view: View,
    /// Show the history panel under the editor.
    pub show_history: bool,
    /// The user's name, asked once and written into every new database they open.
    pub author: Option<String>,
    /// The team's shared folder last synced with (File → 同步文件夹…).
    pub sync_folder: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: Lang::from_system(),
            last_db: None,
            view: View::Visits,
            show_history: true,
            author: None,
            sync_folder: None,
        }
    }
}
