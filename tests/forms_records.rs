//! Forms, responses and answers as records: a template imported once however often, a
//! response saved and read back with its repeat rows, refused when it breaks a rule, and a
//! failing checklist item raising exactly one problem; forms, responses and answers carried in
//! bundles, answers merging one by one between two laptops.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::{export_all, import_files, laptop};
use serde_json::json;
use zoufang::bundle::{ExportFilter, conflicts, export, no_progress};
use zoufang::forms::record::import_builtin;
use zoufang::forms::response::{add_response, answers_of, edit_response};
use zoufang::forms::{Answer, Answers, FormError, answers_from_json};
use zoufang::model::ResponseId;
use zoufang::model::{Finding, Visit};
use zoufang::store::{Outcome, ResponseFilter, Store};

fn now() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn store_with_visit() -> (Store, Visit) {
    let mut store = Store::open_in_memory().unwrap();
    store.set_author("王敏").unwrap();
    let visit = Visit::new(
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        "幸福里养老院",
    );
    store.save_visit(&visit).unwrap();
    (store, visit)
}

fn care_home() -> Answers {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/forms/elderly-care-answers.json"),
    )
    .unwrap();
    answers_from_json(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn household() -> Answers {
    answers_from_json(&json!({
        "head_name": "李大爷", "phone": "13800138000", "address": "城关镇东街 5 号", "member_count": 2,
        "members": [
            {"m_name": "李大爷", "m_relation": "self", "m_age": 72, "m_health": "chronic", "m_work": "retired"},
            {"m_name": "李小明", "m_relation": "grandchild", "m_age": 12, "m_health": "healthy"}
        ],
        "income_year": 12000, "medical_costs": 8000.5, "housing": "c_grade",
        "aid_received": "none", "difficulty": "illness other", "requests": "希望纳入低保", "needs_help": "no"
    }))
    .unwrap()
}

#[test]
fn the_same_workbook_imported_twice_is_one_form_record() {
    let (mut store, _) = store_with_visit();
    let first = import_builtin(&mut store, "care_home_safety", None).unwrap();
    assert_eq!(first.outcome, Outcome::Created);
    let again = import_builtin(&mut store, "养老机构安全检查表", None).unwrap();
    assert_eq!(again.outcome, Outcome::Unchanged);
    assert_eq!(again.form.id, first.form.id);
    assert_eq!(store.forms().unwrap().len(), 1);
    assert_eq!(
        store.resolve_form("care_home_safety").unwrap().id,
        first.form.id
    );
    assert_eq!(
        store.form_workbook(&first.form).unwrap(),
        zoufang::forms::builtin::template("care_home_safety")
            .unwrap()
            .1
    );
}

#[test]
fn a_response_is_saved_answer_by_answer_and_read_back_with_its_rows() {
    let (mut store, visit) = store_with_visit();
    let form = import_builtin(&mut store, "household_visit", None)
        .unwrap()
        .form;
    let saved = add_response(&mut store, &form, visit.id, household(), now()).unwrap();
    let back = answers_of(&store, saved.id).unwrap();
    assert_eq!(back.answers["head_name"], Answer::Text("李大爷".into()));
    let Answer::Rows(rows) = &back.answers["members"] else {
        panic!("members is not a repeat: {:?}", back.answers["members"]);
    };
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["m_name"], Answer::Text("李大爷".into()));
    assert_eq!(rows[1]["m_name"], Answer::Text("李小明".into()));
    assert_eq!(back.rows["members"].len(), 2);
    // Metadata filled by this laptop.
    assert_eq!(back.answers["username"], Answer::Text("王敏".into()));
    let listed = store
        .responses(&ResponseFilter {
            visit: Some(visit.id),
            ..ResponseFilter::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].form, form.id);

    // Editing one answer (an hour later) rewrites that answer only: the rows keep their ids,
    // the metadata stays as filled.
    let edited = edit_response(
        &mut store,
        saved.id,
        Answers::from([("address".into(), Answer::Text("城关镇西街 8 号".into()))]),
        now() + chrono::Duration::hours(1),
    )
    .unwrap();
    assert_eq!(edited.id, saved.id);
    let after = answers_of(&store, saved.id).unwrap();
    assert_eq!(
        after.answers["address"],
        Answer::Text("城关镇西街 8 号".into())
    );
    assert_eq!(after.rows, back.rows);
    assert_eq!(after.answers["end"], back.answers["end"]);
}

