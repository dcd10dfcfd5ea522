//! Where Zoufang keeps its files by default.

use std::path::{Path, PathBuf};

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

/// Writes `bytes` to `path` through a temporary file beside it and a rename, so a failed or
/// interrupted write never leaves a half-written document behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".zoufang-tmp");
    let tmp = path.with_file_name(tmp_name);
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        // On disk before the rename, so a power cut leaves the old file or the new one.
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        // Nothing useful can be done if the leftover cannot be removed either.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
