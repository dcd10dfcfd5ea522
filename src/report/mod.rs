//! Summaries and the figures of a progress report: what the seed report leaves as `*`, counted
//! from the data per topic, per region and per responsible unit, with the lists behind them, and
//! written out as the documents an office uses (XLSX, DOCX, CSV, Markdown) or as the sentences a
//! staged report uses.
//!
//! The public version of the problem list ([`public_report`], `public.rs`) leaves out every
//! personal field and masks phone numbers, ID numbers and known names in the rest
//! (`redact.rs`).
//!
//! Reading order: [`summarize`] (the figures of every group in one SQL statement, `figures.rs`),
//! [`report`] (figures plus the lists), [`paragraph`], then [`export`] and its writers.

pub mod chart;
mod chart_png;
mod csv;
mod docx;
mod docx_parts;
mod error;
mod figures;
mod markdown;
mod normalize;
mod paragraph;
mod print;
mod public;
mod redact;
mod redact_numbers;
mod table;
mod xlsx;

pub use error::ReportError;
pub use figures::{FIGURES, FigureDef};
pub use paragraph::paragraph;
pub use public::{
    PUBLIC_FINDING_FIELDS, PUBLIC_VISIT_FIELDS, PublicFormat, PublicReport, PublicRow,
    export_public, public_file_name, public_report,
};
pub use redact::{Redactor, mask_numbers};

use crate::i18n::Lang;
use crate::model::{FindingKind, SubjectId, Topic, TopicId};
use crate::store::{
    FindingFilter, FindingRow, FindingSort, Page, Store, VisitFilter, VisitRow, VisitSort,
};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// The report's result type.
pub type Result<T, E = ReportError> = std::result::Result<T, E>;

/// What a summary covers. Empty fields mean "any".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SummaryFilter {
    /// Findings tagged with one of these topics or a subtopic of one; visits with such a finding.
    pub topics: Vec<TopicId>,
    /// Visits on or after this day.
    pub since: Option<NaiveDate>,
    /// Visits on or before this day.
    pub until: Option<NaiveDate>,
    /// Visits of this research subject.
    pub subject: Option<SubjectId>,
    /// Visits whose region contains this text.
    pub region: Option<String>,
    /// Visits this person went on.
    pub investigator: Option<String>,
}

impl SummaryFilter {
    /// The same scope as a finding-list filter (the problem list and typical cases use it).
    pub fn finding_filter(&self, kinds: &[FindingKind], today: NaiveDate) -> FindingFilter {
        FindingFilter {
            topics: self.topics.clone(),
            kinds: kinds.to_vec(),
            since: self.since,
            until: self.until,
            investigator: self.investigator.clone(),
            region: self.region.clone(),
            subject: self.subject,
            today: Some(today),
            ..FindingFilter::default()
        }
    }

    /// The same scope as a visit-list filter.
    pub fn visit_filter(&self) -> VisitFilter {
        VisitFilter {
            topics: self.topics.clone(),
            since: self.since,
            until: self.until,
            investigator: self.investigator.clone(),
            region: self.region.clone(),
            subject: self.subject,
            ..VisitFilter::default()
        }
    }
}

/// The figures of one scope (everything, one topic, one region or one responsible unit).
///
/// Visit figures count live visits in scope; finding figures count live findings in scope (a
/// finding of a deleted visit is out). Problem figures (`immediate` … `overdue`,
/// `people_affected`) count findings of kind *problem* only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Visits (走访次数).
    pub visits: i64,
    /// Unannounced visits (“四不两直”).
    pub unannounced_visits: i64,
    /// Distinct places visited (走访基层单位).
    pub units_visited: i64,
    /// People interviewed: the sum of the visits' people met (走访党员群众).
    pub people_interviewed: i64,
    /// Findings of every kind.
    pub findings: i64,
    /// Problems found (查找问题).
    pub problems: i64,
    /// Problems to fix at once (立行立改).
    pub immediate: i64,
    /// Phased problems (阶段性整改).
    pub phased: i64,
    /// Long-term problems (长期整改).
    pub long_term: i64,
    /// Problems with no category yet.
    pub uncategorized: i64,
    /// Fix-at-once problems that are closed (立行立改到位).
    pub immediate_done: i64,
    /// Phased problems whose stage target is reached or that are closed (完成阶段性整改目标).
    pub phased_stage_reached: i64,
    /// Problems not started.
    pub open: i64,
    /// Problems being rectified.
    pub in_progress: i64,
    /// Problems whose stage target is reached.
    pub stage_done: i64,
    /// Problems verified and closed (已销号).
    pub closed: i64,
    /// Problems open or in progress past their deadline.
    pub overdue: i64,
    /// Positive typical cases (正面典型).
    pub positive_cases: i64,
    /// Negative typical cases (反面典型).
    pub negative_cases: i64,
    /// Good practice (经验做法).
    pub practices: i64,
    /// People or households affected by the problems (problems only; cases and practice are
    /// not added, so the figure is the number the rectification has to reach).
    pub people_affected: i64,
}

