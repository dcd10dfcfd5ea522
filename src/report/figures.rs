//! The figures in SQL: one statement per figure group (totals, per topic, per region, per
//! responsible unit), each a conditional aggregation over the filtered visits and findings.
//!
//! Every statement starts from the same two CTEs, built from the store's own list filters so a
//! summary and a list with the same filter see the same records:
//! - `vs`: the live visits in scope (with a topic filter: those with a finding in scope);
//! - `fs`: the live findings in scope (of live visits), with their visit's columns.
//!
//! A group then says which (key, finding) pairs it counts (`fk`) and which (key, visit) pairs
//! (`vk`); the aggregation over those is shared.

use super::{Figures, Result, SummaryFilter, TopicFigures};
use crate::model::{Topic, TopicId};
use crate::store::Store;
use chrono::NaiveDate;
use rusqlite::types::Value as SqlValue;
use std::collections::{HashMap, HashSet};

/// One figure: its JSON key, its labels and how to read it from [`Figures`]. The writers list
/// figures from here, so every document names them the same way.
#[derive(Clone, Copy, Debug)]
pub struct FigureDef {
    /// The JSON key.
    pub key: &'static str,
    /// Chinese label.
    pub zh: &'static str,
    /// English label.
    pub en: &'static str,
    /// Reads the figure.
    pub get: fn(&Figures) -> i64,
}

