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

fn non_empty(text: &str, field: Field) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
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

impl Visit {
    /// Checks the visit before it is saved.
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty(&self.place, Field::Place)?;
        non_negative(self.people_met, Field::PeopleMet)?;
        for person in &self.interviewees {
            non_empty(&person.name, Field::IntervieweeName)?;
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
        non_empty(&self.title, Field::Title)?;
        non_negative(self.people_affected, Field::PeopleAffected)?;
        if self.kind == FindingKind::Problem && self.status == Status::Closed {
            if self.verified_by.trim().is_empty() {
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
        non_empty(&self.code, Field::Code)?;
        non_empty(&self.name_zh, Field::NameZh)?;
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
        non_empty(&self.title, Field::Title)?;
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
        non_empty(&self.name, Field::FileName)?;
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
