//! The records investigators keep. Each travels between laptops with its id and [`RecordMeta`].

use super::enums::{Category, FindingKind, IntervieweeRole, Status};
use super::ids::{AttachmentId, FindingId, SubjectId, TopicId, VisitId};
use crate::model::Hlc;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Bookkeeping every synced record carries: when it was made and changed, by whom, its clock,
/// and its tombstone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordMeta {
    /// When the record was first saved (UTC).
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last changed (UTC, from its clock).
    pub updated_at: Option<DateTime<Utc>>,
    /// The author of the last change.
    pub updated_by: String,
    /// The clock of the last change (the newest field clock).
    pub clock: Option<Hlc>,
    /// When it was moved to the Trash; `None` while it is live.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl RecordMeta {
    /// Whether the record is in the Trash.
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// A topic of the catalogue (殡葬改革, 养老服务 …); user topics can sit under built-in ones.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// Its id (fixed for built-in topics).
    pub id: TopicId,
    /// A short stable code such as `elderly-care`.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The parent topic, for a subtopic.
    pub parent_id: Option<TopicId>,
    /// Archived topics stay on their findings but are not offered for new ones.
    pub archived: bool,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

impl Topic {
    /// The name in the user's language (falling back to the other one if empty).
    pub fn name(&self, lang: crate::i18n::Lang) -> &str {
        let name = lang.pick(&self.name_zh, &self.name_en);
        if name.is_empty() { &self.name_zh } else { name }
    }
}

/// A research subject (调研课题) led by a bureau leader and carried out by a unit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// Its id.
    pub id: SubjectId,
    /// Title, e.g. 殡葬工作现状、堵点与出路.
    pub title: String,
    /// The leader who leads it (领衔).
    pub lead: String,
    /// The division or unit carrying it out (处室单位).
    pub unit: String,
    /// Start of its period.
    pub start_date: Option<NaiveDate>,
    /// End of its period.
    pub end_date: Option<NaiveDate>,
    /// Topics it covers.
    pub topics: Vec<TopicId>,
    /// Free notes.
    pub notes: String,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

/// One visit to a unit or household.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// Its id.
    pub id: VisitId,
    /// The day of the visit.
    pub date: NaiveDate,
    /// The place or unit visited.
    pub place: String,
    /// District, county or township.
    pub region: String,
    /// Who went.
    pub investigators: Vec<String>,
    /// People (party members and residents) talked to.
    pub people_met: i64,
    /// An unannounced visit (四不两直).
    pub unannounced: bool,
    /// The research subject it belongs to.
    pub subject_id: Option<SubjectId>,
    /// Free notes.
    pub notes: String,
    /// The people interviewed by name (personal data; `people_met` counts at least these).
    #[serde(default)]
    pub interviewees: Vec<Interviewee>,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

/// A person interviewed on a visit. Everything in it is personal data (see
/// [`crate::model::PERSONAL_FIELDS`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interviewee {
    /// The person's name.
    pub name: String,
    /// Resident, family member, staff, official …
    pub role: IntervieweeRole,
    /// A phone number or address, if given.
    #[serde(default)]
    pub contact: String,
}

impl Visit {
    /// A new visit on `date` to `place`, every other field empty.
    pub fn new(date: NaiveDate, place: impl Into<String>) -> Visit {
        Visit {
            id: VisitId::new(),
            date,
            place: place.into(),
            region: String::new(),
            investigators: Vec::new(),
            people_met: 0,
            unannounced: false,
            subject_id: None,
            notes: String::new(),
            interviewees: Vec::new(),
            meta: RecordMeta::default(),
        }
    }

    /// Replaces the list of people interviewed, raising `people_met` to at least their number
    /// (the count may be larger: not everyone talked to is named).
    pub fn set_interviewees(&mut self, interviewees: Vec<Interviewee>) {
        let listed = i64::try_from(interviewees.len()).unwrap_or(i64::MAX);
        self.people_met = self.people_met.max(listed);
        self.interviewees = interviewees;
    }
}

