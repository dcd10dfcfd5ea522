//! Plain domain types: topics, subjects, visits, findings with their rectification, attachments;
//! their ids and clocks; and the checks that need no database.

mod catalogue;
mod clock;
mod enums;
mod ids;
mod records;
mod validate;

pub use catalogue::{BUILTIN_TOPICS, builtin_topic_id, builtin_topics, is_builtin_topic};
pub use clock::{BadHlc, Hlc};
pub use enums::{Category, FindingKind, Status};
pub use ids::{AttachmentId, FindingId, SubjectId, TopicId, VisitId};
pub use records::{Attachment, AttachmentOwner, Finding, RecordMeta, Subject, Topic, Visit};
pub use validate::{Field, ValidationError, parse_date};
