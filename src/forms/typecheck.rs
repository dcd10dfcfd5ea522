//! Whether an answer's text is a value of its question's type (numbers, dates, geopoints,
//! choices, ranges), with the reason in both languages when it is not.

use super::definition::{Choice, Question};
use super::types::QuestionType;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Why an answer does not fit its type: (Chinese, English).
pub type Mismatch = (String, String);

fn mismatch(zh: String, en: String) -> Option<Mismatch> {
    Some((zh, en))
}

/// Reads a time `HH:MM[:SS[.fff]]`, optionally with a zone suffix as ODK writes it.
fn parse_time(text: &str) -> bool {
    let t = text.split(['+', 'Z']).next().unwrap_or(text);
    ["%H:%M", "%H:%M:%S", "%H:%M:%S%.f"]
        .iter()
        .any(|f| NaiveTime::parse_from_str(t, f).is_ok())
}

fn parse_datetime(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
        || [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .any(|f| NaiveDateTime::parse_from_str(text, f).is_ok())
}

fn geopoint(text: &str) -> Option<Mismatch> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let numbers: Vec<f64> = parts
        .iter()
        .filter_map(|p| p.parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .collect();
    if !(2..=4).contains(&parts.len()) || numbers.len() != parts.len() {
        return mismatch(
            format!("位置应写成“纬度 经度 [海拔 精度]”：{text}"),
            format!("a location reads \"lat lon [alt acc]\": {text}"),
        );
    }
    if !(-90.0..=90.0).contains(&numbers[0]) {
        return mismatch(
            format!("纬度 {} 超出 -90 至 90", numbers[0]),
            format!("latitude {} is outside -90 to 90", numbers[0]),
        );
    }
    if !(-180.0..=180.0).contains(&numbers[1]) {
        return mismatch(
            format!("经度 {} 超出 -180 至 180", numbers[1]),
            format!("longitude {} is outside -180 to 180", numbers[1]),
        );
    }
    if numbers.get(3).is_some_and(|acc| *acc < 0.0) {
        return mismatch(
            "精度不能为负".to_owned(),
            "accuracy cannot be negative".to_owned(),
        );
    }
    None
}

fn range(q: &Question, text: &str) -> Option<Mismatch> {
    let Ok(value) = text.parse::<f64>() else {
        return mismatch(
            format!("{text} 不是数字"),
            format!("{text} is not a number"),
        );
    };
    let param = |k: &str, default: f64| {
        q.parameters
            .get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(default)
    };
    let (start, end, step) = (param("start", 1.0), param("end", 10.0), param("step", 1.0));
    let (low, high) = (start.min(end), start.max(end));
    if value < low || value > high {
        return mismatch(
            format!("{text} 超出范围 {low} 至 {high}"),
            format!("{text} is outside {low} to {high}"),
        );
    }
    let steps = (value - start) / step;
    if step != 0.0 && (steps - steps.round()).abs() > 1e-9 {
        return mismatch(
            format!("{text} 不在步长 {step} 上"),
            format!("{text} is not a multiple of the step {step} from {start}"),
        );
    }
    None
}

/// Checks `text` (not empty) against `q`'s type; `offered` are the choices that pass its filter.
pub fn check_type(q: &Question, text: &str, offered: &[&Choice]) -> Option<Mismatch> {
    let known = |v: &str| offered.iter().any(|c| c.name == v) || (q.or_other && v == "other");
    match q.kind {
        QuestionType::Integer => text.parse::<i64>().is_err().then(|| {
            (
                format!("{text} 不是整数"),
                format!("{text} is not a whole number"),
            )
        }),
        QuestionType::Decimal => text
            .parse::<f64>()
            .map_or(true, |n| !n.is_finite())
            .then(|| {
                (
                    format!("{text} 不是数字"),
                    format!("{text} is not a number"),
                )
            }),
        QuestionType::Range => range(q, text),
        QuestionType::Date => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .is_err()
            .then(|| {
                (
                    format!("日期应写成 年-月-日：{text}"),
                    format!("a date reads YYYY-MM-DD: {text}"),
                )
            }),
        QuestionType::Time => (!parse_time(text)).then(|| {
            (
                format!("时间应写成 时:分：{text}"),
                format!("a time reads HH:MM: {text}"),
            )
        }),
        QuestionType::Datetime => (!parse_datetime(text)).then(|| {
            (
                format!("日期时间应写成 年-月-日T时:分：{text}"),
                format!("a date and time reads YYYY-MM-DDTHH:MM: {text}"),
            )
        }),
        QuestionType::Geopoint => geopoint(text),
        QuestionType::SelectOne => (!known(text)).then(|| {
            (
                format!("{text} 不是可选的选项"),
                format!("{text} is not one of the choices"),
            )
        }),
        QuestionType::SelectMultiple | QuestionType::Rank => {
            let picks: Vec<&str> = text.split_whitespace().collect();
            if let Some(bad) = picks.iter().find(|p| !known(p)) {
                return mismatch(
                    format!("{bad} 不是可选的选项"),
                    format!("{bad} is not one of the choices"),
                );
            }
            let mut seen = picks.clone();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() != picks.len() {
                return mismatch(
                    "同一选项选了两次".to_owned(),
                    "a choice is picked twice".to_owned(),
                );
            }
            if q.kind == QuestionType::Rank && picks.len() != offered.len() {
                return mismatch(
                    "排序题需要把所有选项排出顺序".to_owned(),
                    "a ranking orders every choice".to_owned(),
                );
            }
            None
        }
        QuestionType::Acknowledge => (text != "OK").then(|| {
            (
                "确认题的答案只能是 OK".to_owned(),
                "an acknowledgement is answered OK".to_owned(),
            )
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::definition::Translated;
    use std::collections::BTreeMap;

    fn question(kind: QuestionType, parameters: &[(&str, &str)]) -> Question {
        Question {
            name: "q".into(),
            kind,
            list_name: None,
            or_other: false,
            label: Translated::default(),
            hint: Translated::default(),
            required: Default::default(),
            required_message: Translated::default(),
            relevant: None,
            constraint: None,
            constraint_message: Translated::default(),
            calculation: None,
            default: None,
            choice_filter: None,
            appearance: None,
            read_only: false,
            repeat_count: None,
            parameters: parameters
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            topics: Vec::new(),
            finding: None,
            row: 2,
            children: Vec::new(),
        }
    }

    fn choice(name: &str) -> Choice {
        Choice {
            name: name.into(),
            label: Translated::default(),
            extra: BTreeMap::new(),
        }
    }

    #[test]
    fn numbers_dates_and_times_are_checked_by_type() {
        let ok = |kind, text| check_type(&question(kind, &[]), text, &[]).is_none();
        assert!(ok(QuestionType::Integer, "-12"));
        assert!(!ok(QuestionType::Integer, "1.5"));
        assert!(ok(QuestionType::Decimal, "1.5"));
        assert!(!ok(QuestionType::Decimal, "一点五"));
        assert!(ok(QuestionType::Date, "2026-02-28"));
        assert!(!ok(QuestionType::Date, "2026-02-30"));
        assert!(ok(QuestionType::Time, "09:30"));
        assert!(ok(QuestionType::Time, "09:30:15.000+08:00"));
        assert!(!ok(QuestionType::Time, "25:00"));
        assert!(ok(QuestionType::Datetime, "2026-12-01T09:30:00+08:00"));
        assert!(ok(QuestionType::Datetime, "2026-12-01T09:30"));
        assert!(!ok(QuestionType::Datetime, "2026-12-01"));
        assert!(ok(QuestionType::Acknowledge, "OK"));
        assert!(!ok(QuestionType::Acknowledge, "yes"));
    }

    #[test]
    fn geopoints_read_lat_lon_and_optional_altitude_and_accuracy_within_range() {
        let ok = |text| check_type(&question(QuestionType::Geopoint, &[]), text, &[]).is_none();
        assert!(ok("30.59 114.30"));
        assert!(ok("30.59 114.30 25 5"));
        assert!(!ok("30.59"));
        assert!(!ok("91 114"));
        assert!(!ok("30 181"));
        assert!(!ok("30 114 25 -1"));
        assert!(!ok("30 114 25 5 1"));
        assert!(!ok("north east"));
    }

    #[test]
    fn ranges_follow_start_end_and_step() {
        let q = question(
            QuestionType::Range,
            &[("start", "0"), ("end", "10"), ("step", "2")],
        );
        assert!(check_type(&q, "4", &[]).is_none());
        assert!(check_type(&q, "5", &[]).is_some(), "off the step");
        assert!(check_type(&q, "12", &[]).is_some(), "past the end");
        let defaults = question(QuestionType::Range, &[]);
        assert!(check_type(&defaults, "10", &[]).is_none());
        assert!(
            check_type(&defaults, "0", &[]).is_some(),
            "pyxform's default start is 1"
        );
    }

    #[test]
    fn selects_take_offered_choices_other_when_allowed_and_rankings_order_all() {
        let (yes, no) = (choice("yes"), choice("no"));
        let offered = [&yes, &no];
        let mut one = question(QuestionType::SelectOne, &[]);
        assert!(check_type(&one, "yes", &offered).is_none());
        assert!(check_type(&one, "other", &offered).is_some());
        one.or_other = true;
        assert!(check_type(&one, "other", &offered).is_none());
        let many = question(QuestionType::SelectMultiple, &[]);
        assert!(check_type(&many, "yes no", &offered).is_none());
        assert!(check_type(&many, "yes yes", &offered).is_some());
        assert!(check_type(&many, "yes maybe", &offered).is_some());
        let rank = question(QuestionType::Rank, &[]);
        assert!(check_type(&rank, "no yes", &offered).is_none());
        assert!(check_type(&rank, "no", &offered).is_some());
    }
}