#[test]
fn a_response_breaking_the_forms_rules_is_refused_and_nothing_is_written() {
    let (mut store, visit) = store_with_visit();
    let form = import_builtin(&mut store, "care_home_safety", None)
        .unwrap()
        .form;
    let before = store.digest().unwrap();
    let mut bad = care_home();
    bad.insert("residents".into(), Answer::Text("5000".into()));
    bad.remove("inst_name");
    let Err(FormError::Response(violations)) =
        add_response(&mut store, &form, visit.id, bad, now())
    else {
        panic!("a bad response was saved");
    };
    let names: Vec<&str> = violations.iter().map(|v| v.question.as_str()).collect();
    assert!(
        names.contains(&"residents") && names.contains(&"inst_name"),
        "{names:?}"
    );
    assert_eq!(store.digest().unwrap(), before);
}

#[test]
fn a_failing_checklist_item_raises_one_problem_across_resaves() {
    let (mut store, visit) = store_with_visit();
    let form = import_builtin(&mut store, "care_home_safety", None)
        .unwrap()
        .form;
    let saved = add_response(&mut store, &form, visit.id, care_home(), now()).unwrap();
    assert_eq!(saved.findings_created.len(), 1, "extinguishers out of date");
    let finding: Finding = store.finding(saved.findings_created[0]).unwrap();
    assert_eq!(finding.visit_id, visit.id);
    assert_eq!(finding.response_id, Some(saved.id));
    assert_eq!(finding.question.as_deref(), Some("extinguishers_ok"));
    assert!(!finding.topics.is_empty(), "filed under the form's topics");

    // Saved again with the item still failing: no second problem.
    let again = edit_response(
        &mut store,
        saved.id,
        Answers::from([("remarks".into(), Answer::Text("复查".into()))]),
        now(),
    )
    .unwrap();
    assert!(again.findings_created.is_empty());
    // Fixed: the problem stays, and says its item now passes.
    edit_response(
        &mut store,
        saved.id,
        Answers::from([("extinguishers_ok".into(), Answer::Text("yes".into()))]),
        now(),
    )
    .unwrap();
    let finding = store.finding(saved.findings_created[0]).unwrap();
    assert!(!finding.meta.is_deleted());
    assert_eq!(
        zoufang::forms::response::checklist_still_fails(&store, &finding, now()),
        Some(false)
    );
}

/// Laptop A with a care-home checklist filled on a visit; laptop B holds a copy (imported).
fn two_laptops(dir: &std::path::Path, extinguishers: &str) -> (Store, Store, ResponseId) {
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let visit = Visit::new(
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        "幸福里养老院",
    );
    a.save_visit(&visit).unwrap();
    let form = import_builtin(&mut a, "care_home_safety", None)
        .unwrap()
        .form;
    let mut answers = care_home();
    answers.insert(
        "extinguishers_ok".into(),
        Answer::Text(extinguishers.into()),
    );
    let saved = add_response(&mut a, &form, visit.id, answers, now()).unwrap();
    let bundle = export_all(&a, dir, "a0.zfb");
    import_files(&mut b, &[bundle]);
    (a, b, saved.id)
}

fn edit(
    store: &mut Store,
    id: ResponseId,
    name: &str,
    value: &str,
) -> Vec<zoufang::model::FindingId> {
    edit_response(
        store,
        id,
        Answers::from([(name.to_owned(), Answer::Text(value.to_owned()))]),
        now(),
    )
    .unwrap()
    .findings_created
}

/// Each laptop imports the other's bundle.
fn exchange(a: &mut Store, b: &mut Store, dir: &std::path::Path, round: &str) {
    let from_a = export_all(a, dir, &format!("a{round}.zfb"));
    let from_b = export_all(b, dir, &format!("b{round}.zfb"));
    import_files(a, &[from_b]);
    import_files(b, &[from_a]);
}

#[test]
fn a_bundle_of_a_visit_carries_its_responses_answers_and_form_with_its_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, visit) = store_with_visit();
    let other = Visit::new(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), "别处");
    a.save_visit(&other).unwrap();
    let form = import_builtin(&mut a, "household_visit", None)
        .unwrap()
        .form;
    let saved = add_response(&mut a, &form, visit.id, household(), now()).unwrap();
    let path = dir.path().join("visit.zfb");
    let filter = ExportFilter {
        since: NaiveDate::from_ymd_opt(2026, 1, 1),
        ..ExportFilter::default()
    };
    let summary = export(&a, &filter, &path, &mut no_progress()).unwrap();
    assert_eq!(summary.counts["form"], 1);
    assert_eq!(summary.counts["response"], 1);
    let mut b = laptop("李强");
    import_files(&mut b, std::slice::from_ref(&path));
    let copy = b.resolve_form("household_visit").unwrap();
    assert_eq!(copy.definition, form.definition);
    assert_eq!(
        b.form_workbook(&copy).unwrap(),
        a.form_workbook(&form).unwrap()
    );
    assert_eq!(
        answers_of(&b, saved.id).unwrap(),
        answers_of(&a, saved.id).unwrap()
    );
    // Importing it again changes nothing.
    let before = b.records_digest().unwrap();
    let report = import_files(&mut b, &[path]);
    assert_eq!(report.totals.added + report.totals.updated, 0);
    assert_eq!(b.records_digest().unwrap(), before);
}

