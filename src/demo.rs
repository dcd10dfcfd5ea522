//! A deterministic generator of realistic Chinese demo data, drawn from the situations the seed
//! report describes: every topic, kind, category and status, overdue and closed problems
//! included. The same seed gives the same records (ids included); it scales to 100 000 findings.

use crate::model::{
    Category, Finding, FindingId, FindingKind, Interviewee, IntervieweeRole, Status, Subject,
    SubjectId, TopicId, Visit, VisitId, builtin_topic_id,
};
use crate::store::{RecordKind, Result, Store};
use chrono::{Days, NaiveDate};

mod material;
mod review;

pub use review::add_a_conflict_to_review;

use material::{MATERIAL, TopicMaterial};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct DemoOptions {
    /// Number of visits (each has 0–6 findings, about 3 on average).
    pub visits: usize,
    /// The seed; the same seed gives the same data.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            visits: 200,
            seed: 7,
        }
    }
}

/// What was generated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    /// Subjects added.
    pub subjects: usize,
    /// Visits added.
    pub visits: usize,
    /// Findings added (live ones; those in the Trash are counted apart).
    pub findings: usize,
    /// Findings put in the Trash, so a newcomer can try restoring one.
    pub in_trash: usize,
}

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A UUIDv7-shaped id from the seeded stream, so ids are deterministic too.
    fn uuid(&mut self, millis: u64) -> uuid::Uuid {
        let random: [u8; 10] = {
            let a = self.next().to_le_bytes();
            let b = self.next().to_le_bytes();
            [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]]
        };
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

const REGIONS: &[&str] = &[
    "芙蓉区东湖街道",
    "天心区坡子街街道",
    "岳麓区望月湖街道",
    "开福区四方坪街道",
    "雨花区圭塘街道",
    "望城区乔口镇",
    "长沙县黄花镇",
    "浏阳市大瑶镇",
    "宁乡市花明楼镇",
];

const INVESTIGATORS: &[&str] = &[
    "王敏", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴芳", "徐涛", "孙燕",
    "马超", "朱琳", "胡斌", "郭婷", "何军", "林娜", "罗勇", "高洁", "王镕", "李堃", "陈珺",
];

/// Residents, family members and staff interviewed (invented names; the phone numbers use the
/// 199 prefix and are invented too).
const INTERVIEWEES: &[(&str, IntervieweeRole)] = &[
    ("张秀英", IntervieweeRole::Resident),
    ("李桂兰", IntervieweeRole::Resident),
    ("王德福", IntervieweeRole::Resident),
    ("陈玉珍", IntervieweeRole::Family),
    ("刘志明", IntervieweeRole::Family),
    ("周红梅", IntervieweeRole::Staff),
    ("黄建华", IntervieweeRole::Staff),
    ("杨国庆", IntervieweeRole::Official),
];

/// Up to two interviewees for visit number `n`, from their own stream so the rest of the demo
/// data stays what it was before visits had interviewees.
fn demo_interviewees(seed: u64, n: usize) -> Vec<Interviewee> {
    let mut rng = Rng(seed ^ 0x1E55_0000_0000_0000 ^ (n as u64).wrapping_mul(0x9E37_79B9));
    let mut people: Vec<Interviewee> = Vec::new();
    for _ in 0..rng.below(3) {
        let (name, role) = *rng.pick(INTERVIEWEES);
        if people.iter().any(|p| p.name == name) {
            continue;
        }
        let contact = if rng.chance(60) {
            format!("199{:08}", rng.below(100_000_000))
        } else {
            String::new()
        };
        people.push(Interviewee {
            name: name.to_owned(),
            role,
            contact,
        });
    }
    people
}

const OWNERS: &[&str] = &[
    "刘建国",
    "谭志刚",
    "彭丽华",
    "曾卫东",
    "邓晓红",
    "蒋国平",
    "唐文",
    "谢春燕",
];

const SUBJECTS: &[(&str, &str, &str, &[usize])] = &[
    (
        "殡葬工作现状、堵点与出路",
        "局党组书记、局长",
        "社会事务处",
        &[0],
    ),
    (
        "农村养老服务体系建设调研",
        "党组成员、副局长",
        "养老服务处",
        &[1, 8],
    ),
    (
        "事实无人抚养儿童保障情况调研",
        "党组成员、副局长",
        "儿童福利处",
        &[2],
    ),
    (
        "低保单人户施保情况调研",
        "党组成员、副局长",
        "社会救助处",
        &[3],
    ),
    (
        "残疾人两项补贴标准调研",
        "二级巡视员",
        "社会事务处",
        &[4, 5],
    ),
    (
        "民政服务机构安全生产调研",
        "党组成员、副局长",
        "安全生产科",
        &[9, 10],
    ),
];