/// A topic's figures (a topic counts its subtopics). A finding with two topics counts in both,
/// so the rows do not add up to the totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopicFigures {
    /// The topic's id.
    pub topic_id: TopicId,
    /// Its code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The parent's code, for a subtopic.
    pub parent: Option<String>,
    /// 0 for a topic whose parent is not in the table, 1 below it, and so on.
    pub depth: usize,
    /// The figures.
    #[serde(flatten)]
    pub figures: Figures,
}

impl TopicFigures {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        let name = lang.pick(&self.name_zh, &self.name_en);
        if name.is_empty() { &self.name_zh } else { name }
    }
}

/// A region's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionFigures {
    /// The region as recorded (empty when not given).
    pub region: String,
    /// The figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// A responsible unit's figures: its problems, and the visits they were found on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitFigures {
    /// The responsible unit as recorded (empty when not given).
    pub owner_unit: String,
    /// The figures (finding figures count problems only).
    #[serde(flatten)]
    pub figures: Figures,
}

/// A topic named in a filter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopicName {
    /// Its code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// The filter as a reader sees it (names instead of ids).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FilterInfo {
    /// Topics.
    pub topics: Vec<TopicName>,
    /// From this day.
    pub since: Option<NaiveDate>,
    /// Up to this day.
    pub until: Option<NaiveDate>,
    /// The research subject's title.
    pub subject: Option<String>,
    /// Region text.
    pub region: Option<String>,
    /// Investigator.
    pub investigator: Option<String>,
}

impl FilterInfo {
    /// Whether the summary covers everything.
    pub fn is_everything(&self) -> bool {
        *self == FilterInfo::default()
    }

    /// The topic names in `lang`, joined with `、`/`, `.
    pub fn topic_names(&self, lang: Lang) -> String {
        self.topics
            .iter()
            .map(|t| {
                if lang == Lang::En && !t.name_en.is_empty() {
                    t.name_en.as_str()
                } else {
                    t.name_zh.as_str()
                }
            })
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "))
    }

    /// One line saying what the summary covers, e.g. `专题：养老服务；时间：…`.
    pub fn describe(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if !self.topics.is_empty() {
            parts.push(format!(
                "{}{}",
                lang.pick("专题：", "Topics: "),
                self.topic_names(lang)
            ));
        }
        let dates = match (self.since, self.until) {
            (None, None) => None,
            (Some(a), Some(b)) => Some(format!("{} – {}", lang.date(a), lang.date(b))),
            (Some(a), None) => Some(match lang {
                Lang::Zh => format!("{}起", lang.date(a)),
                Lang::En => format!("from {}", lang.date(a)),
            }),
            (None, Some(b)) => Some(match lang {
                Lang::Zh => format!("截至{}", lang.date(b)),
                Lang::En => format!("up to {}", lang.date(b)),
            }),
        };
        if let Some(dates) = dates {
            parts.push(format!("{}{dates}", lang.pick("时间：", "Dates: ")));
        }
        if let Some(s) = &self.subject {
            parts.push(format!("{}{s}", lang.pick("调研课题：", "Subject: ")));
        }
        if let Some(r) = &self.region {
            parts.push(format!("{}{r}", lang.pick("地区：", "Region: ")));
        }
        if let Some(i) = &self.investigator {
            parts.push(format!("{}{i}", lang.pick("走访人员：", "Investigator: ")));
        }
        if parts.is_empty() {
            lang.pick("全部走访记录", "All visits").to_owned()
        } else {
            parts.join(lang.pick("；", "; "))
        }
    }
}

