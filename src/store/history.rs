//! Reading the supervision trail and the Trash. The trail holds this laptop's own entries
//! (`history`) and those that travelled here in bundles (`history_travelled`, see
//! `history_trail.rs`); each entry has an id that is the same on every laptop.

use super::Store;
use super::error::Result;
use super::record::{Action, RecordKind};
use serde::Serialize;

/// One change to a record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// Its identity, the same on every laptop (see [`super::history_entry_id`]).
    pub id: String,
    /// Whether it was made elsewhere and arrived in a bundle.
    pub travelled: bool,
    /// What happened.
    pub action: Action,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who.
    pub author: String,
    /// On which device.
    pub device: String,
    /// The record before (absent for a creation).
    pub before: Option<serde_json::Value>,
    /// The record after.
    pub after: Option<serde_json::Value>,
}

impl HistoryEntry {
    /// The fields whose value differs between before and after, in field order.
    pub fn changed_fields(&self) -> Vec<String> {
        let empty = serde_json::Map::new();
        let before = self
            .before
            .as_ref()
            .and_then(|b| b.as_object())
            .unwrap_or(&empty);
        let after = self
            .after
            .as_ref()
            .and_then(|a| a.as_object())
            .unwrap_or(&empty);
        let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
        keys.dedup();
        let mut out: Vec<String> = Vec::new();
        for k in keys {
            if before.get(k) != after.get(k) && !out.contains(k) {
                out.push(k.clone());
            }
        }
        out
    }
}

/// A record in the Trash.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrashEntry {
    /// Its kind.
    pub kind: RecordKind,
    /// Its id.
    pub id: String,
    /// Its title or place.
    pub title: String,
    /// When it was deleted (UTC, RFC 3339).
    pub deleted_at: String,
}

impl Store {
    /// Every change to the record with this id, made here or travelled here, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        // Ordered by time: a travelled entry is older than the import that brought it.
        let mut stmt = self.conn().prepare_cached(
            "SELECT entry_id, action, at, author, device, before, after, 0 AS travelled, seq
               FROM history WHERE record_id = ?1
             UNION ALL
             SELECT entry_id, action, at, author, device, before, after, 1, rowid
               FROM history_travelled WHERE record_id = ?1
             ORDER BY 3, 8, 9",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                (r.get::<_, Option<String>>(0)?, r.get::<_, bool>(7)?),
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ((entry_id, travelled), action, at, author, device, before, after) = row?;
            let parse = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
            out.push(HistoryEntry {
                id: entry_id.unwrap_or_default(),
                travelled,
                action: Action::from_code(&action).unwrap_or(Action::Update),
                at,
                author,
                device,
                before: parse(before),
                after: parse(after),
            });
        }
        Ok(out)
    }

    /// Deleted visits, findings, subjects, topics, attachments, forms and responses, newest
    /// first (an answer goes with its response or its repeat row, not on its own).
    pub fn trash(&self) -> Result<Vec<TrashEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT 'visit', id, date || ' ' || place, deleted_at FROM visit WHERE deleted_at IS NOT NULL
             UNION ALL
             SELECT 'finding', id, title, deleted_at FROM finding WHERE deleted_at IS NOT NULL
             UNION ALL
             SELECT 'subject', id, title, deleted_at FROM subject WHERE deleted_at IS NOT NULL
             UNION ALL
             SELECT 'topic', id, name_zh, deleted_at FROM topic WHERE deleted_at IS NOT NULL
             UNION ALL
             SELECT 'attachment', id, name, deleted_at FROM attachment WHERE deleted_at IS NOT NULL
             UNION ALL
             SELECT 'form', id, title || ' ' || version, deleted_at FROM form
              WHERE deleted_at IS NOT NULL
             UNION ALL
             SELECT 'response', r.id, coalesce(f.title, r.form), r.deleted_at
               FROM response r LEFT JOIN form f ON f.id = r.form
              WHERE r.deleted_at IS NOT NULL
             ORDER BY 4 DESC, 1, 2",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, id, title, deleted_at) = row?;
            if let Some(kind) = RecordKind::from_code(&kind) {
                out.push(TrashEntry {
                    kind,
                    id,
                    title,
                    deleted_at,
                });
            }
        }
        Ok(out)
    }
}