/// The first day of demo visits.
fn start_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default()
}

/// Demo visits span this many days from [`start_date`].
const SPAN_DAYS: u64 = 630;

/// Fills `store` with demo data (one transaction) and sets an author if it has none.
pub fn generate(store: &mut Store, options: DemoOptions) -> Result<DemoSummary> {
    generate_with_progress(store, options, |_| {})
}

/// Like [`generate`], calling `progress` with the share done (0.0–1.0) now and then.
pub fn generate_with_progress(
    store: &mut Store,
    options: DemoOptions,
    mut progress: impl FnMut(f32),
) -> Result<DemoSummary> {
    if store.author().is_empty() {
        store.set_author("演示调查员")?;
    }
    let mut rng = Rng(options.seed ^ 0x5A4F_5546_414E_4721);
    // Statuses are drawn as of the end of the demo period, not the real today, so the same seed
    // gives the same data on any day (benchmarks and tests compare runs).
    let today = start_date()
        .checked_add_days(Days::new(SPAN_DAYS))
        .unwrap_or_else(start_date);
    let base_millis = 1_740_787_200_000u64; // 2025-03-01, for the ids' time part
    store.write(|w| {
        let mut summary = DemoSummary::default();
        let mut subject_ids = Vec::new();
        let mut finding_ids: Vec<FindingId> = Vec::new();
        for (i, (title, lead, unit, topics)) in SUBJECTS.iter().enumerate() {
            let subject = Subject {
                id: SubjectId(rng.uuid(base_millis + i as u64)),
                title: (*title).to_owned(),
                lead: (*lead).to_owned(),
                unit: (*unit).to_owned(),
                start_date: Some(start_date()),
                end_date: start_date().checked_add_days(Days::new(SPAN_DAYS + 60)),
                topics: topics.iter().map(|t| builtin_topic_id(*t)).collect(),
                notes: "按照调研课题指导目录开展，局领导领衔、处室单位牵头。".to_owned(),
                meta: Default::default(),
            };
            w.put(&subject)?;
            subject_ids.push((subject.id, *topics));
            summary.subjects += 1;
        }
        for n in 0..options.visits {
            let material = rng.pick(MATERIAL);
            let day = rng.below(SPAN_DAYS as usize) as u64;
            let date = start_date()
                .checked_add_days(Days::new(day))
                .unwrap_or_else(start_date);
            let millis = base_millis + day * 86_400_000 + n as u64;
            let region = *rng.pick(REGIONS);
            let place = format!("{}{}", short_region(region), rng.pick(material.places));
            let mut investigators: Vec<String> = Vec::new();
            for _ in 0..(1 + rng.below(3)) {
                let name = (*rng.pick(INVESTIGATORS)).to_owned();
                if !investigators.contains(&name) {
                    investigators.push(name);
                }
            }
            let subject_id = subject_ids
                .iter()
                .find(|(_, topics)| topics.contains(&material.topic))
                .map(|(id, _)| *id)
                .filter(|_| rng.chance(70));
            let visit = Visit {
                id: VisitId(rng.uuid(millis)),
                date,
                place,
                region: region.to_owned(),
                investigators,
                people_met: 2 + rng.below(30) as i64,
                unannounced: rng.chance(45),
                subject_id,
                interviewees: demo_interviewees(options.seed, n),
                notes: if rng.chance(50) {
                    "采取“四不两直”方式，直奔基层、直插现场，与工作人员和群众座谈。".to_owned()
                } else {
                    "与负责人座谈，查阅台账资料，实地查看服务设施。".to_owned()
                },
                meta: Default::default(),
            };
            w.put(&visit)?;
            summary.visits += 1;
            let findings = [0, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6][rng.below(11)];
            let mut titles: Vec<String> = Vec::new();
            for _ in 0..findings {
                // The same situation twice on one visit reads as a copy-and-paste slip: draw
                // again a few times, then leave it out.
                let mut finding = demo_finding(&mut rng, material, &visit, millis, today);
                for _ in 0..4 {
                    if !titles.contains(&finding.title) {
                        break;
                    }
                    finding = demo_finding(&mut rng, material, &visit, millis, today);
                }
                if titles.contains(&finding.title) {
                    continue;
                }
                titles.push(finding.title.clone());
                w.put(&finding)?;
                finding_ids.push(finding.id);
                summary.findings += 1;
            }
            if n % 500 == 0 {
                progress(n as f32 / options.visits.max(1) as f32);
            }
        }
        // A few findings in the Trash (the same ones for a seed), so the Trash view has
        // something to restore.
        let n = finding_ids.len();
        let mut trashed: Vec<FindingId> = [n / 7, n / 3, n / 2]
            .into_iter()
            .filter_map(|i| finding_ids.get(i).copied())
            .collect();
        trashed.dedup();
        for id in trashed {
            w.set_deleted(RecordKind::Finding, &id.to_string(), true)?;
            summary.findings -= 1;
            summary.in_trash += 1;
        }
        progress(1.0);
        Ok(summary)
    })
}

