//! Concurrent writers (issue 19, item 1): an import running in one process while another
//! process edits, or imports too, never loses a write. Each test runs several rounds with the
//! second writer starting at moments spread over the whole import, as separate `zoufang`
//! processes on one database file.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use zoufang::bundle::{ExportFilter, ImportOptions, export, import, no_progress};
use zoufang::demo::{DemoOptions, generate};
use zoufang::model::FindingId;
use zoufang::store::{FindingFilter, FindingSort, Page, Store};

const ROUNDS: u32 = 6;

fn zoufang(db: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zoufang"));
    cmd.arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn finished(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn export_everything(store: &Store, path: &Path) {
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    export(store, &filter, path, &mut no_progress()).unwrap();
}

/// A laptop with a few hundred demo visits (its file closed, so it can be copied), one of its
/// findings, and two colleagues' bundles each carrying its own later edit of that finding.
struct Office {
    dir: tempfile::TempDir,
    template: PathBuf,
    finding: FindingId,
    from_li: PathBuf,
    from_zhao: PathBuf,
}

fn office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.sqlite");
    let base = dir.path().join("base.zfb");
    let finding = {
        let mut mine = Store::open(&template).unwrap();
        mine.set_author("王敏").unwrap();
        generate(
            &mut mine,
            DemoOptions {
                visits: 80,
                seed: 19,
            },
        )
        .unwrap();
        export_everything(&mine, &base);
        let page = Page {
            offset: 0,
            limit: 1,
        };
        mine.list_findings(
            &FindingFilter::default(),
            FindingSort::default(),
            true,
            page,
        )
        .unwrap()[0]
            .finding
            .id
    };
    let colleague = |name: &str, change: &dyn Fn(&mut zoufang::model::Finding)| -> PathBuf {
        let mut store = Store::open_in_memory().unwrap();
        store.set_author(name).unwrap();
        import(
            &mut store,
            std::slice::from_ref(&base),
            &ImportOptions::default(),
            &mut no_progress(),
        )
        .unwrap();
        let mut f = store.finding(finding).unwrap();
        change(&mut f);
        store.save_finding(&f).unwrap();
        let path = dir.path().join(format!("{name}.zfb"));
        export_everything(&store, &path);
        path
    };
    let from_li = colleague("李强", &|f| f.detail = "李强补充的情况".to_owned());
    let from_zhao = colleague("赵磊", &|f| f.owner = "赵磊指定的责任人".to_owned());
    Office {
        dir,
        template,
        finding,
        from_li,
        from_zhao,
    }
}

impl Office {
    /// A fresh copy of the laptop's database for one round.
    fn copy(&self, round: u32) -> PathBuf {
        let db = self.dir.path().join(format!("round-{round}.sqlite"));
        std::fs::copy(&self.template, &db).unwrap();
        db
    }

    /// How long one import of a colleague's bundle takes here (on a copy).
    fn import_time(&self) -> Duration {
        let db = self.copy(999);
        let started = Instant::now();
        finished(
            &zoufang(&db, &["import", self.from_li.to_str().unwrap()])
                .output()
                .unwrap(),
            "import",
        );
        started.elapsed()
    }
}

/// The moment round `round` starts its second writer: spread from the import's start to a
/// little past its end.
fn delay(round: u32, import: Duration) -> Duration {
    import.mul_f64(1.2 * f64::from(round) / f64::from(ROUNDS - 1))
}

#[test]
fn an_edit_made_while_an_import_runs_is_never_lost() {
    let office = office();
    let import_time = office.import_time();
    for round in 0..ROUNDS {
        let db = office.copy(round);
        let title = format!("王敏第{round}次改的标题");
        let importing = zoufang(&db, &["import", office.from_li.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(delay(round, import_time));
        let edit = zoufang(
            &db,
            &[
                "finding",
                "edit",
                &office.finding.to_string(),
                "--title",
                &title,
            ],
        )
        .output()
        .unwrap();
        finished(&importing.wait_with_output().unwrap(), "import");
        finished(&edit, "finding edit");
        let store = Store::open(&db).unwrap();
        let f = store.finding(office.finding).unwrap();
        assert_eq!(f.title, title, "round {round}: the edit was lost");
        assert_eq!(
            f.detail, "李强补充的情况",
            "round {round}: the import was lost"
        );
    }
}

#[test]
fn two_imports_at_once_keep_both_colleagues_fields() {
    let office = office();
    let import_time = office.import_time();
    for round in 0..ROUNDS {
        let db = office.copy(round);
        let first = zoufang(&db, &["import", office.from_li.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(delay(round, import_time));
        let second = zoufang(&db, &["import", office.from_zhao.to_str().unwrap()])
            .output()
            .unwrap();
        finished(&first.wait_with_output().unwrap(), "first import");
        finished(&second, "second import");
        let store = Store::open(&db).unwrap();
        let f = store.finding(office.finding).unwrap();
        assert_eq!(f.detail, "李强补充的情况", "round {round}");
        assert_eq!(f.owner, "赵磊指定的责任人", "round {round}");
    }
}

/// How many history entries the finding has in the database at `db`.
fn history_len(db: &Path, finding: FindingId) -> usize {
    Store::open(db)
        .unwrap()
        .history(&finding.to_string())
        .unwrap()
        .len()
}

#[test]
fn the_same_bundle_imported_twice_at_once_adds_its_history_once() {
    let office = office();
    let import_time = office.import_time();
    // The history one import leaves (the merge, and whatever history the bundle carries).
    let once = office.copy(1000);
    finished(
        &zoufang(&once, &["import", office.from_li.to_str().unwrap()])
            .output()
            .unwrap(),
        "import",
    );
    let expected = history_len(&once, office.finding);
    for round in 0..ROUNDS {
        let db = office.copy(round);
        let first = zoufang(&db, &["import", office.from_li.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(delay(round, import_time) / 2);
        let second = zoufang(&db, &["import", office.from_li.to_str().unwrap()])
            .output()
            .unwrap();
        finished(&first.wait_with_output().unwrap(), "first import");
        finished(&second, "second import");
        assert_eq!(
            history_len(&db, office.finding),
            expected,
            "round {round}: history doubled"
        );
    }
}

#[test]
fn a_database_held_by_another_writer_says_busy_with_its_path() {
    let office = office();
    let db = office.copy(0);
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let out = zoufang(&db, &["import", office.from_li.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(message.contains("busy"), "{message}");
    assert!(message.contains(db.to_str().unwrap()), "{message}");
    assert!(started.elapsed() < Duration::from_secs(20));
    holder.execute_batch("ROLLBACK").unwrap();
    let zh = Command::new(env!("CARGO_BIN_EXE_zoufang"))
        .arg("--db")
        .arg(&db)
        .args(["--lang", "zh", "finding", "edit"])
        .arg(office.finding.to_string())
        .args(["--title", "x"])
        .output()
        .unwrap();
    finished(&zh, "an edit once the lock is gone");
}
