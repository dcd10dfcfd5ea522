//! The `Writer`: one write transaction, stamping each change with the next clock and checking
//! references, attachments and tombstones before a row is written.

use super::{
    Action, ChangeKind, ChangeSet, DELETED_FIELD, Outcome, Record, RecordKind, Result, Stamp,
    StoreError, StoredRecord, attachments, load, sets, topics, write_history, write_row,
};
use crate::model::{Hlc, TopicId};
use chrono::Utc;
use rusqlite::{OptionalExtension, Transaction};
use std::collections::BTreeMap;

/// One write transaction in progress, stamping each change with the next clock.
pub struct Writer<'a> {
    tx: Transaction<'a>,
    author: String,
    device: String,
    last: Option<Hlc>,
    changes: ChangeSet,
}

impl<'a> Writer<'a> {
    pub(super) fn new(tx: Transaction<'a>, author: String, device: String) -> Result<Writer<'a>> {
        let last: Option<Hlc> = tx
            .query_row("SELECT value FROM meta WHERE key = 'clock'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|t| t.parse().ok());
        Ok(Writer {
            tx,
            author,
            device,
            last,
            changes: ChangeSet::default(),
        })
    }

    /// The transaction, for the library's other layers that write in SQL.
    pub fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// The author of this write.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// This device's id.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Names who makes the changes that follow (the history shows it): a ledger import writes
    /// "作者（导入台账 文件名）" so its edits say where they came from.
    pub fn set_author(&mut self, author: String) {
        self.author = author;
    }

    /// The next clock stamp.
    pub fn tick(&mut self) -> Hlc {
        let next = Hlc::tick(
            self.last.as_ref(),
            Utc::now().timestamp_millis(),
            &self.device,
        );
        self.last = Some(next.clone());
        next
    }

    /// Moves the clock past a stamp seen from another device, so later local edits win over it.
    pub fn observe(&mut self, seen: &Hlc) {
        self.last = Hlc::observe(self.last.as_ref(), seen, &self.device);
    }

    pub(super) fn finish(self) -> Result<ChangeSet> {
        if let Some(last) = &self.last {
            self.tx.execute(
                "INSERT INTO meta (key, value) VALUES ('clock', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [last.to_string()],
            )?;
        }
        self.tx.commit()?;
        Ok(self.changes)
    }

    /// Saves a record made or changed here: validates it, checks what it refers to, stamps the
    /// changed fields with a new clock and writes a history row.
    pub fn put<R: Record>(&mut self, record: &R) -> Result<Outcome> {
        record.check()?;
        let mut new = StoredRecord::from_record(record)?;
        let old = load(&self.tx, R::KIND, &new.id)?;
        self.check_references(&new, old.as_ref())?;
        let now = Utc::now();
        let (action, before) = match &old {
            None => (Action::Create, None),
            Some(old) => {
                let changed: Vec<&str> = R::KIND
                    .columns()
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| old.data.get(*c) != new.data.get(*c))
                    .collect();
                if changed.is_empty() {
                    return Ok(Outcome::Unchanged);
                }
                new.clocks = old.clocks.clone();
                new.meta.created_at = old.meta.created_at;
                new.meta.deleted_at = old.meta.deleted_at;
                let clock = self.tick();
                for c in changed {
                    if sets::is_set_field(R::KIND, c) {
                        let none = serde_json::Value::Null;
                        let (was, is) = (
                            old.data.get(c).unwrap_or(&none),
                            new.data.get(c).unwrap_or(&none),
                        );
                        sets::stamp_edit(c, was, is, &clock, &mut new.clocks);
                    } else {
                        new.clocks.insert(c.to_owned(), clock.clone());
                    }
                }
                (Action::Update, Some(old.snapshot()))
            }
        };
        if old.is_none() {
            let clock = self.tick();
            new.clocks = R::KIND
                .columns()
                .iter()
                .map(|(c, _)| ((*c).to_owned(), clock.clone()))
                .collect::<BTreeMap<_, _>>();
            new.meta.created_at = Some(now);
            new.meta.deleted_at = None;
        }
        new.meta.updated_at = Some(now);
        new.meta.updated_by = self.author.clone();
        let clock = new
            .clocks
            .values()
            .max()
            .cloned()
            .unwrap_or_else(|| self.tick());
        new.meta.clock = Some(clock.clone());
        write_row(&self.tx, &new)?;
        let stamp = Stamp {
            author: &self.author,
            device: &self.device,
            clock: &clock,
        };
        write_history(
            &self.tx,
            R::KIND,
            &new.id,
            action,
            &stamp,
            before.as_ref(),
            Some(&new.snapshot()),
        )?;
        let what = if action == Action::Create {
            ChangeKind::Created
        } else {
            ChangeKind::Updated
        };
        self.changes.push(R::KIND, &new.id, what);
        Ok(if action == Action::Create {
            Outcome::Created
        } else {
            Outcome::Updated
        })
    }

    pub(super) fn exists(&self, kind: RecordKind, id: &str) -> Result<bool> {
        let sql = format!(
            "SELECT 1 FROM {} WHERE id = ?1 AND deleted_at IS NULL",
            kind.table()
        );
        Ok(self
            .tx
            .prepare_cached(&sql)?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Checks that what `rec` refers to exists and is live. Only references new in this save
    /// are checked against `old`: a finding tagged with a topic that has since gone to the Trash
    /// (or a visit of a deleted subject) stays editable.
    fn check_references(&self, rec: &StoredRecord, old: Option<&StoredRecord>) -> Result<()> {
        let unchanged = |name: &str| old.is_some_and(|o| o.data.get(name) == rec.data.get(name));
        let text = |name: &str| {
            rec.data
                .get(name)
                .filter(|_| !unchanged(name))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let old_topics: Vec<&str> = old
            .and_then(|o| o.data.get("topics"))
            .and_then(|t| t.as_array())
            .map(|t| t.iter().filter_map(|t| t.as_str()).collect())
            .unwrap_or_default();
        if let Some(visit) = text("visit_id").filter(|_| rec.kind == RecordKind::Finding)
            && !self.exists(RecordKind::Visit, &visit)?
        {
            return Err(StoreError::NotFound {
                kind: "visit",
                id: visit,
            });
        }
        if let Some(subject) = text("subject_id")
            && !self.exists(RecordKind::Subject, &subject)?
        {
            return Err(StoreError::NotFound {
                kind: "subject",
                id: subject,
            });
        }
        // A form's topics are the codes or names its workbook gives, not topic ids.
        if rec.kind != RecordKind::Form
            && let Some(serde_json::Value::Array(topics)) = rec.data.get("topics")
        {
            for topic in topics.iter().filter_map(|t| t.as_str()) {
                if !old_topics.contains(&topic) && !self.exists(RecordKind::Topic, topic)? {
                    return Err(StoreError::UnknownTopic(topic.to_owned()));
                }
            }
        }
        if rec.kind == RecordKind::Topic {
            topics::check_topic(&self.tx, rec)?;
        }
        if rec.kind == RecordKind::Attachment {
            self.check_attachment(rec, old)?;
        }
        self.check_form_references(rec, &text)?;
        Ok(())
    }

    /// A response names a live visit and form version, an answer or a raised finding a live
    /// response (checked when the reference is new); a form's workbook bytes are in the
    /// database.
    fn check_form_references(
        &self,
        rec: &StoredRecord,
        new_text: &dyn Fn(&str) -> Option<String>,
    ) -> Result<()> {
        let required: &[(&str, RecordKind)] = match rec.kind {
            RecordKind::Response => &[("visit_id", RecordKind::Visit), ("form", RecordKind::Form)],
            RecordKind::Answer => &[("response_id", RecordKind::Response)],
            RecordKind::Finding => &[("response_id", RecordKind::Response)],
            _ => &[],
        };
        for (field, kind) in required {
            if let Some(id) = new_text(field)
                && !self.exists(*kind, &id)?
            {
                return Err(StoreError::NotFound {
                    kind: kind.table(),
                    id,
                });
            }
        }
        if rec.kind == RecordKind::Form {
            let sha256 = rec
                .data
                .get("workbook")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            if !attachments::blob_exists(&self.tx, sha256)? {
                return Err(StoreError::MissingBlob(sha256.to_owned()));
            }
        }
        Ok(())
    }

    /// An attachment hangs on a live visit or finding, and its bytes are in the database.
    fn check_attachment(&self, rec: &StoredRecord, old: Option<&StoredRecord>) -> Result<()> {
        let text = |name: &str| rec.data.get(name).and_then(|v| v.as_str()).unwrap_or("");
        let moved = old.is_none_or(|o| o.data.get("owner_id") != rec.data.get("owner_id"));
        let owner_kind = match text("owner_kind") {
            "visit" => RecordKind::Visit,
            _ => RecordKind::Finding,
        };
        if moved && !self.exists(owner_kind, text("owner_id"))? {
            return Err(StoreError::NotFound {
                kind: owner_kind.table(),
                id: text("owner_id").to_owned(),
            });
        }
        if !attachments::blob_exists(&self.tx, text("sha256"))? {
            return Err(StoreError::MissingBlob(text("sha256").to_owned()));
        }
        Ok(())
    }

    /// Moves a record to the Trash (`deleted = true`) or back. A deleted visit takes its live
    /// findings along, and restoring it brings back those deleted with it; restoring a finding
    /// of a deleted visit restores the visit too.
    pub fn set_deleted(&mut self, kind: RecordKind, id: &str, deleted: bool) -> Result<bool> {
        let rec = load(&self.tx, kind, id)?.ok_or_else(|| StoreError::NotFound {
            kind: kind.table(),
            id: id.to_owned(),
        })?;
        if rec.meta.deleted_at.is_some() == deleted {
            return Ok(false);
        }
        if deleted
            && kind == RecordKind::Topic
            && rec
                .id
                .parse::<TopicId>()
                .is_ok_and(crate::model::is_builtin_topic)
        {
            return Err(StoreError::BuiltinTopic);
        }
        let when = if deleted {
            Some(self.tombstone_time(kind, id)?)
        } else {
            None
        };
        if kind == RecordKind::Visit {
            let sql = if deleted {
                "SELECT id FROM finding WHERE visit_id = ?1 AND deleted_at IS NULL"
            } else {
                "SELECT id FROM finding WHERE visit_id = ?1 AND deleted_at = ?2"
            };
            let was = rec
                .meta
                .deleted_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                .unwrap_or_default();
            let mut stmt = self.tx.prepare(sql)?;
            let ids: Vec<String> = if deleted {
                stmt.query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            } else {
                stmt.query_map([id, was.as_str()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            drop(stmt);
            for finding in ids {
                self.mark_deleted(RecordKind::Finding, &finding, when)?;
            }
        }
        if kind == RecordKind::Finding
            && !deleted
            && let Some(visit) = rec.data.get("visit_id").and_then(|v| v.as_str())
            && !self.exists(RecordKind::Visit, visit)?
        {
            let visit = visit.to_owned();
            self.mark_deleted(RecordKind::Visit, &visit, None)?;
        }
        self.mark_deleted(kind, id, when)?;
        Ok(true)
    }

    /// The time to stamp a delete with. Restoring a visit brings back the findings whose
    /// tombstone has exactly the visit's time, so a visit's tombstone is made later than any of
    /// its findings deleted before it (even within the same millisecond).
    fn tombstone_time(&self, kind: RecordKind, id: &str) -> Result<chrono::DateTime<Utc>> {
        let now = Utc::now();
        if kind != RecordKind::Visit {
            return Ok(now);
        }
        let latest: Option<String> = self
            .tx
            .prepare_cached("SELECT max(deleted_at) FROM finding WHERE visit_id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let latest = latest
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        Ok(match latest {
            Some(t) if t.timestamp_millis() >= now.timestamp_millis() => {
                t + chrono::Duration::milliseconds(1)
            }
            _ => now,
        })
    }

    fn mark_deleted(
        &mut self,
        kind: RecordKind,
        id: &str,
        when: Option<chrono::DateTime<Utc>>,
    ) -> Result<()> {
        let Some(mut rec) = load(&self.tx, kind, id)? else {
            return Ok(());
        };
        let before = rec.snapshot();
        let clock = self.tick();
        rec.meta.deleted_at = when;
        rec.meta.updated_at = Some(Utc::now());
        rec.meta.updated_by = self.author.clone();
        rec.meta.clock = Some(clock.clone());
        rec.clocks.insert(DELETED_FIELD.to_owned(), clock.clone());
        write_row(&self.tx, &rec)?;
        let stamp = Stamp {
            author: &self.author,
            device: &self.device,
            clock: &clock,
        };
        let action = if when.is_some() {
            Action::Delete
        } else {
            Action::Restore
        };
        let what = if when.is_some() {
            ChangeKind::Deleted
        } else {
            ChangeKind::Restored
        };
        self.changes.push(kind, id, what);
        write_history(
            &self.tx,
            kind,
            id,
            action,
            &stamp,
            Some(&before),
            Some(&rec.snapshot()),
        )
    }
}
