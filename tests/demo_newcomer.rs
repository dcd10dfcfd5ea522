//! A newcomer's demo database has something in every view: no finding twice on one visit, a
//! few records in the Trash to restore, and a colleague's conflicting edit to review.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use zoufang::demo::{DemoOptions, add_a_conflict_to_review, generate};
use zoufang::store::{FindingFilter, Page, Store, VisitFilter, VisitSort};

#[test]
fn no_visit_holds_the_same_finding_twice() {
    let mut store = Store::open_in_memory().unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 300,
            seed: 7,
        },
    )
    .unwrap();
    let visits = store
        .list_visits(&VisitFilter::default(), VisitSort::Date, true, Page::ALL)
        .unwrap();
    for v in visits {
        let filter = FindingFilter {
            visit: Some(v.visit.id),
            ..FindingFilter::default()
        };
        let rows = store
            .list_findings(&filter, Default::default(), true, Page::ALL)
            .unwrap();
        let titles: HashSet<&str> = rows.iter().map(|r| r.finding.title.as_str()).collect();
        assert_eq!(
            titles.len(),
            rows.len(),
            "{}: a finding twice",
            v.visit.place
        );
    }
}

#[test]
fn the_trash_and_the_conflicts_have_something_to_try() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("demo.sqlite")).unwrap();
    let summary = generate(&mut store, DemoOptions::default()).unwrap();
    assert!((1..=3).contains(&summary.in_trash));
    assert_eq!(store.trash().unwrap().len(), summary.in_trash);
    assert_eq!(
        store.count_findings(&FindingFilter::default()).unwrap(),
        summary.findings,
        "the summary counts the live findings"
    );

    let found = add_a_conflict_to_review(&mut store).unwrap();
    assert!((1..=2).contains(&found), "{found} conflicts");
    let open = zoufang::bundle::conflicts(&store, false).unwrap();
    assert_eq!(open.len(), found);
    assert_eq!(open[0].field, "deadline");
    assert_eq!(open[0].loser_author, "李强");
}

#[test]
fn the_same_seed_gives_the_same_records() {
    let digest = || {
        let mut store = Store::open_in_memory().unwrap();
        generate(
            &mut store,
            DemoOptions {
                visits: 50,
                seed: 3,
            },
        )
        .unwrap();
        let rows = store
            .list_findings(
                &FindingFilter::default(),
                Default::default(),
                true,
                Page::ALL,
            )
            .unwrap();
        rows.iter()
            .map(|r| format!("{} {}", r.finding.id, r.finding.title))
            .collect::<Vec<_>>()
    };
    assert_eq!(digest(), digest());
}
