//! The figures in SQL: every figure group (totals, per topic, per region, per responsible unit)
//! counted in one statement over the filtered visits and findings (see [`count`]), and the list
//! of figures the writers name.

use super::{Figures, Result, SummaryFilter, TopicFigures};
use crate::model::{Category, FindingKind, Status, Topic, TopicId};
use crate::store::{Store, SummaryGroup as Group, SummaryRow};
use chrono::NaiveDate;
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

/// Every group's figures, by key (region, unit, topic id; "" for the totals).
pub(super) struct Groups(HashMap<(Group, String), Figures>);

/// Counts every figure group over the scope of `filter`, "overdue" judged as of `today`: the
/// store counts them in one statement ([`Store::summary_rows`]), and the cells of findings by
/// (kind, category, status, overdue) fold into figures here ([`Figures::add_findings`]).
pub(super) fn count(store: &Store, filter: &SummaryFilter, today: NaiveDate) -> Result<Groups> {
    let rows = store.summary_rows(
        &filter.visit_filter(),
        &filter.finding_filter(&[], today),
        today,
    )?;
    let mut groups: HashMap<(Group, String), Figures> = HashMap::new();
    for row in rows {
        match row {
            SummaryRow::Findings {
                group,
                key,
                kind,
                category,
                status,
                late,
                count,
                people_affected,
                owner_unit,
            } => {
                let cell = FindingCell {
                    kind: FindingKind::parse(&kind),
                    category: category.as_deref().and_then(Category::parse),
                    status: Status::parse(&status),
                    late,
                    count,
                    people_affected,
                };
                if group == Group::Region {
                    // One cube by region and responsible unit gives three groups: regions
                    // partition the findings, so their cells add up to the totals; the units
                    // count problems only.
                    groups
                        .entry((Group::Total, String::new()))
                        .or_default()
                        .add_findings(&cell);
                    if cell.kind == Some(FindingKind::Problem) {
                        groups
                            .entry((Group::Unit, owner_unit))
                            .or_default()
                            .add_findings(&cell);
                    }
                }
                groups.entry((group, key)).or_default().add_findings(&cell);
            }
            SummaryRow::Visits {
                group,
                key,
                visits,
                unannounced,
                places,
                people_met,
            } => {
                let figures = groups.entry((group, key)).or_default();
                figures.visits = visits;
                figures.unannounced_visits = unannounced;
                figures.units_visited = places;
                figures.people_interviewed = people_met;
            }
        }
    }
    Ok(Groups(groups))
}

/// Findings of one kind, category, status and lateness, counted.
#[derive(Clone, Copy, Debug, PartialEq)]
struct FindingCell {
    kind: Option<FindingKind>,
    category: Option<Category>,
    status: Option<Status>,
    late: bool,
    count: i64,
    people_affected: i64,
}

impl Figures {
    /// Adds a cell of findings to the finding figures.
    fn add_findings(&mut self, c: &FindingCell) {
        let n = c.count;
        self.findings += n;
        match c.kind {
            Some(FindingKind::Problem) => {}
            Some(FindingKind::PositiveCase) => return self.positive_cases += n,
            Some(FindingKind::NegativeCase) => return self.negative_cases += n,
            Some(FindingKind::Practice) => return self.practices += n,
            None => return,
        }
        self.problems += n;
        self.people_affected += c.people_affected;
        match c.category {
            Some(Category::Immediate) => self.immediate += n,
            Some(Category::Phased) => self.phased += n,
            Some(Category::LongTerm) => self.long_term += n,
            None => self.uncategorized += n,
        }
        match c.status {
            Some(Status::Open) => self.open += n,
            Some(Status::InProgress) => self.in_progress += n,
            Some(Status::StageDone) => self.stage_done += n,
            Some(Status::Closed) => self.closed += n,
            None => {}
        }
        if c.category == Some(Category::Immediate) && c.status == Some(Status::Closed) {
            self.immediate_done += n;
        }
        if c.category == Some(Category::Phased)
            && matches!(c.status, Some(Status::StageDone | Status::Closed))
        {
            self.phased_stage_reached += n;
        }
        if c.late {
            self.overdue += n;
        }
    }
}

impl Groups {
    fn of(&self, group: Group) -> impl Iterator<Item = (&String, &Figures)> {
        self.0
            .iter()
            .filter(move |((g, _), _)| *g == group)
            .map(|((_, key), f)| (key, f))
    }

    /// The totals: every visit and finding in scope once.
    pub(super) fn totals(&self) -> Figures {
        self.of(Group::Total)
            .next()
            .map(|(_, f)| *f)
            .unwrap_or_default()
    }

    /// Per region of the visit (visits without findings count too), most visits first.
    pub(super) fn by_region(&self) -> Vec<super::RegionFigures> {
        let mut rows: Vec<super::RegionFigures> = self
            .of(Group::Region)
            .map(|(region, figures)| super::RegionFigures {
                region: region.clone(),
                figures: *figures,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.figures
                .visits
                .cmp(&a.figures.visits)
                .then_with(|| a.region.cmp(&b.region))
        });
        rows
    }

    /// Per responsible unit: its problems, and the visits they were found on; most problems
    /// first.
    pub(super) fn by_owner_unit(&self) -> Vec<super::UnitFigures> {
        let mut rows: Vec<super::UnitFigures> = self
            .of(Group::Unit)
            .map(|(unit, figures)| super::UnitFigures {
                owner_unit: unit.clone(),
                figures: *figures,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.figures
                .problems
                .cmp(&a.figures.problems)
                .then_with(|| a.owner_unit.cmp(&b.owner_unit))
        });
        rows
    }

    fn topic(&self, id: TopicId) -> Option<&Figures> {
        self.0.get(&(Group::Topic, id.to_string()))
    }
}

/// Per topic, each topic counting its subtopics. Which rows: with a topic filter, the filtered
/// topics (always) and their subtopics (when they have findings); without one, every live
/// top-level topic that is not archived (always) and other topics with findings.
pub(super) fn by_topic(
    groups: &Groups,
    topics: &[Topic],
    filter_topics: &[TopicId],
) -> Vec<TopicFigures> {
    let live: Vec<&Topic> = topics.iter().filter(|t| !t.meta.is_deleted()).collect();
    let pinned: HashSet<TopicId> = if filter_topics.is_empty() {
        live.iter()
            .filter(|t| t.parent_id.is_none() && !t.archived)
            .map(|t| t.id)
            .collect()
    } else {
        filter_topics.iter().copied().collect()
    };
    let in_scope = |id: TopicId| -> bool {
        pinned.contains(&id) || groups.topic(id).is_some_and(|f| f.findings > 0)
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
            figures: groups.topic(t.id).copied().unwrap_or_default(),
        });
        true
    };
    walk(&live, None, 0, &mut show);
    out
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
