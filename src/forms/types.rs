//! XLSForm question types, with pyxform's aliases, and the `type` column's grammar.

use serde::{Deserialize, Serialize};

/// A question type this engine supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    /// Free text.
    Text,
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// A number within `parameters` start/end/step.
    Range,
    /// A date `YYYY-MM-DD`.
    Date,
    /// A time `HH:MM[:SS]`.
    Time,
    /// A date and time.
    Datetime,
    /// One choice of a list.
    SelectOne,
    /// Several choices of a list, space-separated.
    SelectMultiple,
    /// Every choice of a list, in order of preference.
    Rank,
    /// Text shown, nothing answered.
    Note,
    /// An "OK" to tick.
    Acknowledge,
    /// A computed value.
    Calculate,
    /// A value kept without being shown.
    Hidden,
    /// A photo (an attachment).
    Image,
    /// A recording (an attachment).
    Audio,
    /// A video (an attachment).
    Video,
    /// Any file (an attachment).
    File,
    /// "lat lon [alt acc]".
    Geopoint,
    /// A barcode, typed as text.
    Barcode,
    /// A group of questions.
    Group,
    /// Repeated rows of questions.
    Repeat,
    /// Metadata: when filling started.
    Start,
    /// Metadata: when filling ended.
    End,
    /// Metadata: the day of filling.
    Today,
    /// Metadata: the device.
    Deviceid,
    /// Metadata: the user.
    Username,
    /// Phone-only metadata, left empty.
    Simserial,
    /// Phone-only metadata, left empty.
    Subscriberid,
    /// Phone-only metadata, left empty.
    Phonenumber,
}

impl QuestionType {
    /// The type as XLSForm spells it (`select_one`, `group`, …).
    pub fn xlsform_name(self) -> &'static str {
        match self {
            QuestionType::Text => "text",
            QuestionType::Integer => "integer",
            QuestionType::Decimal => "decimal",
            QuestionType::Range => "range",
            QuestionType::Date => "date",
            QuestionType::Time => "time",
            QuestionType::Datetime => "datetime",
            QuestionType::SelectOne => "select_one",
            QuestionType::SelectMultiple => "select_multiple",
            QuestionType::Rank => "rank",
            QuestionType::Note => "note",
            QuestionType::Acknowledge => "acknowledge",
            QuestionType::Calculate => "calculate",
            QuestionType::Hidden => "hidden",
            QuestionType::Image => "image",
            QuestionType::Audio => "audio",
            QuestionType::Video => "video",
            QuestionType::File => "file",
            QuestionType::Geopoint => "geopoint",
            QuestionType::Barcode => "barcode",
            QuestionType::Group => "group",
            QuestionType::Repeat => "repeat",
            QuestionType::Start => "start",
            QuestionType::End => "end",
            QuestionType::Today => "today",
            QuestionType::Deviceid => "deviceid",
            QuestionType::Username => "username",
            QuestionType::Simserial => "simserial",
            QuestionType::Subscriberid => "subscriberid",
            QuestionType::Phonenumber => "phonenumber",
        }
    }

    /// Metadata filled automatically rather than answered.
    pub fn is_metadata(self) -> bool {
        matches!(
            self,
            QuestionType::Start
                | QuestionType::End
                | QuestionType::Today
                | QuestionType::Deviceid
                | QuestionType::Username
                | QuestionType::Simserial
                | QuestionType::Subscriberid
                | QuestionType::Phonenumber
        )
    }

    /// Answers are attachments (photo, recording, video, file).
    pub fn is_attachment(self) -> bool {
        matches!(
            self,
            QuestionType::Image | QuestionType::Audio | QuestionType::Video | QuestionType::File
        )
    }

    /// Select-like: the answer names choices of a list.
    pub fn has_choices(self) -> bool {
        matches!(
            self,
            QuestionType::SelectOne | QuestionType::SelectMultiple | QuestionType::Rank
        )
    }
}

/// What a `type` cell says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeCell {
    /// A question of this type (with its list for selects).
    Question {
        /// The type.
        kind: QuestionType,
        /// The choice list, for selects and rank.
        list_name: Option<String>,
        /// `or_other` after the list name.
        or_other: bool,
        /// A constraint the type implies (pyxform's `phone number`).
        implied_constraint: Option<&'static str>,
    },
    /// `begin group` / `begin repeat`.
    Begin(QuestionType),
    /// `end group` / `end repeat`.
    End(QuestionType),
}

/// Why a `type` cell was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeProblem {
    /// A type pyxform knows that this engine refuses (files, entities, maps …).
    Unsupported(String),
    /// A type nobody knows.
    Unknown(String),
    /// A select type without its list name.
    MissingList(String),
}

/// Types pyxform accepts that have no meaning here; refused by name rather than dropped.
const REFUSED: &[&str] = &[
    "include",
    "pull_data",
    "select_one_from_file",
    "select_multiple_from_file",
    "select one from file",
    "select multiple from file",
    "select_one_external",
    "osm",
    "geoshape",
    "geotrace",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
    "audit",
    "xml-external",
    "csv-external",
    "entity",
    "email",
    "begin loop",
    "begin_loop",
    "end loop",
    "end_loop",
    "trigger-image",
    "cascading select",
    "cascading_select",
];

