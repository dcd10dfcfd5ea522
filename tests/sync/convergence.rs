//! The convergence property: N laptops (2 to 8) edit, delete, restore and resolve conflicts,
//! each syncing through its own copy of the team folder, into which the others' bundles arrive
//! late, in any order and sometimes twice (as a file-sync tool delivers them). Once every file
//! has arrived everywhere and every laptop has synced twice with no new edits, all hold the same
//! records, and every laptop lists a conflict (open, or reviewed) on each field that two
//! laptops edited without seeing each other's edit — also when a later edit or a resolution
//! that saw both reached it before one of them. The deterministic tests at the end are cases
//! the search found, step by step.
//!
//! `PROPTEST_CASES=500 cargo test --test sync convergence` runs a longer search.

use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use zoufang::bundle::{Keep, resolve};

const FIELDS: [&str; 2] = ["detail", "measures"];

#[derive(Clone, Copy, Debug)]
enum Op {
    /// A laptop edits a field of a finding (a value never used before) and syncs.
    Edit {
        dev: usize,
        finding: usize,
        field: usize,
    },
    /// A laptop moves a finding to the Trash, or back, and syncs.
    ToggleDeleted { dev: usize, finding: usize },
    /// A laptop resolves one of its conflicts and syncs.
    Resolve {
        dev: usize,
        pick: usize,
        theirs: bool,
    },
    /// A published bundle arrives in a laptop's folder (maybe a second time, renamed).
    Deliver {
        dev: usize,
        file: usize,
        renamed: bool,
    },
    /// A laptop syncs with what has arrived.
    Sync { dev: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let d = 0..8usize;
    prop_oneof![
        4 => (d.clone(), 0..2usize, 0..2usize).prop_map(|(dev, finding, field)| Op::Edit { dev, finding, field }),
        1 => (d.clone(), 0..2usize).prop_map(|(dev, finding)| Op::ToggleDeleted { dev, finding }),
        1 => (d.clone(), 0..4usize, any::<bool>()).prop_map(|(dev, pick, theirs)| Op::Resolve { dev, pick, theirs }),
        5 => (d.clone(), 0..64usize, any::<bool>()).prop_map(|(dev, file, renamed)| Op::Deliver { dev, file, renamed }),
        2 => d.prop_map(|dev| Op::Sync { dev }),
    ]
}

/// One plain edit, as the model knows it.
#[derive(Clone, Debug)]
struct Edit {
    finding: usize,
    field: usize,
    value: String,
    /// The edits its laptop had seen when it was made.
    seen: BTreeSet<usize>,
}

/// A published bundle: the file and the plain edits it carries.
struct Published {
    path: PathBuf,
    device: String,
    edits: BTreeSet<usize>,
}

struct Team {
    root: tempfile::TempDir,
    laptops: Vec<Store>,
    findings: Vec<FindingId>,
    edits: Vec<Edit>,
    /// Per laptop: the plain edits it has seen (made, or imported).
    seen: Vec<BTreeSet<usize>>,
    /// Per laptop: the plain edits made since its last sync.
    unpublished: Vec<BTreeSet<usize>>,
    /// Per laptop: the published files that arrived in its folder, by name there.
    arrived: Vec<BTreeMap<PathBuf, usize>>,
    /// Per laptop: the files whose edits it has taken in.
    taken: Vec<BTreeSet<usize>>,
    published: Vec<Published>,
    step: usize,
}

impl Team {
    fn new(n: usize) -> Team {
        let root = tempfile::tempdir().unwrap();
        let mut laptops: Vec<Store> = (0..n).map(|i| laptop(&format!("调查员{i}"))).collect();
        let visit = Visit::new(day("2026-03-05"), "城西敬老院");
        laptops[0].save_visit(&visit).unwrap();
        let findings: Vec<FindingId> = ["消防通道堵塞", "护理员不足"]
            .iter()
            .map(|title| {
                let finding = Finding::new(visit.id, *title);
                laptops[0].save_finding(&finding).unwrap();
                finding.id
            })
            .collect();
        let mut team = Team {
            root,
            laptops,
            findings,
            edits: Vec::new(),
            seen: vec![BTreeSet::new(); n],
            unpublished: vec![BTreeSet::new(); n],
            arrived: vec![BTreeMap::new(); n],
            taken: vec![BTreeSet::new(); n],
            published: Vec::new(),
            step: 0,
        };
        for dev in 0..n {
            std::fs::create_dir_all(team.folder(dev)).unwrap();
        }
        // Everyone starts from laptop 0's records.
        team.sync(0);
        for dev in 1..n {
            team.deliver(dev, 0, false);
            team.sync(dev);
        }
        team
    }

    fn folder(&self, dev: usize) -> PathBuf {
        self.root.path().join(format!("laptop{dev}"))
    }

