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
