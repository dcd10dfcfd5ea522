//! Checks that need no database: what makes a record valid before it is saved.

use super::enums::{FindingKind, Status};
use super::records::{Attachment, Finding, Subject, Topic, Visit};
use crate::i18n::{Lang, Localized};
use chrono::NaiveDate;

/// Why a record cannot be saved as it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// A required text field is empty.
    #[error("{field} must not be empty")]
    Empty {
        /// Which field.
        field: Field,
    },
    /// A count below zero.
    #[error("{field} must be 0 or more, not {value}")]
    Negative {
        /// Which field.
        field: Field,
        /// The value given.
        value: i64,
    },
    /// Closing a problem without saying who verified the fix.
    #[error("closing a problem needs the name of who verified it")]
    CloseNeedsVerifier,
    /// Closing a problem without a closing date.
    #[error("closing a problem needs a closing date")]
    CloseNeedsDate,
    /// Text that should be a date but is not one.
    #[error("not a real date: {0} (expected YYYY-MM-DD)")]
    BadDate(String),
    /// A period that ends before it starts.
    #[error("the end date is before the start date")]
    EndBeforeStart,
    /// A topic code with characters that do not belong in one.
    #[error("topic code {0:?} may hold only lowercase letters, digits and '-'")]
    BadCode(String),
    /// Fewer people met than people named as interviewed.
    #[error(
        "people met ({people_met}) cannot be fewer than the {listed} people interviewed by name"
    )]
    FewerPeopleThanInterviewees {
        /// The count given.
        people_met: i64,
        /// The people listed.
        listed: usize,
    },
    /// A content hash that is not 64 lowercase hex digits.
    #[error("not a SHA-256 (64 lowercase hex digits): {0}")]
    BadSha256(String),
    /// A text longer than any real one (a hostile file, a paste gone wrong).
    #[error("{} is too long ({chars} characters; at most {max})", column_label(.column, Lang::En))]
    TooLong {
        /// The field (its column name).
        column: &'static str,
        /// Its length in characters.
        chars: usize,
        /// The most allowed.
        max: usize,
    },
    /// A list with more entries than any real one.
    #[error("{} has too many entries ({count}; at most {max})", column_label(.column, Lang::En))]
    TooMany {
        /// The field (its column name).
        column: &'static str,
        /// Its entries.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A number above its range.
    #[error("{} is too large ({value}; at most {max})", column_label(.column, Lang::En))]
    TooLarge {
        /// The field (its column name).
        column: &'static str,
        /// The value given.
        value: i64,
        /// The most allowed.
        max: i64,
    },
    /// A date whose year is outside the plausible range (the range `parse_date` accepts).
    #[error("{} {date} is not a plausible date (years {}–{})", column_label(.column, Lang::En), PLAUSIBLE_YEARS.start(), PLAUSIBLE_YEARS.end())]
    ImplausibleDate {
        /// The field (its column name).
        column: &'static str,
        /// The date given.
        date: NaiveDate,
    },
    /// The nil UUID (all zeros) as an id: no Zoufang makes one.
    #[error("{} is the nil id (all zeros)", column_label(.column, Lang::En))]
    NilId {
        /// The field (its column name).
        column: &'static str,
    },
    /// An answer whose id is not the one its response and path give (two records would then
    /// answer the same question).
    #[error("the answer's id is not the one its response and path ({path}) give")]
    NotDerivedId {
        /// The answer's path.
        path: String,
    },
}

/// The most characters a one-line text (title, place, name, code …) may hold: far more than
/// any real one, small enough that a hostile file cannot swell the database or the window.
pub const MAX_LINE_CHARS: usize = 10_000;

/// The most characters a long text (detail, notes, measures, closing note) may hold.
pub const MAX_TEXT_CHARS: usize = 200_000;

/// The most people a count (people met, people affected) may hold: every summary adds them up
/// without overflowing.
pub const MAX_PEOPLE: i64 = 10_000_000;

