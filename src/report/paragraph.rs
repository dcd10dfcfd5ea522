//! The figures as the sentences of a staged progress report (阶段性汇报), in Chinese the way
//! the seed report words them, and in English.

use super::{FilterInfo, Summary};
use crate::i18n::Lang;

/// The progress-report paragraph for `summary`, in `lang`.
pub fn paragraph(summary: &Summary, lang: Lang) -> String {
    match lang {
        Lang::Zh => zh(summary),
        Lang::En => en(summary),
    }
}

fn zh(s: &Summary) -> String {
    let t = &s.totals;
    let mut out = zh_scope(&s.filter, s);
    out.push_str(&format!(
        "累计走访基层单位{}个（走访{}次，其中“四不两直”{}次），走访党员群众{}人，查找问题{}个，\
         其中立行立改{}个、阶段性整改{}个、长期整改{}个",
        t.units_visited,
        t.visits,
        t.unannounced_visits,
        t.people_interviewed,
        t.problems,
        t.immediate,
        t.phased,
        t.long_term
    ));
    if t.uncategorized > 0 {
        out.push_str(&format!("、尚未明确整改类别{}个", t.uncategorized));
    }
    out.push_str(&format!(
        "。{}个问题立行立改到位，{}个问题已完成阶段性整改目标，{}个问题长期整改；\
         已销号{}个，逾期未完成{}个。",
        t.immediate_done, t.phased_stage_reached, t.long_term, t.closed, t.overdue
    ));
    out.push_str(&format!(
        "对{}个正反典型案例开展“解剖式”调研（正面典型{}个、反面典型{}个），提炼总结经验做法{}个。",
        t.positive_cases + t.negative_cases,
        t.positive_cases,
        t.negative_cases,
        t.practices
    ));
    out.push_str(&format!("问题涉及群众{}人（户）。", t.people_affected));
    out
}

/// "2025年3月1日至2026年6月30日，在芙蓉区，围绕养老服务专题，" and the like.
fn zh_scope(f: &FilterInfo, s: &Summary) -> String {
    let lang = Lang::Zh;
    let mut parts = vec![match (f.since, f.until) {
        (Some(a), Some(b)) => format!("{}至{}", lang.date(a), lang.date(b)),
        (Some(a), None) => format!("{}以来", lang.date(a)),
        (None, Some(b)) => format!("截至{}", lang.date(b)),
        (None, None) => format!("截至{}", lang.date(s.as_of)),
    }];
    if let Some(region) = &f.region {
        parts.push(format!("在{region}"));
    }
    if !f.topics.is_empty() {
        parts.push(format!("围绕{}专题", f.topic_names(lang)));
    }
    if let Some(subject) = &f.subject {
        parts.push(format!("围绕“{subject}”调研课题"));
    }
    if let Some(name) = &f.investigator {
        parts.push(format!("{name}参与的走访中"));
    }
    let mut out = parts.join("，");
    out.push('，');
    out
}

/// "1 visit" / "2 visits".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "has" / "have".
fn has(n: i64) -> &'static str {
    if n == 1 { "has" } else { "have" }
}

fn en(s: &Summary) -> String {
    let t = &s.totals;
    let mut out = en_scope(&s.filter, s);
    out.push_str(&format!(
        ": {} visited ({}, {} unannounced), {} interviewed, {} found: {} to fix at once, {} phased and {} long-term",
        count(t.units_visited, "grassroots unit", "grassroots units"),
        count(t.visits, "visit", "visits"),
        t.unannounced_visits,
        count(
            t.people_interviewed,
            "party member or resident",
            "party members and residents"
        ),
        count(t.problems, "problem", "problems"),
        t.immediate,
        t.phased,
        t.long_term
    ));
    if t.uncategorized > 0 {
        out.push_str(&format!(", {} without a category yet", t.uncategorized));
    }
    out.push_str(&format!(
        ". {} {} been fixed at once, {} {} reached the stage target of a phased rectification, \
         and {} {} being rectified over the long term; {} closed, {} overdue. ",
        t.immediate_done,
        has(t.immediate_done),
        t.phased_stage_reached,
        has(t.phased_stage_reached),
        t.long_term,
        if t.long_term == 1 { "is" } else { "are" },
        t.closed,
        t.overdue
    ));
    out.push_str(&format!(
        "{} studied in depth ({} positive, {} negative); {} written up. ",
        count(
            t.positive_cases + t.negative_cases,
            "typical case",
            "typical cases"
        ),
        t.positive_cases,
        t.negative_cases,
        count(t.practices, "good practice", "good practices")
    ));
    out.push_str(&format!(
        "The problems affect {}.",
        count(
            t.people_affected,
            "person or household",
            "people or households"
        )
    ));
    out
}

/// "From 1 Mar 2025 to 30 Jun 2026, in 芙蓉区, on the topic Elderly care" and the like.
fn en_scope(f: &FilterInfo, s: &Summary) -> String {
    let lang = Lang::En;
    let mut out = match (f.since, f.until) {
        (Some(a), Some(b)) => format!("From {} to {}", lang.date(a), lang.date(b)),
        (Some(a), None) => format!("Since {}", lang.date(a)),
        (None, Some(b)) => format!("Up to {}", lang.date(b)),
        (None, None) => format!("As of {}", lang.date(s.as_of)),
    };
    if let Some(region) = &f.region {
        out.push_str(&format!(", in {region}"));
    }
    if !f.topics.is_empty() {
        let topics = if f.topics.len() == 1 {
            "the topic"
        } else {
            "the topics"
        };
        out.push_str(&format!(", on {topics} {}", f.topic_names(lang)));
    }
    if let Some(subject) = &f.subject {
        out.push_str(&format!(", under the subject “{subject}”"));
    }
    if let Some(name) = &f.investigator {
        out.push_str(&format!(", in visits by {name}"));
    }
    out
}