impl FigureDef {
    /// The label in `lang`.
    pub fn label(&self, lang: crate::i18n::Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

macro_rules! figure {
    ($key:ident, $zh:literal, $en:literal) => {
        FigureDef {
            key: stringify!($key),
            zh: $zh,
            en: $en,
            get: |f| f.$key,
        }
    };
}

/// Every figure, in the order a report reads them.
pub const FIGURES: &[FigureDef] = &[
    figure!(visits, "走访次数", "Visits"),
    figure!(unannounced_visits, "“四不两直”走访", "Unannounced visits"),
    figure!(units_visited, "走访基层单位（个）", "Units visited"),
    figure!(
        people_interviewed,
        "走访党员群众（人）",
        "People interviewed"
    ),
    figure!(findings, "发现合计（条）", "Findings"),
    figure!(problems, "查找问题（个）", "Problems found"),
    figure!(immediate, "其中：立行立改", "  fix at once"),
    figure!(phased, "其中：阶段性整改", "  phased"),
    figure!(long_term, "其中：长期整改", "  long-term"),
    figure!(uncategorized, "其中：未定整改类别", "  category not set"),
    figure!(immediate_done, "立行立改到位", "Fixed at once (closed)"),
    figure!(
        phased_stage_reached,
        "完成阶段性整改目标",
        "Phased: stage target reached"
    ),
    figure!(open, "未整改", "Open"),
    figure!(in_progress, "整改中", "In progress"),
    figure!(stage_done, "阶段目标完成", "Stage target reached"),
    figure!(closed, "已销号", "Closed"),
    figure!(overdue, "逾期未完成", "Overdue"),
    figure!(positive_cases, "正面典型案例", "Positive cases"),
    figure!(negative_cases, "反面典型案例", "Negative cases"),
    figure!(practices, "经验做法", "Good practices"),
    figure!(
        people_affected,
        "问题涉及群众（人/户）",
        "People or households affected"
    ),
];

/// The filtered visits (`vs`) and findings (`fs`) as CTEs, with their parameters.
pub(super) struct Scope {
    ctes: String,
    params: Vec<SqlValue>,
    today: NaiveDate,
}

impl Scope {
    /// The scope of `filter`, with "overdue" judged as of `today`.
    pub(super) fn new(store: &Store, filter: &SummaryFilter, today: NaiveDate) -> Result<Scope> {
        let (visit_where, mut params) = store.visit_filter_sql(&filter.visit_filter())?;
        let (finding_where, finding_params) =
            store.finding_filter_sql(&filter.finding_filter(&[], today))?;
        params.extend(finding_params);
        let ctes = format!(
            "WITH RECURSIVE
             vs AS (SELECT v.id, v.place, v.region, v.people_met, v.unannounced
                    FROM visit v {visit_where}),
             fs AS (SELECT f.id, f.visit_id, f.kind, f.category, f.status, f.deadline,
                           f.people_affected, f.owner_unit,
                           v.place, v.region, v.people_met, v.unannounced
                    FROM finding f JOIN visit v ON v.id = f.visit_id {finding_where})"
        );
        Ok(Scope {
            ctes,
            params,
            today,
        })
    }

    /// Runs one figure group: `extra` adds CTEs, `fk` selects `(key, <fs columns>)` rows (one
    /// per key and finding), `vk` selects `(key, visit_id, place, people_met, unannounced)` rows
    /// (one per key and visit). Returns the figures per key.
    fn grouped(
        &self,
        store: &Store,
        extra: &str,
        fk: &str,
        vk: &str,
    ) -> Result<Vec<(String, Figures)>> {
        // `today` is a date we formatted ourselves (YYYY-MM-DD), never user text, so it can sit
        // in the SQL as a literal and the positional parameters stay those of the filters.
        let today = self.today.format("%Y-%m-%d");
        let sql = format!(
            "{ctes}{extra},
             fk AS ({fk}),
             vk AS ({vk}),
             va AS (SELECT key,
                           count(*) AS visits,
                           coalesce(sum(unannounced <> 0), 0) AS unannounced_visits,
                           count(DISTINCT place) AS units_visited,
                           coalesce(sum(people_met), 0) AS people_interviewed
                    FROM vk GROUP BY key),
             fa AS (SELECT key,
                           count(*) AS findings,
                           coalesce(sum(kind = 'problem'), 0) AS problems,
                           coalesce(sum(kind = 'problem' AND category = 'immediate'), 0),
                           coalesce(sum(kind = 'problem' AND category = 'phased'), 0),
                           coalesce(sum(kind = 'problem' AND category = 'long-term'), 0),
                           coalesce(sum(kind = 'problem' AND category IS NULL), 0),
                           coalesce(sum(kind = 'problem' AND category = 'immediate'
                                        AND status = 'closed'), 0),
                           coalesce(sum(kind = 'problem' AND category = 'phased'
                                        AND status IN ('stage-done', 'closed')), 0),
                           coalesce(sum(kind = 'problem' AND status = 'open'), 0),
                           coalesce(sum(kind = 'problem' AND status = 'in-progress'), 0),
                           coalesce(sum(kind = 'problem' AND status = 'stage-done'), 0),
                           coalesce(sum(kind = 'problem' AND status = 'closed'), 0),
                           coalesce(sum(kind = 'problem' AND status IN ('open', 'in-progress')
                                        AND deadline < '{today}'), 0),
                           coalesce(sum(kind = 'positive-case'), 0),
                           coalesce(sum(kind = 'negative-case'), 0),
                           coalesce(sum(kind = 'practice'), 0),
                           coalesce(sum(CASE WHEN kind = 'problem' THEN people_affected END), 0)
                    FROM fk GROUP BY key),
             keys AS (SELECT key FROM va UNION SELECT key FROM fa)
             SELECT keys.key,
                    coalesce(va.visits, 0), coalesce(va.unannounced_visits, 0),
                    coalesce(va.units_visited, 0), coalesce(va.people_interviewed, 0),
                    fa.*
             FROM keys
             LEFT JOIN va ON va.key IS keys.key
             LEFT JOIN fa ON fa.key IS keys.key",
            ctes = self.ctes
        );
        let mut stmt = store.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(self.params.iter()), |row| {
            // Column 5 is fa.key; the finding figures follow it.
            let f = |i: usize| -> rusqlite::Result<i64> {
                Ok(row.get::<_, Option<i64>>(i)?.unwrap_or(0))
            };
            let key: Option<String> = row.get(0)?;
            Ok((
                key.unwrap_or_default(),
                Figures {
                    visits: f(1)?,
                    unannounced_visits: f(2)?,
                    units_visited: f(3)?,
                    people_interviewed: f(4)?,
                    findings: f(6)?,
                    problems: f(7)?,
                    immediate: f(8)?,
                    phased: f(9)?,
                    long_term: f(10)?,
                    uncategorized: f(11)?,
                    immediate_done: f(12)?,
                    phased_stage_reached: f(13)?,
                    open: f(14)?,
                    in_progress: f(15)?,
                    stage_done: f(16)?,
                    closed: f(17)?,
                    overdue: f(18)?,
                    positive_cases: f(19)?,
                    negative_cases: f(20)?,
                    practices: f(21)?,
                    people_affected: f(22)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

const FINDING_COLUMNS: &str = "fs.id, fs.visit_id, fs.kind, fs.category, fs.status, fs.deadline, fs.people_affected, \
     fs.place, fs.people_met, fs.unannounced";

/// The totals: every visit and finding in scope once.
pub(super) fn totals(store: &Store, scope: &Scope) -> Result<Figures> {
    let rows = scope.grouped(
        store,
        "",
        &format!("SELECT '' AS key, {FINDING_COLUMNS} FROM fs"),
        "SELECT '' AS key, id AS visit_id, place, people_met, unannounced FROM vs",
    )?;
    Ok(rows.into_iter().next().map(|(_, f)| f).unwrap_or_default())
}

/// Per region of the visit (visits without findings count too).
pub(super) fn by_region(store: &Store, scope: &Scope) -> Result<Vec<super::RegionFigures>> {
    let mut rows: Vec<super::RegionFigures> = scope
        .grouped(
            store,
            "",
            &format!("SELECT fs.region AS key, {FINDING_COLUMNS} FROM fs"),
            "SELECT region AS key, id AS visit_id, place, people_met, unannounced FROM vs",
        )?
        .into_iter()
        .map(|(region, figures)| super::RegionFigures { region, figures })
        .collect();
    rows.sort_by(|a, b| {
        b.figures
            .visits
            .cmp(&a.figures.visits)
            .then_with(|| a.region.cmp(&b.region))
    });
    Ok(rows)
}

/// Per responsible unit: its problems, and the visits they were found on.
pub(super) fn by_owner_unit(store: &Store, scope: &Scope) -> Result<Vec<super::UnitFigures>> {
    let mut rows: Vec<super::UnitFigures> = scope
        .grouped(
            store,
            "",
            &format!(
                "SELECT trim(fs.owner_unit) AS key, {FINDING_COLUMNS} FROM fs
                 WHERE fs.kind = 'problem'"
            ),
            "SELECT DISTINCT key, visit_id, place, people_met, unannounced FROM fk",
        )?
        .into_iter()
        .map(|(owner_unit, figures)| super::UnitFigures {
            owner_unit,
            figures,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.figures
            .problems
            .cmp(&a.figures.problems)
            .then_with(|| a.owner_unit.cmp(&b.owner_unit))
    });
    Ok(rows)
}

/// Per topic, each topic counting its subtopics. Which rows: with a topic filter, the filtered
/// topics (always) and their subtopics (when they have findings); without one, every live
/// top-level topic (always) and subtopics with findings.
pub(super) fn by_topic(
    store: &Store,
    scope: &Scope,
    topics: &[Topic],
    filter_topics: &[TopicId],
) -> Result<Vec<TopicFigures>> {
    let tree = "tree(root, id) AS (
                    SELECT id, id FROM topic WHERE deleted_at IS NULL
                    UNION
                    SELECT tree.root, t.id FROM topic t JOIN tree ON t.parent_id = tree.id
                    WHERE t.deleted_at IS NULL)";
    let figures: HashMap<String, Figures> = scope
        .grouped(
            store,
            &format!(",\n{tree}"),
            &format!(
                "SELECT DISTINCT tree.root AS key, {FINDING_COLUMNS}
                 FROM fs JOIN finding_topic ft ON ft.finding_id = fs.id
                 JOIN tree ON tree.id = ft.topic_id"
            ),
            "SELECT DISTINCT key, visit_id, place, people_met, unannounced FROM fk",
        )?
        .into_iter()
        .collect();

    let live: Vec<&Topic> = topics.iter().filter(|t| !t.meta.is_deleted()).collect();
    let pinned: HashSet<TopicId> = if filter_topics.is_empty() {
        live.iter()
            .filter(|t| t.parent_id.is_none())
            .map(|t| t.id)
            .collect()
    } else {
        filter_topics.iter().copied().collect()
    };
    let in_scope = |id: TopicId| -> bool {
        pinned.contains(&id) || figures.get(&id.to_string()).is_some_and(|f| f.findings > 0)
    };
    let codes: HashMap<TopicId, &str> = live.iter().map(|t| (t.id, t.code.as_str())).collect();
    let mut out = Vec::new();
    // Depth-first in catalogue order, so subtopics follow their parent; a row's depth is the
    // number of its ancestors shown in the table.
    fn walk(
        live: &[&Topic],
        parent: Option<TopicId>,
        depth: usize,
        show: &mut dyn FnMut(&Topic, usize) -> bool,
    ) {
        for t in live.iter().filter(|t| t.parent_id == parent) {
            let shown = show(t, depth);
            walk(live, Some(t.id), depth + usize::from(shown), show);
        }
    }
    let mut show = |t: &Topic, depth: usize| -> bool {
        // With a topic filter, only the filtered topics and what lies below them.
        let under_pinned = filter_topics.is_empty() || ancestors_pinned(t, &live, &pinned);
        if !(under_pinned && in_scope(t.id)) {
            return false;
        }
        out.push(TopicFigures {
            topic_id: t.id,
            code: t.code.clone(),
            name_zh: t.name_zh.clone(),
            name_en: t.name_en.clone(),
            parent: t
                .parent_id
                .and_then(|p| codes.get(&p))
                .map(|c| (*c).to_owned()),
            depth,
            figures: figures.get(&t.id.to_string()).copied().unwrap_or_default(),
        });
        true
    };
    walk(&live, None, 0, &mut show);
    Ok(out)
}

/// Whether `t` or one of its ancestors is pinned.
fn ancestors_pinned(t: &Topic, live: &[&Topic], pinned: &HashSet<TopicId>) -> bool {
    let mut current = Some(t.id);
    let mut steps = 0;
    while let Some(id) = current {
        if pinned.contains(&id) {
            return true;
        }
        current = live.iter().find(|t| t.id == id).and_then(|t| t.parent_id);
        steps += 1;
        if steps > 64 {
            break;
        }
    }
    false
}