/// The most entries a list (investigators, interviewees, topics) may hold.
pub const MAX_LIST_ENTRIES: usize = 1_000;

/// A column's name in the user's language, for validation messages.
pub fn column_label(column: &str, lang: Lang) -> &'static str {
    let (zh, en) = match column {
        "id" => ("编号", "id"),
        "date" => ("走访日期", "date"),
        "place" => ("走访地点", "place"),
        "region" => ("区域", "region"),
        "investigators" => ("走访人员", "investigators"),
        "people_met" => ("走访人数", "people met"),
        "notes" => ("备注", "notes"),
        "interviewees" => ("受访人", "interviewees"),
        "visit_id" => ("所属走访", "visit"),
        "title" => ("标题", "title"),
        "detail" => ("具体情况", "detail"),
        "topics" => ("专题", "topics"),
        "people_affected" => ("涉及人数", "people affected"),
        "measures" => ("整改措施", "measures"),
        "target" => ("整改目标", "target"),
        "deadline" => ("整改时限", "deadline"),
        "owner" => ("责任人", "owner"),
        "owner_unit" => ("责任单位", "owner unit"),
        "closed_on" => ("销号日期", "closed on"),
        "verified_by" => ("验收人", "verified by"),
        "close_note" => ("销号说明", "closing note"),
        "code" => ("代码", "code"),
        "name_zh" => ("中文名称", "Chinese name"),
        "name_en" => ("英文名称", "English name"),
        "lead" => ("领衔领导", "lead"),
        "unit" => ("承办单位", "unit"),
        "start_date" => ("开始日期", "start date"),
        "end_date" => ("结束日期", "end date"),
        "name" => ("文件名", "file name"),
        "mime" => ("文件类型", "file type"),
        "size_bytes" => ("文件大小", "file size"),
        "owner_id" => ("所属记录", "owner"),
        "added_by" => ("添加人", "added by"),
        "contact" => ("联系方式", "contact"),
        _ => ("字段", "field"),
    };
    lang.pick(zh, en)
}

/// A field named in a validation message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Finding title.
    Title,
    /// Visit place.
    Place,
    /// People met on a visit.
    PeopleMet,
    /// People affected by a finding.
    PeopleAffected,
    /// Topic code.
    Code,
    /// Topic's Chinese name.
    NameZh,
    /// An author name.
    Author,
    /// An interviewee's name.
    IntervieweeName,
    /// An attachment's file name.
    FileName,
    /// An attachment's size.
    Size,
}

impl Field {
    /// The field's name in the user's language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::Title => lang.pick("标题", "title"),
            Field::Place => lang.pick("走访地点", "place"),
            Field::PeopleMet => lang.pick("走访人数", "people met"),
            Field::PeopleAffected => lang.pick("涉及人数", "people affected"),
            Field::Code => lang.pick("代码", "code"),
            Field::NameZh => lang.pick("中文名称", "Chinese name"),
            Field::Author => lang.pick("姓名", "name"),
            Field::IntervieweeName => lang.pick("受访人姓名", "interviewee's name"),
            Field::FileName => lang.pick("文件名", "file name"),
            Field::Size => lang.pick("文件大小", "file size"),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label(Lang::En))
    }
}

