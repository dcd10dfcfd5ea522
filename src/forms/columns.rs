//! Header rows: which column means what, matched case-insensitively with pyxform's aliases,
//! translated columns (`label::中文 (zh)`) split into the base and the language.

use super::workbook::Sheet;
use std::collections::BTreeMap;

/// The columns of one sheet that this reader understands.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    /// Base name (canonical) → the columns that carry it, with their language (empty: none)
    /// and header as written.
    by_base: BTreeMap<&'static str, Vec<(usize, String, String)>>,
    /// Columns this reader does not know, by header as written (kept for choice filters).
    pub extra: Vec<(usize, String)>,
}

/// Survey-sheet headers: alias (lowercase) → canonical name.
const SURVEY: &[(&str, &str)] = &[
    ("type", "type"),
    ("command", "type"),
    ("name", "name"),
    ("value", "name"),
    ("tag", "name"),
    ("label", "label"),
    ("caption", "label"),
    ("hint", "hint"),
    ("required", "required"),
    ("required_message", "required_message"),
    ("required message", "required_message"),
    ("requiredmsg", "required_message"),
    ("jr:requiredmsg", "required_message"),
    ("relevant", "relevant"),
    ("relevance", "relevant"),
    ("skip logic", "relevant"),
    ("constraint", "constraint"),
    ("constraint_message", "constraint_message"),
    ("constraint message", "constraint_message"),
    ("constraining message", "constraint_message"),
    ("jr:constraintmsg", "constraint_message"),
    ("calculation", "calculation"),
    ("calculate", "calculation"),
    ("default", "default"),
    ("choice_filter", "choice_filter"),
    ("appearance", "appearance"),
    ("read_only", "read_only"),
    ("readonly", "read_only"),
    ("repeat_count", "repeat_count"),
    ("count", "repeat_count"),
    ("jr:count", "repeat_count"),
    ("parameters", "parameters"),
    ("topics", "topics"),
    ("finding_if", "finding_if"),
    ("finding_category", "finding_category"),
    ("finding_title", "finding_title"),
];

/// Choices-sheet headers.
const CHOICES: &[(&str, &str)] = &[
    ("list_name", "list_name"),
    ("list name", "list_name"),
    ("name", "name"),
    ("value", "name"),
    ("label", "label"),
    ("caption", "label"),
];

/// Settings-sheet headers.
const SETTINGS: &[(&str, &str)] = &[
    ("form_title", "form_title"),
    ("set form title", "form_title"),
    ("form_id", "form_id"),
    ("set form id", "form_id"),
    ("id_string", "form_id"),
    ("version", "version"),
    ("default_language", "default_language"),
    ("topics", "topics"),
    ("allow_choice_duplicates", "allow_choice_duplicates"),
];

/// Columns whose text may differ by language.
const TRANSLATABLE: &[&str] = &[
    "label",
    "hint",
    "constraint_message",
    "required_message",
    "finding_title",
];

/// Which sheet a header row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetKind {
    /// `survey`
    Survey,
    /// `choices`
    Choices,
    /// `settings`
    Settings,
}

impl Columns {
    /// Reads the header row of `sheet`.
    pub fn read(sheet: &Sheet, kind: SheetKind) -> Columns {
        let aliases = match kind {
            SheetKind::Survey => SURVEY,
            SheetKind::Choices => CHOICES,
            SheetKind::Settings => SETTINGS,
        };
        let mut columns = Columns::default();
        let Some(header) = sheet.rows.first() else {
            return columns;
        };
        for (index, written) in header.iter().enumerate() {
            if written.is_empty() {
                continue;
            }
            let mut parts: Vec<&str> = written.split("::").map(str::trim).collect();
            // pyxform's long forms: `bind::relevant`, `control::appearance`.
            if parts.len() > 1
                && matches!(
                    parts[0].to_lowercase().as_str(),
                    "bind" | "control" | "body"
                )
            {
                parts.remove(0);
            }
            let base = parts[0].to_lowercase();
            let language = parts[1..].join("::");
            let canonical = aliases
                .iter()
                .find(|(alias, _)| *alias == base)
                .map(|(_, c)| *c);
            match canonical {
                Some(c) if language.is_empty() || TRANSLATABLE.contains(&c) => {
                    columns
                        .by_base
                        .entry(c)
                        .or_default()
                        .push((index, language, written.clone()));
                }
                _ => columns.extra.push((index, written.clone())),
            }
        }
        columns
    }

    /// The first column carrying `base`, as (index, header as written).
    pub fn find(&self, base: &str) -> Option<(usize, &str)> {
        self.by_base
            .get(base)
            .and_then(|cols| cols.first())
            .map(|(i, _, h)| (*i, h.as_str()))
    }

    /// The header as written of `base`'s first column, else `base` itself (for messages).
    pub fn header<'a>(&'a self, base: &'a str) -> &'a str {
        self.find(base).map_or(base, |(_, h)| h)
    }

    /// The text of `base` in `row` (empty when the column is absent).
    pub fn get<'a>(&self, row: &'a [String], base: &str) -> &'a str {
        self.find(base)
            .and_then(|(i, _)| row.get(i))
            .map_or("", String::as_str)
    }

    /// Every language's text of translatable `base` in `row`, keyed by language.
    pub fn translated(&self, row: &[String], base: &str) -> BTreeMap<String, String> {
        self.by_base
            .get(base)
            .into_iter()
            .flatten()
            .filter_map(|(i, lang, _)| {
                row.get(*i)
                    .filter(|t| !t.is_empty())
                    .map(|t| (lang.clone(), t.clone()))
            })
            .collect()
    }

    /// Languages the translated columns name, in column order.
    pub fn languages(&self) -> Vec<(usize, String)> {
        let mut out: Vec<(usize, String)> = self
            .by_base
            .iter()
            .filter(|(base, _)| TRANSLATABLE.contains(base))
            .flat_map(|(_, cols)| cols.iter())
            .filter(|(_, lang, _)| !lang.is_empty())
            .map(|(i, lang, _)| (*i, lang.clone()))
            .collect();
        out.sort();
        out
    }
}
