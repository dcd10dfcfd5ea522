//! The built-in topic catalogue from the seed report. Its ids are fixed, so the same topic is the
//! same record on every laptop and bundles from colleagues line up without matching by name.

use super::clock::Hlc;
use super::ids::TopicId;
use super::records::{RecordMeta, Topic};
use uuid::Uuid;

/// (code, Chinese name, English name) of each built-in topic, in catalogue order.
pub const BUILTIN_TOPICS: &[(&str, &str, &str)] = &[
    ("funeral", "殡葬改革", "Funeral reform"),
    ("elderly-care", "养老服务", "Elderly care"),
    ("child-welfare", "儿童福利", "Child welfare"),
    ("social-assistance", "社会救助", "Social assistance"),
    (
        "disability-subsidy",
        "残疾人两项补贴",
        "Disability subsidies",
    ),
    ("marriage", "婚姻登记", "Marriage registration"),
    ("social-org", "社会组织", "Social organisations"),
    ("petition", "信访", "Petitions and complaints"),
    (
        "family-planning",
        "计划生育特殊家庭",
        "Family-planning hardship families",
    ),
    ("safety", "安全生产", "Safety in service institutions"),
    ("public-service", "政务服务", "Public service delivery"),
];

/// The fixed id of the built-in topic at `index` in [`BUILTIN_TOPICS`].
pub fn builtin_topic_id(index: usize) -> TopicId {
    // A UUIDv7-shaped constant: zero time, the catalogue index in the last bytes.
    TopicId(Uuid::from_u128(
        0x0000_0000_0000_7000_8000_0000_0000_0001 + index as u128,
    ))
}

/// Whether `id` is one of the built-in topics.
pub fn is_builtin_topic(id: TopicId) -> bool {
    (0..BUILTIN_TOPICS.len()).any(|i| builtin_topic_id(i) == id)
}

/// The built-in topics as records.
pub fn builtin_topics() -> Vec<Topic> {
    BUILTIN_TOPICS
        .iter()
        .enumerate()
        .map(|(i, (code, zh, en))| Topic {
            id: builtin_topic_id(i),
            code: (*code).to_owned(),
            name_zh: (*zh).to_owned(),
            name_en: (*en).to_owned(),
            parent_id: None,
            archived: false,
            meta: RecordMeta {
                clock: Some(Hlc::origin()),
                updated_by: "builtin".to_owned(),
                ..RecordMeta::default()
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_ids_are_fixed_and_distinct() {
        let topics = builtin_topics();
        assert_eq!(topics.len(), 11);
        assert_eq!(
            builtin_topic_id(1).to_string(),
            "00000000-0000-7000-8000-000000000002"
        );
        let mut ids: Vec<_> = topics.iter().map(|t| t.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), 11);
        assert!(topics.iter().all(|t| t.validate().is_ok()));
    }
}