impl Localized for ValidationError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (ValidationError::Empty { field }, Lang::Zh) => {
                format!("{}不能为空", field.label(lang))
            }
            (ValidationError::Negative { field, value }, Lang::Zh) => {
                format!("{}不能为负数（{value}）", field.label(lang))
            }
            (ValidationError::CloseNeedsVerifier, Lang::Zh) => "销号需要填写验收人".to_owned(),
            (ValidationError::CloseNeedsDate, Lang::Zh) => "销号需要填写销号日期".to_owned(),
            (ValidationError::BadDate(text), Lang::Zh) => {
                format!("日期无效：{text}（格式应为 YYYY-MM-DD）")
            }
            (ValidationError::EndBeforeStart, Lang::Zh) => "结束日期早于开始日期".to_owned(),
            (ValidationError::BadCode(code), Lang::Zh) => {
                format!("专题代码“{code}”只能包含小写字母、数字和“-”")
            }
            (ValidationError::FewerPeopleThanInterviewees { people_met, listed }, Lang::Zh) => {
                format!("走访人数（{people_met}）不能少于列出姓名的受访人数（{listed}）")
            }
            (ValidationError::BadSha256(text), Lang::Zh) => {
                format!("不是有效的 SHA-256 值（应为 64 位小写十六进制）：{text}")
            }
            (ValidationError::TooLong { column, chars, max }, Lang::Zh) => {
                format!(
                    "{}过长（{chars} 个字符，最多 {max} 个）",
                    column_label(column, lang)
                )
            }
            (ValidationError::TooMany { column, count, max }, Lang::Zh) => {
                format!(
                    "{}条目过多（{count} 条，最多 {max} 条）",
                    column_label(column, lang)
                )
            }
            (ValidationError::TooLarge { column, value, max }, Lang::Zh) => {
                format!(
                    "{}过大（{value}，最大为 {max}）",
                    column_label(column, lang)
                )
            }
            (ValidationError::ImplausibleDate { column, date }, Lang::Zh) => format!(
                "{} {date} 不是合理的日期（年份应在 {}–{} 之间）",
                column_label(column, lang),
                PLAUSIBLE_YEARS.start(),
                PLAUSIBLE_YEARS.end()
            ),
            (ValidationError::NotDerivedId { path }, Lang::Zh) => {
                format!("答案的编号与其答卷和题目路径（{path}）不符")
            }
            (ValidationError::NilId { column }, Lang::Zh) => {
                format!("{}不能是全零的空编号", column_label(column, lang))
            }
            (other, Lang::En) => other.to_string(),
        }
    }
}

/// Reads a `YYYY-MM-DD` date, refusing impossible ones such as `2026-13-45`.
/// Years outside this range are typing mistakes (`0026-01-01`, `20266-01-01`), not dates.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1949..=2199;

/// Reads a `YYYY-MM-DD` date, refusing impossible ones such as `2026-13-45` and implausible
/// years such as `0026`.
pub fn parse_date(text: &str) -> Result<NaiveDate, ValidationError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| PLAUSIBLE_YEARS.contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| ValidationError::BadDate(text.trim().to_owned()))
}

/// Whether `text` holds nothing a person can see: spaces, line breaks, and the invisible
/// characters (zero-width spaces and joiners, direction marks, the byte-order mark, the soft
/// hyphen, Hangul fillers) that make a field look filled while it is empty.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{00AD}'
                    | '\u{034F}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{180E}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'..='\u{206F}'
                    | '\u{3164}'
                    | '\u{FEFF}'
                    | '\u{FFA0}'
            )
    })
}

fn non_empty(text: &str, field: Field) -> Result<(), ValidationError> {
    if is_blank(text) {
        Err(ValidationError::Empty { field })
    } else {
        Ok(())
    }
}

fn non_negative(value: i64, field: Field) -> Result<(), ValidationError> {
    if value < 0 {
        Err(ValidationError::Negative { field, value })
    } else {
        Ok(())
    }
}

/// Refuses a text longer than `max` characters (counting stops just past the limit).
fn at_most(text: &str, column: &'static str, max: usize) -> Result<(), ValidationError> {
    // Bytes bound characters from above: most texts need no counting at all.
    if text.len() <= max {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(ValidationError::TooLong { column, chars, max });
    }
    Ok(())
}

