//! Property tests of the merge laws over random edit sequences on two or three simulated
//! laptops that swap bundles now and then: whatever happened, importing everyone's final
//! bundles in any order (one by one or all at once) gives the same records, every laptop that
//! imports the others' bundles ends up with those same records, and importing again changes
//! nothing. Forms, responses and their answers take part like every other record.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use proptest::prelude::*;
use std::path::PathBuf;
use zoufang::bundle::{ImportOptions, import, no_progress};
use zoufang::forms::record::import_builtin;
use zoufang::forms::response::{add_response, edit_response};
use zoufang::forms::{Answer, answers_from_json};
use zoufang::model::{Finding, FindingId, Status, Visit, VisitId};
use zoufang::store::Store;

const PLACES: [&str; 3] = ["城西敬老院", "东湖社区", "北山公墓"];
const NOTES: [&str; 3] = ["", "院长陪同", "需回访"];
const INVESTIGATORS: [&str; 3] = ["张敏", "李建国", "王芳"];
const TITLES: [&str; 3] = ["消防通道堵塞", "护理员不足", "台账不全"];

#[derive(Clone, Debug)]
enum Op {
    NewVisit {
        dev: usize,
        place: usize,
    },
    EditPlace {
        dev: usize,
        pick: usize,
        value: usize,
    },
    EditNotes {
        dev: usize,
        pick: usize,
        value: usize,
    },
    NewFinding {
        dev: usize,
        pick: usize,
        title: usize,
    },
    EditFinding {
        dev: usize,
        pick: usize,
        value: usize,
    },
    ToggleInvestigator {
        dev: usize,
        pick: usize,
        value: usize,
    },
    Delete {
        dev: usize,
        pick: usize,
    },
    Restore {
        dev: usize,
        pick: usize,
    },
    /// A satisfaction questionnaire filled on a visit (the form imported first, once).
    NewResponse {
        dev: usize,
        pick: usize,
        value: usize,
    },
    /// One answer of a response changed.
    EditAnswer {
        dev: usize,
        pick: usize,
        value: usize,
    },
    Sync {
        from: usize,
        to: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let d = 0..3usize;
    let p = 0..8usize;
    let v = 0..3usize;
    prop_oneof![
        2 => (d.clone(), v.clone()).prop_map(|(dev, place)| Op::NewVisit { dev, place }),
        3 => (d.clone(), p.clone(), v.clone()).prop_map(|(dev, pick, value)| Op::EditPlace { dev, pick, value }),
        2 => (d.clone(), p.clone(), v.clone()).prop_map(|(dev, pick, value)| Op::EditNotes { dev, pick, value }),
        2 => (d.clone(), p.clone(), v.clone()).prop_map(|(dev, pick, title)| Op::NewFinding { dev, pick, title }),
        2 => (d.clone(), p.clone(), v.clone()).prop_map(|(dev, pick, value)| Op::EditFinding { dev, pick, value }),
        2 => (d.clone(), p.clone(), v.clone()).prop_map(|(dev, pick, value)| Op::ToggleInvestigator { dev, pick, value }),
        1 => (d.clone(), p.clone()).prop_map(|(dev, pick)| Op::Delete { dev, pick }),
        1 => (d.clone(), p.clone()).prop_map(|(dev, pick)| Op::Restore { dev, pick }),
        1 => (d.clone(), p.clone(), v.clone()).prop_map(|(dev, pick, value)| Op::NewResponse { dev, pick, value }),
        2 => (d.clone(), p.clone(), v.clone()).prop_map(|(dev, pick, value)| Op::EditAnswer { dev, pick, value }),
        2 => (d.clone(), d).prop_map(|(from, to)| Op::Sync { from, to }),
    ]
}

fn ids(store: &Store, table: &str) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare(&format!("SELECT id FROM {table} ORDER BY id"))
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn pick(store: &Store, table: &str, n: usize) -> Option<String> {
    let all = ids(store, table);
    (!all.is_empty()).then(|| all[n % all.len()].clone())
}

/// Runs one operation; edits the database refuses (e.g. a finding on a deleted visit) are
/// simply not made, as in real use.
fn run(devices: &mut [Store], op: &Op, dir: &std::path::Path, step: usize) {
    let n = devices.len();
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    match *op {
        Op::NewVisit { dev, place } => {
            devices[dev % n]
                .save_visit(&Visit::new(day, PLACES[place]))
                .unwrap();
        }
        Op::EditPlace {
            dev,
            pick: p,
            value,
        }
        | Op::EditNotes {
            dev,
            pick: p,
            value,
        } => {
            let store = &mut devices[dev % n];
            let Some(id) = pick(store, "visit", p) else {
                return;
            };
            let mut visit = store.visit(id.parse::<VisitId>().unwrap()).unwrap();
            if matches!(op, Op::EditPlace { .. }) {
                visit.place = PLACES[value].to_owned();
            } else {
                visit.notes = NOTES[value].to_owned();
            }
            store.save_visit(&visit).unwrap();
        }
        Op::NewFinding {
            dev,
            pick: p,
            title,
        } => {
            let store = &mut devices[dev % n];
            let Some(id) = pick(store, "visit", p) else {
                return;
            };
            let finding = Finding::new(id.parse().unwrap(), TITLES[title]);
            let _refused_on_a_deleted_visit = store.save_finding(&finding).is_err();
        }
        Op::EditFinding {
            dev,
            pick: p,
            value,
        } => {
            let store = &mut devices[dev % n];
            let Some(id) = pick(store, "finding", p) else {
                return;
            };
            let mut finding = store.finding(id.parse::<FindingId>().unwrap()).unwrap();
            finding.title = TITLES[value].to_owned();
            finding.status = [Status::Open, Status::InProgress, Status::Open][value];
            let _refused_under_a_deleted_visit = store.save_finding(&finding).is_err();
        }
        Op::ToggleInvestigator {
            dev,
            pick: p,
            value,
        } => {
            let store = &mut devices[dev % n];
            let Some(id) = pick(store, "visit", p) else {
                return;
            };
            let mut visit = store.visit(id.parse::<VisitId>().unwrap()).unwrap();
            let name = INVESTIGATORS[value].to_owned();
            if let Some(at) = visit.investigators.iter().position(|i| *i == name) {
                visit.investigators.remove(at);
            } else {
                visit.investigators.push(name);
            }
            store.save_visit(&visit).unwrap();
        }
        Op::Delete { dev, pick: p } | Op::Restore { dev, pick: p } => {
            let store = &mut devices[dev % n];
            let table = if p % 2 == 0 { "visit" } else { "finding" };
            let Some(id) = pick(store, table, p / 2) else {
                return;
            };
            if matches!(op, Op::Delete { .. }) {
                store.delete(&id).unwrap();
            } else {
                store.restore(&id).unwrap();
            }
        }
        Op::NewResponse {
            dev,
            pick: p,
            value,
        } => {
            let store = &mut devices[dev % n];
            let Some(visit) = pick(store, "visit", p) else {
                return;
            };
            let form = import_builtin(store, "visit_satisfaction", None)
                .unwrap()
                .form;
            let score = ["3", "4", "5"][value];
            let answers = answers_from_json(&serde_json::json!({
                "attitude": score, "efficiency": "4", "policy_known": "some", "overall": score,
            }))
            .unwrap();
            let now = day.and_hms_opt(10, 0, 0).unwrap();
            let _refused_on_a_deleted_visit =
                add_response(store, &form, visit.parse().unwrap(), answers, now).is_err();
        }
        Op::EditAnswer {
            dev,
            pick: p,
            value,
        } => {
            let store = &mut devices[dev % n];
            let Some(id) = pick(store, "response", p) else {
                return;
            };
            let name = ["attitude", "efficiency", "overall"][p % 3];
            let change = [(
                name.to_owned(),
                Answer::Text(["3", "4", "5"][value].to_owned()),
            )];
            let now = day.and_hms_opt(11, 0, 0).unwrap();
            edit_response(store, id.parse().unwrap(), change.into(), now).unwrap();
        }
        Op::Sync { from, to } => {
            let (from, to) = (from % n, to % n);
            if from == to {
                return;
            }
            let bundle = export_all(&devices[from], dir, &format!("sync{step}.zfb"));
            import_files(&mut devices[to], &[bundle]);
        }
    }
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    match n {
        2 => vec![vec![0, 1], vec![1, 0]],
        _ => vec![
            vec![0, 1, 2],
            vec![0, 2, 1],
            vec![1, 0, 2],
            vec![1, 2, 0],
            vec![2, 0, 1],
            vec![2, 1, 0],
        ],
    }
}

proptest! {
    // PROPTEST_CASES=500 cargo test --test bundle_laws runs a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_import_order_gives_the_same_records(
        n in 2..=3usize,
        ops in proptest::collection::vec(op(), 1..30),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut devices: Vec<Store> = (0..n).map(|i| laptop(&format!("调查员{i}"))).collect();
        for (step, op) in ops.iter().enumerate() {
            run(&mut devices, op, dir.path(), step);
        }
        let finals: Vec<PathBuf> = devices
            .iter()
            .enumerate()
            .map(|(i, d)| export_all(d, dir.path(), &format!("final{i}.zfb")))
            .collect();
        // Commutative: every order of one-by-one imports gives the same records.
        let mut digests = Vec::new();
        let dry_run = ImportOptions {
            dry_run: true,
            ..ImportOptions::default()
        };
        for order in permutations(n) {
            let mut lead = laptop("组长");
            for i in &order {
                // The preview says exactly what the import then does.
                let file = std::slice::from_ref(&finals[*i]);
                let preview = import(&mut lead, file, &dry_run, &mut no_progress()).unwrap();
                let done = import_files(&mut lead, file);
                prop_assert_eq!(preview.totals, done.totals);
            }
            digests.push(lead.records_digest().unwrap());
            // Idempotent: importing everything again changes nothing at all.
            let before = lead.digest().unwrap();
            let again = import_files(&mut lead, &finals);
            prop_assert_eq!(again.totals.added + again.totals.updated + again.totals.deleted, 0);
            prop_assert_eq!(again.totals.conflicts, 0);
            prop_assert_eq!(lead.digest().unwrap(), before);
        }
        // Associative: all at once, in reverse, is the same too.
        let mut lead = laptop("组长");
        let reversed: Vec<PathBuf> = finals.iter().rev().cloned().collect();
        import_files(&mut lead, &reversed);
        digests.push(lead.records_digest().unwrap());
        // Every laptop that takes the others' bundles converges on the same records.
        for (i, device) in devices.iter_mut().enumerate() {
            let others: Vec<PathBuf> = finals
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, p)| p.clone())
                .collect();
            import_files(device, &others);
            digests.push(device.records_digest().unwrap());
        }
        for d in &digests {
            prop_assert_eq!(d, &digests[0]);
        }
    }
}