    fn sync(&mut self, dev: usize) {
        let before: Vec<usize> = self.arrived[dev].values().copied().collect();
        let folder = self.folder(dev);
        let report = sync_plain(&mut self.laptops[dev], &folder);
        assert!(report.refused.is_empty(), "{:?}", report.refused);
        for file in before {
            if self.taken[dev].insert(file) {
                // Seeing an edit is seeing everything its laptop had seen when making it.
                for &edit in &self.published[file].edits {
                    self.seen[dev].insert(edit);
                    self.seen[dev].extend(self.edits[edit].seen.iter().copied());
                }
            }
        }
        if let Some(path) = report.wrote {
            let mut edits = std::mem::take(&mut self.unpublished[dev]);
            // A finding in the file carries the values it holds here, and so the edits that
            // made them, whoever made them.
            for id in finding_ids(&path) {
                let Some(finding) = self.findings.iter().position(|f| f.to_string() == id) else {
                    continue;
                };
                let record = self.laptops[dev].finding(self.findings[finding]).unwrap();
                for (field, value) in [record.detail, record.measures].iter().enumerate() {
                    edits.extend(self.edits.iter().position(|e| {
                        (e.finding, e.field) == (finding, field) && &e.value == value
                    }));
                }
            }
            let index = self.published.len();
            self.published.push(Published {
                path: path.clone(),
                device: self.laptops[dev].device_id().to_owned(),
                edits,
            });
            let name = path.strip_prefix(self.folder(dev)).unwrap().to_owned();
            self.arrived[dev].insert(name, index);
            self.taken[dev].insert(index);
        }
    }

    /// Copies a published file into a laptop's folder, as a file-sync tool would.
    fn deliver(&mut self, dev: usize, file: usize, renamed: bool) {
        let Some(published) = self.published.get(file) else {
            return;
        };
        if published.device == self.laptops[dev].device_id() {
            return;
        }
        let original = published
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let name = if renamed {
            format!("copy{}-{original}", self.step)
        } else {
            original
        };
        let relative = PathBuf::from(&published.device).join(name);
        let target = self.folder(dev).join(&relative);
        if target.exists() {
            return;
        }
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        // Written under a hidden name and renamed, as Syncthing does.
        let part = target.with_file_name(".incoming.part");
        std::fs::copy(&published.path, &part).unwrap();
        std::fs::rename(&part, &target).unwrap();
        self.arrived[dev].insert(relative, file);
    }

    fn run(&mut self, op: &Op) {
        self.step += 1;
        let n = self.laptops.len();
        match *op {
            Op::Edit {
                dev,
                finding,
                field,
            } => {
                let dev = dev % n;
                let value = format!("{dev}-{}", self.step);
                let id = self.findings[finding];
                let mut record = self.laptops[dev].finding(id).unwrap();
                match FIELDS[field] {
                    "detail" => record.detail = value.clone(),
                    _ => record.measures = value.clone(),
                }
                self.laptops[dev].save_finding(&record).unwrap();
                let index = self.edits.len();
                self.edits.push(Edit {
                    finding,
                    field,
                    value,
                    seen: self.seen[dev].clone(),
                });
                self.seen[dev].insert(index);
                self.unpublished[dev].insert(index);
                self.sync(dev);
            }
            Op::ToggleDeleted { dev, finding } => {
                let dev = dev % n;
                let id = self.findings[finding].to_string();
                let deleted = self.laptops[dev]
                    .finding(self.findings[finding])
                    .unwrap()
                    .meta
                    .is_deleted();
                if deleted {
                    self.laptops[dev].restore(&id).unwrap();
                } else {
                    self.laptops[dev].delete(&id).unwrap();
                }
                self.sync(dev);
            }
            Op::Resolve { dev, pick, theirs } => {
                let dev = dev % n;
                let open = conflicts(&self.laptops[dev], false).unwrap();
                if let Some(conflict) = open.get(pick % open.len().max(1)) {
                    let keep = if theirs { Keep::Theirs } else { Keep::Mine };
                    resolve(&mut self.laptops[dev], conflict.seq, keep).unwrap();
                    self.sync(dev);
                }
            }
            Op::Deliver { dev, file, renamed } => {
                let count = self.published.len().max(1);
                self.deliver(dev % n, file % count, renamed);
            }
            Op::Sync { dev } => self.sync(dev % n),
        }
    }

    /// Every file arrives everywhere; every laptop syncs twice, in a shuffled order.
    fn settle(&mut self, order: &[usize]) {
        for round in 0..2 {
            for &dev in order {
                for file in 0..self.published.len() {
                    self.deliver(dev, file, false);
                }
                let before = self.published.len();
                self.sync(dev);
                if round == 1 {
                    assert_eq!(
                        self.published.len(),
                        before,
                        "a settled laptop wrote a bundle"
                    );
                }
            }
        }
    }

