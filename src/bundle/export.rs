//! Writing a bundle: the selected visits with all their findings (live and deleted), the
//! subjects and topics they refer to (with the topics' parents), and a manifest.

use super::crypt::Passphrase;
use super::error::{BundleError, Result};
use super::export_file::Deflated;
use super::format::{
    BundleRecord, Creator, EntryInfo, FORMAT_NAME, FORMAT_VERSION,
    FORMAT_VERSION_WITHOUT_ATTACHMENTS, FORMAT_VERSION_WITHOUT_HISTORY, FilterInfo, Manifest,
    RecordsDoc, attachment_entry, records_entry,
};
use super::incremental::{ChangesSince, changed_selection};
use super::{Progress, Stage};
use crate::model::{SubjectId, TopicId};
use crate::store::{
    Page, RecordKind, SCHEMA_VERSION, Store, StoreError, StoredRecord, VisitFilter, VisitSort,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Which visits to export (all conditions together); `all` exports every record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportFilter {
    /// Everything in the database, the Trash included.
    pub all: bool,
    /// Visits with a finding tagged with one of these topics (or a subtopic).
    pub topics: Vec<TopicId>,
    /// Visits on or after this day.
    pub since: Option<NaiveDate>,
    /// Visits on or before this day.
    pub until: Option<NaiveDate>,
    /// Visits this person went on.
    pub investigator: Option<String>,
    /// Visits of this subject (the subject itself is exported too).
    pub subject: Option<SubjectId>,
}

impl ExportFilter {
    fn is_empty(&self) -> bool {
        !self.all
            && self.topics.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && self.investigator.is_none()
            && self.subject.is_none()
    }

    fn info(&self) -> FilterInfo {
        FilterInfo {
            all: self.all,
            topics: self.topics.iter().map(ToString::to_string).collect(),
            since: self.since.map(|d| d.to_string()),
            until: self.until.map(|d| d.to_string()),
            investigator: self.investigator.clone(),
            subject: self.subject.map(|s| s.to_string()),
        }
    }
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ExportSummary {
    /// The bundle written.
    pub path: PathBuf,
    /// Its id.
    pub bundle_id: String,
    /// Records per kind.
    pub counts: BTreeMap<String, usize>,
    /// Whether the bundle is encrypted with a passphrase.
    pub encrypted: bool,
}

/// Writes the records `filter` selects to a bundle at `out` (replaced atomically).
pub fn export(
    store: &Store,
    filter: &ExportFilter,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary> {
    export_with(store, filter, out, None, true, progress)
}

/// How [`export_with_options`] writes a bundle.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExportOptions<'a> {
    /// Encrypt with this passphrase (which must pass [`Passphrase::check_strength`]).
    pub passphrase: Option<&'a Passphrase>,
    /// Write format version 2 (or 1) without history, for a colleague whose Zoufang predates
    /// format 3.
    pub older_reader: bool,
    /// Carry only the records that moved since what the destination has; an empty selection
    /// then means everything.
    pub changes_since: Option<&'a ChangesSince>,
    /// Write nothing (and return `None`) when no record is selected.
    pub skip_if_empty: bool,
}

/// [`export`] with every option: encryption, the format for older readers, incremental.
/// Returns `None` when `skip_if_empty` and nothing is selected.
pub fn export_with_options(
    store: &Store,
    filter: &ExportFilter,
    out: &Path,
    options: &ExportOptions<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<ExportSummary>> {
    if let Some(passphrase) = options.passphrase {
        passphrase.check_strength()?;
    }
    let Some(since) = options.changes_since else {
        if options.skip_if_empty && filter.is_empty() {
            return Ok(None);
        }
        return select_and_write(store, filter, out, options, progress);
    };
    let everything = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    let filter = if filter.is_empty() {
        &everything
    } else {
        filter
    };
    let selected = changed_selection(store, filter.all, since, || selection(store, filter))?;
    write_selected(store, filter, selected, out, options, progress)
}

/// Like [`export`], but without the records' history: the bundle keeps the format version an
/// older Zoufang reads (1, or 2 with attachments or set-element clocks), for a colleague who
/// has not updated yet.
pub fn export_without_history(
    store: &Store,
    filter: &ExportFilter,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary> {
    export_with(store, filter, out, None, false, progress)
}

/// Like [`export`], but the bundle is encrypted with `passphrase` (which must pass
/// [`Passphrase::check_strength`]); the plain zip never touches the disk.
pub fn export_encrypted(
    store: &Store,
    filter: &ExportFilter,
    out: &Path,
    passphrase: &Passphrase,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary> {
    passphrase.check_strength()?;
    export_with(store, filter, out, Some(passphrase), true, progress)
}

fn export_with(
    store: &Store,
    filter: &ExportFilter,
    out: &Path,
    passphrase: Option<&Passphrase>,
    with_history: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary> {
    let options = ExportOptions {
        passphrase,
        older_reader: !with_history,
        ..ExportOptions::default()
    };
    select_and_write(store, filter, out, &options, progress)?.ok_or(BundleError::NothingSelected)
}

/// Reads the records `filter` selects and writes their bundle; everything, in format 3, is
/// streamed from the database instead (`export_everything`).
fn select_and_write(
    store: &Store,
    filter: &ExportFilter,
    out: &Path,
    options: &ExportOptions<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<ExportSummary>> {
    if filter.all && !options.older_reader {
        return super::export_everything::write_everything(store, filter, out, options, progress);
    }
    let selected = selection(store, filter)?;
    write_selected(store, filter, selected, out, options, progress)
}

/// The records `filter` selects; an empty filter selects nothing and says so.
fn selection(
    store: &Store,
    filter: &ExportFilter,
) -> Result<BTreeMap<RecordKind, Vec<StoredRecord>>> {
    if filter.is_empty() {
        return Err(BundleError::NothingSelected);
    }
    select(store, filter)
}

/// Writes the bundle of `selected` (`None` when it is empty and the options skip that).
fn write_selected(
    store: &Store,
    filter: &ExportFilter,
    selected: BTreeMap<RecordKind, Vec<StoredRecord>>,
    out: &Path,
    options: &ExportOptions<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<ExportSummary>> {
    let total: u64 = selected.values().map(|v| v.len() as u64).sum();
    if total == 0 && options.skip_if_empty {
        return Ok(None);
    }
    crate::paths::check_output(out, store.path(), true).map_err(StoreError::from)?;
    let with_history = !options.older_reader;
    let passphrase = options.passphrase;
    let mut done = 0u64;
    let mut docs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut counts = BTreeMap::new();
    // The attachments' hashes and sizes first: the records are moved into the bundle below.
    let blobs = attachment_blobs(store, &selected)?;
    let history_docs = if with_history {
        super::history::export_docs(store, &selected)?
    } else {
        Vec::new()
    };
    // Past a few hundred records one pass over the history beats a query per record.
    let mut bases = if total > 256 {
        Some(store.history_bases()?)
    } else {
        None
    };
    let mut element_clocks = false;
    for (kind, records) in selected {
        if kind > RecordKind::Visit && kind != RecordKind::Finding && records.is_empty() {
            // No attachments or forms: maybe a bundle an older Zoufang, without them, reads.
            continue;
        }
        let mut out_records = Vec::with_capacity(records.len());
        for rec in records {
            element_clocks |= rec
                .clocks
                .keys()
                .any(|k| crate::store::sets::is_element_key(k));
            let base = match bases.as_mut() {
                Some(all) => all.remove(&rec.id).unwrap_or_default(),
                None => store.history_base(&rec.id)?,
            };
            let record = BundleRecord::from_stored(rec, base);
            // Format 3 carries each record clock once; version 1 and 2 readers need every clock.
            out_records.push(if with_history {
                record.compacted(kind)
            } else {
                record
            });
            done += 1;
            if done.is_multiple_of(500) {
                progress(Progress {
                    stage: Stage::Exporting,
                    done,
                    total,
                });
            }
        }
        counts.insert(kind.table().to_owned(), out_records.len());
        let doc = RecordsDoc {
            kind: kind.table().to_owned(),
            records: out_records,
        };
        docs.push((records_entry(kind), serde_json::to_vec(&doc)?));
    }
    // Version 3 (history, compact clocks) unless an older reader was asked for. Version 2
    // added attachments and the clocks of set elements; a bundle with neither is written as
    // version 1, which an older Zoufang reads the same.
    let version = if with_history {
        FORMAT_VERSION
    } else if counts.contains_key(RecordKind::Attachment.table()) || element_clocks {
        FORMAT_VERSION_WITHOUT_HISTORY
    } else {
        FORMAT_VERSION_WITHOUT_ATTACHMENTS
    };
    docs.extend(history_docs);
    let contents = Contents {
        docs: super::export_file::deflate_all(docs)?,
        counts,
        blobs,
        version,
        total,
    };
    finish(store, filter, contents, out, passphrase, progress).map(Some)
}

/// What a bundle holds besides its manifest.
pub(crate) struct Contents {
    /// The record and history documents, deflated.
    pub docs: Vec<Deflated>,
    /// Records per kind.
    pub counts: BTreeMap<String, usize>,
    /// The attachments' hashes and sizes.
    pub blobs: Vec<(String, u64)>,
    /// The format version.
    pub version: u32,
    /// How many records, for the progress.
    pub total: u64,
}

/// Writes the bundle of `contents` with its manifest to `out`.
pub(crate) fn finish(
    store: &Store,
    filter: &ExportFilter,
    contents: Contents,
    out: &Path,
    passphrase: Option<&Passphrase>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary> {
    let Contents {
        docs,
        counts,
        blobs,
        version,
        total,
    } = contents;
    let mut entries: BTreeMap<String, EntryInfo> = docs
        .iter()
        .map(|doc| {
            (
                doc.name.clone(),
                EntryInfo {
                    size: doc.size,
                    sha256: doc.sha256.clone(),
                },
            )
        })
        .collect();
    // Content-addressed: an attachment's checksum is its name (checked again as it is copied).
    for (sha256, size) in &blobs {
        entries.insert(
            attachment_entry(sha256),
            EntryInfo {
                size: *size,
                sha256: sha256.clone(),
            },
        );
    }
    let manifest = Manifest {
        format: FORMAT_NAME.to_owned(),
        version,
        bundle_id: uuid::Uuid::now_v7().to_string(),
        creator: Creator {
            name: store.author().to_owned(),
            device_id: store.device_id().to_owned(),
        },
        created_at: chrono::Utc::now(),
        schema_version: SCHEMA_VERSION,
        filter: filter.info(),
        counts: counts.clone(),
        entries,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    super::export_file::write_file(out, passphrase, |writer| {
        super::export_file::write_zip(writer, store, &manifest_bytes, &docs, &blobs, out)
            .map(|_| ())
    })?;
    progress(Progress {
        stage: Stage::Exporting,
        done: total,
        total,
    });
    Ok(ExportSummary {
        path: out.to_owned(),
        bundle_id: manifest.bundle_id,
        counts,
        encrypted: passphrase.is_some(),
    })
}

/// The content of every exported attachment, once per SHA-256, with its size (the bytes are
/// read one at a time as the zip is written).
fn attachment_blobs(
    store: &Store,
    selected: &BTreeMap<RecordKind, Vec<StoredRecord>>,
) -> Result<Vec<(String, u64)>> {
    let hashes: BTreeSet<String> = selected
        .iter()
        .filter_map(|(kind, records)| kind.blob_field().map(|field| (field, records)))
        .flat_map(|(field, records)| records.iter().filter_map(move |rec| text(rec, field)))
        .collect();
    Ok(store.blob_sizes(hashes)?)
}

/// The records to export, per kind, parents first, each in id order.
pub(crate) fn select(
    store: &Store,
    filter: &ExportFilter,
) -> Result<BTreeMap<RecordKind, Vec<StoredRecord>>> {
    let mut out: BTreeMap<RecordKind, Vec<StoredRecord>> = BTreeMap::new();
    if filter.all {
        for kind in RecordKind::ALL {
            out.insert(kind, store.all_records(kind)?);
        }
        return Ok(out);
    }
    // Visits matching the filter, live and in the Trash (their tombstones travel too).
    let mut visit_ids: BTreeSet<String> = BTreeSet::new();
    for deleted in [false, true] {
        let visit_filter = VisitFilter {
            topics: filter.topics.clone(),
            since: filter.since,
            until: filter.until,
            investigator: filter.investigator.clone(),
            subject: filter.subject,
            deleted,
            ..VisitFilter::default()
        };
        let page_size = 5_000;
        let mut offset = 0;
        loop {
            let rows = store.list_visits(
                &visit_filter,
                VisitSort::Date,
                true,
                Page {
                    offset,
                    limit: page_size,
                },
            )?;
            let n = rows.len();
            visit_ids.extend(rows.into_iter().map(|r| r.visit.id.to_string()));
            if n < page_size {
                break;
            }
            offset += n;
        }
    }
    let mut visits = Vec::new();
    let mut findings = Vec::new();
    let mut subject_ids: BTreeSet<String> =
        filter.subject.iter().map(ToString::to_string).collect();
    let mut topic_ids: BTreeSet<String> = BTreeSet::new();
    for id in &visit_ids {
        let Some(visit) = store.load_stored(RecordKind::Visit, id)? else {
            continue;
        };
        if let Some(subject) = text(&visit, "subject_id") {
            subject_ids.insert(subject);
        }
        visits.push(visit);
        for finding in store.finding_records_of_visit(id)? {
            topic_ids.extend(list(&finding, "topics"));
            findings.push(finding);
        }
    }
    // The responses on those visits, their answers and the form versions they name (and a
    // subject's forms).
    let subject = filter.subject.map(|s| s.to_string());
    let forms = store.form_records_of_visits(&visit_ids, subject.as_deref())?;
    subject_ids.extend(forms.forms.iter().filter_map(|f| text(f, "subject_id")));
    let mut subjects = Vec::new();
    for id in &subject_ids {
        if let Some(subject) = store.load_stored(RecordKind::Subject, id)? {
            topic_ids.extend(list(&subject, "topics"));
            subjects.push(subject);
        }
    }
    // Topics with their ancestors, so a subtopic arrives with its parent.
    let mut topics: BTreeMap<String, StoredRecord> = BTreeMap::new();
    let mut queue: Vec<String> = topic_ids.into_iter().collect();
    while let Some(id) = queue.pop() {
        if topics.contains_key(&id) {
            continue;
        }
        if let Some(topic) = store.load_stored(RecordKind::Topic, &id)? {
            if let Some(parent) = text(&topic, "parent_id") {
                queue.push(parent);
            }
            topics.insert(id, topic);
        }
    }
    findings.sort_by(|a, b| a.id.cmp(&b.id));
    // The attachments of those visits and findings, live and in the Trash: one pass over the
    // (small) attachment table rather than a query per record.
    let owners: BTreeSet<&str> = visits
        .iter()
        .chain(&findings)
        .map(|r| r.id.as_str())
        .collect();
    let mut attachments = Vec::new();
    for attachment in store.all_records(RecordKind::Attachment)? {
        if text(&attachment, "owner_id").is_some_and(|o| owners.contains(o.as_str())) {
            attachments.push(attachment);
        }
    }
    out.insert(RecordKind::Topic, topics.into_values().collect());
    out.insert(RecordKind::Subject, subjects);
    out.insert(RecordKind::Visit, visits);
    out.insert(RecordKind::Finding, findings);
    out.insert(RecordKind::Attachment, attachments);
    out.insert(RecordKind::Form, forms.forms);
    out.insert(RecordKind::Response, forms.responses);
    out.insert(RecordKind::Answer, forms.answers);
    Ok(out)
}

fn text(rec: &StoredRecord, field: &str) -> Option<String> {
    rec.data
        .get(field)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn list(rec: &StoredRecord, field: &str) -> Vec<String> {
    match rec.data.get(field) {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}