#[test]
fn different_answers_edited_on_two_laptops_merge_without_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = two_laptops(dir.path(), "yes");
    edit(&mut a, id, "remarks", "王敏：已复查");
    edit(&mut b, id, "inst_name", "幸福里颐养院");
    exchange(&mut a, &mut b, dir.path(), "1");
    assert!(conflicts(&a, true).unwrap().is_empty());
    assert!(conflicts(&b, true).unwrap().is_empty());
    for store in [&a, &b] {
        let answers = answers_of(store, id).unwrap().answers;
        assert_eq!(answers["remarks"], Answer::Text("王敏：已复查".into()));
        assert_eq!(answers["inst_name"], Answer::Text("幸福里颐养院".into()));
    }
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
}

#[test]
fn the_same_answer_edited_on_two_laptops_is_one_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = two_laptops(dir.path(), "yes");
    edit(&mut a, id, "remarks", "甲的备注");
    edit(&mut b, id, "remarks", "乙的备注");
    exchange(&mut a, &mut b, dir.path(), "1");
    let found = conflicts(&a, true).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].field, "value");
    assert_eq!(conflicts(&b, true).unwrap().len(), 1);
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
    // Resolved like any field: laptop A keeps its own answer, and B has it once synced.
    zoufang::bundle::resolve(&mut a, found[0].seq, zoufang::bundle::Keep::Mine).unwrap();
    let mine = Answer::Text("甲的备注".into());
    assert_eq!(answers_of(&a, id).unwrap().answers["remarks"], mine);
    exchange(&mut a, &mut b, dir.path(), "2");
    assert_eq!(answers_of(&b, id).unwrap().answers["remarks"], mine);
}

#[test]
fn a_checklist_item_failing_on_two_laptops_raises_one_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = two_laptops(dir.path(), "yes");
    let on_a = edit(&mut a, id, "extinguishers_ok", "no");
    let on_b = edit(&mut b, id, "extinguishers_ok", "no");
    assert_eq!(on_a.len(), 1);
    assert_eq!(on_a, on_b, "the same problem, by id");
    exchange(&mut a, &mut b, dir.path(), "1");
    exchange(&mut a, &mut b, dir.path(), "2");
    for store in [&a, &b] {
        let raised: Vec<Finding> = store
            .list_findings(
                &zoufang::store::FindingFilter::default(),
                zoufang::store::FindingSort::default(),
                true,
                zoufang::store::Page {
                    offset: 0,
                    limit: 100,
                },
            )
            .unwrap()
            .into_iter()
            .map(|row| row.finding)
            .filter(|f| f.response_id == Some(id))
            .collect();
        assert_eq!(raised.len(), 1);
    }
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
}

#[test]
fn a_bundle_whose_answer_does_not_fit_its_form_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, visit) = store_with_visit();
    let form = import_builtin(&mut a, "care_home_safety", None)
        .unwrap()
        .form;
    let mut answers = care_home();
    answers.insert("residents".into(), Answer::Text("137".into()));
    add_response(&mut a, &form, visit.id, answers, now()).unwrap();
    let good = export_all(&a, dir.path(), "good.zfb");
    let bad = dir.path().join("bad.zfb");
    common::tamper(&good, &bad, |entries| {
        let (_, bytes) = entries
            .iter_mut()
            .find(|(name, _)| name.contains("answer"))
            .unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.matches("\"137\"").count(), 1);
        *bytes = text.replace("\"137\"", "\"many\"").into_bytes();
    });
    let mut b = laptop("李强");
    let before = b.digest().unwrap();
    let err = zoufang::bundle::import(
        &mut b,
        &[bad],
        &zoufang::bundle::ImportOptions::default(),
        &mut no_progress(),
    )
    .unwrap_err();
    let message = zoufang::i18n::Localized::localized(&err, zoufang::i18n::Lang::En);
    assert!(
        message.contains("answer") && message.contains("value") && message.contains("many"),
        "{message}"
    );
    assert_eq!(b.digest().unwrap(), before);
}

