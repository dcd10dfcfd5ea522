//! The forms window rows (issue 17): a 300-question form's frame while typing into one of its
//! fields (≤ 4 ms), beside the visit editor's frame while typing its place.

use super::{Goal, Row, fmt_time, harness};
use anyhow::Result;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use std::time::{Duration, Instant};
use zoufang::forms::{Answers, FormDefinition};
use zoufang::i18n::Lang;
use zoufang::ui::forms::FormFill;
use zoufang::ui::{Settings, ZoufangApp, fonts};

const QUESTIONS: usize = 300;
const GOAL: Duration = Duration::from_millis(4);
const FRAMES: usize = 100;

/// A checklist-like form of `QUESTIONS` questions in groups of 30: triples of a yes/no item
/// that raises a problem on "no", a number asked after "yes" with a range constraint, and a
/// text.
fn big_form() -> Result<FormDefinition> {
    let mut groups = Vec::new();
    for g in 0..QUESTIONS / 30 {
        let mut children = Vec::new();
        for i in g * 10..(g + 1) * 10 {
            children.push(serde_json::json!({
                "name": format!("item{i}"), "kind": "select_one", "list_name": "yn",
                "label": {"": format!("Item {i}")}, "required": "yes", "row": 3 * i + 2,
                "finding": {"rule": {"choices": ["no"]}}
            }));
            children.push(serde_json::json!({
                "name": format!("count{i}"), "kind": "integer",
                "label": {"": format!("Count {i}")}, "row": 3 * i + 3,
                "relevant": format!("${{item{i}}} = 'yes'"), "constraint": ". >= 0 and . <= 120"
            }));
            children.push(serde_json::json!({
                "name": format!("note{i}"), "kind": "text",
                "label": {"": format!("Remark {i}")}, "row": 3 * i + 4
            }));
        }
        groups.push(serde_json::json!({
            "name": format!("group{g}"), "kind": "group", "label": {"": format!("Part {g}")},
            "row": 1000 + g, "children": children
        }));
    }
    let json = serde_json::json!({
        "form_id": "big", "title": "Big", "version": "1", "questions": groups,
        "choices": {"yn": [
            {"name": "yes", "label": {"": "Yes"}},
            {"name": "no", "label": {"": "No"}}
        ]}
    });
    Ok(serde_json::from_value(json)?)
}

/// Half the items answered "yes" (their numbers shown), the rest "no".
fn half_answered() -> Answers {
    (0..QUESTIONS / 3)
        .map(|i| {
            let value = if i % 2 == 0 { "yes" } else { "no" };
            (
                format!("item{i}"),
                zoufang::forms::Answer::Text(value.to_owned()),
            )
        })
        .collect()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The median frame while typing one character a frame into `field` of `h`.
fn typing_frames<S>(h: &mut egui_kittest::Harness<'static, S>, field: &str) -> Duration {
    h.get_by_role_and_label(Role::TextInput, field).focus();
    for _ in 0..10 {
        h.step();
    }
    median(
        (0..FRAMES)
            .map(|i| {
                let key = char::from(b'a' + (i % 26) as u8).to_string();
                h.get_by_role_and_label(Role::TextInput, field)
                    .type_text(&key);
                let t = Instant::now();
                h.step();
                t.elapsed()
            })
            .collect(),
    )
}

/// The 300-question form alone, in the editor panel's width, scrolled as the window scrolls it.
fn form_frame() -> Result<Duration> {
    let fill = FormFill::new(
        Arc::new(big_form()?),
        half_answered(),
        chrono::Local::now().naive_local(),
    );
    let mut h = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(
            |ui, fill: &mut FormFill| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    fill.ui(ui, Lang::Zh);
                });
            },
            fill,
        );
    Ok(typing_frames(&mut h, "Remark 0"))
}

/// The whole window with a new visit's editor open, typing its place.
fn visit_editor_frame(db: &std::path::Path) -> Result<Duration> {
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    let mut app = ZoufangApp::new(settings, db.to_owned());
    app.command(zoufang::ui::app::AppCommand::NewVisit);
    let mut h = harness(app);
    Ok(typing_frames(&mut h, "走访地点"))
}

/// Adds the row of the form's frame while typing.
pub fn form_typing(db: &std::path::Path, rows: &mut Vec<Row>) -> Result<()> {
    let (mut form, mut visit) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        form = form.min(form_frame()?);
        visit = visit.min(visit_editor_frame(db)?);
    }
    let verdict = if form <= GOAL { "met" } else { "MISSED" };
    rows.push(Row {
        case: format!("a {QUESTIONS}-question form, one frame while typing"),
        subject: "the form renderer".to_owned(),
        subject_time: form,
        baseline: "the visit editor while typing".to_owned(),
        baseline_time: visit,
        goal: Goal::None,
        note: format!(
            "median of {FRAMES} frames, 1280×800; target ≤ {}: {verdict}",
            fmt_time(GOAL)
        ),
    });
    Ok(())
}