fn short_region(region: &str) -> String {
    region
        .char_indices()
        .find(|(_, c)| matches!(c, '区' | '县' | '市'))
        .map(|(i, c)| region[..i + c.len_utf8()].to_owned())
        .unwrap_or_default()
}

fn demo_finding(
    rng: &mut Rng,
    material: &TopicMaterial,
    visit: &Visit,
    millis: u64,
    today: NaiveDate,
) -> Finding {
    let roll = rng.below(100);
    let kind = match roll {
        0..70 => FindingKind::Problem,
        70..80 => FindingKind::PositiveCase,
        80..88 => FindingKind::NegativeCase,
        _ => FindingKind::Practice,
    };
    let mut topics: Vec<TopicId> = vec![builtin_topic_id(material.topic)];
    if rng.chance(15) {
        let other = builtin_topic_id(9);
        if !topics.contains(&other) {
            topics.push(other);
        }
    }
    let mut f = Finding::new(visit.id, "");
    f.id = FindingId(rng.uuid(millis + 1));
    f.kind = kind;
    f.topics = topics;
    match kind {
        FindingKind::Problem => {
            let (title, detail, measures) = *rng.pick(material.problems);
            f.title = title.to_owned();
            f.detail = detail.to_owned();
            f.measures = measures.to_owned();
            let category = *rng.pick(&[
                Category::Immediate,
                Category::Immediate,
                Category::Phased,
                Category::LongTerm,
            ]);
            let days = match category {
                Category::Immediate => 7 + rng.below(23),
                Category::Phased => 60 + rng.below(120),
                Category::LongTerm => 180 + rng.below(365),
            } as u64;
            let deadline = visit.date.checked_add_days(Days::new(days));
            f.category = Some(category);
            f.target = match category {
                Category::Immediate => "立即整改到位".to_owned(),
                Category::Phased => "年底前完成阶段性目标".to_owned(),
                Category::LongTerm => "建立长效机制".to_owned(),
            };
            f.deadline = deadline;
            f.owner = (*rng.pick(OWNERS)).to_owned();
            f.owner_unit = (*rng.pick(material.units)).to_owned();
            f.people_affected = rng.below(60) as i64;
            let age = (today - visit.date).num_days();
            let done_chance = (age / 4).clamp(5, 85) as u64;
            f.status = if rng.chance(done_chance) {
                if category == Category::Phased && rng.chance(50) {
                    Status::StageDone
                } else {
                    Status::Closed
                }
            } else if rng.chance(50) {
                Status::InProgress
            } else {
                Status::Open
            };
            if f.status == Status::Closed {
                let took = rng.below(days as usize + 1) as u64;
                let closed = visit
                    .date
                    .checked_add_days(Days::new(took))
                    .unwrap_or(visit.date);
                f.closed_on = Some(closed.min(today));
                f.verified_by = (*rng.pick(INVESTIGATORS)).to_owned();
                f.close_note = "经实地复核，整改到位，同意销号。".to_owned();
            }
        }
        FindingKind::PositiveCase => {
            f.title = (*rng.pick(material.positives)).to_owned();
            f.detail = "解剖式调研，总结经验，形成典型案例。".to_owned();
            f.people_affected = rng.below(500) as i64;
        }
        FindingKind::NegativeCase => {
            f.title = (*rng.pick(material.negatives)).to_owned();
            f.detail = "深挖根源，剖析问题，以案促改。".to_owned();
        }
        FindingKind::Practice => {
            f.title = (*rng.pick(material.practices)).to_owned();
            f.detail = "县市区经验做法，提炼推广。".to_owned();
            f.people_affected = rng.below(300) as i64;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_region_keeps_the_district() {
        assert_eq!(short_region("芙蓉区东湖街道"), "芙蓉区");
        assert_eq!(short_region("长沙县黄花镇"), "长沙县");
    }

    #[test]
    fn every_topic_has_material() {
        let mut topics: Vec<usize> = MATERIAL.iter().map(|m| m.topic).collect();
        topics.dedup();
        assert_eq!(topics.len(), crate::model::BUILTIN_TOPICS.len());
    }
}
