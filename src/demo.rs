//! A deterministic generator of realistic Chinese demo data, drawn from the situations the seed
//! report describes: every topic, kind, category and status, overdue and closed problems
//! included. The same seed gives the same records (ids included); it scales to 100 000 findings.

use crate::model::{
    Category, Finding, FindingId, FindingKind, Interviewee, IntervieweeRole, Status, Subject,
    SubjectId, TopicId, Visit, VisitId, builtin_topic_id,
};
use crate::store::{RecordKind, Result, Store};
use chrono::{Days, NaiveDate};

mod review;

pub use review::add_a_conflict_to_review;

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

/// Material for one topic: places visited, problems found (title, detail, measures), positive
/// and negative cases, good practice, responsible units.
struct TopicMaterial {
    topic: usize,
    places: &'static [&'static str],
    problems: &'static [(&'static str, &'static str, &'static str)],
    positives: &'static [&'static str],
    negatives: &'static [&'static str],
    practices: &'static [&'static str],
    units: &'static [&'static str],
}

const MATERIAL: &[TopicMaterial] = &[
    TopicMaterial {
        topic: 0,
        places: &[
            "城郊公益性公墓",
            "市殡仪馆",
            "农村公益性公墓",
            "经营性公墓",
            "殡葬服务中心",
        ],
        problems: &[
            (
                "山林地新增违建墓地",
                "巡查发现山坡新建硬化墓地三处，未经审批，占用林地。",
                "联合自然资源部门限期拆除复绿，建立网格巡查台账。",
            ),
            (
                "农村公益性公墓建设滞后",
                "乡镇公益性公墓选址未定，群众安葬无处可去。",
                "纳入年度民生实事，明确选址和建设时限。",
            ),
            (
                "殡仪馆收费公示不全",
                "服务项目价格未上墙，部分套餐捆绑销售。",
                "立即公示基本服务收费标准，清理捆绑项目。",
            ),
            (
                "骨灰堂管理台账缺失",
                "骨灰寄存登记信息不完整，无法追溯。",
                "补录寄存信息，推行电子台账。",
            ),
            (
                "散埋乱葬整治不彻底",
                "道路两侧可视范围内仍有散坟。",
                "分批次迁移，落实惠民殡葬补助。",
            ),
        ],
        positives: &[
            "推行节地生态安葬，树葬花葬占比明显提高",
            "殡葬惠民政策全覆盖，基本服务免费",
        ],
        negatives: &["违规销售超标准墓穴被查处", "公墓违规建设豪华墓被通报"],
        practices: &[
            "“一站式”殡葬服务，群众办事只跑一次",
            "村规民约引导文明节俭治丧",
        ],
        units: &["社会事务处", "市殡葬事务中心", "区民政局"],
    },
    TopicMaterial {
        topic: 1,
        places: &[
            "城西养老院",
            "街道综合养老服务中心",
            "乡镇敬老院",
            "社区日间照料中心",
            "民办养老机构",
        ],
        problems: &[
            (
                "护理员配备不足",
                "失能老人与护理员配比远低于标准，夜间仅一人值守。",
                "招聘持证护理员，落实护理补贴。",
            ),
            (
                "消防通道堆放杂物",
                "二楼消防通道堆放床垫和轮椅，安全出口不畅。",
                "立即清理，建立每日巡查制度。",
            ),
            (
                "适老化改造进度缓慢",
                "计划改造的困难老人家庭完成率不足三成。",
                "倒排工期，每月通报进度。",
            ),
            (
                "农村敬老院床位空置率高",
                "床位利用率低，服务内容单一。",
                "推进区域性养老服务中心转型，开放社会寄养。",
            ),
            (
                "老年助餐点运营困难",
                "助餐点就餐人数少，补贴未及时拨付。",
                "完善补贴拨付流程，引入社会力量运营。",
            ),
        ],
        positives: &[
            "医养结合模式让失能老人就近得到照护",
            "“时间银行”志愿服务覆盖全部社区",
        ],
        negatives: &[
            "养老机构虐待老人事件被依法查处",
            "违规收取养老预付费被责令整改",
        ],
        practices: &["居家养老服务“点单式”派送", "村级互助养老幸福屋"],
        units: &["养老服务处", "区民政局", "街道办事处"],
    },
    TopicMaterial {
        topic: 2,
        places: &["市儿童福利院", "区未成年人救助保护中心", "乡镇儿童之家"],
        problems: &[
            (
                "事实无人抚养儿童认定不及时",
                "个别乡镇摸排不到位，符合条件儿童未纳入保障。",
                "开展全面排查，做到应保尽保。",
            ),
            (
                "儿童督导员培训不足",
                "新任儿童主任未接受业务培训。",
                "组织全员轮训，建立持证上岗制度。",
            ),
            (
                "孤儿基本生活费发放延迟",
                "部分孤儿生活费晚发一个月。",
                "规范发放流程，按月足额发放。",
            ),
        ],
        positives: &["孤儿助学工程帮助孩子升入大学", "儿童福利院“类家庭”养育模式"],
        negatives: &["困境儿童信息录入错误导致漏保"],
        practices: &["“一对一”关爱帮扶留守儿童", "儿童主任上门走访常态化"],
        units: &["儿童福利处", "市儿童福利院", "区民政局"],
    },
    TopicMaterial {
        topic: 3,
        places: &[
            "低保家庭",
            "特困供养对象家中",
            "社区救助服务站",
            "乡镇社会救助窗口",
        ],
        problems: &[
            (
                "低保单人户施保不规范",
                "部分单人户未按规定单独施保。",
                "逐户复核，符合条件的及时纳入。",
            ),
            (
                "困难群众家庭走访不到位",
                "走访记录流于形式，未掌握实际困难。",
                "建立走访台账，定期回访。",
            ),
            (
                "临时救助审批时间过长",
                "急难型临时救助审批超过规定时限。",
                "推行先行救助，简化审批流程。",
            ),
            (
                "低保动态管理不及时",
                "家庭收入变化后未及时调整保障待遇。",
                "每季度开展动态核查。",
            ),
        ],
        positives: &[
            "主动发现机制让困难群众“不求即助”",
            "救助资金“一卡通”发放到户",
        ],
        negatives: &["违规享受低保被追回资金", "优亲厚友纳入低保被问责"],
        practices: &["“物质+服务”救助模式", "社会救助热线24小时值守"],
        units: &["社会救助处", "区民政局", "乡镇人民政府"],
    },
    TopicMaterial {
        topic: 4,
        places: &["残疾人家庭", "区残疾人服务中心"],
        problems: &[
            (
                "两项补贴标准偏低",
                "困难残疾人生活补贴标准低于周边城市。",
                "测算提标方案，报市政府审定。",
            ),
            (
                "补贴申请材料繁琐",
                "申请需跑多个部门开具证明。",
                "推行全程网办，实现“跨省通办”。",
            ),
        ],
        positives: &["两项补贴实现“全市通办”"],
        negatives: &["冒领残疾人补贴被追回"],
        practices: &["补贴发放“静默认证”"],
        units: &["社会事务处", "区民政局"],
    },
    TopicMaterial {
        topic: 5,
        places: &["区婚姻登记处", "市婚姻登记中心"],
        problems: &[
            (
                "婚姻登记预约号源紧张",
                "节假日前预约号源一号难求。",
                "增加节假日特别号源，开通线上预约。",
            ),
            (
                "颁证服务场所陈旧",
                "颁证厅设施老化，仪式感不强。",
                "改造颁证厅，推广集体颁证。",
            ),
        ],
        positives: &["婚姻登记“全市通办”群众好评"],
        negatives: &["婚姻登记信息录入差错引发投诉"],
        practices: &["婚姻家庭辅导室化解家庭矛盾"],
        units: &["社会事务处", "市婚姻登记中心"],
    },
    TopicMaterial {
        topic: 6,
        places: &["社会组织孵化基地", "行业协会"],
        problems: &[
            (
                "社会组织年检率不高",
                "部分社会组织连续两年未参加年检。",
                "开展专项清理，依法撤销僵尸组织。",
            ),
            (
                "社会组织吸纳毕业生就业积极性不高",
                "岗位开发不足，宣传不到位。",
                "开展“社会组织促就业”专项行动。",
            ),
        ],
        positives: &["社会组织帮扶高校毕业生就业"],
        negatives: &["非法社会组织被依法取缔"],
        practices: &["社会组织党建与业务融合"],
        units: &["社会组织管理局", "区民政局"],
    },
    TopicMaterial {
        topic: 7,
        places: &["信访接待室", "来信来访群众家中"],
        problems: &[
            (
                "信访件办理超期",
                "个别信访件答复超过法定时限。",
                "领导包案，限期办结。",
            ),
            (
                "重复信访问题未根治",
                "同一诉求多次反映，问题未实质解决。",
                "召开联席会议，一案一策化解。",
            ),
        ],
        positives: &["局领导接访下访，矛盾就地化解"],
        negatives: &["推诿扯皮导致群众越级上访"],
        practices: &["信访事项“首问负责”"],
        units: &["办公室", "信访办"],
    },
    TopicMaterial {
        topic: 8,
        places: &["计划生育特殊家庭", "社区服务站"],
        problems: &[
            (
                "特殊家庭联系人制度落实不到位",
                "部分家庭未明确联系人。",
                "逐户明确联系人，每季度走访。",
            ),
            (
                "特殊家庭养老需求未摸清",
                "缺少入住机构的优先安排机制。",
                "会同卫健部门建立优先入住机制。",
            ),
        ],
        positives: &["“双岗联系人”让特殊家庭有依靠"],
        negatives: &["扶助金发放遗漏被投诉"],
        practices: &["计生特殊家庭心理慰藉服务"],
        units: &["养老服务处", "区民政局"],
    },
    TopicMaterial {
        topic: 9,
        places: &["民办养老机构", "市救助管理站", "精神卫生福利机构"],
        problems: &[
            (
                "燃气管道未安装报警装置",
                "厨房燃气管道无泄漏报警装置。",
                "立即加装报警装置，开展燃气安全培训。",
            ),
            (
                "电动车违规室内充电",
                "楼道内有电动车充电现象。",
                "设置集中充电点，严禁室内充电。",
            ),
            (
                "安全隐患机构未关停并转",
                "存在重大隐患的机构仍在收住老人。",
                "依法责令停业，妥善转移安置老人。",
            ),
        ],
        positives: &["机构安全标准化建设全覆盖"],
        negatives: &["消防检查不合格机构被责令停业"],
        practices: &["“四个一”安全巡查机制"],
        units: &["安全生产科", "区民政局"],
    },
    TopicMaterial {
        topic: 10,
        places: &["政务服务中心民政窗口", "街道便民服务中心"],
        problems: &[
            (
                "网上办事平台办理率低",
                "群众不会用、不愿用网上平台。",
                "开展帮办代办，优化操作流程。",
            ),
            (
                "“一件事一次办”事项落实不到位",
                "身后一件事仍需跑多个窗口。",
                "整合事项清单，实现一窗受理。",
            ),
        ],
        positives: &["民政服务事项“零跑腿”"],
        negatives: &["窗口人员服务态度差被通报"],
        practices: &["“一件事一次办”集成服务"],
        units: &["办公室", "行政审批科"],
    },
];

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
