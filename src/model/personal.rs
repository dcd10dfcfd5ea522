//! Which fields hold personal data (Personal Information Protection Law), so every export knows
//! what it may publish. Fields not listed (dates, counts, categories, statuses, topics, ids)
//! say nothing about a person.

/// How a field holds personal data, and so what a public export does with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Privacy {
    /// Names a person (an investigator, the responsible person, the verifier): never published.
    Name,
    /// People with their contact details (the interviewees): never published.
    People,
    /// Narrative free text about what was seen and who said it (notes, detail, closing note):
    /// never published.
    Narrative,
    /// Short free text a public problem list needs (title, measures, target, place …):
    /// published only with phone numbers, ID numbers and the names known to the database
    /// masked.
    Masked,
}

impl Privacy {
    /// Whether a public export may show the field at all (masked).
    pub fn publishable(self) -> bool {
        self == Privacy::Masked
    }
}

/// One field of one record kind that holds, or may hold, personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonalField {
    /// The record kind's code (`visit`, `finding`, `subject`).
    pub kind: &'static str,
    /// The field (a column of that kind).
    pub field: &'static str,
    /// What it holds.
    pub privacy: Privacy,
}

const fn f(kind: &'static str, field: &'static str, privacy: Privacy) -> PersonalField {
    PersonalField {
        kind,
        field,
        privacy,
    }
}

/// Every field that holds, or may hold, personal data.
pub const PERSONAL_FIELDS: &[PersonalField] = &[
    f("visit", "place", Privacy::Masked),
    f("visit", "region", Privacy::Masked),
    f("visit", "investigators", Privacy::Name),
    f("visit", "notes", Privacy::Narrative),
    f("visit", "interviewees", Privacy::People),
    f("finding", "title", Privacy::Masked),
    f("finding", "detail", Privacy::Narrative),
    f("finding", "measures", Privacy::Masked),
    f("finding", "target", Privacy::Masked),
    f("finding", "owner", Privacy::Name),
    f("finding", "owner_unit", Privacy::Masked),
    f("finding", "verified_by", Privacy::Name),
    f("finding", "close_note", Privacy::Narrative),
    f("subject", "title", Privacy::Masked),
    f("subject", "lead", Privacy::Name),
    f("subject", "unit", Privacy::Masked),
    f("subject", "notes", Privacy::Narrative),
];

/// What the field `field` of kind `kind` holds; `None` when it says nothing about a person.
pub fn privacy(kind: &str, field: &str) -> Option<Privacy> {
    PERSONAL_FIELDS
        .iter()
        .find(|p| p.kind == kind && p.field == field)
        .map(|p| p.privacy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_contacts_and_narratives_are_never_publishable() {
        assert_eq!(privacy("visit", "interviewees"), Some(Privacy::People));
        assert_eq!(privacy("finding", "owner"), Some(Privacy::Name));
        assert!(!Privacy::Narrative.publishable());
        assert!(Privacy::Masked.publishable());
        assert_eq!(privacy("finding", "deadline"), None);
    }
}
