//! Topic lookups: by code or name, the tree with its counts, and the rules a topic edit obeys.

use super::Store;
use super::error::{Result, StoreError};
use super::record::{RecordKind, StoredRecord, read_row, select_list};
use crate::model::{Topic, TopicId, is_builtin_topic};
use rusqlite::{OptionalExtension, Transaction};

/// A topic with how many live findings sit under it (its subtopics included).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TopicCount {
    /// The topic.
    pub topic: Topic,
    /// Live findings (of live visits) tagged with it or one of its subtopics.
    pub findings: i64,
    /// Of those, the problems: what the Summary's "problems" column counts for the topic.
    pub problems: i64,
}

/// Checks a topic before it is written: a unique code, a parent that exists and is not itself
/// or below it, and built-in topics unchanged but for their subtopics.
pub(super) fn check_topic(tx: &Transaction<'_>, rec: &StoredRecord) -> Result<()> {
    let text = |n: &str| rec.data.get(n).and_then(|v| v.as_str()).unwrap_or_default();
    let code = text("code");
    let taken: Option<String> = tx
        .prepare_cached("SELECT id FROM topic WHERE code = ?1 AND id <> ?2 AND deleted_at IS NULL")?
        .query_row([code, rec.id.as_str()], |r| r.get(0))
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::DuplicateCode(code.to_owned()));
    }
    if let Ok(id) = rec.id.parse::<TopicId>()
        && is_builtin_topic(id)
    {
        return Err(StoreError::BuiltinTopic);
    }
    let mut parent = rec
        .data
        .get("parent_id")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let mut steps = 0;
    while let Some(p) = parent {
        if p == rec.id || steps > 64 {
            return Err(StoreError::TopicCycle);
        }
        let next: Option<Option<String>> = tx
            .prepare_cached("SELECT parent_id FROM topic WHERE id = ?1")?
            .query_row([&p], |r| r.get(0))
            .optional()?;
        match next {
            None => return Err(StoreError::UnknownTopic(p)),
            Some(next) => parent = next,
        }
        steps += 1;
    }
    Ok(())
}

impl Store {
    /// Every topic (archived and deleted ones too), in catalogue order: built-in first.
    pub fn topics(&self) -> Result<Vec<Topic>> {
        let sql = format!(
            "SELECT {} FROM topic t ORDER BY t.id",
            select_list(RecordKind::Topic, "t")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], |row| Ok(read_row(RecordKind::Topic, row, 0)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??.to_record()?);
        }
        Ok(out)
    }

    /// Finds a live topic by its code, Chinese name or English name (case-insensitive), or id.
    pub fn resolve_topic(&self, text: &str) -> Result<TopicId> {
        let text = text.trim();
        let found: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM topic WHERE deleted_at IS NULL
                   AND (code = ?1 OR name_zh = ?1 OR lower(name_en) = lower(?1) OR id = ?1)
                 ORDER BY id LIMIT 1",
            )?
            .query_row([text], |r| r.get(0))
            .optional()?;
        found
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| StoreError::UnknownTopic(text.to_owned()))
    }

    /// Live topics with their live finding counts (a topic counts its subtopics' findings).
    pub fn topic_counts(&self) -> Result<Vec<TopicCount>> {
        let mut stmt = self.conn().prepare_cached(
            "WITH RECURSIVE tree(root, id) AS (
                 SELECT id, id FROM topic WHERE deleted_at IS NULL
                 UNION
                 SELECT tree.root, t.id FROM topic t JOIN tree ON t.parent_id = tree.id
                 WHERE t.deleted_at IS NULL
             )
             SELECT tree.root, count(DISTINCT f.id),
                    count(DISTINCT CASE WHEN f.kind = 'problem' THEN f.id END)
             FROM tree
             JOIN finding_topic ft ON ft.topic_id = tree.id
             JOIN finding f ON f.id = ft.finding_id AND f.deleted_at IS NULL
             JOIN visit v ON v.id = f.visit_id AND v.deleted_at IS NULL
             GROUP BY tree.root",
        )?;
        let counts: std::collections::HashMap<String, (i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(self
            .topics()?
            .into_iter()
            .filter(|t| !t.meta.is_deleted())
            .map(|topic| {
                let (findings, problems) =
                    counts.get(&topic.id.to_string()).copied().unwrap_or((0, 0));
                TopicCount {
                    findings,
                    problems,
                    topic,
                }
            })
            .collect())
    }

    /// The ids of `roots` and every topic below them.
    pub fn topic_subtree(&self, roots: &[TopicId]) -> Result<Vec<TopicId>> {
        let all = self.topics()?;
        let mut out: Vec<TopicId> = roots.to_vec();
        let mut i = 0;
        while i < out.len() {
            let parent = out[i];
            for t in &all {
                if t.parent_id == Some(parent) && !out.contains(&t.id) {
                    out.push(t.id);
                }
            }
            i += 1;
        }
        Ok(out)
    }
}
