//! Every hot path measured side by side with a plain baseline, in the same run, on data made by
//! the demo generator (see docs/benchmarks.md). The machine may be shared and noisy, so what
//! counts is the ratio of the two figures on each row, not the absolute times.
//!
//! `cargo bench` runs it at the sizes; `ZOUFANG_BENCH_SCALE=0.1` shrinks every size;
//! `ZOUFANG_BENCH_ONLY=merge,export,search,list,autosave,summary,bundles,sync,open,forms,results,formsui`
//! runs some sections only.
//! Generated databases are cached in `target/bench-data/`, keyed by size and seed.

use anyhow::{Context as _, Result, bail};
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use zoufang::bundle::{self, ExportFilter, ImportOptions};
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::Lang;
use zoufang::report::{SummaryFilter, summarize};
use zoufang::store::Store;
use zoufang::ui::{Settings, View, ZoufangApp, fonts};

// In a subdirectory so cargo does not take it for a bench of its own.
#[path = "hot_paths/form_results.rs"]
mod form_results;
#[path = "hot_paths/forms.rs"]
mod forms;
#[path = "hot_paths/forms_ui.rs"]
mod forms_ui;
#[path = "hot_paths/sync.rs"]
mod sync;

/// The allocator the app uses (src/main.rs), for subjects and baselines alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The demo generator makes about three findings per visit.
const FINDINGS_PER_VISIT: f64 = 3.0;
const SEED: u64 = 9;
const CHILD_OPEN: &str = "--child-open";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == CHILD_OPEN) {
        let path = args.get(i + 1).context("--child-open needs a database")?;
        return child_open(Path::new(path));
    }
    let bench = Bench::from_env()?;
    println!(
        "zoufang hot paths — scale {} ({} findings for the 100 000 rows), {}",
        bench.scale,
        bench.size(100_000),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let mut rows = Vec::new();
    if bench.wants("merge") || bench.wants("export") {
        for n in [10_000, 100_000] {
            merge_and_export(&bench, bench.size(n), &mut rows)?;
            report_progress(&rows);
        }
    }
    if bench.wants("search") {
        search(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("list") {
        list_frame(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("autosave") {
        autosave_frame(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("summary") {
        summary(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("bundles") {
        many_bundles(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("sync") {
        sync::sync_after_one_edit(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("open") {
        open(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("results") {
        form_results::form_results(&bench, &mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("forms") {
        forms::form_checks(&mut rows)?;
        report_progress(&rows);
    }
    if bench.wants("formsui") {
        forms_ui::form_typing(&bench.empty("formsui")?, &mut rows)?;
        report_progress(&rows);
        forms_ui::responses_table(&bench, &mut rows)?;
        report_progress(&rows);
    }
    print_table(&rows);
    Ok(())
}

/// Run settings and the place where data is kept.
struct Bench {
    scale: f64,
    only: Option<Vec<String>>,
    data_dir: PathBuf,
    tmp: tempfile::TempDir,
}

impl Bench {
    fn from_env() -> Result<Bench> {
        let scale = match std::env::var("ZOUFANG_BENCH_SCALE") {
            Ok(s) => s.parse().context("ZOUFANG_BENCH_SCALE must be a number")?,
            Err(_) => 1.0,
        };
        let only = std::env::var("ZOUFANG_BENCH_ONLY")
            .ok()
            .map(|s| s.split(',').map(|p| p.trim().to_owned()).collect());
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
        let data_dir = target.join("bench-data");
        std::fs::create_dir_all(&data_dir)?;
        Ok(Bench {
            scale,
            only,
            data_dir,
            tmp: tempfile::tempdir()?,
        })
    }

    fn wants(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|s| s == section))
    }

    /// `findings` scaled.
    fn size(&self, findings: usize) -> usize {
        ((findings as f64 * self.scale).round() as usize).max(30)
    }

    /// A demo database of about `findings` findings made with `seed`, generated once and cached.
    fn demo_db(&self, findings: usize, seed: u64) -> Result<PathBuf> {
        let visits = ((findings as f64 / FINDINGS_PER_VISIT).round() as usize).max(1);
        let path = self.data_dir.join(format!("demo-v{visits}-s{seed}.sqlite"));
        if !path.exists() {
            let partial = path.with_extension("partial");
            for ext in ["partial", "partial-wal", "partial-shm"] {
                let _ignored = std::fs::remove_file(path.with_extension(ext));
            }
            eprintln!("generating {visits} demo visits (seed {seed}) into {partial:?} …");
            let started = Instant::now();
            {
                let mut store = Store::open(&partial)?;
                generate(&mut store, DemoOptions { visits, seed })?;
            }
            std::fs::rename(&partial, &path)?;
            eprintln!("… done in {:.1} s", started.elapsed().as_secs_f64());
        }
        Ok(path)
    }

    /// A fresh copy of `db` in the temporary folder, to write into.
    fn copy(&self, db: &Path, name: &str) -> Result<PathBuf> {
        let dir = self.tmp.path().join(unique(name));
        std::fs::create_dir_all(&dir)?;
        let to = dir.join("db.sqlite");
        std::fs::copy(db, &to)?;
        Ok(to)
    }

    /// A new, empty database in the temporary folder.
    fn empty(&self, name: &str) -> Result<PathBuf> {
        let dir = self.tmp.path().join(unique(name));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("db.sqlite");
        drop(Store::open(&path)?);
        Ok(path)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.tmp.path().join(unique(name))
    }
}

fn unique(name: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{name}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// What is compared with what, and how the ratio is judged.
#[derive(Clone, Copy)]
enum Goal {
    /// The subject's rate is at least this share of the baseline's (baseline time / subject time).
    RateAtLeast(f64),
    /// The subject is at least this many times faster (baseline time / subject time).
    FasterBy(f64),
    /// The subject takes at most this many times the baseline (subject time / baseline time).
    AtMost(f64),
    /// Reported only.
    None,
}

struct Row {
    case: String,
    subject: String,
    subject_time: Duration,
    baseline: String,
    baseline_time: Duration,
    goal: Goal,
    note: String,
}

impl Row {
    fn ratio(&self) -> f64 {
        let (s, b) = (
            self.subject_time.as_secs_f64(),
            self.baseline_time.as_secs_f64(),
        );
        match self.goal {
            Goal::RateAtLeast(_) | Goal::FasterBy(_) => b / s,
            Goal::AtMost(_) | Goal::None => s / b,
        }
    }

    fn verdict(&self) -> (String, &'static str) {
        let r = self.ratio();
        let mark = |ok: bool| if ok { "met" } else { "MISSED" };
        match self.goal {
            Goal::RateAtLeast(g) => (format!("rate ≥ {:.0} %", g * 100.0), mark(r >= g)),
            Goal::FasterBy(g) => (format!("≥ {g:.0}× faster"), mark(r >= g)),
            Goal::AtMost(g) => (format!("≤ {g}×"), mark(r <= g)),
            Goal::None => ("—".to_owned(), ""),
        }
    }
}

/// Shows the rows measured so far on stderr, so a long run says where it is.
fn report_progress(rows: &[Row]) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static SHOWN: AtomicUsize = AtomicUsize::new(0);
    for row in rows.iter().skip(SHOWN.swap(rows.len(), Ordering::Relaxed)) {
        eprintln!(
            "{}: {} vs {} ({:.2})",
            row.case,
            fmt_time(row.subject_time),
            fmt_time(row.baseline_time),
            row.ratio()
        );
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!("| case | subject | time | baseline | time | ratio | target | verdict | notes |");
    println!("|---|---|---:|---|---:|---:|---|---|---|");
    for row in rows {
        let (target, verdict) = row.verdict();
        let ratio = match row.goal {
            Goal::RateAtLeast(_) => format!("{:.0} %", row.ratio() * 100.0),
            _ => format!("{:.2}×", row.ratio()),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.case,
            row.subject,
            fmt_time(row.subject_time),
            row.baseline,
            fmt_time(row.baseline_time),
            ratio,
            target,
            verdict,
            row.note
        );
    }
}

fn fmt_time(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1e3)
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.1} µs", ms * 1e3)
    }
}

/// Runs `subject` and `baseline` alternately `reps` times, each on a fresh setup made outside
/// the timing, and keeps the fastest of each (the least disturbed by the neighbours).
fn pair<S, B>(
    reps: usize,
    mut setup_subject: impl FnMut() -> Result<S>,
    mut subject: impl FnMut(S) -> Result<()>,
    mut setup_baseline: impl FnMut() -> Result<B>,
    mut baseline: impl FnMut(B) -> Result<()>,
) -> Result<(Duration, Duration)> {
    let (mut best_s, mut best_b) = (Duration::MAX, Duration::MAX);
    for rep in 0..reps {
        // Alternate which goes first, so neither always runs on a warm cache.
        for first in [rep % 2 == 0, rep % 2 != 0] {
            if first {
                let s = setup_subject()?;
                let t = Instant::now();
                subject(s)?;
                best_s = best_s.min(t.elapsed());
            } else {
                let b = setup_baseline()?;
                let t = Instant::now();
                baseline(b)?;
                best_b = best_b.min(t.elapsed());
            }
        }
    }
    Ok((best_s, best_b))
}

fn count(db: &Path, table: &str) -> Result<i64> {
    let store = Store::open(db)?;
    Ok(store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

fn thousands(n: usize) -> String {
    if n >= 1000 && n.is_multiple_of(1000) {
        format!("{} k", n / 1000)
    } else {
        n.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Merge-import and export

/// The record tables a bundle carries, parents first.
const TABLES: [&str; 3] = ["subject", "visit", "finding"];

/// A table's name, its columns and its rows.
type PlainTable = (String, Vec<String>, Vec<Vec<SqlValue>>);

/// Every row of the record tables of `db`, as plain SQL values.
fn plain_rows(db: &Path) -> Result<Vec<PlainTable>> {
    let store = Store::open(db)?;
    let mut out = Vec::new();
    for table in TABLES {
        let mut stmt = store.conn().prepare(&format!("SELECT * FROM {table}"))?;
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let n = columns.len();
        let rows = stmt
            .query_map([], |r| (0..n).map(|i| r.get::<_, SqlValue>(i)).collect())?
            .collect::<rusqlite::Result<Vec<Vec<SqlValue>>>>()?;
        out.push((table.to_owned(), columns, rows));
    }
    Ok(out)
}

/// The baseline of an import: prepared INSERTs of the same rows, in one transaction.
fn plain_insert(db: &Path, rows: &[PlainTable]) -> Result<()> {
    let store = Store::open(db)?;
    let conn = store.conn();
    conn.execute_batch("BEGIN IMMEDIATE")?;
    for (table, columns, rows) in rows {
        let marks = vec!["?"; columns.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "INSERT OR IGNORE INTO {table} ({}) VALUES ({marks})",
            columns.join(", ")
        ))?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter()))?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}

/// The baseline of an export: the same rows read and written out as JSON with serde_json.
fn plain_serialise(db: &Path, out: &Path) -> Result<()> {
    let store = Store::open(db)?;
    let mut doc = Map::new();
    for table in TABLES {
        let mut stmt = store.conn().prepare(&format!("SELECT * FROM {table}"))?;
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let rows = stmt
            .query_map([], |r| {
                let mut obj = Map::new();
                for (i, c) in columns.iter().enumerate() {
                    let v = match r.get::<_, SqlValue>(i)? {
                        SqlValue::Null => Value::Null,
                        SqlValue::Integer(n) => Value::from(n),
                        SqlValue::Real(f) => Value::from(f),
                        SqlValue::Text(s) => Value::String(s),
                        SqlValue::Blob(_) => Value::Null,
                    };
                    obj.insert(c.clone(), v);
                }
                Ok(Value::Object(obj))
            })?
            .collect::<rusqlite::Result<Vec<Value>>>()?;
        doc.insert(table.to_owned(), Value::Array(rows));
    }
    std::fs::write(out, serde_json::to_vec(&doc)?)?;
    Ok(())
}

fn export_all(db: &Path, out: &Path) -> Result<()> {
    let store = Store::open(db)?;
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    bundle::export(&store, &filter, out, &mut bundle::no_progress())?;
    Ok(())
}

fn import(db: &Path, bundles: &[PathBuf]) -> Result<()> {
    let mut store = Store::open(db)?;
    bundle::import(
        &mut store,
        bundles,
        &ImportOptions::default(),
        &mut bundle::no_progress(),
    )?;
    Ok(())
}

fn merge_and_export(bench: &Bench, findings: usize, rows: &mut Vec<Row>) -> Result<()> {
    let source = bench.demo_db(findings, SEED)?;
    let n = count(&source, "finding")? as usize;
    let label = thousands(findings);
    let reps = if findings > 20_000 { 1 } else { 3 };
    let bundle = bench.file("all.zfb");
    export_all(&source, &bundle)?;

    if bench.wants("export") {
        let (s, b) = pair(
            reps + 1,
            || Ok(bench.file("x.zfb")),
            |out| export_all(&source, &out),
            || Ok(bench.file("x.json")),
            |out| plain_serialise(&source, &out),
        )?;
        rows.push(Row {
            case: format!("export {label}"),
            subject: "bundle::export (all)".to_owned(),
            subject_time: s,
            baseline: "SELECT + serde_json::to_vec + write".to_owned(),
            baseline_time: b,
            goal: Goal::RateAtLeast(0.5),
            note: format!("{n} findings"),
        });
    }
    if !bench.wants("merge") {
        return Ok(());
    }
    let plain = plain_rows(&source)?;
    let (s, b) = pair(
        reps,
        || bench.empty("merge-empty"),
        |db| import(&db, std::slice::from_ref(&bundle)),
        || bench.empty("insert-empty"),
        |db| plain_insert(&db, &plain),
    )?;
    rows.push(Row {
        case: format!("merge {label} into empty"),
        subject: "bundle::import".to_owned(),
        subject_time: s,
        baseline: "prepared INSERTs, 1 tx".to_owned(),
        baseline_time: b,
        goal: Goal::RateAtLeast(0.25),
        note: format!("{n} findings"),
    });
    let floor = sync::floor(&source, plain.clone())?;
    rows.push(sync::floor_row(bench, &label, &bundle, &floor)?);

    // A database that already holds half: the visits of the first half of the demo period.
    let half_bundle = bench.file("half.zfb");
    {
        let store = Store::open(&source)?;
        let mid: String = store.conn().query_row(
            "SELECT date FROM visit ORDER BY date LIMIT 1 OFFSET (SELECT count(*) / 2 FROM visit)",
            [],
            |r| r.get(0),
        )?;
        let filter = ExportFilter {
            until: Some(mid.parse()?),
            ..ExportFilter::default()
        };
        bundle::export(&store, &filter, &half_bundle, &mut bundle::no_progress())?;
    }
    let half_db = bench.empty("half")?;
    import(&half_db, std::slice::from_ref(&half_bundle))?;
    let held = count(&half_db, "finding")?;
    let (s, b) = pair(
        reps,
        || bench.copy(&half_db, "merge-half"),
        |db| import(&db, std::slice::from_ref(&bundle)),
        || bench.copy(&half_db, "insert-half"),
        |db| plain_insert(&db, &plain),
    )?;
    rows.push(Row {
        case: format!("merge {label} into half"),
        subject: "bundle::import".to_owned(),
        subject_time: s,
        baseline: "prepared INSERT OR IGNORE, 1 tx".to_owned(),
        baseline_time: b,
        goal: Goal::RateAtLeast(0.5),
        note: format!("{n} findings, {held} held"),
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Search

/// The same question without the index: every searchable text column scanned with LIKE,
/// title hits first, as `Store::search` ranks them.
const LIKE_SCAN: &str = "
    SELECT id FROM (
        SELECT id, rowid AS r, (title NOT LIKE ?1) AS rank FROM finding
        WHERE deleted_at IS NULL AND (title LIKE ?1 OR detail LIKE ?1 OR measures LIKE ?1
              OR target LIKE ?1 OR owner LIKE ?1 OR owner_unit LIKE ?1 OR verified_by LIKE ?1
              OR close_note LIKE ?1)
        UNION ALL
        SELECT id, rowid, (place NOT LIKE ?1) FROM visit
        WHERE deleted_at IS NULL AND (place LIKE ?1 OR region LIKE ?1 OR investigators LIKE ?1
              OR notes LIKE ?1)
    ) ORDER BY rank, r LIMIT ?2";

const SEARCH_LIMIT: usize = 100;

fn search(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let db = bench.demo_db(bench.size(100_000), SEED)?;
    let store = Store::open(&db)?;
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM finding", [], |r| r.get(0))?;
    for query in ["墓", "养老", "护理员", "消防通道"] {
        let hits = store.search(query, SEARCH_LIMIT)?.len();
        let like = format!("%{query}%");
        let mut stmt = store.conn().prepare(LIKE_SCAN)?;
        let like_hits = stmt
            .query_map(rusqlite::params![like, SEARCH_LIMIT as i64], |r| {
                r.get::<_, String>(0)
            })?
            .count();
        let (s, b) = pair(
            5,
            || Ok(()),
            |()| {
                store.search(query, SEARCH_LIMIT)?;
                Ok(())
            },
            || Ok(()),
            |()| {
                let mut rows = stmt.query(rusqlite::params![like, SEARCH_LIMIT as i64])?;
                while rows.next()?.is_some() {}
                Ok(())
            },
        )?;
        rows.push(Row {
            case: format!("search “{query}” ({} chars)", query.chars().count()),
            subject: format!("Store::search, top {SEARCH_LIMIT}"),
            subject_time: s,
            baseline: "LIKE '%…%' scan, top 100".to_owned(),
            baseline_time: b,
            goal: Goal::FasterBy(20.0),
            note: format!("{n} findings; {hits} / {like_hits} hits"),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The problem list

fn harness(app: ZoufangApp) -> egui_kittest::Harness<'static, ZoufangApp> {
    egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app)
}

/// The median time of one frame of the problem list, once it has settled.
fn problem_list_frame(db: &Path) -> Result<Duration> {
    let settings = Settings {
        lang: Lang::Zh,
        view: View::Problems,
        ..Settings::default()
    };
    let app = ZoufangApp::new(settings, db.to_owned());
    if let Some(e) = app.db_error() {
        bail!("the app could not open {db:?}: {e}");
    }
    let mut h = harness(app);
    for _ in 0..20 {
        h.step();
    }
    let mut times: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            h.step();
            t.elapsed()
        })
        .collect();
    times.sort();
    Ok(times[times.len() / 2])
}

fn list_frame(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let big = bench.demo_db(bench.size(100_000), SEED)?;
    let small = bench.demo_db(100, SEED)?;
    let (nb, ns) = (count(&big, "finding")?, count(&small, "finding")?);
    // Alternate, keep the best median of three.
    let (mut b, mut s) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        b = b.min(problem_list_frame(&big)?);
        s = s.min(problem_list_frame(&small)?);
    }
    rows.push(Row {
        case: "problem list, one frame".to_owned(),
        subject: format!("{nb} findings"),
        subject_time: b,
        baseline: format!("{ns} findings"),
        baseline_time: s,
        goal: Goal::AtMost(1.5),
        note: "median of 200 settled frames, 1280×800".to_owned(),
    });
    Ok(())
}

/// The median time of the frame right after an editor saved a finding (its caches read again),
/// and of an idle frame, with the problem list and a finding's editor open on `db`; also the
/// median of the frame that saved.
fn autosave_frames(db: &Path) -> Result<(Duration, Duration, Duration)> {
    use zoufang::store::{FieldEdit, FindingFilter, FindingSort, Page, RecordKind};
    use zoufang::ui::app::AppCommand;
    let settings = Settings {
        lang: Lang::Zh,
        view: View::Problems,
        ..Settings::default()
    };
    let store = Store::open(db)?;
    let finding = store
        .list_findings(
            &FindingFilter::default(),
            FindingSort::Date,
            false,
            Page {
                offset: 0,
                limit: 1,
            },
        )?
        .into_iter()
        .next()
        .context("the demo database has no finding")?
        .finding;
    drop(store);
    let mut app = ZoufangApp::new(settings, db.to_owned());
    if let Some(e) = app.db_error() {
        bail!("the app could not open {db:?}: {e}");
    }
    app.command(AppCommand::OpenFinding(finding.id));
    let mut h = harness(app);
    for _ in 0..20 {
        h.step();
    }
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let idle = median(
        (0..50)
            .map(|_| {
                let t = Instant::now();
                h.step();
                t.elapsed()
            })
            .collect(),
    );
    let (mut saving, mut after) = (Vec::new(), Vec::new());
    let mut owner = finding.owner.clone();
    for i in 0..30 {
        // What the editor sends when the user changed the responsible person.
        let was = Value::String(owner.clone());
        owner = format!("责任人{i}");
        let edit = FieldEdit {
            id: finding.id.to_string(),
            base: Map::from_iter([("owner".to_owned(), was)]),
            changes: Map::from_iter([("owner".to_owned(), Value::String(owner.clone()))]),
            create: false,
        };
        h.state_mut()
            .command(AppCommand::Save(RecordKind::Finding, edit));
        let t = Instant::now();
        h.step();
        saving.push(t.elapsed());
        let t = Instant::now();
        h.step();
        after.push(t.elapsed());
        for _ in 0..3 {
            h.step();
        }
    }
    Ok((median(after), idle, median(saving)))
}

fn autosave_frame(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let big = bench.copy(&bench.demo_db(bench.size(100_000), SEED)?, "autosave")?;
    let n = count(&big, "finding")?;
    let (mut after, mut idle, mut saving) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        let (a, i, s) = autosave_frames(&big)?;
        (after, idle, saving) = (after.min(a), idle.min(i), saving.min(s));
    }
    rows.push(Row {
        case: format!("frame after an autosave, {n} findings"),
        subject: "the frame after the save".to_owned(),
        subject_time: after,
        baseline: "an idle frame".to_owned(),
        baseline_time: idle,
        goal: Goal::AtMost(2.0),
        note: format!(
            "problem list + finding editor, 1280×800; the frame that saved took {}",
            fmt_time(saving)
        ),
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Summary

/// The same counts in plain GROUP BYs: visits overall and per region, findings by region,
/// responsible unit, kind, category, status and lateness, and by topic.
const PLAIN_GROUP_BY: [&str; 4] = [
    "SELECT count(*), sum(unannounced <> 0), count(DISTINCT place), sum(people_met)
     FROM visit WHERE deleted_at IS NULL",
    "SELECT region, count(*), sum(unannounced <> 0), count(DISTINCT place), sum(people_met)
     FROM visit WHERE deleted_at IS NULL GROUP BY region",
    "SELECT v.region, trim(f.owner_unit), f.kind, f.category, f.status,
            (f.kind = 'problem' AND f.status IN ('open', 'in-progress') AND f.deadline < ?1),
            count(*), sum(f.people_affected)
     FROM finding f JOIN visit v ON v.id = f.visit_id
     WHERE f.deleted_at IS NULL AND v.deleted_at IS NULL
     GROUP BY 1, 2, 3, 4, 5, 6",
    "SELECT ft.topic_id, f.kind, f.category, f.status,
            (f.kind = 'problem' AND f.status IN ('open', 'in-progress') AND f.deadline < ?1),
            count(*), sum(f.people_affected)
     FROM finding f JOIN visit v ON v.id = f.visit_id JOIN finding_topic ft ON ft.finding_id = f.id
     WHERE f.deleted_at IS NULL AND v.deleted_at IS NULL
     GROUP BY 1, 2, 3, 4, 5",
];

fn summary(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let db = bench.demo_db(bench.size(1_000_000), SEED)?;
    let store = Store::open(&db)?;
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM finding", [], |r| r.get(0))?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).context("a date")?;
    let today_text = today.to_string();
    let (s, b) = pair(
        3,
        || Ok(()),
        |()| {
            summarize(&store, &SummaryFilter::default(), today)?;
            Ok(())
        },
        || Ok(()),
        |()| {
            for sql in PLAIN_GROUP_BY {
                let mut stmt = store.conn().prepare_cached(sql)?;
                let params: &[&dyn rusqlite::ToSql] = if sql.contains("?1") {
                    &[&today_text]
                } else {
                    &[]
                };
                let mut rows = stmt.query(params)?;
                while rows.next()?.is_some() {}
            }
            Ok(())
        },
    )?;
    rows.push(Row {
        case: format!("summary, {}", thousands(bench.size(1_000_000))),
        subject: "report::summarize".to_owned(),
        subject_time: s,
        baseline: "4 plain GROUP BYs".to_owned(),
        baseline_time: b,
        goal: Goal::AtMost(2.0),
        note: format!("{n} findings"),
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Ten bundles at once

fn many_bundles(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let size = bench.size(10_000);
    let mut bundles = Vec::new();
    for seed in 0..10 {
        let db = bench.demo_db(size, 100 + seed)?;
        let out = bench.file("one-of-ten.zfb");
        export_all(&db, &out)?;
        bundles.push(out);
    }
    // Best of four at the small scale: one bundle of 1 k takes a tenth of a second, where a
    // neighbour's burst weighs most.
    let reps = if size > 2_000 { 2 } else { 4 };
    let (s, b) = pair(
        reps,
        || bench.empty("ten"),
        |db| import(&db, &bundles),
        || bench.empty("one"),
        |db| import(&db, &bundles[..1]),
    )?;
    rows.push(Row {
        case: format!("merge 10 bundles of {} findings", thousands(size)),
        subject: "10 bundles, one import".to_owned(),
        subject_time: s,
        baseline: "1 bundle".to_owned(),
        baseline_time: b,
        goal: Goal::AtMost(11.0),
        note: "into an empty database".to_owned(),
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Opening the app

/// In a child process: opens the app on `db`, draws the first frame, prints the time and the
/// peak resident memory.
fn child_open(db: &Path) -> Result<()> {
    let started = Instant::now();
    let app = ZoufangApp::new(Settings::default(), db.to_owned());
    if let Some(e) = app.db_error() {
        bail!("the app could not open {db:?}: {e}");
    }
    let mut h = harness(app);
    h.step();
    let elapsed = started.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    println!("{} {hwm_kb}", elapsed.as_micros());
    Ok(())
}

fn open_in_child(db: &Path) -> Result<(Duration, u64)> {
    let out = Command::new(std::env::current_exe()?)
        .arg(CHILD_OPEN)
        .arg(db)
        .output()?;
    if !out.status.success() {
        bail!(
            "the child failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let micros: u64 = parts.next().context("no time")?.parse()?;
    let kb: u64 = parts.next().context("no memory")?.parse()?;
    Ok((Duration::from_micros(micros), kb))
}

fn open(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let big = bench.demo_db(bench.size(100_000), SEED)?;
    let n = count(&big, "finding")?;
    let (mut tb, mut te, mut mb, mut me) = (Duration::MAX, Duration::MAX, 0, 0);
    for _ in 0..3 {
        let db = bench.copy(&big, "open-big")?;
        let (t, m) = open_in_child(&db)?;
        (tb, mb) = (tb.min(t), mb.max(m));
        let db = bench.empty("open-empty")?;
        let (t, m) = open_in_child(&db)?;
        (te, me) = (te.min(t), me.max(m));
    }
    rows.push(Row {
        case: "open the app, first frame".to_owned(),
        subject: format!("{n} findings"),
        subject_time: tb,
        baseline: "empty database".to_owned(),
        baseline_time: te,
        goal: Goal::None,
        note: format!(
            "peak memory {:.0} MB vs {:.0} MB",
            mb as f64 / 1024.0,
            me as f64 / 1024.0
        ),
    });
    Ok(())
}