/// The figures of a scope: in total, per topic, per region and per responsible unit.
/// Serialized, the totals' keys (`visits`, `problems` …) sit at the top level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The day "overdue" is judged against.
    pub as_of: NaiveDate,
    /// What the summary covers.
    pub filter: FilterInfo,
    /// The totals (a finding is counted once however many topics it has).
    #[serde(flatten)]
    pub totals: Figures,
    /// Per topic, in catalogue order, subtopics after their parent.
    pub by_topic: Vec<TopicFigures>,
    /// Per region, most visits first.
    pub by_region: Vec<RegionFigures>,
    /// Per responsible unit, most problems first.
    pub by_owner_unit: Vec<UnitFigures>,
}

/// Counts the figures of `filter`'s scope, judging "overdue" as of `today`.
pub fn summarize(store: &Store, filter: &SummaryFilter, today: NaiveDate) -> Result<Summary> {
    if let (Some(since), Some(until)) = (filter.since, filter.until)
        && until < since
    {
        return Err(ReportError::PeriodReversed { since, until });
    }
    let topics = store.topics()?;
    let groups = figures::count(store, filter, today)?;
    Ok(Summary {
        as_of: today,
        filter: filter_info(store, filter, &topics)?,
        totals: groups.totals(),
        by_topic: figures::by_topic(&groups, &topics, &filter.topics),
        by_region: groups.by_region(),
        by_owner_unit: groups.by_owner_unit(),
    })
}

fn filter_info(store: &Store, filter: &SummaryFilter, topics: &[Topic]) -> Result<FilterInfo> {
    let by_id: HashMap<TopicId, &Topic> = topics.iter().map(|t| (t.id, t)).collect();
    let subject = match filter.subject {
        Some(id) => Some(store.subject(id)?.title),
        None => None,
    };
    let non_empty = |s: &Option<String>| {
        s.as_ref()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    Ok(FilterInfo {
        topics: filter
            .topics
            .iter()
            .enumerate()
            .filter(|(i, id)| !filter.topics[..*i].contains(id))
            .filter_map(|(_, id)| by_id.get(id))
            .map(|t| TopicName {
                code: t.code.clone(),
                name_zh: t.name_zh.clone(),
                name_en: t.name_en.clone(),
            })
            .collect(),
        since: filter.since,
        until: filter.until,
        subject,
        region: non_empty(&filter.region),
        investigator: non_empty(&filter.investigator),
    })
}

/// A summary with the lists behind it: what the exports write.
#[derive(Clone, Debug)]
pub struct Report {
    /// The figures.
    pub summary: Summary,
    /// The problem list (问题清单) with its rectification fields, by visit date.
    pub problems: Vec<FindingRow>,
    /// Typical cases and good practice, by visit date.
    pub cases: Vec<FindingRow>,
    /// The visits in scope, by date.
    pub visits: Vec<VisitRow>,
    /// Subject titles by id, for the visit list.
    pub subjects: HashMap<SubjectId, String>,
    /// The catalogue, for topic names.
    topics: HashMap<TopicId, Topic>,
}

/// Counts the figures and reads the lists behind them.
pub fn report(store: &Store, filter: &SummaryFilter, today: NaiveDate) -> Result<Report> {
    let summary = summarize(store, filter, today)?;
    let problems = store.list_findings(
        &filter.finding_filter(&[FindingKind::Problem], today),
        FindingSort::Date,
        true,
        Page::ALL,
    )?;
    let cases = store.list_findings(
        &filter.finding_filter(table::CASE_KINDS, today),
        FindingSort::Kind,
        true,
        Page::ALL,
    )?;
    let visits = store.list_visits(&filter.visit_filter(), VisitSort::Date, true, Page::ALL)?;
    let subjects = store
        .subjects(false)?
        .into_iter()
        .chain(store.subjects(true)?)
        .map(|s| (s.id, s.title))
        .collect();
    let topics = store.topics()?.into_iter().map(|t| (t.id, t)).collect();
    Ok(Report {
        summary,
        problems,
        cases,
        visits,
        subjects,
        topics,
    })
}

impl Report {
    /// The names of `ids` in `lang`, joined with `、`/`, `.
    pub fn topic_names(&self, ids: &[TopicId], lang: Lang) -> String {
        ids.iter()
            .filter_map(|id| self.topics.get(id))
            .map(|t| t.name(lang))
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "))
    }

    /// Whether `topic` is `root` or below it.
    fn is_under(&self, topic: TopicId, root: TopicId) -> bool {
        let mut current = Some(topic);
        let mut steps = 0;
        while let Some(id) = current {
            if id == root {
                return true;
            }
            current = self.topics.get(&id).and_then(|t| t.parent_id);
            steps += 1;
            if steps > 64 {
                break;
            }
        }
        false
    }

    /// The problems tagged with `root` or one of its subtopics.
    pub fn problems_under(&self, root: TopicId) -> impl Iterator<Item = &FindingRow> {
        self.problems
            .iter()
            .filter(move |r| r.finding.topics.iter().any(|t| self.is_under(*t, root)))
    }

    /// The problems tagged with none of the summary's sections (shown as "other" in documents).
    pub fn problems_outside_sections(&self) -> impl Iterator<Item = &FindingRow> {
        let roots: Vec<TopicId> = self.sections().map(|t| t.topic_id).collect();
        self.problems.iter().filter(move |r| {
            !r.finding
                .topics
                .iter()
                .any(|t| roots.iter().any(|root| self.is_under(*t, *root)))
        })
    }

    /// The top rows of the topic table (depth 0): one document section each.
    pub fn sections(&self) -> impl Iterator<Item = &TopicFigures> {
        self.summary.by_topic.iter().filter(|t| t.depth == 0)
    }

    /// The subject title of a visit, or "".
    pub fn subject_title(&self, id: Option<SubjectId>) -> &str {
        id.and_then(|id| self.subjects.get(&id))
            .map_or("", String::as_str)
    }
}

/// A document format the summary can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// Excel workbook: Summary, By topic, Problem list, Visits, Typical cases.
    Xlsx,
    /// Word document: the report.
    Docx,
    /// The problem list as CSV (UTF-8 with BOM, for Excel and WPS).
    Csv,
    /// The whole summary as Markdown.
    Markdown,
}

