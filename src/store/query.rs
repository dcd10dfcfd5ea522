//! Paged, filtered list queries: exactly the rows a list shows, and their count.

use super::error::Result;
use super::record::{RecordKind, read_row, select_list};
use super::{Store, search};
use crate::model::{
    Category, Finding, FindingKind, Status, Subject, SubjectId, TopicId, Visit, VisitId,
};
use chrono::NaiveDate;
use rusqlite::types::Value as SqlValue;

/// A window of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: usize,
    /// Rows to return at most.
    pub limit: usize,
}

impl Page {
    /// Every row.
    pub const ALL: Page = Page {
        offset: 0,
        limit: usize::MAX >> 2,
    };
}

/// Which findings a list shows. Empty vectors mean "any".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingFilter {
    /// Tagged with one of these topics or a subtopic of one.
    pub topics: Vec<TopicId>,
    /// Of one of these kinds.
    pub kinds: Vec<FindingKind>,
    /// In one of these statuses.
    pub statuses: Vec<Status>,
    /// In one of these categories.
    pub categories: Vec<Category>,
    /// Only problems pending past their deadline.
    pub overdue: bool,
    /// Visits on or after this day.
    pub since: Option<NaiveDate>,
    /// Visits on or before this day.
    pub until: Option<NaiveDate>,
    /// Visits this person went on.
    pub investigator: Option<String>,
    /// Visits whose region contains this text.
    pub region: Option<String>,
    /// Visits of this subject.
    pub subject: Option<SubjectId>,
    /// Whose responsible person or unit contains this text.
    pub owner: Option<String>,
    /// Found on this visit.
    pub visit: Option<VisitId>,
    /// Matching this search text.
    pub text: Option<String>,
    /// The Trash instead of live records.
    pub deleted: bool,
    /// "Today" for the overdue test; the local date when `None`.
    pub today: Option<NaiveDate>,
}

/// How a finding list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FindingSort {
    /// By visit date.
    #[default]
    Date,
    /// By title (Chinese by pinyin).
    Title,
    /// By kind.
    Kind,
    /// By status.
    Status,
    /// By category.
    Category,
    /// By deadline.
    Deadline,
    /// By responsible person.
    Owner,
    /// By place visited.
    Place,
    /// By last change.
    Updated,
}

/// A finding as a list shows it, with its visit's date and place.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingRow {
    /// The finding.
    pub finding: Finding,
    /// Its visit's date.
    pub visit_date: NaiveDate,
    /// Its visit's place.
    pub place: String,
    /// Its visit's region.
    pub region: String,
    /// Pending past its deadline today.
    pub overdue: bool,
}

/// Which visits a list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VisitFilter {
    /// With a finding tagged with one of these topics (or a subtopic).
    pub topics: Vec<TopicId>,
    /// On or after this day.
    pub since: Option<NaiveDate>,
    /// On or before this day.
    pub until: Option<NaiveDate>,
    /// This person went.
    pub investigator: Option<String>,
    /// Region contains this text.
    pub region: Option<String>,
    /// Of this subject.
    pub subject: Option<SubjectId>,
    /// Only unannounced (`Some(true)`) or only announced visits.
    pub unannounced: Option<bool>,
    /// Matching this search text.
    pub text: Option<String>,
    /// The Trash instead of live records.
    pub deleted: bool,
}

/// How a visit list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum VisitSort {
    /// By date.
    #[default]
    Date,
    /// By place.
    Place,
    /// By region.
    Region,
    /// By investigators.
    Investigators,
    /// By people met.
    PeopleMet,
    /// Unannounced first or last.
    Unannounced,
    /// By number of findings.
    Findings,
}

/// A visit as a list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitRow {
    /// The visit.
    pub visit: Visit,
    /// Its live findings.
    pub findings: i64,
}

/// A WHERE clause under construction.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    params: Vec<SqlValue>,
}

impl Where {
    fn push(&mut self, clause: impl Into<String>, params: impl IntoIterator<Item = SqlValue>) {
        self.clauses.push(clause.into());
        self.params.extend(params);
    }

    fn any_of(&mut self, column: &str, codes: Vec<&str>) {
        if codes.is_empty() {
            return;
        }
        let marks = vec!["?"; codes.len()].join(", ");
        self.push(
            format!("{column} IN ({marks})"),
            codes.into_iter().map(|c| SqlValue::Text(c.to_owned())),
        );
    }

    fn topics(&mut self, store: &Store, finding_id: &str, topics: &[TopicId]) -> Result<()> {
        if topics.is_empty() {
            return Ok(());
        }
        let tree = store.topic_subtree(topics)?;
        let marks = vec!["?"; tree.len()].join(", ");
        self.push(
            format!(
                "{finding_id} IN (SELECT finding_id FROM finding_topic WHERE topic_id IN ({marks}))"
            ),
            tree.iter().map(|t| SqlValue::Text(t.to_string())),
        );
        Ok(())
    }

