//! The summary's one statement (issue 16: the SQL `report/` ran through `Store::conn()` lives
//! here now): every figure group of a scope counted in one pass, returned as plain rows that
//! `report` folds into figures.

use super::error::Result;
use super::{FindingFilter, Store, VisitFilter};
use chrono::NaiveDate;

/// The groups a summary counts by; their codes tag the statement's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SummaryGroup {
    /// Everything in scope.
    Total = 0,
    /// Per region.
    Region = 1,
    /// Per responsible unit (problems only).
    Unit = 2,
    /// Per topic (a topic counts its subtopics).
    Topic = 3,
}

impl SummaryGroup {
    fn from_code(code: i64) -> Option<SummaryGroup> {
        [
            SummaryGroup::Total,
            SummaryGroup::Region,
            SummaryGroup::Unit,
            SummaryGroup::Topic,
        ]
        .into_iter()
        .find(|g| *g as i64 == code)
    }
}

/// One row of the summary statement.
#[derive(Clone, Debug, PartialEq)]
pub enum SummaryRow {
    /// Findings of one kind, category, status and lateness in a group; for regions, per
    /// responsible unit too (one cube gives the totals, the regions and the units).
    Findings {
        /// The group.
        group: SummaryGroup,
        /// Its key: region, topic id ("" for the totals).
        key: String,
        /// The findings' kind code.
        kind: String,
        /// Their category code, if any.
        category: Option<String>,
        /// Their status code.
        status: String,
        /// Open or in progress past the deadline.
        late: bool,
        /// How many.
        count: i64,
        /// The people or households they affect.
        people_affected: i64,
        /// The responsible unit (region rows only; else empty).
        owner_unit: String,
    },
    /// A group's visit figures.
    Visits {
        /// The group.
        group: SummaryGroup,
        /// Its key.
        key: String,
        /// Visits.
        visits: i64,
        /// Unannounced visits.
        unannounced: i64,
        /// Distinct places visited.
        places: i64,
        /// People met, summed.
        people_met: i64,
    },
}

impl Store {
    /// Counts every figure group of the visits and findings in scope in one statement,
    /// "overdue" judged as of `today`.
    ///
    /// The statement reads the tables once. `vs` (the live visits in scope) and `fs` (the live
    /// findings in scope, of live visits) are materialized from the list filters, so a summary
    /// and a list with the same filter see the same records. `under` pairs each finding in
    /// scope with every topic it counts for (a topic counts its subtopics) exactly once, keyed
    /// by rowids so the sorting stays cheap. A unit's or topic's visits are the distinct visits
    /// its findings were made on.
    pub fn summary_rows(
        &self,
        visits: &VisitFilter,
        findings: &FindingFilter,
        today: NaiveDate,
    ) -> Result<Vec<SummaryRow>> {
        let (visit_where, mut params) = self.visit_filter_sql(visits)?;
        let (finding_where, finding_params) = self.finding_filter_sql(findings)?;
        params.extend(finding_params);
        // `today` is a date we formatted ourselves (YYYY-MM-DD), never user text, so it can sit in
        // the SQL as a literal and the positional parameters stay those of the filters.
        let today = today.format("%Y-%m-%d");
        let visit_figures = "count(*), coalesce(sum(unannounced <> 0), 0), count(DISTINCT place), \
                      coalesce(sum(people_met), 0)";
        let cube = "kind, category, status, late, count(*), coalesce(sum(people_affected), 0)";
        let no_cube = "NULL, NULL, NULL, NULL, NULL, NULL";
        let no_visits = "NULL, NULL, NULL, NULL";
        let sql = format!(
            "WITH RECURSIVE
             vs AS MATERIALIZED (
                 SELECT v.place, v.region, v.people_met, v.unannounced
                 FROM visit v {visit_where}),
             fs AS MATERIALIZED (
                 SELECT f.id, f.rowid AS fid, v.rowid AS vid, f.kind, f.category, f.status,
                        (f.kind = 'problem' AND f.status IN ('open', 'in-progress')
                         AND f.deadline < '{today}') AS late,
                        f.people_affected, trim(f.owner_unit) AS owner_unit, v.region
                 FROM finding f JOIN visit v ON v.id = f.visit_id {finding_where}),
             tree(root, id) AS (
                 SELECT rowid, id FROM topic WHERE deleted_at IS NULL
                 UNION
                 SELECT tree.root, t.id FROM topic t JOIN tree ON t.parent_id = tree.id
                 WHERE t.deleted_at IS NULL),
             under AS MATERIALIZED (
                 SELECT DISTINCT tree.root, fs.fid, fs.vid, fs.kind, fs.category, fs.status,
                        fs.late, fs.people_affected
                 FROM fs JOIN finding_topic ft ON ft.finding_id = fs.id
                 JOIN tree ON tree.id = ft.topic_id)
             SELECT {total}, '', {no_cube}, {visit_figures} FROM vs
             UNION ALL
             SELECT {region}, region, {no_cube}, {visit_figures} FROM vs GROUP BY region
             UNION ALL
             SELECT {unit}, key, {no_cube}, {visit_figures}
             FROM (SELECT DISTINCT owner_unit AS key, vid FROM fs WHERE kind = 'problem') x
             JOIN visit v ON v.rowid = x.vid GROUP BY key
             UNION ALL
             SELECT {topic}, (SELECT id FROM topic WHERE rowid = root), {no_cube}, {visit_figures}
             FROM (SELECT DISTINCT root, vid FROM under) x
             JOIN visit v ON v.rowid = x.vid GROUP BY root
             UNION ALL
             SELECT {region}, region, {cube}, owner_unit, NULL, NULL, NULL FROM fs
             GROUP BY region, owner_unit, kind, category, status, late
             UNION ALL
             SELECT {topic}, (SELECT id FROM topic WHERE rowid = root), {cube}, {no_visits}
             FROM under
             GROUP BY root, kind, category, status, late",
            total = SummaryGroup::Total as i64,
            region = SummaryGroup::Region as i64,
            unit = SummaryGroup::Unit as i64,
            topic = SummaryGroup::Topic as i64,
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let Some(group) = SummaryGroup::from_code(row.get(0)?) else {
                continue;
            };
            let key: String = row.get::<_, Option<String>>(1)?.unwrap_or_default();
            let kind: Option<String> = row.get(2)?;
            out.push(match kind {
                Some(kind) => SummaryRow::Findings {
                    group,
                    key,
                    kind,
                    category: row.get(3)?,
                    status: row.get(4)?,
                    late: row.get::<_, Option<bool>>(5)?.unwrap_or(false),
                    count: row.get(6)?,
                    people_affected: row.get(7)?,
                    owner_unit: row.get::<_, Option<String>>(8)?.unwrap_or_default(),
                },
                None => SummaryRow::Visits {
                    group,
                    key,
                    visits: row.get(8)?,
                    unannounced: row.get(9)?,
                    places: row.get(10)?,
                    people_met: row.get(11)?,
                },
            });
        }
        Ok(out)
    }
}
