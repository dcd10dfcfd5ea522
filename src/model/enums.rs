//! The fixed vocabularies of a finding, each with its code (used in files and on the command
//! line) and its Chinese and English label.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in files and on the command line.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The label in the user's language.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($zh, $en)),+ }
            }

            /// Reads a code, a Chinese label or an English label.
            pub fn parse(text: &str) -> Option<$name> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| {
                    v.code() == text
                        || v.label(Lang::Zh) == text
                        || v.label(Lang::En).eq_ignore_ascii_case(text)
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

labelled_enum!(
    /// What a finding is.
    FindingKind {
        /// A problem to rectify (问题).
        Problem = ("problem", "问题", "Problem"),
        /// A positive typical case (正面典型).
        PositiveCase = ("positive-case", "正面典型", "Positive case"),
        /// A negative typical case (反面典型).
        NegativeCase = ("negative-case", "反面典型", "Negative case"),
        /// Good practice worth spreading (经验做法).
        Practice = ("practice", "经验做法", "Good practice"),
    }
);

labelled_enum!(
    /// How a problem is rectified.
    Category {
        /// Fixed at once (立行立改).
        Immediate = ("immediate", "立行立改", "Fix at once"),
        /// Phased: a stage target, then more work (阶段性整改).
        Phased = ("phased", "阶段性整改", "Phased"),
        /// Long-term (长期整改).
        LongTerm = ("long-term", "长期整改", "Long-term"),
    }
);

labelled_enum!(
    /// Where a problem's rectification stands.
    Status {
        /// Not started (未整改).
        Open = ("open", "未整改", "Open"),
        /// Being rectified (整改中).
        InProgress = ("in-progress", "整改中", "In progress"),
        /// The stage target is reached (阶段目标完成).
        StageDone = ("stage-done", "阶段目标完成", "Stage target reached"),
        /// Verified and crossed off the list (已销号).
        Closed = ("closed", "已销号", "Closed"),
    }
);

#[allow(clippy::derivable_impls)] // the enums come from a macro shared with Category
impl Default for FindingKind {
    fn default() -> Self {
        FindingKind::Problem
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Status {
    fn default() -> Self {
        Status::Open
    }
}

impl Status {
    /// Whether a problem in this status still counts against its deadline.
    pub fn is_pending(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_both_labels() {
        assert_eq!(FindingKind::parse("problem"), Some(FindingKind::Problem));
        assert_eq!(
            FindingKind::parse("正面典型"),
            Some(FindingKind::PositiveCase)
        );
        assert_eq!(Category::parse("long term"), None);
        assert_eq!(Category::parse("Long-term"), Some(Category::LongTerm));
        assert_eq!(Status::parse("已销号"), Some(Status::Closed));
        assert_eq!(Status::parse("bogus"), None);
    }

    #[test]
    fn serde_uses_codes() {
        let json = serde_json::to_string(&Category::LongTerm).unwrap();
        assert_eq!(json, "\"long-term\"");
        assert_eq!(
            serde_json::from_str::<Status>("\"stage-done\"").unwrap(),
            Status::StageDone
        );
    }
}

labelled_enum!(
    /// Who an interviewee is, seen from the visit.
    IntervieweeRole {
        /// A resident or service user (群众).
        Resident = ("resident", "群众", "Resident"),
        /// A family member of one (家属).
        Family = ("family", "家属", "Family member"),
        /// Staff of the place visited (工作人员).
        Staff = ("staff", "工作人员", "Staff"),
        /// An official (干部).
        Official = ("official", "干部", "Official"),
        /// Anyone else (其他).
        Other = ("other", "其他", "Other"),
    }
);
