//! Chinese full-text search. Two FTS5 indexes share one row per record: a trigram index finds any
//! substring of three or more characters, and a "gram" index holds every single character and
//! every pair of neighbouring characters as its own token, so one- and two-character words
//! (墓地, 低保, 孤) are found too — trigram alone silently returns nothing for them.

use super::error::Result;
use super::record::{RecordKind, StoredRecord};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde_json::Value;

fn text_field(rec: &StoredRecord, name: &str) -> String {
    match rec.data.get(name) {
        Some(Value::String(s)) => s.clone(),
        // A list of names, or of people (interviewees: their names, not their contacts).
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().or_else(|| v.get("name").and_then(Value::as_str)))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// The (title, body) a record is found by, or `None` for kinds that are not searched.
fn searchable_text(rec: &StoredRecord) -> Option<(String, String)> {
    let join = |names: &[&str]| {
        names
            .iter()
            .map(|n| text_field(rec, n))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    match rec.kind {
        RecordKind::Visit => Some((
            text_field(rec, "place"),
            join(&["region", "investigators", "interviewees", "notes"]),
        )),
        RecordKind::Finding => Some((
            text_field(rec, "title"),
            join(&[
                "detail",
                "measures",
                "target",
                "owner",
                "owner_unit",
                "verified_by",
                "close_note",
            ]),
        )),
        RecordKind::Subject => Some((text_field(rec, "title"), join(&["lead", "unit", "notes"]))),
        RecordKind::Topic
        | RecordKind::Attachment
        | RecordKind::Form
        | RecordKind::Response
        | RecordKind::Answer => None,
    }
}

/// How a character takes part in grams.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// ASCII letters and digits form words.
    Word,
    /// Every other letter (Chinese characters above all) stands on its own.
    Ideograph,
    /// Spaces and punctuation separate.
    Separator,
}

fn class(c: char) -> CharClass {
    if c.is_ascii_alphanumeric() {
        CharClass::Word
    } else if c.is_alphanumeric() {
        CharClass::Ideograph
    } else {
        CharClass::Separator
    }
}

/// Splits text into runs of one class (separators dropped).
fn runs(text: &str) -> Vec<(CharClass, Vec<char>)> {
    let mut out: Vec<(CharClass, Vec<char>)> = Vec::new();
    for c in text.chars() {
        let k = class(c);
        if k == CharClass::Separator {
            out.push((k, Vec::new()));
            continue;
        }
        match out.last_mut() {
            Some((last, chars)) if *last == k => chars.push(c),
            _ => out.push((k, vec![c])),
        }
    }
    out.retain(|(k, chars)| *k != CharClass::Separator && !chars.is_empty());
    out
}

/// The gram form of a text: lowercase ASCII words, and for Chinese every character and every
/// neighbouring pair, separated by spaces.
pub fn grams(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for (k, chars) in runs(text) {
        match k {
            CharClass::Word => {
                out.extend(chars.iter().map(char::to_ascii_lowercase));
                out.push(' ');
            }
            _ => {
                for (i, c) in chars.iter().enumerate() {
                    out.push(*c);
                    out.push(' ');
                    if let Some(next) = chars.get(i + 1) {
                        out.push(*c);
                        out.push(*next);
                        out.push(' ');
                    }
                }
            }
        }
    }
    out
}

/// Takes a document out of both indexes. The trigram index reads its text from `search_doc`
/// (external content) and the gram index keeps none (contentless): FTS5's `delete` command
/// is given the values the document was indexed with, which `search_doc` remembers. (The
/// `contentless_delete` option would spare that, but SQLite before 3.43 — Debian 12's
/// `sqlite3`, Python 3.11 — cannot open a table that uses it.)
fn unindex(tx: &Transaction<'_>, rowid: i64, title: &str, body: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO search_tri (search_tri, rowid, title, body) VALUES ('delete', ?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![rowid, title, body])?;
    tx.prepare_cached(
        "INSERT INTO search_gram (search_gram, rowid, title, body) VALUES ('delete', ?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![rowid, grams(title), grams(body)])?;
    Ok(())
}

/// Brings the search indexes in step with a record that was just written.
pub fn reindex(tx: &Transaction<'_>, rec: &StoredRecord) -> Result<()> {
    index_record(tx, rec)?;
    super::search_place::follow_visit(tx, rec)
}

/// Like [`reindex`], for a record written by a merge: a visit's findings are re-indexed only
/// when `place_changed` (the visit was here before with another place or region). A new
/// visit has no finding indexed with a stale place: its findings arrive in the same merge and
/// are indexed after it.
pub fn reindex_merged(tx: &Transaction<'_>, rec: &StoredRecord, place_changed: bool) -> Result<()> {
    index_record(tx, rec)?;
    if place_changed {
        super::search_place::follow_visit(tx, rec)?;
    }
    Ok(())
}

/// Writes a record's own rows of the search indexes.
fn index_record(tx: &Transaction<'_>, rec: &StoredRecord) -> Result<()> {
    type Indexed = (i64, Option<String>, Option<String>);
    let existing: Option<Indexed> = tx
        .prepare_cached("SELECT rowid, title, body FROM search_doc WHERE record_id = ?1")?
        .query_row([&rec.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((rowid, Some(title), Some(body))) = &existing {
        unindex(tx, *rowid, title, body)?;
    }
    let existing = existing.map(|(rowid, _, _)| rowid);
    let text = searchable_text(rec).filter(|_| rec.meta.deleted_at.is_none());
    let place = super::search_place::of_finding(tx, rec)?;
    let Some((title, mut body)) = text else {
        if let Some(rowid) = existing {
            tx.prepare_cached("DELETE FROM search_doc WHERE rowid = ?1")?
                .execute([rowid])?;
        }
        return Ok(());
    };
    if let Some(place) = &place {
        body = format!("{body}\n{place}");
    }
    // `place` remembers the place text a finding was indexed with (see `search_place`).
    let rowid = match existing {
        Some(rowid) => {
            tx.prepare_cached(
                "UPDATE search_doc SET title = ?2, body = ?3, place = ?4 WHERE rowid = ?1",
            )?
            .execute(rusqlite::params![rowid, title, body, place])?;
            rowid
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO search_doc (kind, record_id, title, body, place)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![
                rec.kind.table(),
                rec.id,
                title,
                body,
                place
            ])?;
            tx.last_insert_rowid()
        }
    };
    tx.prepare_cached("INSERT INTO search_tri (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![rowid, title, body])?;
    tx.prepare_cached("INSERT INTO search_gram (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![rowid, grams(&title), grams(&body)])?;
    Ok(())
}

/// Indexes every live visit, finding and subject anew (migration 9's step: the search tables
/// were rebuilt empty), oldest first as they were first indexed (ids are UUIDv7, so they sort
/// by creation time): a one-word search lists newer matches first by index order.
pub(super) fn reindex_everything(tx: &Transaction<'_>) -> Result<()> {
    let all: Vec<(String, String)> = tx
        .prepare(
            "SELECT id, 'subject' FROM subject WHERE deleted_at IS NULL
             UNION ALL SELECT id, 'visit' FROM visit WHERE deleted_at IS NULL
             UNION ALL SELECT id, 'finding' FROM finding WHERE deleted_at IS NULL
             ORDER BY 1",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, table) in &all {
        let kind = [RecordKind::Subject, RecordKind::Visit, RecordKind::Finding]
            .into_iter()
            .find(|k| k.table() == table);
        if let Some(kind) = kind
            && let Some(rec) = super::record::load(tx, kind, id)?
        {
            reindex(tx, &rec)?;
        }
    }
    Ok(())
}

fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// One part of a search: which index, and its FTS5 query.
struct Part {
    table: &'static str,
    query: String,
}

/// The most words a search uses: each joins one more index scan, and SQLite allows 64 tables
/// in a query. The words after the first 16 are ignored (they could only narrow the result).
pub const MAX_SEARCH_WORDS: usize = 16;

fn parts(text: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    // Punctuation separates words like spaces do: "低保，" or "“孤儿”" is the word itself.
    let terms = text
        .split(|c: char| class(c) == CharClass::Separator)
        .filter(|t| !t.is_empty());
    for term in terms {
        if term.chars().count() >= 3 {
            parts.push(Part {
                table: "search_tri",
                query: quote(term),
            });
            continue;
        }
        let pieces: Vec<String> = runs(term)
            .into_iter()
            .map(|(k, chars)| {
                let piece: String = chars.iter().map(char::to_ascii_lowercase).collect();
                match k {
                    CharClass::Word => format!("{}*", quote(&piece)),
                    _ => quote(&piece),
                }
            })
            .collect();
        if !pieces.is_empty() {
            parts.push(Part {
                table: "search_gram",
                query: pieces.join(" AND "),
            });
        }
    }
    // A word given twice narrows nothing; beyond the cap, the rest is dropped.
    let mut seen = std::collections::HashSet::new();
    parts.retain(|p| seen.insert((p.table, p.query.clone())));
    parts.truncate(MAX_SEARCH_WORDS);
    parts
}

/// SQL selecting `(rowid, score)` of `search_doc` rows matching every word of `text`, lower
/// scores better; with its parameters. `None` when the text holds nothing to search for.
pub fn match_sql(text: &str) -> Option<(String, Vec<String>)> {
    let parts = parts(text);
    if parts.is_empty() {
        return None;
    }
    let mut joins = Vec::new();
    let mut score = Vec::new();
    let mut params = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        joins.push(format!(
            "JOIN (SELECT rowid AS r, bm25({t}, 10.0, 1.0) AS s FROM {t} WHERE {t} MATCH ?) q{i} \
             ON q{i}.r = d.rowid",
            t = part.table
        ));
        score.push(format!("q{i}.s"));
        params.push(part.query.clone());
    }
    let sql = format!(
        "SELECT d.rowid AS rowid, ({}) AS score FROM search_doc d {}",
        score.join(" + "),
        joins.join(" ")
    );
    Some((sql, params))
}

/// Ranks a one-word search without bm25: a short word (养老, 墓) matches a large share of all
/// records, and scoring every match cost more than the `LIKE` scan it replaces. Title matches
/// come first, newest first, then the other matches; FTS5 walks its doclists backwards and
/// stops at `limit`. The score is `-rowid` for a title match and `2^53 - rowid` for the others,
/// so ascending order is that ranking. Several words still rank by bm25 (`match_sql`).
fn single_word_sql(text: &str, limit: usize) -> Option<(String, Vec<String>)> {
    let [part] = parts(text).try_into().ok()?;
    let table = part.table;
    let in_title = format!("title : ({})", part.query);
    let sql = format!(
        "SELECT rowid, -rowid AS score FROM (
             SELECT rowid FROM {table} WHERE {table} MATCH ?1
             ORDER BY rowid DESC LIMIT {limit})
         UNION ALL
         SELECT rowid, 9007199254740992 - rowid AS score FROM (
             SELECT rowid FROM {table} WHERE {table} MATCH ?2
             AND rowid NOT IN (SELECT rowid FROM {table} WHERE {table} MATCH ?1)
             ORDER BY rowid DESC LIMIT {limit})"
    );
    Some((sql, vec![in_title, part.query]))
}

/// One search result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SearchHit {
    /// The kind of record.
    pub kind: RecordKind,
    /// Its id.
    pub id: String,
    /// What to show as its title.
    pub title: String,
    /// A second line: the visit's date and place, or the finding's visit.
    pub context: String,
}

/// Ranked search over visits, findings and subjects. The best `limit` matches are chosen before
/// anything is joined to them: a common word matches tens of thousands of records, and looking
/// up each one's title and context made a one-character search slower than a `LIKE` scan.
pub fn search(conn: &Connection, text: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let Some((matches, params)) = single_word_sql(text, limit).or_else(|| match_sql(text)) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT d.kind, d.record_id,
                coalesce(f.title, v.place, s.title, ''),
                coalesce(v.date || ' ' || v.region, fv.date || ' ' || fv.place, s.lead, '')
         FROM (SELECT rowid, score FROM ({matches}) ORDER BY score, rowid LIMIT {limit}) m
         JOIN search_doc d ON d.rowid = m.rowid
         LEFT JOIN finding f ON d.kind = 'finding' AND f.id = d.record_id
         LEFT JOIN visit fv ON fv.id = f.visit_id
         LEFT JOIN visit v ON d.kind = 'visit' AND v.id = d.record_id
         LEFT JOIN subject s ON d.kind = 'subject' AND s.id = d.record_id
         ORDER BY m.score, d.rowid
         LIMIT {limit}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        let kind: String = r.get(0)?;
        Ok((kind, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    let mut hits = Vec::new();
    for row in rows {
        let (kind, id, title, context): (String, String, String, String) = row?;
        if let Some(kind) = RecordKind::from_code(&kind) {
            hits.push(SearchHit {
                kind,
                id,
                title,
                context,
            });
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_hold_single_characters_and_pairs() {
        assert_eq!(grams("违建墓地"), "违 违建 建 建墓 墓 墓地 地 ");
        assert_eq!(grams("ABC养老"), "abc 养 养老 老 ");
        assert_eq!(grams("低保，孤儿"), "低 低保 保 孤 孤儿 儿 ");
    }

    #[test]
    fn short_terms_use_the_gram_index() {
        let p = parts("墓地 养老院 a");
        assert_eq!(p[0].table, "search_gram");
        assert_eq!(p[0].query, "\"墓地\"");
        assert_eq!(p[1].table, "search_tri");
        assert_eq!(p[2].query, "\"a\"*");
        assert!(parts("  ，").is_empty());
        let p = parts("“低保”，孤儿院。");
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].table, p[0].query.as_str()),
            ("search_gram", "\"低保\"")
        );
        assert_eq!(
            (p[1].table, p[1].query.as_str()),
            ("search_tri", "\"孤儿院\"")
        );
    }

    #[test]
    fn a_search_of_a_hundred_words_is_answered_not_refused() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let visit = crate::model::Visit::new(
            crate::model::parse_date("2026-04-01").unwrap(),
            "城西养老院",
        );
        store.save_visit(&visit).unwrap();
        let words: Vec<String> = (0..100).map(|i| format!("词{i}")).collect();
        let many = format!("养老院 {}", words.join(" "));
        assert_eq!(parts(&many).len(), MAX_SEARCH_WORDS);
        store.search(&many, 10).unwrap();
        let repeated = vec!["养老院"; 100].join(" ");
        assert_eq!(store.search(&repeated, 10).unwrap().len(), 1);
    }
}
