//! Chinese search as an investigator types it: one-, two- and three-character words (墓, 墓地,
//! 养老院, 低保, 孤儿), English mixed in, several words at once; title hits first; nothing from
//! the Trash.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use zoufang::model::{Finding, FindingId, Visit, VisitId};
use zoufang::store::{RecordKind, Store};

struct Corpus {
    store: Store,
    cemetery_visit: VisitId,
    care_home: VisitId,
    /// 墓地 in its title.
    tombs: FindingId,
    /// 墓地 only in its detail.
    fees: FindingId,
    /// 公墓 and 地 close together, but never 墓地.
    near_miss: FindingId,
    dibao: FindingId,
    orphans: FindingId,
    app: FindingId,
    /// 养老院 only in its measures.
    beds: FindingId,
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn corpus() -> Corpus {
    let mut store = Store::open_in_memory().unwrap();
    let mut cemetery = Visit::new(day("2026-03-02"), "城郊经营性公墓");
    cemetery.region = "芙蓉区".into();
    cemetery.notes = "巡查山林地".into();
    let mut care = Visit::new(day("2026-04-15"), "城西养老院");
    care.region = "岳麓区".into();
    care.investigators = vec!["王敏".into()];
    care.notes = "与护理员座谈；WiFi 覆盖不全。".into();
    let mut aid = Visit::new(day("2026-05-20"), "社区救助服务站");
    aid.region = "长沙县".into();
    for v in [&cemetery, &care, &aid] {
        store.save_visit(v).unwrap();
    }
    let mut add = |visit: &Visit, title: &str, detail: &str, measures: &str| {
        let mut f = Finding::new(visit.id, title);
        f.detail = detail.into();
        f.measures = measures.into();
        store.save_finding(&f).unwrap();
        f.id
    };
    let tombs = add(
        &cemetery,
        "山林地新增违建墓地",
        "山坡新建硬化坟头三处。",
        "限期拆除复绿。",
    );
    let fees = add(
        &cemetery,
        "殡仪馆收费公示不全",
        "墓地、骨灰盒价格未上墙，墓地套餐捆绑销售，墓地维护费重复收取。",
        "立即公示收费标准。",
    );
    let near_miss = add(&cemetery, "公墓，地面硬化不足", "雨天积水。", "");
    let dibao = add(
        &aid,
        "低保动态管理不及时",
        "单人户退出机制不健全。",
        "每季度复核一次。",
    );
    let orphans = add(
        &aid,
        "孤儿基本生活费发放延迟",
        "事实无人抚养儿童的补贴晚发两个月。",
        "",
    );
    let app = add(
        &care,
        "智慧养老App使用率低",
        "老人不会用手机 APP 预约助餐。",
        "开展培训。",
    );
    let beds = add(
        &care,
        "农村敬老院床位空置",
        "服务内容单一。",
        "推进向区域性养老院转型。",
    );
    Corpus {
        store,
        cemetery_visit: cemetery.id,
        care_home: care.id,
        tombs,
        fees,
        near_miss,
        dibao,
        orphans,
        app,
        beds,
    }
}

/// The ids found for `query`, best first.
fn find(store: &Store, query: &str) -> Vec<String> {
    store
        .search(query, 50)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn ids<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

fn same_set(mut found: Vec<String>, expected: Vec<String>) {
    let mut expected = expected;
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn one_character_finds_every_record_holding_it() {
    let c = corpus();
    // 公墓 in the cemetery visit's place holds 墓 too.
    same_set(
        find(&c.store, "墓"),
        [
            ids(&[c.tombs, c.fees, c.near_miss]),
            ids(&[c.cemetery_visit]),
        ]
        .concat(),
    );
    same_set(find(&c.store, "孤"), ids(&[c.orphans]));
}

#[test]
fn two_character_words_are_found_and_only_as_neighbours() {
    let c = corpus();
    let found = find(&c.store, "墓地");
    same_set(found.clone(), ids(&[c.tombs, c.fees]));
    assert!(
        !found.contains(&c.near_miss.to_string()),
        "公墓，地面 does not hold the word 墓地"
    );
    same_set(find(&c.store, "低保"), ids(&[c.dibao]));
    same_set(find(&c.store, "孤儿"), ids(&[c.orphans]));
    same_set(find(&c.store, "王敏"), ids(&[c.care_home]));
}

#[test]
fn three_characters_and_longer_use_substrings() {
    let c = corpus();
    // The care home's findings are found by its place too.
    same_set(
        find(&c.store, "养老院"),
        [ids(&[c.care_home]), ids(&[c.beds, c.app])].concat(),
    );
    same_set(find(&c.store, "单人户"), ids(&[c.dibao]));
    same_set(find(&c.store, "事实无人抚养儿童"), ids(&[c.orphans]));
    assert!(find(&c.store, "养老院墓地").is_empty());
}

#[test]
fn titles_rank_above_details() {
    let c = corpus();
    // The fee finding says 墓地 three times in its detail; the title hit still comes first.
    let found = find(&c.store, "墓地");
    assert_eq!(found[0], c.tombs.to_string());
    // The visit's place (its title) beats a finding that mentions 养老院 in its measures.
    let found = find(&c.store, "养老院");
    assert_eq!(found[0], c.care_home.to_string());
    let hits = c.store.search("养老院", 10).unwrap();
    assert_eq!(hits[0].kind, RecordKind::Visit);
    assert_eq!(hits[0].title, "城西养老院");
    assert_eq!(hits[1].kind, RecordKind::Finding);
    assert_eq!(hits[1].title, "农村敬老院床位空置");
}

#[test]
fn english_mixed_with_chinese_in_any_case() {
    let c = corpus();
    let app_and_notes = |q: &str| find(&c.store, q);
    same_set(app_and_notes("app"), ids(&[c.app]));
    same_set(app_and_notes("APP"), ids(&[c.app]));
    same_set(app_and_notes("ap"), ids(&[c.app]));
    same_set(app_and_notes("养老App"), ids(&[c.app]));
    same_set(app_and_notes("wifi"), ids(&[c.care_home]));
    same_set(app_and_notes("老A"), ids(&[c.app]));
}

#[test]
fn several_words_must_all_match() {
    let c = corpus();
    same_set(find(&c.store, "低保 复核"), ids(&[c.dibao]));
    same_set(find(&c.store, "墓地  捆绑销售"), ids(&[c.fees]));
    same_set(find(&c.store, "智慧 app 助餐"), ids(&[c.app]));
    assert!(find(&c.store, "低保 墓地").is_empty());
}

#[test]
fn nothing_to_search_for_and_search_syntax_are_harmless() {
    let c = corpus();
    assert!(find(&c.store, "").is_empty());
    assert!(find(&c.store, "  ，。").is_empty());
    for q in [
        "\"墓地",
        "墓地 OR",
        "NOT 低保",
        "低保*",
        "(孤儿",
        "a:b",
        "墓地\"",
    ] {
        assert!(c.store.search(q, 10).is_ok(), "{q}");
    }
    assert_eq!(c.store.search("墓", 2).unwrap().len(), 2, "the limit holds");
}

#[test]
fn deleted_records_are_not_found_until_restored() {
    let mut c = corpus();
    c.store.delete(&c.dibao.to_string()).unwrap();
    assert!(find(&c.store, "低保").is_empty());
    assert!(find(&c.store, "单人户").is_empty());
    c.store.restore(&c.dibao.to_string()).unwrap();
    same_set(find(&c.store, "低保"), ids(&[c.dibao]));

    // A deleted visit takes its findings out of search too.
    c.store.delete(&c.cemetery_visit.to_string()).unwrap();
    assert!(find(&c.store, "墓").is_empty());
    c.store.restore(&c.cemetery_visit.to_string()).unwrap();
    assert_eq!(find(&c.store, "墓地").len(), 2);
}

#[test]
fn an_edit_is_searchable_at_once() {
    let mut c = corpus();
    let mut f = c.store.finding(c.orphans).unwrap();
    f.title = "困境儿童探访不到位".into();
    f.detail = String::new();
    c.store.save_finding(&f).unwrap();
    assert!(find(&c.store, "孤儿").is_empty());
    same_set(find(&c.store, "困境"), ids(&[c.orphans]));
    same_set(find(&c.store, "探访不到位"), ids(&[c.orphans]));
}

#[test]
fn hits_say_what_and_where() {
    let c = corpus();
    let hits = c.store.search("低保", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, RecordKind::Finding);
    assert_eq!(hits[0].title, "低保动态管理不及时");
    assert_eq!(hits[0].context, "2026-05-20 社区救助服务站");
}

#[test]
fn punctuation_around_a_word_is_ignored() {
    // A word pasted with its punctuation ("低保，", "“孤儿”") used to find nothing.
    let c = corpus();
    same_set(find(&c.store, "低保，"), ids(&[c.dibao]));
    same_set(find(&c.store, "“孤儿”"), ids(&[c.orphans]));
    same_set(find(&c.store, "单人户。"), ids(&[c.dibao]));
    same_set(find(&c.store, "墓地、捆绑"), ids(&[c.fees]));
}

#[test]
fn among_title_matches_the_newest_comes_first() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = Visit::new(day("2026-03-02"), "城西敬老院");
    store.save_visit(&visit).unwrap();
    let older = Finding::new(visit.id, "消防通道堵塞");
    store.save_finding(&older).unwrap();
    let mut mention = Finding::new(visit.id, "护理员不足");
    mention.detail = "夜间无人巡查消防通道".into();
    store.save_finding(&mention).unwrap();
    let newer = Finding::new(visit.id, "二楼消防通道上锁");
    store.save_finding(&newer).unwrap();
    for word in ["消防", "消防通道"] {
        assert_eq!(
            find(&store, word),
            ids(&[newer.id, older.id, mention.id]),
            "{word}"
        );
    }
}