    fn text(&mut self, id_column: &str, kind: RecordKind, text: Option<&String>) {
        let Some((matches, params)) = text.and_then(|t| search::match_sql(t)) else {
            return;
        };
        self.push(
            format!(
                "{id_column} IN (SELECT d.record_id FROM ({matches}) m JOIN search_doc d ON d.rowid = m.rowid WHERE d.kind = '{}')",
                kind.table()
            ),
            params.into_iter().map(SqlValue::Text),
        );
    }

    fn visit_scope(&mut self, v: &str, f: &VisitScope<'_>) {
        if let Some(since) = f.since {
            self.push(
                format!("{v}.date >= ?"),
                [SqlValue::Text(since.to_string())],
            );
        }
        if let Some(until) = f.until {
            self.push(
                format!("{v}.date <= ?"),
                [SqlValue::Text(until.to_string())],
            );
        }
        if let Some(name) = f.investigator.filter(|n| !n.trim().is_empty()) {
            self.push(
                format!("EXISTS (SELECT 1 FROM json_each({v}.investigators) WHERE value = ?)"),
                [SqlValue::Text(name.trim().to_owned())],
            );
        }
        if let Some(region) = f.region.filter(|r| !r.trim().is_empty()) {
            self.push(
                format!("instr({v}.region, ?) > 0"),
                [SqlValue::Text(region.trim().to_owned())],
            );
        }
        if let Some(subject) = f.subject {
            self.push(
                format!("{v}.subject_id = ?"),
                [SqlValue::Text(subject.to_string())],
            );
        }
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The visit-level part of a filter, shared by visit and finding lists.
struct VisitScope<'a> {
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    investigator: Option<&'a String>,
    region: Option<&'a String>,
    subject: Option<SubjectId>,
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

impl Store {
    fn finding_where(&self, f: &FindingFilter) -> Result<Where> {
        let mut w = Where::default();
        if f.deleted {
            w.push("f.deleted_at IS NOT NULL", []);
        } else {
            w.push("f.deleted_at IS NULL AND v.deleted_at IS NULL", []);
        }
        w.topics(self, "f.id", &f.topics)?;
        w.any_of("f.kind", f.kinds.iter().map(|k| k.code()).collect());
        w.any_of("f.status", f.statuses.iter().map(|s| s.code()).collect());
        w.any_of(
            "f.category",
            f.categories.iter().map(|c| c.code()).collect(),
        );
        if f.overdue {
            w.push(
                "f.kind = 'problem' AND f.status IN ('open', 'in-progress') AND f.deadline < ?",
                [SqlValue::Text(f.today.unwrap_or_else(today).to_string())],
            );
        }
        w.visit_scope(
            "v",
            &VisitScope {
                since: f.since,
                until: f.until,
                investigator: f.investigator.as_ref(),
                region: f.region.as_ref(),
                subject: f.subject,
            },
        );
        if let Some(owner) = f.owner.as_ref().filter(|o| !o.trim().is_empty()) {
            w.push(
                "(instr(f.owner, ?1o) > 0 OR instr(f.owner_unit, ?1o) > 0)".replace("?1o", "?"),
                [
                    SqlValue::Text(owner.trim().to_owned()),
                    SqlValue::Text(owner.trim().to_owned()),
                ],
            );
        }
        if let Some(visit) = f.visit {
            w.push("f.visit_id = ?", [SqlValue::Text(visit.to_string())]);
        }
        w.text("f.id", RecordKind::Finding, f.text.as_ref());
        Ok(w)
    }

    /// One page of findings matching `filter`, sorted.
    pub fn list_findings(
        &self,
        filter: &FindingFilter,
        sort: FindingSort,
        ascending: bool,
        page: Page,
    ) -> Result<Vec<FindingRow>> {
        let w = self.finding_where(filter)?;
        let order = match sort {
            FindingSort::Date => "v.date",
            FindingSort::Title => "f.title COLLATE PINYIN",
            FindingSort::Kind => "f.kind",
            FindingSort::Status => "f.status",
            FindingSort::Category => "f.category",
            FindingSort::Deadline => "f.deadline",
            FindingSort::Owner => "f.owner COLLATE PINYIN",
            FindingSort::Place => "v.place COLLATE PINYIN",
            FindingSort::Updated => "f.clock",
        };
        let dir = if ascending { "ASC" } else { "DESC" };
        // A finding without a deadline is the least urgent either way: it sorts after the dated ones.
        let undated_last = if sort == FindingSort::Deadline {
            "f.deadline IS NULL, "
        } else {
            ""
        };
        let sql = format!(
            "SELECT {}, v.date, v.place, v.region FROM finding f JOIN visit v ON v.id = f.visit_id
             {} ORDER BY {undated_last}{order} {dir}, f.id {dir} LIMIT {} OFFSET {}",
            select_list(RecordKind::Finding, "f"),
            w.sql(),
            page.limit,
            page.offset
        );
        let today = filter.today.unwrap_or_else(today);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let ncols = 1 + RecordKind::Finding.columns().len() + 6;
        let rows = stmt.query_map(rusqlite::params_from_iter(w.params.iter()), |row| {
            let rec = read_row(RecordKind::Finding, row, 0);
            let date: String = row.get(ncols)?;
            Ok((
                rec,
                date,
                row.get::<_, String>(ncols + 1)?,
                row.get::<_, String>(ncols + 2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rec, date, place, region) = row?;
            let finding: Finding = rec?.to_record()?;
            out.push(FindingRow {
                overdue: finding.is_overdue(today),
                finding,
                visit_date: date.parse().unwrap_or_default(),
                place,
                region,
            });
        }
        Ok(out)
    }

    /// How many findings match `filter`.
    pub fn count_findings(&self, filter: &FindingFilter) -> Result<usize> {
        let w = self.finding_where(filter)?;
        let sql = format!(
            "SELECT count(*) FROM finding f JOIN visit v ON v.id = f.visit_id {}",
            w.sql()
        );
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(w.params.iter()), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn visit_where(&self, f: &VisitFilter) -> Result<Where> {
        let mut w = Where::default();
        w.push(
            if f.deleted {
                "v.deleted_at IS NOT NULL"
            } else {
                "v.deleted_at IS NULL"
            },
            [],
        );
        if !f.topics.is_empty() {
            let mut inner = Where::default();
            inner.topics(self, "f.id", &f.topics)?;
            w.push(
                format!(
                    "v.id IN (SELECT f.visit_id FROM finding f {} AND f.deleted_at IS NULL)",
                    inner.sql()
                ),
                inner.params,
            );
        }
        w.visit_scope(
            "v",
            &VisitScope {
                since: f.since,
                until: f.until,
                investigator: f.investigator.as_ref(),
                region: f.region.as_ref(),
                subject: f.subject,
            },
        );
        if let Some(unannounced) = f.unannounced {
            w.push(
                "v.unannounced = ?",
                [SqlValue::Integer(i64::from(unannounced))],
            );
        }
        w.text("v.id", RecordKind::Visit, f.text.as_ref());
        Ok(w)
    }

    /// One page of visits matching `filter`, sorted, with their finding counts.
    pub fn list_visits(
        &self,
        filter: &VisitFilter,
        sort: VisitSort,
        ascending: bool,
        page: Page,
    ) -> Result<Vec<VisitRow>> {
        let w = self.visit_where(filter)?;
        let order = match sort {
            VisitSort::Date => "v.date",
            VisitSort::Place => "v.place COLLATE PINYIN",
            VisitSort::Region => "v.region COLLATE PINYIN",
            VisitSort::Investigators => "v.investigators COLLATE PINYIN",
            VisitSort::PeopleMet => "v.people_met",
            VisitSort::Unannounced => "v.unannounced",
            VisitSort::Findings => "findings",
        };
        let dir = if ascending { "ASC" } else { "DESC" };
        let sql = format!(
            "SELECT {}, (SELECT count(*) FROM finding f WHERE f.visit_id = v.id AND f.deleted_at IS NULL) AS findings
             FROM visit v {} ORDER BY {order} {dir}, v.id {dir} LIMIT {} OFFSET {}",
            select_list(RecordKind::Visit, "v"),
            w.sql(),
            page.limit,
            page.offset
        );
        let ncols = 1 + RecordKind::Visit.columns().len() + 6;
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(w.params.iter()), |row| {
            Ok((
                read_row(RecordKind::Visit, row, 0),
                row.get::<_, i64>(ncols)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rec, findings) = row?;
            out.push(VisitRow {
                visit: rec?.to_record()?,
                findings,
            });
        }
        Ok(out)
    }

    /// How many visits match `filter`.
    pub fn count_visits(&self, filter: &VisitFilter) -> Result<usize> {
        let w = self.visit_where(filter)?;
        let sql = format!("SELECT count(*) FROM visit v {}", w.sql());
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(w.params.iter()), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// A finding filter as SQL, for the library's layers that aggregate in SQL (reports): the
    /// `WHERE …` clause over `finding f JOIN visit v ON v.id = f.visit_id`, and its positional
    /// parameters.
    pub fn finding_filter_sql(&self, filter: &FindingFilter) -> Result<(String, Vec<SqlValue>)> {
        let w = self.finding_where(filter)?;
        Ok((w.sql(), w.params))
    }

    /// A visit filter as SQL: the `WHERE …` clause over `visit v`, and its positional parameters.
    pub fn visit_filter_sql(&self, filter: &VisitFilter) -> Result<(String, Vec<SqlValue>)> {
        let w = self.visit_where(filter)?;
        Ok((w.sql(), w.params))
    }

    /// Subjects, live (or deleted with `deleted`), by title.
    pub fn subjects(&self, deleted: bool) -> Result<Vec<Subject>> {
        let sql = format!(
            "SELECT {} FROM subject s WHERE (s.deleted_at IS NOT NULL) = ?1 ORDER BY s.title COLLATE PINYIN, s.id",
            select_list(RecordKind::Subject, "s")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([deleted], |row| Ok(read_row(RecordKind::Subject, row, 0)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??.to_record()?);
        }
        Ok(out)
    }
}
