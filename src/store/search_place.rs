//! Where a finding was made is part of what it is found by: a finding's search text holds its
//! visit's place and region ("年检率 浏阳" finds the finding made in 浏阳). `search_doc.place`
//! remembers the place text each finding was indexed with, so a visit whose place or region
//! changes re-indexes exactly the findings that still carry the old text.

use super::error::Result;
use super::record::{RecordKind, StoredRecord, read_row, select_list};
use rusqlite::{OptionalExtension, Transaction};

/// The place text of a visit as its findings are found by: place and region.
fn place_text(place: &str, region: &str) -> String {
    [place.trim(), region.trim()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The place text of the visit a finding belongs to (`None` for other kinds, or when the visit
/// is not in the database yet).
pub(super) fn of_finding(tx: &Transaction<'_>, rec: &StoredRecord) -> Result<Option<String>> {
    if rec.kind != RecordKind::Finding {
        return Ok(None);
    }
    let Some(visit_id) = rec.data.get("visit_id").and_then(|v| v.as_str()) else {
        return Ok(None);
    };
    let row: Option<(String, String)> = tx
        .prepare_cached("SELECT place, region FROM visit WHERE id = ?1")?
        .query_row([visit_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(place, region)| place_text(&place, &region)))
}

/// After a visit is indexed: re-indexes its findings whose indexed place text is no longer the
/// visit's (its place or region was edited, or a merge changed them).
pub(super) fn follow_visit(tx: &Transaction<'_>, visit: &StoredRecord) -> Result<()> {
    if visit.kind != RecordKind::Visit {
        return Ok(());
    }
    let text = |name: &str| {
        visit
            .data
            .get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let place = place_text(&text("place"), &text("region"));
    let sql = format!(
        "SELECT {} FROM finding f JOIN search_doc d ON d.record_id = f.id
         WHERE f.visit_id = ?1 AND d.place IS NOT ?2",
        select_list(RecordKind::Finding, "f")
    );
    let stale: Vec<StoredRecord> = tx
        .prepare_cached(&sql)?
        .query_map(rusqlite::params![visit.id, place], |row| {
            Ok(read_row(RecordKind::Finding, row, 0))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .collect::<Result<_>>()?;
    for finding in &stale {
        super::search::reindex(tx, finding)?;
    }
    Ok(())
}

/// Re-indexes every live finding (a migration's step: older databases indexed findings without
/// their visit's place). One finding in memory at a time: a database may hold 100 000.
pub(super) fn reindex_all_findings(tx: &Transaction<'_>) -> Result<()> {
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM finding WHERE deleted_at IS NULL")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        if let Some(finding) = super::record::load(tx, RecordKind::Finding, id)? {
            super::search::reindex(tx, &finding)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::place_text;

    #[test]
    fn place_text_joins_place_and_region() {
        assert_eq!(place_text("城西养老院", "浏阳市"), "城西养老院 浏阳市");
        assert_eq!(place_text(" 城西养老院 ", ""), "城西养老院");
    }
}
