//! Plain domain types: topics, subjects, visits, findings with their rectification, attachments;
//! their ids and clocks; and the checks that need no database.

mod catalogue;
mod clock;
mod enums;
mod forms;
mod ids;
mod personal;
mod records;
mod validate;

pub use catalogue::{BUILTIN_TOPICS, builtin_topic_id, builtin_topics, is_builtin_topic};
pub use clock::{BadHlc, Hlc, MAX_CLOCK_AHEAD_MS, MAX_COUNTER};
pub use enums::{Category, FindingKind, IntervieweeRole, Status};
pub use forms::{AnswerRecord, Form, Response, checklist_finding_id};
pub use ids::{
    AnswerId, AttachmentId, FindingId, FormId, ResponseId, SubjectId, TopicId, VisitId,
    derived_uuid,
};
pub use personal::{PERSONAL_FIELDS, PersonalField, Privacy, privacy};
pub use records::{
    Attachment, AttachmentOwner, Finding, Interviewee, OwnerKind, RecordMeta, Subject, Topic,
    Visit, guess_mime,
};
pub use validate::{
    Field, MAX_PEOPLE, ValidationError, column_label, is_blank, is_sha256, parse_date,
};
