//! The three built-in templates (assets/forms/) load, accept a good response, raise the
//! checklist's findings, and refuse bad responses naming the question.
#![allow(clippy::unwrap_used)]

use serde_json::json;
use std::path::PathBuf;
use zoufang::forms::{
    Answer, Checked, FormDefinition, FormError, Validator, answers_from_json, read_file,
};
use zoufang::i18n::{Lang, Localized};

fn template(name: &str) -> FormDefinition {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/forms")
        .join(name);
    match read_file(&path) {
        Ok(def) => def,
        Err(e) => panic!("{name}:\n{}", e.localized(Lang::En)),
    }
}

fn now() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn accept(def: &FormDefinition, answers: &serde_json::Value) -> Checked {
    let answers = answers_from_json(answers).unwrap();
    match Validator::new(def, now()).validate(&answers) {
        Ok(checked) => checked,
        Err(e) => panic!("refused:\n{}", e.localized(Lang::Zh)),
    }
}

/// The Chinese messages of a refused response.
fn refuse(def: &FormDefinition, answers: &serde_json::Value) -> Vec<String> {
    let answers = answers_from_json(answers).unwrap();
    match Validator::new(def, now()).validate(&answers) {
        Ok(_) => panic!("accepted"),
        Err(FormError::Response(vs)) => vs.iter().map(|v| v.localized(Lang::Zh)).collect(),
        Err(other) => panic!("{other:?}"),
    }
}

fn care_home_answers() -> serde_json::Value {
    json!({
        "inst_name": "幸福里养老院", "inst_kind": "nursing_home", "residents": 120, "caregivers": 30,
        "ratio_ok": "yes", "extinguishers_ok": "no", "exits_clear": "yes", "drill_done": "yes",
        "drill_date": "2026-10-01", "wiring_ok": "yes", "gas_ok": "yes", "samples_kept": "yes",
        "has_lift": "no", "files_complete": "yes", "plan_in_place": "yes", "other_hazards": "none",
        "location": "30.59 114.30", "remarks": "灭火器已过期两个月"
    })
}

#[test]
fn the_care_home_checklist_raises_one_finding_per_failing_item() {
    let def = template("养老机构安全检查表.xlsx");
    assert_eq!(
        (def.form_id.as_str(), def.version.as_str()),
        ("care_home_safety", "2026120101")
    );
    assert_eq!(def.title, "养老机构安全检查表");
    let checked = accept(&def, &care_home_answers());
    assert_eq!(
        checked.answers["residents_per_caregiver"],
        Answer::Text("4".into())
    );
    assert_eq!(checked.findings.len(), 1, "{:?}", checked.findings);
    let f = &checked.findings[0];
    assert_eq!(f.question, "extinguishers_ok");
    assert_eq!(f.title_zh, "灭火器过期或失效");
    assert_eq!(f.category.as_deref(), Some("immediate"));
    assert_eq!(
        f.topics,
        vec!["safety".to_owned(), "elderly-care".to_owned()]
    );
}

#[test]
fn the_care_home_checklist_refuses_bad_answers_naming_the_question() {
    let def = template("养老机构安全检查表.xlsx");
    let mut bad = care_home_answers();
    bad["residents"] = json!(5000);
    bad["lift_inspected"] = json!("yes");
    bad["inst_name"] = json!("");
    bad["drill_date"] = json!("2027-01-01");
    let messages = refuse(&def, &bad);
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「机构名称」") && m.contains("必答")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「在住老人数」：在住老人数应在 0 至 2000 之间")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「特种设备是否在检验有效期内」") && m.contains("不适用")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("演练日期不能晚于今天")),
        "{messages:#?}"
    );
}

fn household_answers() -> serde_json::Value {
    json!({
        "head_name": "张大爷", "phone": "13800138000", "address": "城关镇幸福村 3 组", "member_count": 2,
        "members": [
            {"m_name": "张大爷", "m_relation": "self", "m_age": 72, "m_health": "chronic", "m_work": "retired"},
            {"m_name": "张小明", "m_relation": "grandchild", "m_age": 12, "m_health": "healthy"}
        ],
        "income_year": 12000, "medical_costs": 8000.5, "housing": "c_grade",
        "aid_received": "none", "difficulty": "illness other", "requests": "希望纳入低保", "needs_help": "yes"
    })
}

