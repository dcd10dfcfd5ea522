//! The built-in templates (assets/forms/), carried inside the program so `--builtin NAME`
//! works without the source tree.

/// (form_id, Chinese title, workbook bytes) of each template.
pub const TEMPLATES: &[(&str, &str, &[u8])] = &[
    (
        "care_home_safety",
        "养老机构安全检查表",
        include_bytes!("../../assets/forms/养老机构安全检查表.xlsx"),
    ),
    (
        "household_visit",
        "困难群众大走访入户调查表",
        include_bytes!("../../assets/forms/困难群众大走访入户调查表.xlsx"),
    ),
    (
        "visit_satisfaction",
        "走访群众满意度问卷",
        include_bytes!("../../assets/forms/走访群众满意度问卷.xlsx"),
    ),
];

/// The template named by its form id or its Chinese title: (form_id, bytes).
pub fn template(name: &str) -> Option<(&'static str, &'static [u8])> {
    let name = name.trim().trim_end_matches(".xlsx");
    TEMPLATES
        .iter()
        .find(|(id, title, _)| *id == name || *title == name)
        .map(|(id, _, bytes)| (*id, *bytes))
}

/// The names `--builtin` accepts, for messages.
pub fn names() -> String {
    TEMPLATES
        .iter()
        .map(|(id, title, _)| format!("{id} ({title})"))
        .collect::<Vec<_>>()
        .join(", ")
}