/// One-line texts of a record, each at most [`MAX_LINE_CHARS`].
fn lines(fields: &[(&'static str, &str)]) -> Result<(), ValidationError> {
    for (column, text) in fields {
        at_most(text, column, MAX_LINE_CHARS)?;
    }
    Ok(())
}

/// Long texts of a record, each at most [`MAX_TEXT_CHARS`].
fn texts(fields: &[(&'static str, &str)]) -> Result<(), ValidationError> {
    for (column, text) in fields {
        at_most(text, column, MAX_TEXT_CHARS)?;
    }
    Ok(())
}

fn entries(count: usize, column: &'static str) -> Result<(), ValidationError> {
    if count > MAX_LIST_ENTRIES {
        return Err(ValidationError::TooMany {
            column,
            count,
            max: MAX_LIST_ENTRIES,
        });
    }
    Ok(())
}

fn people(value: i64, field: Field, column: &'static str) -> Result<(), ValidationError> {
    non_negative(value, field)?;
    if value > MAX_PEOPLE {
        return Err(ValidationError::TooLarge {
            column,
            value,
            max: MAX_PEOPLE,
        });
    }
    Ok(())
}

fn plausible(date: Option<NaiveDate>, column: &'static str) -> Result<(), ValidationError> {
    match date {
        Some(date) if !PLAUSIBLE_YEARS.contains(&chrono::Datelike::year(&date)) => {
            Err(ValidationError::ImplausibleDate { column, date })
        }
        _ => Ok(()),
    }
}

fn not_nil(id: uuid::Uuid, column: &'static str) -> Result<(), ValidationError> {
    if id.is_nil() {
        Err(ValidationError::NilId { column })
    } else {
        Ok(())
    }
}

impl Visit {
    /// Checks the visit before it is saved.
    pub fn validate(&self) -> Result<(), ValidationError> {
        not_nil(self.id.0, "id")?;
        non_empty(&self.place, Field::Place)?;
        lines(&[("place", &self.place), ("region", &self.region)])?;
        texts(&[("notes", &self.notes)])?;
        plausible(Some(self.date), "date")?;
        people(self.people_met, Field::PeopleMet, "people_met")?;
        entries(self.investigators.len(), "investigators")?;
        entries(self.interviewees.len(), "interviewees")?;
        for name in &self.investigators {
            at_most(name, "investigators", MAX_LINE_CHARS)?;
        }
        for person in &self.interviewees {
            non_empty(&person.name, Field::IntervieweeName)?;
            lines(&[("interviewees", &person.name), ("contact", &person.contact)])?;
        }
        let listed = self.interviewees.len();
        if i64::try_from(listed).unwrap_or(i64::MAX) > self.people_met {
            return Err(ValidationError::FewerPeopleThanInterviewees {
                people_met: self.people_met,
                listed,
            });
        }
        Ok(())
    }
}

impl Finding {
    /// Checks the finding before it is saved; a closed problem needs its verifier and date.
    pub fn validate(&self) -> Result<(), ValidationError> {
        not_nil(self.id.0, "id")?;
        not_nil(self.visit_id.0, "visit_id")?;
        non_empty(&self.title, Field::Title)?;
        lines(&[
            ("title", &self.title),
            ("target", &self.target),
            ("owner", &self.owner),
            ("owner_unit", &self.owner_unit),
            ("verified_by", &self.verified_by),
            ("question", self.question.as_deref().unwrap_or_default()),
        ])?;
        if let Some(response) = self.response_id {
            not_nil(response.0, "response_id")?;
        }
        texts(&[
            ("detail", &self.detail),
            ("measures", &self.measures),
            ("close_note", &self.close_note),
        ])?;
        people(
            self.people_affected,
            Field::PeopleAffected,
            "people_affected",
        )?;
        entries(self.topics.len(), "topics")?;
        plausible(self.deadline, "deadline")?;
        plausible(self.closed_on, "closed_on")?;
        if self.kind == FindingKind::Problem && self.status == Status::Closed {
            if is_blank(&self.verified_by) {
                return Err(ValidationError::CloseNeedsVerifier);
            }
            if self.closed_on.is_none() {
                return Err(ValidationError::CloseNeedsDate);
            }
        }
        Ok(())
    }
}

impl Topic {
    /// Checks the topic before it is saved.
    pub fn validate(&self) -> Result<(), ValidationError> {
        not_nil(self.id.0, "id")?;
        non_empty(&self.code, Field::Code)?;
        non_empty(&self.name_zh, Field::NameZh)?;
        lines(&[
            ("code", &self.code),
            ("name_zh", &self.name_zh),
            ("name_en", &self.name_en),
        ])?;
        let code_ok = self
            .code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if code_ok {
            Ok(())
        } else {
            Err(ValidationError::BadCode(self.code.clone()))
        }
    }
}

impl Subject {
    /// Checks the subject before it is saved.
    pub fn validate(&self) -> Result<(), ValidationError> {
        not_nil(self.id.0, "id")?;
        non_empty(&self.title, Field::Title)?;
        lines(&[
            ("title", &self.title),
            ("lead", &self.lead),
            ("unit", &self.unit),
        ])?;
        texts(&[("notes", &self.notes)])?;
        entries(self.topics.len(), "topics")?;
        plausible(self.start_date, "start_date")?;
        plausible(self.end_date, "end_date")?;
        match (self.start_date, self.end_date) {
            (Some(start), Some(end)) if end < start => Err(ValidationError::EndBeforeStart),
            _ => Ok(()),
        }
    }
}

/// Whether `text` is a SHA-256 in the form the store keeps: 64 lowercase hex digits.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Attachment {
    /// Checks the attachment before it is saved.
    pub fn validate(&self) -> Result<(), ValidationError> {
        not_nil(self.id.0, "id")?;
        not_nil(self.owner_id, "owner_id")?;
        non_empty(&self.name, Field::FileName)?;
        lines(&[
            ("name", &self.name),
            ("mime", &self.mime),
            ("added_by", &self.added_by),
        ])?;
        non_negative(self.size_bytes, Field::Size)?;
        if !is_sha256(&self.sha256) {
            return Err(ValidationError::BadSha256(
                self.sha256.chars().take(80).collect(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VisitId;

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(
            parse_date("2026-13-45"),
            Err(ValidationError::BadDate("2026-13-45".into()))
        );
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("0026-01-01").is_err(), "a year typed short");
        assert!(parse_date("1949-10-01").is_ok());
        assert_eq!(parse_date(" 2026-02-28 ").unwrap(), day("2026-02-28"));
    }

    #[test]
    fn closing_needs_verifier_and_date() {
        let mut f = Finding::new(VisitId::new(), "护理员配备不足");
        f.status = Status::Closed;
        assert_eq!(f.validate(), Err(ValidationError::CloseNeedsVerifier));
        f.verified_by = "王敏".into();
        assert_eq!(f.validate(), Err(ValidationError::CloseNeedsDate));
        f.closed_on = Some(day("2026-05-01"));
        assert_eq!(f.validate(), Ok(()));
    }

    #[test]
    fn empty_title_and_negative_counts_are_refused() {
        let mut f = Finding::new(VisitId::new(), "  ");
        assert_eq!(
            f.validate(),
            Err(ValidationError::Empty {
                field: Field::Title
            })
        );
        f.title = "违建墓地".into();
        f.people_affected = -1;
        assert!(matches!(
            f.validate(),
            Err(ValidationError::Negative { .. })
        ));
        let mut v = Visit::new(day("2026-04-01"), "城西养老院");
        v.people_met = -3;
        assert_eq!(
            v.validate().unwrap_err().localized(Lang::Zh),
            "走访人数不能为负数（-3）"
        );
    }

    #[test]
    fn overdue_means_pending_past_deadline() {
        let mut f = Finding::new(VisitId::new(), "消防通道堵塞");
        f.deadline = Some(day("2026-03-01"));
        assert!(f.is_overdue(day("2026-03-02")));
        assert!(!f.is_overdue(day("2026-03-01")));
        f.status = Status::Closed;
        assert!(!f.is_overdue(day("2026-04-01")));
    }
}