fn plain_type(word: &str) -> Option<(QuestionType, Option<&'static str>)> {
    use QuestionType as T;
    Some((
        match word {
            "text" | "string" => T::Text,
            "integer" | "int" => T::Integer,
            "decimal" => T::Decimal,
            "range" => T::Range,
            "date" => T::Date,
            "time" => T::Time,
            "datetime" | "datetime-local" => T::Datetime,
            "note" => T::Note,
            "acknowledge" | "trigger" => T::Acknowledge,
            "calculate" => T::Calculate,
            "hidden" => T::Hidden,
            "image" | "photo" | "add image prompt" | "add photo prompt" => T::Image,
            "audio" | "add audio prompt" => T::Audio,
            "video" | "add video prompt" => T::Video,
            "file" | "add file prompt" => T::File,
            "geopoint" | "gps" | "location" => T::Geopoint,
            "barcode" => T::Barcode,
            "start" => T::Start,
            "end" => T::End,
            "today" => T::Today,
            "deviceid" | "imei" => T::Deviceid,
            "username" => T::Username,
            "simserial" => T::Simserial,
            "subscriberid" => T::Subscriberid,
            "phonenumber" => T::Phonenumber,
            // pyxform's "phone number": text of digits only.
            "phone number" => return Some((T::Text, Some(r"regex(., '^\d*$')"))),
            _ => return None,
        },
        None,
    ))
}

const SELECT_ONE: &[&str] = &[
    "select_one",
    "select one",
    "select1",
    "select one from",
    "add select one prompt using",
];
const SELECT_MULTIPLE: &[&str] = &[
    "select_multiple",
    "select all that apply",
    "select all that apply from",
    "add select multiple prompt using",
];

/// Reads a `type` cell, as pyxform does (case-insensitive keywords, list names as written).
pub fn parse_type(cell: &str) -> Result<TypeCell, TypeProblem> {
    let words: Vec<&str> = cell.split_whitespace().collect();
    let lower = words.join(" ").to_lowercase();
    match lower.as_str() {
        "begin group" | "begin_group" => return Ok(TypeCell::Begin(QuestionType::Group)),
        "end group" | "end_group" => return Ok(TypeCell::End(QuestionType::Group)),
        "begin repeat" | "begin_repeat" | "begin lgroup" | "begin looped group" => {
            return Ok(TypeCell::Begin(QuestionType::Repeat));
        }
        "end repeat" | "end_repeat" | "end lgroup" | "end looped group" => {
            return Ok(TypeCell::End(QuestionType::Repeat));
        }
        _ => {}
    }
    if let Some((kind, implied_constraint)) = plain_type(&lower) {
        return Ok(TypeCell::Question {
            kind,
            list_name: None,
            or_other: false,
            implied_constraint,
        });
    }
    for refused in REFUSED {
        if lower == *refused || lower.starts_with(&format!("{refused} ")) {
            return Err(TypeProblem::Unsupported((*refused).to_owned()));
        }
    }
    let selects = SELECT_ONE
        .iter()
        .map(|s| (*s, QuestionType::SelectOne))
        .chain(
            SELECT_MULTIPLE
                .iter()
                .map(|s| (*s, QuestionType::SelectMultiple)),
        )
        .chain(std::iter::once(("rank", QuestionType::Rank)));
    // The longest keyword first, so "select one from" wins over "select one".
    let mut best: Option<(usize, QuestionType)> = None;
    for (keyword, kind) in selects {
        let n = keyword.split(' ').count();
        if words.len() >= n
            && words[..n].join(" ").to_lowercase() == keyword
            && best.is_none_or(|(m, _)| n > m)
        {
            best = Some((n, kind));
        }
    }
    let Some((n, kind)) = best else {
        return Err(TypeProblem::Unknown(cell.trim().to_owned()));
    };
    let rest = &words[n..];
    let (list, or_other) = match rest {
        [list] => (*list, false),
        [list, other] if other.eq_ignore_ascii_case("or_other") => (*list, true),
        _ => return Err(TypeProblem::MissingList(cell.trim().to_owned())),
    };
    Ok(TypeCell::Question {
        kind,
        list_name: Some(list.to_owned()),
        or_other,
        implied_constraint: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_read_as_pyxform_reads_them() {
        let q = |kind| TypeCell::Question {
            kind,
            list_name: None,
            or_other: false,
            implied_constraint: None,
        };
        assert_eq!(parse_type("int"), Ok(q(QuestionType::Integer)));
        assert_eq!(parse_type("photo"), Ok(q(QuestionType::Image)));
        assert_eq!(parse_type("gps"), Ok(q(QuestionType::Geopoint)));
        assert_eq!(parse_type("imei"), Ok(q(QuestionType::Deviceid)));
        assert_eq!(
            parse_type("begin_group"),
            Ok(TypeCell::Begin(QuestionType::Group))
        );
        assert_eq!(
            parse_type("End Repeat"),
            Ok(TypeCell::End(QuestionType::Repeat))
        );
        assert_eq!(
            parse_type("select all that apply from aid_kinds or_other"),
            Ok(TypeCell::Question {
                kind: QuestionType::SelectMultiple,
                list_name: Some("aid_kinds".into()),
                or_other: true,
                implied_constraint: None,
            })
        );
        assert_eq!(
            parse_type("select_one yes_no"),
            Ok(TypeCell::Question {
                kind: QuestionType::SelectOne,
                list_name: Some("yes_no".into()),
                or_other: false,
                implied_constraint: None,
            })
        );
    }

    #[test]
    fn unsupported_and_unknown_types_are_refused() {
        assert_eq!(
            parse_type("select_one_from_file towns.csv"),
            Err(TypeProblem::Unsupported("select_one_from_file".into()))
        );
        assert_eq!(
            parse_type("geoshape"),
            Err(TypeProblem::Unsupported("geoshape".into()))
        );
        assert_eq!(
            parse_type("signature"),
            Err(TypeProblem::Unknown("signature".into()))
        );
        assert_eq!(
            parse_type("select_one"),
            Err(TypeProblem::MissingList("select_one".into()))
        );
    }
}
