//! Forms, responses and answers as records: a template imported once however often, a
//! response saved and read back with its repeat rows, refused when it breaks a rule, and a
//! failing checklist item raising exactly one problem.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use serde_json::json;
use zoufang::forms::record::import_builtin;
use zoufang::forms::response::{add_response, answers_of, edit_response};
use zoufang::forms::{Answer, Answers, FormError, answers_from_json};
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

    // Editing one answer rewrites that answer only; the rows keep their ids.
    let edited = edit_response(
        &mut store,
        saved.id,
        Answers::from([("address".into(), Answer::Text("城关镇西街 8 号".into()))]),
        now(),
    )
    .unwrap();
    assert_eq!(edited.id, saved.id);
    let after = answers_of(&store, saved.id).unwrap();
    assert_eq!(
        after.answers["address"],
        Answer::Text("城关镇西街 8 号".into())
    );
    assert_eq!(after.rows, back.rows);
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