#[test]
fn the_household_form_computes_over_its_repeat_and_raises_the_follow_up_finding() {
    let def = template("困难群众大走访入户调查表.xlsx");
    let checked = accept(&def, &household_answers());
    assert_eq!(checked.answers["elderly_count"], Answer::Text("1".into()));
    let Answer::Rows(rows) = &checked.answers["members"] else {
        panic!("rows")
    };
    assert_eq!(rows[0]["m_elderly"], Answer::Text("1".into()));
    let raised: Vec<&str> = checked
        .findings
        .iter()
        .map(|f| f.question.as_str())
        .collect();
    assert_eq!(raised, vec!["needs_help"]);
    let mut d_grade = household_answers();
    d_grade["housing"] = json!("d_grade");
    d_grade["needs_help"] = json!("no");
    let raised: Vec<String> = accept(&def, &d_grade)
        .findings
        .into_iter()
        .map(|f| f.title_zh)
        .collect();
    assert_eq!(raised, vec!["住房为危房或无房".to_owned()]);
}

#[test]
fn the_household_form_refuses_rows_and_answers_that_break_its_rules() {
    let def = template("困难群众大走访入户调查表.xlsx");
    let mut bad = household_answers();
    bad["phone"] = json!("12345");
    bad["members"][1]["m_work"] = json!("student");
    bad["aid_received"] = json!("none dibao");
    let messages = refuse(&def, &bad);
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「联系电话」：请填写 11 位手机号码")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「就业状况」（第 2 行）") && m.contains("不适用")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「已享受的救助」：“无”不能与其他救助同选")),
        "{messages:#?}"
    );
    let mut short = household_answers();
    short["member_count"] = json!(3);
    let messages = refuse(&def, &short);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「家庭成员」") && m.contains("应有 3 行")),
        "{messages:#?}"
    );
}

#[test]
fn the_satisfaction_questionnaire_requires_a_reason_when_dissatisfied() {
    let def = template("走访群众满意度问卷.xlsx");
    let good = json!({"attitude": "4", "efficiency": "5", "policy_known": "some", "overall": "4", "recommend": 9});
    let checked = accept(&def, &good);
    assert_eq!(checked.answers["score"], Answer::Text("4.33".into()));
    assert!(checked.findings.is_empty());
    let unhappy = json!({"attitude": "2", "efficiency": "3", "policy_known": "none", "overall": "2", "recommend": 11});
    let messages = refuse(&def, &unhappy);
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「不满意的原因」") && m.contains("必答")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("「愿意向亲友推荐的程度（0–10）」") && m.contains("超出范围")),
        "{messages:#?}"
    );
    let explained = json!({"attitude": "2", "efficiency": "3", "policy_known": "none", "overall": "2", "dissatisfied_reason": "排队太久"});
    let findings = accept(&def, &explained).findings;
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].topics, vec!["public-service".to_owned()]);
}

#[test]
fn an_unknown_answer_name_is_refused() {
    let def = template("走访群众满意度问卷.xlsx");
    let messages = refuse(
        &def,
        &json!({"attitude": "4", "efficiency": "5", "policy_known": "some", "overall": "4", "colour": "red"}),
    );
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(messages[0].contains("colour"));
}

#[test]
fn metadata_is_filled_by_the_device_and_groups_take_no_answer() {
    let def = template("养老机构安全检查表.xlsx");
    let mut answers = answers_from_json(&care_home_answers()).unwrap();
    zoufang::forms::fill_metadata(&def, &mut answers, now(), "laptop-7", "王敏");
    assert_eq!(answers["today"], Answer::Text("2026-12-01".into()));
    assert_eq!(answers["start"], Answer::Text("2026-12-01T10:00:00".into()));
    assert_eq!(answers["username"], Answer::Text("王敏".into()));
    assert!(Validator::new(&def, now()).validate(&answers).is_ok());
    answers.insert("fire".into(), Answer::Text("x".into()));
    let Err(FormError::Response(vs)) = Validator::new(&def, now()).validate(&answers) else {
        panic!("a group's answer was accepted");
    };
    assert_eq!(vs.len(), 1);
    assert_eq!(vs[0].question, "fire");
}