#[test]
fn a_bundle_of_a_subject_hands_its_forms_to_the_team() {
    let dir = tempfile::tempdir().unwrap();
    let mut lead = laptop("组长");
    let subject = zoufang::model::Subject {
        title: "养老机构安全生产专项调研".into(),
        ..Default::default()
    };
    lead.save_subject(&subject).unwrap();
    let form = import_builtin(&mut lead, "care_home_safety", Some(subject.id))
        .unwrap()
        .form;
    import_builtin(&mut lead, "visit_satisfaction", None).unwrap();
    let path = dir.path().join("subject.zfb");
    let filter = ExportFilter {
        subject: Some(subject.id),
        ..ExportFilter::default()
    };
    export(&lead, &filter, &path, &mut no_progress()).unwrap();
    let mut member = laptop("王敏");
    import_files(&mut member, &[path]);
    let forms = member.forms().unwrap();
    assert_eq!(forms.len(), 1, "only the subject's form");
    assert_eq!(forms[0].id, form.id);
    assert_eq!(forms[0].subject_id, Some(subject.id));
}

#[test]
fn a_removed_repeat_row_is_its_answers_in_the_trash_and_the_other_row_keeps_its_id() {
    let (mut store, visit) = store_with_visit();
    let form = import_builtin(&mut store, "household_visit", None)
        .unwrap()
        .form;
    let saved = add_response(&mut store, &form, visit.id, household(), now()).unwrap();
    let before = answers_of(&store, saved.id).unwrap();
    let Answer::Rows(rows) = &before.answers["members"] else {
        panic!("no rows");
    };
    let first_only = Answers::from([
        ("members".to_owned(), Answer::Rows(vec![rows[0].clone()])),
        ("member_count".to_owned(), Answer::Text("1".into())),
    ]);
    edit_response(&mut store, saved.id, first_only, now()).unwrap();
    let after = answers_of(&store, saved.id).unwrap();
    assert_eq!(after.rows["members"], before.rows["members"][..1]);
    let removed_row = &before.rows["members"][1];
    let gone: Vec<_> = store
        .all_answers(saved.id)
        .unwrap()
        .into_iter()
        .filter(|a| a.path.contains(removed_row.as_str()))
        .collect();
    assert!(!gone.is_empty() && gone.iter().all(|a| a.meta.is_deleted()));
}

#[test]
fn a_bundle_moving_a_response_to_another_form_or_answering_under_a_wrong_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = two_laptops(dir.path(), "yes");
    let other = import_builtin(&mut a, "visit_satisfaction", None)
        .unwrap()
        .form;
    let form = a.response(id).unwrap().form;
    let good = export_all(&a, dir.path(), "good.zfb");
    import_files(&mut b, std::slice::from_ref(&good));
    let before = b.digest().unwrap();
    let moved = dir.path().join("moved.zfb");
    common::tamper(&good, &moved, |entries| {
        let (_, bytes) = entries
            .iter_mut()
            .find(|(name, _)| name.contains("response"))
            .unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        *bytes = text
            .replace(&form.to_string(), &other.id.to_string())
            .into_bytes();
    });
    let import = |store: &mut Store, path: &std::path::Path| {
        zoufang::bundle::import(
            store,
            &[path.to_owned()],
            &zoufang::bundle::ImportOptions::default(),
            &mut no_progress(),
        )
        .map(|_| ())
        .map_err(|e| zoufang::i18n::Localized::localized(&e, zoufang::i18n::Lang::En))
    };
    let message = import(&mut b, &moved).unwrap_err();
    assert!(
        message.contains("response") && message.contains("form"),
        "{message}"
    );
    assert_eq!(b.digest().unwrap(), before);

    // An answer record under an id its response and path do not give.
    let renamed = dir.path().join("renamed.zfb");
    common::tamper(&good, &renamed, |entries| {
        let (_, bytes) = entries
            .iter_mut()
            .find(|(name, _)| name.contains("answer"))
            .unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        *bytes = text
            .replacen("\"remarks\"", "\"hazard_details\"", 1)
            .into_bytes();
    });
    let message = import(&mut b, &renamed).unwrap_err();
    assert!(
        message.contains("answer") && message.contains("path"),
        "{message}"
    );
    assert_eq!(b.digest().unwrap(), before);
}
