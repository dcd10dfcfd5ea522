//! Forms in the window as a user drives them, headless (egui_kittest): the renderer's live
//! relevance, messages shown once a question was touched, repeats gaining and losing rows, and
//! a failing checklist item marked as it is answered.
#![allow(clippy::unwrap_used)]

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use zoufang::forms::{Answers, FormDefinition, builtin};
use zoufang::i18n::Lang;
use zoufang::ui::fonts;
use zoufang::ui::forms::FormFill;

fn now() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn template(name: &str) -> Arc<FormDefinition> {
    let (id, bytes) = builtin::template(name).unwrap();
    Arc::new(zoufang::forms::read_workbook(bytes.to_vec(), id).unwrap())
}

/// The renderer alone, in a window tall enough to show a whole template.
fn filling(def: Arc<FormDefinition>, lang: Lang) -> Harness<'static, FormFill> {
    let fill = FormFill::new(def, Answers::new(), now());
    let mut h = Harness::builder()
        .with_size([900.0, 3000.0])
        .with_max_steps(8)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(
            move |ui, fill: &mut FormFill| {
                fill.ui(ui, lang);
            },
            fill,
        );
    h.run();
    h
}

/// Chooses `choice` in the question labelled `question`.
fn choose(h: &mut Harness<'static, FormFill>, question: &str, choice: &str) {
    h.get_by_role_and_label(Role::Group, question)
        .get_by_role_and_label(Role::RadioButton, choice)
        .click();
    h.run();
}

/// Types `text` into the field labelled `label` without leaving it.
fn type_into(h: &mut Harness<'static, FormFill>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

fn shows<S>(h: &Harness<'static, S>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

#[test]
fn relevance_hides_and_shows_a_question_as_answers_change() {
    let mut h = filling(template("care_home_safety"), Lang::Zh);
    assert!(shows(&h, "近半年是否开展应急演练"));
    assert!(!shows(&h, "最近一次演练日期"));
    choose(&mut h, "近半年是否开展应急演练", "是");
    assert!(shows(&h, "最近一次演练日期"));
    choose(&mut h, "近半年是否开展应急演练", "否");
    assert!(!shows(&h, "最近一次演练日期"));
    assert!(!h.state().kept().contains_key("drill_date"));
}

#[test]
fn a_constraint_message_appears_only_after_the_question_was_touched() {
    let mut h = filling(template("care_home_safety"), Lang::Zh);
    let message = "在住老人数应在 0 至 2000 之间";
    type_into(&mut h, "在住老人数", "3000");
    assert!(!shows(&h, message), "not while typing");
    assert!(
        h.state().kept().get("residents").is_none(),
        "nothing committed per keystroke"
    );
    h.key_press(Key::Tab);
    h.run();
    assert!(shows(&h, message), "shown once the field is left");
    assert_eq!(h.state().kept().get("residents").unwrap().text(), "3000");
    // Untouched required questions say nothing until the user tries to finish.
    assert!(!shows(&h, "必答题未作答"));
    let missing = h.state_mut().finish(Lang::Zh);
    h.run();
    assert!(missing.iter().any(|m| m.starts_with("机构名称")));
    assert!(shows(&h, "必答题未作答"));
}

#[test]
fn a_failing_checklist_item_is_marked_as_it_is_answered() {
    let mut h = filling(template("care_home_safety"), Lang::Zh);
    assert!(!shows(&h, "将生成问题"));
    choose(&mut h, "灭火器是否在有效期内", "否");
    assert_eq!(h.query_all_by_label("将生成问题").count(), 1);
    let failing = h.state().failing_items();
    assert_eq!(failing.len(), 1);
    assert_eq!(failing[0].title_zh, "灭火器过期或失效");
    choose(&mut h, "灭火器是否在有效期内", "是");
    assert!(!shows(&h, "将生成问题"));
}

/// A form with a repeat the user sizes by hand.
fn visits_form() -> Arc<FormDefinition> {
    let json = serde_json::json!({
        "form_id": "rooms", "title": "Rooms", "version": "1",
        "questions": [
            {"name": "rooms", "kind": "repeat", "label": {"": "Rooms"}, "row": 2, "children": [
                {"name": "room", "kind": "text", "label": {"": "Room number"}, "row": 3},
                {"name": "beds", "kind": "integer", "label": {"": "Beds"}, "row": 4}
            ]},
            {"name": "beds_total", "kind": "calculate", "label": {"": "Beds in all"},
             "calculation": "sum(${beds})", "row": 6}
        ],
        "choices": {}
    });
    Arc::new(serde_json::from_value(json).unwrap())
}

#[test]
fn a_repeat_gains_and_loses_rows() {
    let mut h = filling(visits_form(), Lang::En);
    assert_eq!(h.query_all_by_label("Room number").count(), 0);
    h.get_by_label("+ Add a row (Rooms)").click();
    h.run();
    h.get_by_label("+ Add a row (Rooms)").click();
    h.run();
    assert_eq!(
        h.query_all_by_role_and_label(Role::TextInput, "Beds")
            .count(),
        2
    );
    for (i, beds) in ["2", "3"].iter().enumerate() {
        let field = h
            .query_all_by_role_and_label(Role::TextInput, "Beds")
            .nth(i)
            .unwrap();
        field.focus();
        h.run();
        h.query_all_by_role_and_label(Role::TextInput, "Beds")
            .nth(i)
            .unwrap()
            .type_text(beds);
        h.run();
        h.key_press(Key::Tab);
        h.run();
    }
    assert_eq!(h.state().computed().get("beds_total").unwrap().text(), "5");
    assert!(shows(&h, "5"), "the calculation is shown read-only");
    h.get_by_label("Remove row 1").click();
    h.run();
    assert_eq!(
        h.query_all_by_role_and_label(Role::TextInput, "Beds")
            .count(),
        1
    );
    assert_eq!(h.state().computed().get("beds_total").unwrap().text(), "3");
}

#[test]
fn the_results_chart_counts_the_answers() {
    use zoufang::forms::Answer;
    let def = template("care_home_safety");
    let responses: Vec<Answers> = ["no", "no", "yes"]
        .iter()
        .map(|v| Answers::from([("extinguishers_ok".to_owned(), Answer::Text((*v).to_owned()))]))
        .collect();
    let results = zoufang::forms::results::results(&def, &responses);
    let h = Harness::builder()
        .with_size([900.0, 3000.0])
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui(move |ui| {
            zoufang::ui::forms::results_ui::results_ui(ui, &def, &results, Lang::Zh);
        });
    assert!(shows(&h, "共 3 份答卷"));
    h.get_by_role_and_label(Role::Meter, "否：2（67%）");
    h.get_by_role_and_label(Role::Meter, "是：1（33%）");
}