/// Found by the property test: two laptops edit the same notes after a sync; a lead who imports
/// the final bundles one by one and then all together must not see a new conflict.
#[test]
fn reimporting_everything_after_one_by_one_adds_no_conflict() {
    for order in permutations(3) {
        let dir = tempfile::tempdir().unwrap();
        let mut devices: Vec<Store> = (0..3).map(|i| laptop(&format!("调查员{i}"))).collect();
        let ops = [
            Op::NewVisit { dev: 1, place: 0 },
            Op::Sync { from: 1, to: 2 },
            Op::Sync { from: 1, to: 0 },
            Op::EditNotes {
                dev: 0,
                pick: 0,
                value: 2,
            },
            Op::EditNotes {
                dev: 2,
                pick: 0,
                value: 1,
            },
        ];
        for (step, op) in ops.iter().enumerate() {
            run(&mut devices, op, dir.path(), step);
        }
        let finals: Vec<PathBuf> = devices
            .iter()
            .enumerate()
            .map(|(i, d)| export_all(d, dir.path(), &format!("final{i}.zfb")))
            .collect();
        let mut lead = laptop("组长");
        for i in &order {
            import_files(&mut lead, std::slice::from_ref(&finals[*i]));
        }
        let again = import_files(&mut lead, &finals);
        assert_eq!(again.totals.conflicts, 0, "order {order:?}");
    }
}