impl ExportFormat {
    /// Every format, in the order the window offers them.
    pub const ALL: &'static [ExportFormat] = &[
        ExportFormat::Xlsx,
        ExportFormat::Docx,
        ExportFormat::Csv,
        ExportFormat::Markdown,
    ];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Docx => "docx",
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "md",
        }
    }

    /// Whether the bytes are not text (and so cannot go to a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, ExportFormat::Xlsx | ExportFormat::Docx)
    }
}

/// Writes `report` as a document in `format`, its labels in `lang`.
pub fn export(report: &Report, format: ExportFormat, lang: Lang) -> Result<Vec<u8>> {
    match format {
        ExportFormat::Xlsx => xlsx::write(report, lang),
        ExportFormat::Docx => docx::write(report, lang),
        ExportFormat::Csv => Ok(csv::problem_list(report, lang).into_bytes()),
        ExportFormat::Markdown => Ok(markdown::write(report, lang).into_bytes()),
    }
}

/// A suggested file name, e.g. `走访汇总-养老服务-2026-11-27.xlsx`.
pub fn file_name(summary: &Summary, format: ExportFormat, lang: Lang) -> String {
    let mut name = lang.pick("走访汇总", "visit-summary").to_owned();
    let topics = summary.filter.topic_names(lang);
    if !topics.is_empty() {
        name.push('-');
        name.push_str(&topics.replace(['/', '\\', ':', ' '], "_"));
    }
    format!("{name}-{}.{}", summary.as_of, format.extension())
}

/// Text cells of a finding's rectification that several writers share.
pub(crate) fn category_label(row: &FindingRow, lang: Lang) -> &'static str {
    row.finding.category.map_or("", |c| c.label(lang))
}

/// "是"/"yes" or "".
pub(crate) fn yes(flag: bool, lang: Lang) -> &'static str {
    if flag { lang.pick("是", "yes") } else { "" }
}

/// The label of an empty region or unit.
pub(crate) fn or_not_given(text: &str, lang: Lang) -> &str {
    if text.trim().is_empty() {
        lang.pick("（未填写）", "(not given)")
    } else {
        text
    }
}

/// The title of the documents.
pub(crate) fn title(summary: &Summary, lang: Lang) -> String {
    let topics = summary.filter.topic_names(lang);
    if topics.is_empty() {
        lang.pick("走基层调研情况汇总", "Field visit summary")
            .to_owned()
    } else {
        format!(
            "{topics}{}",
            lang.pick("专题走基层调研情况汇总", ": field visit summary")
        )
    }
}