    /// The (finding, field) pairs two plain edits changed to different values without either
    /// laptop having seen the other's edit.
    fn concurrent_fields(&self) -> BTreeSet<(usize, usize)> {
        let mut out = BTreeSet::new();
        for (i, a) in self.edits.iter().enumerate() {
            for (j, b) in self.edits.iter().enumerate().skip(i + 1) {
                let same_field = (a.finding, a.field) == (b.finding, b.field);
                if same_field && a.value != b.value && !b.seen.contains(&i) && !a.seen.contains(&j)
                {
                    out.insert((a.finding, a.field));
                }
            }
        }
        out
    }
}

/// The ids of the findings a bundle holds.
fn finding_ids(path: &Path) -> Vec<String> {
    let entries = read_entries(path);
    let Some((_, bytes)) = entries.iter().find(|(n, _)| n == "records/finding.json") else {
        return Vec::new();
    };
    let doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(16),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_order_of_syncs_converges(
        n in prop_oneof![4 => 2..=4usize, 1 => 5..=8usize],
        ops in proptest::collection::vec(op(), 1..40),
        order_seed in any::<u64>(),
    ) {
        let mut team = Team::new(n);
        for op in &ops {
            team.run(op);
        }
        let mut order: Vec<usize> = (0..n).collect();
        // A shuffle from the seed, so a failure replays exactly.
        let mut state = order_seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        team.settle(&order);
        let digest = team.laptops[0].records_digest().unwrap();
        for (dev, store) in team.laptops.iter().enumerate() {
            prop_assert_eq!(store.records_digest().unwrap(), digest.clone(), "laptop {}", dev);
        }
        for (finding, field) in &team.concurrent_fields() {
            let (finding, field) = (*finding, *field);
            let id = team.findings[finding].to_string();
            for (dev, store) in team.laptops.iter().enumerate() {
                let listed = conflicts(store, true).unwrap();
                prop_assert!(
                    listed.iter().any(|c| c.record_id == id && c.field == FIELDS[field]),
                    "laptop {} lists no conflict on {} of finding {}: {:?}",
                    dev, FIELDS[field], finding, listed
                );
            }
        }
    }
}

/// Waits (a millisecond at most) until the wall clock moves on, so that the next edit has a
/// later clock than every edit before it, as it would a minute later in the field.
fn next_millisecond() {
    let now = chrono::Utc::now().timestamp_millis();
    while chrono::Utc::now().timestamp_millis() == now {
        std::hint::spin_loop();
    }
}

impl Team {
    /// Runs `op` and returns the file it published, if it did.
    fn publish(&mut self, op: Op) -> Option<usize> {
        let before = self.published.len();
        self.run(&op);
        (self.published.len() > before).then(|| self.published.len() - 1)
    }

    /// Brings file `file` to laptop `dev` and syncs it.
    fn bring(&mut self, dev: usize, file: usize) {
        self.run(&Op::Deliver {
            dev,
            file,
            renamed: false,
        });
        self.run(&Op::Sync { dev });
    }

    /// The conflicts laptop `dev` lists on `field` of finding `finding`, reviewed ones too.
    fn listed_on(&self, dev: usize, finding: usize, field: &str) -> Vec<(String, bool)> {
        let id = self.findings[finding].to_string();
        conflicts(&self.laptops[dev], true)
            .unwrap()
            .into_iter()
            .filter(|c| c.record_id == id && c.field == field)
            .map(|c| {
                (
                    c.loser_value.as_str().unwrap_or("").to_owned(),
                    c.reviewed_at.is_some(),
                )
            })
            .collect()
    }

    fn value(&self, dev: usize, finding: usize, field: usize) -> String {
        let record = self.laptops[dev].finding(self.findings[finding]).unwrap();
        [record.detail, record.measures][field].clone()
    }