/// What was found on a visit: a problem with its rectification, or a typical case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Its id.
    pub id: FindingId,
    /// The visit it was found on.
    pub visit_id: VisitId,
    /// Problem, positive or negative case, good practice.
    pub kind: FindingKind,
    /// One-line title.
    pub title: String,
    /// What was seen.
    pub detail: String,
    /// Topics it belongs to.
    pub topics: Vec<TopicId>,
    /// People or households affected or covered.
    pub people_affected: i64,
    /// How it is rectified (problems only).
    pub category: Option<Category>,
    /// Measures (措施).
    pub measures: String,
    /// Target (目标).
    pub target: String,
    /// Deadline (时限).
    pub deadline: Option<NaiveDate>,
    /// Responsible person (责任人).
    pub owner: String,
    /// Responsible unit.
    pub owner_unit: String,
    /// Where the rectification stands.
    pub status: Status,
    /// The day it was closed (销号).
    pub closed_on: Option<NaiveDate>,
    /// Who verified the fix.
    pub verified_by: String,
    /// The closing note.
    pub close_note: String,
    /// The form response whose checklist item raised it.
    #[serde(default)]
    pub response_id: Option<super::ids::ResponseId>,
    /// The question (its path in the response) whose failing answer raised it.
    #[serde(default)]
    pub question: Option<String>,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

impl Finding {
    /// A new open problem titled `title` on `visit_id`.
    pub fn new(visit_id: VisitId, title: impl Into<String>) -> Finding {
        Finding {
            id: FindingId::new(),
            visit_id,
            kind: FindingKind::Problem,
            title: title.into(),
            detail: String::new(),
            topics: Vec::new(),
            people_affected: 0,
            category: None,
            measures: String::new(),
            target: String::new(),
            deadline: None,
            owner: String::new(),
            owner_unit: String::new(),
            status: Status::Open,
            closed_on: None,
            verified_by: String::new(),
            close_note: String::new(),
            response_id: None,
            question: None,
            meta: RecordMeta::default(),
        }
    }

    /// Open past its deadline as of `today` (only problems can be overdue).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.kind == FindingKind::Problem
            && self.status.is_pending()
            && self.deadline.is_some_and(|d| d < today)
    }
}

/// Which record an attachment belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum AttachmentOwner {
    /// A visit.
    Visit(VisitId),
    /// A finding.
    Finding(FindingId),
}

impl AttachmentOwner {
    /// The owner's kind as stored (`visit` or `finding`).
    pub fn kind_code(self) -> &'static str {
        match self {
            AttachmentOwner::Visit(_) => "visit",
            AttachmentOwner::Finding(_) => "finding",
        }
    }

    /// The owner's id as text.
    pub fn id_text(self) -> String {
        match self {
            AttachmentOwner::Visit(id) => id.to_string(),
            AttachmentOwner::Finding(id) => id.to_string(),
        }
    }
}

/// The kind of record an attachment hangs on, as its `owner_kind` column holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerKind {
    /// A visit.
    Visit,
    /// A finding.
    Finding,
}

/// A photo or document on a visit or finding; its bytes are stored once by SHA-256 (in the
/// database's `blob` table and a bundle's `attachments/<sha256>` entries), this record says
/// whose it is, what it is called and whether it is evidence of a close-out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its id.
    pub id: AttachmentId,
    /// The kind of record it is attached to.
    pub owner_kind: OwnerKind,
    /// The id of the record it is attached to.
    pub owner_id: uuid::Uuid,
    /// The file name as attached.
    pub name: String,
    /// MIME type, from the content for images, else from the name.
    pub mime: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Evidence of the rectification named at close-out (整改佐证).
    #[serde(default)]
    pub evidence: bool,
    /// Who attached it.
    #[serde(default)]
    pub added_by: String,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

impl Attachment {
    /// The record it is attached to.
    pub fn owner(&self) -> AttachmentOwner {
        match self.owner_kind {
            OwnerKind::Visit => AttachmentOwner::Visit(VisitId(self.owner_id)),
            OwnerKind::Finding => AttachmentOwner::Finding(FindingId(self.owner_id)),
        }
    }

    /// Whether it is shown as an image (a thumbnail is decoded for it).
    pub fn is_image(&self) -> bool {
        self.mime.starts_with("image/")
    }

    /// The file name's extension in capitals (`JPG`, `PDF`), for a file icon.
    pub fn extension(&self) -> String {
        std::path::Path::new(&self.name)
            .extension()
            .map(|e| e.to_string_lossy().to_uppercase())
            .unwrap_or_default()
    }
}

/// The MIME type of a file: images by their first bytes (a renamed file still shows as what
/// it is), everything else by its name.
pub fn guess_mime(name: &str, bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return "image/jpeg";
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return "image/png";
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return "image/gif";
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return "image/webp";
    }
    let ext = std::path::Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        // Named as an image but not one by its bytes: decoded anyway, shown broken if it fails.
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "txt" | "md" | "csv" => "text/plain",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
