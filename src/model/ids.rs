//! Record ids: UUIDv7 newtypes, created on the device that makes the record, so two laptops
//! never hand out the same id and ids sort by creation time.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

id_type!(
    /// Id of a [`crate::model::Topic`].
    TopicId
);
id_type!(
    /// Id of a [`crate::model::Subject`].
    SubjectId
);
id_type!(
    /// Id of a [`crate::model::Visit`].
    VisitId
);
id_type!(
    /// Id of a [`crate::model::Finding`].
    FindingId
);
id_type!(
    /// Id of a [`crate::model::Attachment`].
    AttachmentId
);
id_type!(
    /// Id of a [`crate::model::Form`] (one version of a form).
    FormId
);
id_type!(
    /// Id of a [`crate::model::Response`].
    ResponseId
);
id_type!(
    /// Id of a [`crate::model::AnswerRecord`] (deterministic: see [`derived_uuid`]).
    AnswerId
);

/// A UUID that is the same on every laptop for the same `parts` (a UUIDv8 whose bits are the
/// first bytes of a SHA-256 of them): two laptops answering the same question of the same
/// response, or raising the same checklist problem, make the same record, so their edits
/// merge field by field instead of duplicating.
pub fn derived_uuid(domain: &str, parts: &[&str]) -> Uuid {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(domain.as_bytes());
    for part in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}
