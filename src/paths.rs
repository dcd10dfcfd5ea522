//! Where Zoufang keeps its files by default.

use std::path::PathBuf;

/// The platform's data directory for Zoufang (e.g. `~/.local/share/zoufang`).
pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "zoufang")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The default database: `ZOUFANG_DB` is read by the command line before this is used.
pub fn default_db() -> PathBuf {
    data_dir().join("zoufang.sqlite")
}

/// The demo database opened by `zoufang --demo`.
pub fn demo_db() -> PathBuf {
    data_dir().join("demo.sqlite")
}
