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

// ---------------------------------------------------------------------------------------------
// In the window

use zoufang::store::Store;
use zoufang::ui::app::AppCommand;
use zoufang::ui::{Settings, View, ZoufangApp};

/// A database with one visit and the safety checklist imported.
fn visit_with_checklist(dir: &tempfile::TempDir) -> (std::path::PathBuf, zoufang::model::Visit) {
    let path = dir.path().join("forms.sqlite");
    let mut store = Store::open(&path).unwrap();
    store.set_author("王敏").unwrap();
    let visit = zoufang::model::Visit::new(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        "城南敬老院",
    );
    store.save_visit(&visit).unwrap();
    zoufang::forms::record::import_builtin(&mut store, "care_home_safety", None).unwrap();
    (path, visit)
}

fn window(path: &std::path::Path, lang: Lang, command: AppCommand) -> Harness<'static, ZoufangApp> {
    let settings = Settings {
        lang,
        ..Settings::default()
    };
    let mut app = ZoufangApp::new(settings, path.to_owned());
    app.command(command);
    let mut h = Harness::builder()
        .with_size([1280.0, 3200.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app);
    h.run();
    h
}

#[test]
fn a_failing_item_of_the_safety_checklist_becomes_a_problem_on_the_problem_list() {
    let dir = tempfile::tempdir().unwrap();
    let (path, visit) = visit_with_checklist(&dir);
    let mut h = window(&path, Lang::Zh, AppCommand::OpenVisit(visit.id));
    h.get_by_label("填写问卷/检查表").click();
    h.run();
    assert!(shows(&h, "养老机构安全检查表"));
    type_into_app(&mut h, "机构名称", "城南敬老院");
    choose_app(&mut h, "灭火器是否在有效期内", "否");
    assert_eq!(h.query_all_by_label("将生成问题").count(), 1);
    // Saved as it goes, the problem raised once, on this visit, linked to the response.
    let store = h.state().store().unwrap();
    let findings = store
        .list_findings(
            &zoufang::store::FindingFilter::default(),
            zoufang::store::FindingSort::Date,
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap();
    assert_eq!(findings.len(), 1);
    let finding = &findings[0].finding;
    assert_eq!(finding.title, "灭火器过期或失效");
    assert_eq!(finding.visit_id, visit.id);
    let response = finding.response_id.unwrap();
    let responses = store
        .responses(&zoufang::store::ResponseFilter::default())
        .unwrap();
    assert_eq!(responses.len(), 1);
    assert!(!responses[0].complete);
    // "完成" lists what is still missing and keeps it incomplete.
    h.get_by_label("完成").click();
    h.run();
    assert!(
        h.query_all_by_label_contains("处需要填写或更正")
            .next()
            .is_some()
    );
    assert!(
        h.query_all_by_label_contains("在住老人数：必答题未作答")
            .next()
            .is_some()
    );
    // The problem is on the problem list; its editor links back to the response.
    h.state_mut().command(AppCommand::ShowView(View::Problems));
    h.run();
    assert!(shows(&h, "灭火器过期或失效"));
    h.state_mut().command(AppCommand::OpenFinding(finding.id));
    h.run();
    h.get_by_label("← 来源问卷").click();
    h.run();
    assert_eq!(h.state().selected_id(), Some(response.to_string()));
    assert!(shows(&h, "机构名称"));
}

fn type_into_app(h: &mut Harness<'static, ZoufangApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
    h.key_press(Key::Tab);
    h.run();
}

fn choose_app(h: &mut Harness<'static, ZoufangApp>, question: &str, choice: &str) {
    h.get_by_role_and_label(Role::Group, question)
        .get_by_role_and_label(Role::RadioButton, choice)
        .click();
    h.run();
}

#[test]
fn the_forms_view_imports_templates_lists_refusals_by_row_and_archives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("view.sqlite");
    Store::open(&path).unwrap().set_author("王敏").unwrap();
    let mut h = window(&path, Lang::En, AppCommand::ShowView(View::Forms));
    assert!(shows(
        &h,
        "No forms yet. Import an XLSForm workbook or add a built-in template."
    ));
    h.state_mut()
        .command(AppCommand::ImportBuiltinForm("visit_satisfaction".into()));
    h.run();
    assert!(shows(&h, "走访群众满意度问卷"));
    assert!(shows(&h, "visit_satisfaction"));
    // A workbook with a type nobody knows and a duplicate name is refused, row by row.
    let bad = dir.path().join("bad.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let survey = book.add_worksheet().set_name("survey").unwrap();
    for (r, row) in [
        ["type", "name", "label"],
        ["signature", "sig", "Sign"],
        ["text", "a", "A"],
        ["text", "a", "A again"],
    ]
    .iter()
    .enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            survey.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save(&bad).unwrap();
    h.state_mut().command(AppCommand::ImportForm(bad));
    h.run();
    assert!(shows(&h, "bad.xlsx was not imported: 2 problem(s)"));
    assert!(shows(&h, "sheet survey, row 2, column type"));
    assert!(h.query_all_by_label_contains("row 4").next().is_some());
    // Archived: kept, but no longer offered or listed unless asked.
    h.get_by_label("Archive").click();
    h.run();
    assert!(!shows(&h, "Archive"), "the archived form left the list");
    let forms = h.state().store().unwrap().forms().unwrap();
    assert!(forms[0].archived);
    h.get_by_label("Show archived").click();
    h.run();
    assert!(shows(&h, "走访群众满意度问卷（archived）"));
    assert!(shows(&h, "Unarchive"));
}

#[test]
fn the_forms_view_shows_a_forms_responses_and_counts_them_in_its_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.sqlite");
    let mut store = Store::open(&path).unwrap();
    store.set_author("王敏").unwrap();
    let form = zoufang::forms::record::import_builtin(&mut store, "visit_satisfaction", None)
        .unwrap()
        .form;
    for (i, overall) in ["1", "1", "4"].iter().enumerate() {
        let mut visit = zoufang::model::Visit::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 10 + i as u32).unwrap(),
            format!("第{i}户"),
        );
        visit.investigators = vec!["李强".into()];
        store.save_visit(&visit).unwrap();
        let answers = Answers::from([(
            "overall".to_owned(),
            zoufang::forms::Answer::Text((*overall).to_owned()),
        )]);
        zoufang::forms::response::save_progress(
            &mut store,
            &form,
            zoufang::model::ResponseId::new(),
            visit.id,
            answers,
            false,
            now(),
        )
        .unwrap();
    }
    drop(store);
    let mut h = window(&path, Lang::Zh, AppCommand::ShowView(View::Forms));
    h.get_by_label("走访群众满意度问卷").click();
    h.run();
    assert!(shows(&h, "共 3 份答卷"));
    // The two very dissatisfied answers raised problems under the form's topic.
    h.get_by_role_and_label(Role::ComboBox, "专题").click();
    h.run();
    // The popup's entry (the forms list names the topic too, as a label), scrolled to.
    h.get_by_role_and_label(Role::Button, "政务服务")
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::Button, "政务服务").click();
    h.run();
    assert!(
        shows(&h, "共 2 份答卷"),
        "the topic filter keeps the visits with its problems"
    );
    h.get_by_role_and_label(Role::ComboBox, "专题").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "全部").click();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "完成情况").click();
    h.run();
    h.get_by_label("已完成").click();
    h.run();
    assert!(
        shows(&h, "共 0 份答卷"),
        "the filter leaves out incomplete responses"
    );
    h.get_by_label("结果").click();
    h.run();
    h.get_by_role_and_label(Role::Meter, "很不满意：2（67%）");
    h.get_by_role_and_label(Role::Meter, "满意：1（33%）");
    // The Summary view has a section for the forms of its filter.
    h.state_mut().command(AppCommand::ShowView(View::Summary));
    for _ in 0..500 {
        h.run();
        if !h.state().is_busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    h.get_by_label("走访群众满意度问卷（3 份答卷）").click();
    h.run();
    h.get_by_role_and_label(Role::Meter, "很不满意：2（67%）");
}

#[test]
fn tab_moves_to_the_next_question_and_space_chooses() {
    let mut h = filling(template("care_home_safety"), Lang::Zh);
    type_into(&mut h, "机构名称", "城南敬老院");
    h.key_press(Key::Tab);
    h.run();
    assert_eq!(
        h.state().kept().get("inst_name").unwrap().text(),
        "城南敬老院"
    );
    // The next question's first choice has the focus; Space chooses it.
    let first = h
        .get_by_role_and_label(Role::Group, "机构类型")
        .get_by_role_and_label(Role::RadioButton, "养老院")
        .is_focused();
    assert!(first, "Tab lands on the next question");
    h.key_press(Key::Space);
    h.run();
    assert_eq!(
        h.state().kept().get("inst_kind").unwrap().text(),
        "nursing_home"
    );
}
