//! A form as read from an XLSForm workbook: questions in survey order (groups and repeats
//! holding their children), choice lists, settings. Serialisable, so a Form record can keep it.

use super::expr::Expression;
use super::types::QuestionType;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in several languages, keyed by the language as the workbook names it
/// (`中文 (zh)`, `English (en)`), the empty key for a column without language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translated(pub BTreeMap<String, String>);

impl Translated {
    /// True when no language has text.
    pub fn is_empty(&self) -> bool {
        self.0.values().all(String::is_empty)
    }

    /// The text for `lang`: the language whose name carries its code (`(zh)`, `中文`,
    /// `English`), else the form's default language, else the untranslated column, else any.
    pub fn pick(&self, lang: Lang, default_language: Option<&str>) -> Option<&str> {
        let code = lang.code();
        let matches_lang = |key: &str| {
            let k = key.to_lowercase();
            k.contains(&format!("({code})"))
                || k == code
                || match lang {
                    Lang::Zh => k.contains("中文") || k.contains("chinese"),
                    Lang::En => k.contains("english"),
                }
        };
        let present = || self.0.iter().filter(|(_, v)| !v.is_empty());
        present()
            .find(|(k, _)| matches_lang(k))
            .or_else(|| default_language.and_then(|d| present().find(|(k, _)| k.as_str() == d)))
            .or_else(|| present().find(|(k, _)| k.is_empty()))
            .or_else(|| present().next())
            .map(|(_, v)| v.as_str())
    }
}

/// One choice of a choice list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// The value stored in answers.
    pub name: String,
    /// What the user sees.
    pub label: Translated,
    /// Other columns of the choices sheet (read by `choice_filter`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

/// When a checklist item raises a problem finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingRule {
    /// When the answer is (or, for select_multiple, includes) one of these choices.
    Choices(Vec<String>),
    /// When this expression is true (`.` is the answer).
    Expression(Expression),
}

/// A checklist item's finding: when it is raised, and how it is filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingSpec {
    /// When the item fails.
    pub rule: FindingRule,
    /// The finding's category, as written in `finding_category`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The finding's title, from `finding_title` (else the question's label).
    #[serde(default, skip_serializing_if = "Translated::is_empty")]
    pub title: Translated,
}

/// Whether an answer is required: never, always, or when an expression holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Required {
    /// Optional.
    #[default]
    No,
    /// Always required.
    Yes,
    /// Required when the expression is true.
    When(Expression),
}

/// One row of the survey sheet that defines a question, group or repeat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// The name, exactly as written.
    pub name: String,
    /// The type.
    pub kind: QuestionType,
    /// The choice list of a select or rank question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_name: Option<String>,
    /// `select_one L or_other`: an `other` choice with free text.
    #[serde(default)]
    pub or_other: bool,
    /// The label.
    #[serde(default)]
    pub label: Translated,
    /// The hint.
    #[serde(default)]
    pub hint: Translated,
    /// Whether an answer is required.
    #[serde(default)]
    pub required: Required,
    /// The message when a required answer is missing.
    #[serde(default)]
    pub required_message: Translated,
    /// When the question applies.
    #[serde(default)]
    pub relevant: Option<Expression>,
    /// What a valid answer satisfies (`.` is the answer).
    #[serde(default)]
    pub constraint: Option<Expression>,
    /// The message when the constraint fails.
    #[serde(default)]
    pub constraint_message: Translated,
    /// The value of a `calculate` (or any question's computed value).
    #[serde(default)]
    pub calculation: Option<Expression>,
    /// The default answer, as written.
    #[serde(default)]
    pub default: Option<String>,
    /// Which choices are offered (bare names are columns of the choices sheet).
    #[serde(default)]
    pub choice_filter: Option<Expression>,
    /// The `appearance` column.
    #[serde(default)]
    pub appearance: Option<String>,
    /// The `read_only` column.
    #[serde(default)]
    pub read_only: bool,
    /// How many rows a repeat has.
    #[serde(default)]
    pub repeat_count: Option<Expression>,
    /// The `parameters` column, `key=value` pairs.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Topic codes or names, for the findings this question raises.
    #[serde(default)]
    pub topics: Vec<String>,
    /// The checklist item's finding, if it raises one.
    #[serde(default)]
    pub finding: Option<FindingSpec>,
    /// The survey-sheet row (1-based) that defined it.
    pub row: usize,
    /// Children of a group or repeat.
    #[serde(default)]
    pub children: Vec<Question>,
}

/// A whole form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// `form_id` (defaults to the workbook's file name).
    pub form_id: String,
    /// `form_title` (defaults to the form id).
    pub title: String,
    /// `version` (empty when the settings sheet gives none).
    pub version: String,
    /// `default_language`.
    #[serde(default)]
    pub default_language: Option<String>,
    /// Every language the workbook's translated columns name, in first-seen order.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Topics for the whole form (settings `topics`), used where a question names none.
    #[serde(default)]
    pub topics: Vec<String>,
    /// The questions, in survey order.
    pub questions: Vec<Question>,
    /// Choice lists by name.
    pub choices: BTreeMap<String, Vec<Choice>>,
}

impl FormDefinition {
    /// Every question, group and repeat in survey order (depth first).
    pub fn all_questions(&self) -> Vec<&Question> {
        fn walk<'a>(qs: &'a [Question], out: &mut Vec<&'a Question>) {
            for q in qs {
                out.push(q);
                walk(&q.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.questions, &mut out);
        out
    }

    /// The question called `name`, anywhere in the form.
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.all_questions().into_iter().find(|q| q.name == name)
    }

    /// The choices of question `q` (empty when it has no list).
    pub fn choices_of(&self, q: &Question) -> &[Choice] {
        q.list_name
            .as_ref()
            .and_then(|l| self.choices.get(l))
            .map_or(&[], Vec::as_slice)
    }

    /// How many survey rows define questions (groups, repeats, metadata and calculations
    /// included).
    pub fn question_count(&self) -> usize {
        self.all_questions().len()
    }

    /// The label of `q` in `lang`, else its name.
    pub fn label<'a>(&'a self, q: &'a Question, lang: Lang) -> &'a str {
        q.label
            .pick(lang, self.default_language.as_deref())
            .unwrap_or(&q.name)
    }
}
