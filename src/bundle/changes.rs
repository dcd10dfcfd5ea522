//! Which records an import adds, updates, moves to the Trash or flags as conflicts, by kind and
//! title, so a preview says more than counts. Worked out from the counts the merge keeps for
//! each incoming record: whichever count one record moved is its change.

use super::merge::Counts;
use crate::store::{RecordKind, StoredRecord};
use serde::Serialize;
use serde_json::Value;

/// How many records of each change one file's report lists (the rest are only counted).
pub const MAX_LISTED_CHANGES: usize = 200;

/// What an import does to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A new record.
    Added,
    /// A record that changed.
    Updated,
    /// A live record moved to the Trash.
    Deleted,
    /// A record with new conflicts to review.
    Conflict,
}

impl Change {
    /// Every change, in the order a report lists them.
    pub const ALL: [Change; 4] = [
        Change::Added,
        Change::Updated,
        Change::Deleted,
        Change::Conflict,
    ];

    /// The change's name for people.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Change::Added => lang.pick("新增", "Added"),
            Change::Updated => lang.pick("更新", "Updated"),
            Change::Deleted => lang.pick("移入回收站", "Moved to the Trash"),
            Change::Conflict => lang.pick("冲突", "Conflicts"),
        }
    }
}

/// One record an import changes (or, for a dry run, would change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedRecord {
    /// Its kind (`topic`, `subject`, `visit`, `finding`, `attachment`).
    pub kind: String,
    /// Its id.
    pub id: String,
    /// What a person knows it by: a visit's place and date, a finding's or subject's title, a
    /// topic's name, an attachment's file name (its id when all of those are empty).
    pub title: String,
    /// What the import does to it.
    pub change: Change,
}

/// The records listed for one file, and how many more each change has.
#[derive(Debug, Default)]
pub(crate) struct ChangeList {
    pub listed: Vec<ChangedRecord>,
    pub unlisted: Counts,
    /// How many of `listed` each change has, in the order of [`Change::ALL`].
    per_change: [usize; 4],
}

impl ChangeList {
    /// Whether a change may still be listed (else only counted): the incoming record's title
    /// is worth taking before it is merged.
    pub fn lists_more(&self) -> bool {
        self.per_change.iter().any(|n| *n < MAX_LISTED_CHANGES)
    }

    /// Notes what merging the record `kind`/`id` did, from the counts before (`was`) and after
    /// (`now`) it; `title` is the incoming record's ([`title_of`], taken while
    /// [`ChangeList::lists_more`]), `merged` the record as the plan holds it now, for a title
    /// the incoming one lacks.
    pub fn note(
        &mut self,
        kind: RecordKind,
        id: &str,
        title: Option<&str>,
        merged: Option<&StoredRecord>,
        was: &Counts,
        now: &Counts,
    ) {
        let moved = [
            (Change::Added, now.added > was.added),
            (Change::Updated, now.updated > was.updated),
            (Change::Deleted, now.deleted > was.deleted),
            (Change::Conflict, now.conflicts > was.conflicts),
        ];
        for (slot, (change, happened)) in moved.into_iter().enumerate() {
            if !happened {
                continue;
            }
            if self.per_change[slot] >= MAX_LISTED_CHANGES {
                let slot = match change {
                    Change::Added => &mut self.unlisted.added,
                    Change::Updated => &mut self.unlisted.updated,
                    Change::Deleted => &mut self.unlisted.deleted,
                    Change::Conflict => &mut self.unlisted.conflicts,
                };
                *slot += 1;
                continue;
            }
            let title = title
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .or_else(|| merged.map(title_of).filter(|t| !t.is_empty()))
                .unwrap_or_else(|| id.to_owned());
            self.per_change[slot] += 1;
            self.listed.push(ChangedRecord {
                kind: kind.table().to_owned(),
                id: id.to_owned(),
                title,
                change,
            });
        }
    }
}

/// What a person knows a record by (empty when its fields say nothing).
pub(crate) fn title_of(rec: &StoredRecord) -> String {
    let text = |field: &str| {
        rec.data
            .get(field)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let first = |fields: &[&str]| {
        fields
            .iter()
            .map(|f| text(f))
            .find(|t| !t.is_empty())
            .unwrap_or_default()
    };
    match rec.kind {
        RecordKind::Visit => {
            let parts = [text("place"), text("date")];
            let parts: Vec<&str> = parts
                .iter()
                .map(String::as_str)
                .filter(|p| !p.is_empty())
                .collect();
            parts.join(" ")
        }
        RecordKind::Finding | RecordKind::Subject => text("title"),
        RecordKind::Topic => first(&["name_zh", "name_en", "code"]),
        RecordKind::Attachment => text("name"),
        RecordKind::Form => first(&["title", "form_id"]),
        RecordKind::Response => text("form"),
        RecordKind::Answer => text("path"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::RecordMeta;
    use serde_json::{Map, json};
    use std::collections::BTreeMap;

    fn record(kind: RecordKind, data: Value) -> StoredRecord {
        let Value::Object(data) = data else {
            panic!("an object");
        };
        StoredRecord {
            kind,
            id: "r1".into(),
            data,
            clocks: BTreeMap::new(),
            meta: RecordMeta::default(),
        }
    }

    #[test]
    fn titles_name_what_a_person_knows_a_record_by() {
        let visit = record(
            RecordKind::Visit,
            json!({"place": "城西敬老院", "date": "2026-03-01"}),
        );
        assert_eq!(title_of(&visit), "城西敬老院 2026-03-01");
        let topic = record(RecordKind::Topic, json!({"name_zh": "", "name_en": "Care"}));
        assert_eq!(title_of(&topic), "Care");
        let file = record(RecordKind::Attachment, json!({"name": "photo.jpg"}));
        assert_eq!(title_of(&file), "photo.jpg");
        assert_eq!(
            title_of(&record(RecordKind::Finding, Value::Object(Map::new()))),
            ""
        );
    }

    #[test]
    fn a_long_list_stops_at_the_cap_and_counts_the_rest() {
        let mut list = ChangeList::default();
        let rec = record(RecordKind::Finding, json!({"title": "漏水"}));
        let mut counts = Counts::default();
        for _ in 0..MAX_LISTED_CHANGES + 3 {
            let was = counts;
            counts.added += 1;
            let title = list.lists_more().then(|| title_of(&rec));
            list.note(rec.kind, &rec.id, title.as_deref(), None, &was, &counts);
        }
        assert_eq!(list.listed.len(), MAX_LISTED_CHANGES);
        assert_eq!(list.unlisted.added, 3);
        assert_eq!(list.listed[0].title, "漏水");
    }
}
