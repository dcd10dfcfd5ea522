//! The bundle reader on arbitrary bytes: an import preview (dry run) of the bytes as a `.zfb`
//! file into a database in memory. Any result is fine; a panic, a stack overflow, a hang or an
//! allocation beyond the limits is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};
use zoufang::bundle::{ImportOptions, import, no_progress};
use zoufang::store::Store;

struct Target {
    store: Mutex<Store>,
    file: std::path::PathBuf,
}

fn target() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| Target {
        store: Mutex::new(Store::open_in_memory().expect("a database in memory")),
        file: std::env::temp_dir().join(format!("zoufang-fuzz-{}.zfb", std::process::id())),
    })
}

fuzz_target!(|data: &[u8]| {
    // Bundles only: a database file is SQLite's business, and a bundle starts with "PK".
    if !data.starts_with(b"PK") {
        return;
    }
    let t = target();
    std::fs::write(&t.file, data).expect("the temporary file is writable");
    let options = ImportOptions {
        dry_run: true,
        ..ImportOptions::default()
    };
    let mut store = t.store.lock().expect("one fuzz thread");
    if let Ok(report) = import(&mut store, &[t.file.clone()], &options, &mut no_progress()) {
        assert!(report.dry_run);
    }
});
