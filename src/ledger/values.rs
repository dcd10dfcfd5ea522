//! Reading the values of a ledger's cells: dates in the forms offices write them (and Excel
//! serial dates), "长期坚持" for a long-term problem, categories, statuses, yes and no.

use super::sheet::Cell;
use crate::model::{Category, Status};
use chrono::{Datelike, Duration, NaiveDate};

/// What a deadline cell says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// Nothing.
    None,
    /// A day.
    Day(NaiveDate),
    /// 长期坚持 / 持续推进: long-term, no deadline.
    LongTerm,
}

/// The words that mean "long-term, no deadline".
const LONG_TERM_WORDS: &[&str] = &[
    "长期坚持",
    "持续推进",
    "长期",
    "长期推进",
    "持续整改",
    "常态化",
];

/// Reads a deadline cell; `Err` carries the text that is not a date.
pub fn deadline(cell: &Cell) -> Result<Deadline, String> {
    if cell.is_blank() {
        return Ok(Deadline::None);
    }
    let text = cell.text();
    if LONG_TERM_WORDS.iter().any(|w| text.starts_with(w)) {
        return Ok(Deadline::LongTerm);
    }
    date(cell).map(Deadline::Day)
}

/// Reads a date cell: a real date, an Excel serial number, or text in one of the forms
/// 2026年6月30日, 2026年6月(底), 2026年底, 2026.3.10, 2026/08/15, 2026-06-30, 20260630
/// (a trailing 前/之前/以前 is ignored).
pub fn date(cell: &Cell) -> Result<NaiveDate, String> {
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Number(n) => excel_serial(*n)
            .or_else(|| compact_date(&cell.text()))
            .ok_or_else(|| cell.text()),
        _ => {
            let text = cell.text();
            date_text(&text).ok_or(text)
        }
    }
}

/// Days since 1899-12-30 (Excel's 1900 system, its leap-year bug included) for serials
/// between 1950 and 2100.
fn excel_serial(n: f64) -> Option<NaiveDate> {
    if !(18_264.0..=73_051.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(n.trunc() as i64))
}

/// `20260630`.
fn compact_date(text: &str) -> Option<NaiveDate> {
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(text, "%Y%m%d").ok()
    } else {
        None
    }
}

fn date_text(text: &str) -> Option<NaiveDate> {
    // A time after the day ("2026-06-30 00:00:00", "2026-06-30T00:00") is dropped.
    let text = text.trim();
    let text = match text.split_once([' ', 'T']) {
        Some((day, time)) if time.contains(':') => day,
        _ => text,
    };
    let mut t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for suffix in ["之前", "以前", "前"] {
        if let Some(stripped) = t.strip_suffix(suffix) {
            t = stripped.to_owned();
        }
    }
    if let Some(serial) = t.parse::<f64>().ok().and_then(excel_serial) {
        return Some(serial);
    }
    if let Some(d) = compact_date(&t) {
        return Some(d);
    }
    let day_part = t.clone();
    let numbers: Vec<&str> = day_part
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let num = |i: usize| numbers.get(i).and_then(|s| s.parse::<u32>().ok());
    let year = i32::try_from(num(0)?)
        .ok()
        .filter(|y| (1900..=2200).contains(y))?;
    let separators_ok = day_part
        .chars()
        .all(|c| c.is_ascii_digit() || "年月日号底./-".contains(c));
    if !separators_ok {
        return None;
    }
    match numbers.len() {
        3 => NaiveDate::from_ymd_opt(year, num(1)?, num(2)?),
        // 2026年6月 / 2026年6月底: the month's last day.
        2 if day_part.contains('月') || day_part.ends_with('底') => month_end(year, num(1)?),
        // 2026年底
        1 if day_part.ends_with("年底") => NaiveDate::from_ymd_opt(year, 12, 31),
        _ => None,
    }
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), month + 1, 1)?
    };
    next.pred_opt()
}

/// Reads a rectification category from its Chinese words (or code); `Err` carries the text.
pub fn category(text: &str) -> Result<Option<Category>, String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(c) = Category::parse(&t) {
        return Ok(Some(c));
    }
    let found = if t.contains("立行立改") || t.contains("立即整改") || t == "立改" {
        Some(Category::Immediate)
    } else if t.contains("阶段") || t.contains("限期整改") || t.contains("分步") {
        Some(Category::Phased)
    } else if t.contains("长期") || t.contains("持续") {
        Some(Category::LongTerm)
    } else {
        None
    };
    found.map(Some).ok_or(t)
}

