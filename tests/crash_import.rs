//! Crash consistency: `zoufang import` of a large bundle, killed with SIGKILL at random moments
//! (a laptop whose battery dies mid-import), never leaves a damaged or half-changed database.
//! After each kill SQLite's integrity check passes and the records equal either the state
//! before the import or the state after it — never anything between.
//!
//! `ZOUFANG_KILLS` sets the number of kills (default 30; `scripts/crash-test.sh` runs 200) and
//! `ZOUFANG_CRASH_SEED` replays the random delays of an earlier run.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use zoufang::demo::{DemoOptions, generate};
use zoufang::store::Store;

/// A small deterministic random generator (xorshift64*), enough to spread the kills.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn import_child(db: &Path, bundle: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zoufang"));
    cmd.arg("--db")
        .arg(db)
        .arg("--lang")
        .arg("en")
        .arg("import")
        .arg(bundle)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Integrity check on a raw connection, before Zoufang touches the file.
fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_before_or_the_after_state() {
    let kills = env_number("ZOUFANG_KILLS").unwrap_or(30);
    let seed = env_number("ZOUFANG_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1
    });
    println!("kills: {kills}, seed: {seed} (ZOUFANG_CRASH_SEED={seed} replays it)");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();

    // A colleague's large bundle (about a second to import in a debug build) …
    let mut colleague = laptop("李强");
    generate(
        &mut colleague,
        DemoOptions {
            visits: 500,
            seed: 71,
        },
    )
    .unwrap();
    let bundle = export_all(&colleague, dir.path(), "large.zfb");
    // … and this laptop's database, as a file, with data of its own.
    let template = dir.path().join("template.sqlite");
    let before = {
        let mut store = Store::open(&template).unwrap();
        store.set_author("王敏").unwrap();
        generate(
            &mut store,
            DemoOptions {
                visits: 30,
                seed: 72,
            },
        )
        .unwrap();
        store.records_digest().unwrap()
    };

    // The state after a complete import, and how long one takes.
    let complete = dir.path().join("complete");
    std::fs::create_dir(&complete).unwrap();
    std::fs::copy(&template, complete.join("z.sqlite")).unwrap();
    let started = Instant::now();
    let status = import_child(&complete.join("z.sqlite"), &bundle)
        .status()
        .unwrap();
    let full = started.elapsed();
    assert!(status.success(), "the uninterrupted import works");
    let after = Store::open(complete.join("z.sqlite"))
        .unwrap()
        .records_digest()
        .unwrap();
    assert_ne!(before, after, "the import changes something");
    std::fs::remove_dir_all(&complete).unwrap();

    // Kill it at random moments over the whole run (and a little after).
    let window_micros = (full.as_micros() as u64 * 6 / 5).max(1);
    let (mut saw_before, mut saw_after) = (0, 0);
    for i in 0..kills {
        let run = dir.path().join(format!("run-{i}"));
        std::fs::create_dir(&run).unwrap();
        let db = run.join("z.sqlite");
        std::fs::copy(&template, &db).unwrap();
        let delay = Duration::from_micros(rng.next() % window_micros);
        let mut child = import_child(&db, &bundle).spawn().unwrap();
        std::thread::sleep(delay);
        // SIGKILL: no destructor, no rollback, like a pulled plug for the process.
        child.kill().unwrap();
        child.wait().unwrap();

        assert_eq!(integrity(&db), "ok", "kill {i} after {delay:?}");
        let digest = Store::open(&db).unwrap().records_digest().unwrap();
        if digest == before {
            saw_before += 1;
        } else if digest == after {
            saw_after += 1;
        } else {
            panic!("kill {i} after {delay:?} left a half-imported database (seed {seed})");
        }
        assert_eq!(integrity(&db), "ok", "kill {i}: after reopening");
        std::fs::remove_dir_all(&run).unwrap();
    }
    println!(
        "{kills} kills over {window_micros} µs (one import: {full:?}): {saw_before} before, {saw_after} after"
    );
}