    /// Laptop 0 edits the detail of finding 0, then laptop 1 does (later, not knowing), and
    /// laptop 0 takes laptop 1's edit in: it wins there, laptop 0's is listed as lost. Returns
    /// the two files and the two values.
    fn two_concurrent_details(&mut self) -> (usize, usize, String, String) {
        let edit = |dev| Op::Edit {
            dev,
            finding: 0,
            field: 0,
        };
        let first = self.publish(edit(0)).unwrap();
        next_millisecond();
        let second = self.publish(edit(1)).unwrap();
        let (mine, theirs) = (self.value(0, 0, 0), self.value(1, 0, 0));
        self.bring(0, second);
        assert_eq!(self.value(0, 0, 0), theirs, "the later edit wins");
        assert_eq!(self.listed_on(0, 0, "detail"), [(mine.clone(), false)]);
        (first, second, mine, theirs)
    }
}

#[test]
fn an_edit_its_own_author_wrote_over_is_listed_on_the_laptop_it_reaches_last() {
    let mut team = Team::new(2);
    let (first, _, mine, _) = team.two_concurrent_details();
    // Laptop 0 edits the detail again, on top of laptop 1's value, and laptop 1 gets that
    // edit before laptop 0's first one (a file-sync tool delivered them out of order).
    let again = team
        .publish(Op::Edit {
            dev: 0,
            finding: 0,
            field: 0,
        })
        .unwrap();
    team.bring(1, again);
    assert!(
        team.listed_on(1, 0, "detail").is_empty(),
        "an edit made on top of laptop 1's value is no conflict"
    );
    team.bring(1, first);
    assert_eq!(
        team.listed_on(1, 0, "detail"),
        [(mine, false)],
        "laptop 1 has now seen both concurrent edits, as laptop 0 has"
    );
}

#[test]
fn a_resolution_that_reaches_a_laptop_first_lists_the_conflict_there_as_reviewed() {
    let mut team = Team::new(2);
    let (first, _, mine, _) = team.two_concurrent_details();
    // Laptop 0 keeps its own value: written again, on top of laptop 1's.
    let resolution = team
        .publish(Op::Resolve {
            dev: 0,
            pick: 0,
            theirs: false,
        })
        .unwrap();
    team.bring(1, resolution);
    assert_eq!(team.value(1, 0, 0), mine);
    team.bring(1, first);
    assert_eq!(
        team.listed_on(1, 0, "detail"),
        [(mine, true)],
        "listed, as reviewed: laptop 0 settled it"
    );
    assert!(conflicts(&team.laptops[1], false).unwrap().is_empty());
    let listed = conflicts(&team.laptops[1], true).unwrap();
    assert_eq!(listed[0].reviewed_by.as_deref(), Some("调查员0"));
}

#[test]
fn a_version_relayed_by_a_laptop_where_it_won_still_conflicts_with_the_one_it_beat() {
    let mut team = Team::new(3);
    let (first, _, mine, _) = team.two_concurrent_details();
    // Laptop 0 edits another field of the finding: its next bundle carries the finding whole,
    // laptop 1's detail with it (the value laptop 0 holds).
    let relayed = team
        .publish(Op::Edit {
            dev: 0,
            finding: 0,
            field: 1,
        })
        .unwrap();
    team.bring(2, first);
    team.bring(2, relayed);
    assert_eq!(
        team.listed_on(2, 0, "detail"),
        [(mine, false)],
        "laptop 1's detail was not made on top of laptop 0's, whoever passes it on"
    );
}

#[test]
fn keeping_mine_on_a_conflict_between_two_colleagues_keeps_what_this_laptop_holds_now() {
    let mut team = Team::new(3);
    let (first, second, mine, theirs) = team.two_concurrent_details();
    team.bring(2, first);
    team.bring(2, second);
    assert_eq!(team.listed_on(2, 0, "detail"), [(mine, false)]);
    // Laptop 1 edits the detail again, knowingly; laptop 2 takes it in before reviewing.
    let later = team
        .publish(Op::Edit {
            dev: 1,
            finding: 0,
            field: 0,
        })
        .unwrap();
    team.bring(2, later);
    let now = team.value(2, 0, 0);
    assert_ne!(now, theirs);
    let seq = conflicts(&team.laptops[2], false).unwrap()[0].seq;
    let done = resolve(&mut team.laptops[2], seq, Keep::Mine).unwrap();
    assert_eq!(done, zoufang::bundle::Resolution::KeptAsIs);
    assert_eq!(team.value(2, 0, 0), now, "the later edit is not undone");
}

#[test]
fn one_laptops_edits_arriving_out_of_order_are_no_conflict() {
    let mut team = Team::new(2);
    let edit = Op::Edit {
        dev: 0,
        finding: 0,
        field: 0,
    };
    let first = team.publish(edit).unwrap();
    let second = team.publish(edit).unwrap();
    team.bring(1, second);
    team.bring(1, first);
    assert_eq!(team.value(1, 0, 0), team.value(0, 0, 0));
    assert!(conflicts(&team.laptops[1], true).unwrap().is_empty());
}

#[test]
fn a_resolution_taken_in_a_sync_before_the_version_it_kept_is_listed_as_reviewed() {
    let mut team = Team::new(3);
    let (first, second, mine, _) = team.two_concurrent_details();
    let resolution = team
        .publish(Op::Resolve {
            dev: 0,
            pick: 0,
            theirs: false,
        })
        .unwrap();
    // Laptop 2 takes the resolution in, then (a later sync) laptop 0's first edit, whose value
    // it kept: what laptop 2 holds was made on laptop 1's value, as laptop 0's history says,
    // though laptop 2 never held that value.
    team.bring(2, resolution);
    team.bring(2, first);
    team.bring(2, second);
    assert_eq!(team.listed_on(2, 0, "detail"), [(mine, true)]);
}