/// Reads a status from the 完成情况 words. "已完成"/"已整改" without 是否销号 reads as the stage
/// target reached: in Zoufang a problem is closed only once verified (docs/ledgers.md).
pub fn status(text: &str) -> Result<Option<Status>, String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(s) = Status::parse(&t) {
        return Ok(Some(s));
    }
    let found = if t.contains("销号") && !t.contains("未销号") {
        Some(Status::Closed)
    } else if t.starts_with('未') || t.contains("尚未") || t.contains("未开始") {
        Some(Status::Open)
    } else if t.contains("阶段") || t.contains("基本完成") {
        Some(Status::StageDone)
    } else if t.contains("整改中")
        || t.contains("推进")
        || t.contains("进行中")
        || t.contains("正在")
    {
        Some(Status::InProgress)
    } else if t.starts_with("已完成") || t.starts_with("已整改") || t.starts_with("完成") {
        Some(Status::StageDone)
    } else {
        None
    };
    found.map(Some).ok_or(t)
}

/// Reads 是/否 (and √, Y, yes, 已销号 / 未销号); `Err` carries the text.
pub fn yes_no(text: &str) -> Result<Option<bool>, String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match t.to_lowercase().as_str() {
        "" => Ok(None),
        "是" | "√" | "✓" | "y" | "yes" | "已销号" | "已" | "销号" | "true" | "1" => {
            Ok(Some(true))
        }
        "否" | "×" | "n" | "no" | "未销号" | "未" | "false" | "0" => Ok(Some(false)),
        _ => Err(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn text(t: &str) -> Cell {
        Cell::Text(t.to_owned())
    }

    #[test]
    fn every_office_date_form_is_read() {
        let cases = [
            ("2026年6月30日", day(2026, 6, 30)),
            ("2026年6月30日前", day(2026, 6, 30)),
            ("2026.3.10", day(2026, 3, 10)),
            ("2026/08/15", day(2026, 8, 15)),
            ("2026-06-30", day(2026, 6, 30)),
            ("2026-06-30 00:00:00", day(2026, 6, 30)),
            ("20260630", day(2026, 6, 30)),
            ("2026年6月底", day(2026, 6, 30)),
            ("2026年2月", day(2026, 2, 28)),
            ("2026年底", day(2026, 12, 31)),
        ];
        for (written, expected) in cases {
            assert_eq!(date(&text(written)), Ok(expected), "{written}");
        }
        assert_eq!(date(&Cell::Number(46203.0)), Ok(day(2026, 6, 30)));
        assert_eq!(date(&Cell::Date(day(2026, 1, 2))), Ok(day(2026, 1, 2)));
        assert!(date(&text("六月底")).is_err());
        assert!(date(&text("2026.13.40")).is_err());
        assert!(date(&text("尽快")).is_err());
    }

    #[test]
    fn long_term_words_have_no_deadline() {
        assert_eq!(deadline(&text("长期坚持")), Ok(Deadline::LongTerm));
        assert_eq!(deadline(&text("持续推进")), Ok(Deadline::LongTerm));
        assert_eq!(deadline(&Cell::Empty), Ok(Deadline::None));
    }

    #[test]
    fn words_become_categories_statuses_and_yes_no() {
        assert_eq!(category("立行立改"), Ok(Some(Category::Immediate)));
        assert_eq!(category("阶段性整改"), Ok(Some(Category::Phased)));
        assert_eq!(category("长期整改"), Ok(Some(Category::LongTerm)));
        assert!(category("看情况").is_err());
        assert_eq!(status("已完成"), Ok(Some(Status::StageDone)));
        assert_eq!(status("已销号"), Ok(Some(Status::Closed)));
        assert_eq!(status("整改中"), Ok(Some(Status::InProgress)));
        assert_eq!(status("未整改"), Ok(Some(Status::Open)));
        assert_eq!(yes_no("是"), Ok(Some(true)));
        assert_eq!(yes_no("否"), Ok(Some(false)));
        assert!(yes_no("也许").is_err());
    }
}
