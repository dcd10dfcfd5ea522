//! The rough edges a new user hits (issue 16): the search popup lists, counts and scrolls every
//! hit and gets out of the way; the window's columns fit at 1280×800 and 1024×700; the Summary
//! chart names every bar and says what a number is; Topics says what it counts.
#![allow(clippy::unwrap_used)]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use zoufang::i18n::Lang;
use zoufang::model::{Finding, Visit};
use zoufang::store::Store;
use zoufang::ui::{Settings, View, ZoufangApp, fonts};

fn app_on(path: &std::path::Path, lang: Lang) -> ZoufangApp {
    let settings = Settings {
        lang,
        ..Settings::default()
    };
    ZoufangApp::new(settings, path.to_owned())
}

fn harness_sized(app: ZoufangApp, size: [f32; 2]) -> Harness<'static, ZoufangApp> {
    Harness::builder()
        .with_size(size)
        .with_max_steps(12)
        .with_context_setup(|ctx| {
            fonts::install(ctx, false);
            // Tooltips at once: the harness does not wait for the pointer to rest.
            ctx.global_style_mut(|s| {
                s.interaction.tooltip_delay = 0.0;
                s.interaction.show_tooltips_only_when_still = false;
            });
        })
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app)
}

fn type_into(h: &mut Harness<'static, ZoufangApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

/// A database with 2 findings about 祠堂 and 45 records holding 墓 (a cemetery and its 44
/// findings).
fn searchable_db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("ui.sqlite");
    let mut store = Store::open(&path).unwrap();
    store.set_author("王敏").unwrap();
    let hall = Visit::new("2026-05-02".parse().unwrap(), "社区服务站");
    store.save_visit(&hall).unwrap();
    for n in 1..=2 {
        store
            .save_finding(&Finding::new(hall.id, format!("祠堂修缮第{n}处")))
            .unwrap();
    }
    let cemetery = Visit::new("2026-05-03".parse().unwrap(), "城郊经营性公墓");
    store.save_visit(&cemetery).unwrap();
    for n in 1..=44 {
        store
            .save_finding(&Finding::new(cemetery.id, format!("违建坟头第{n}处")))
            .unwrap();
    }
    path
}

fn popup_rect(h: &Harness<'static, ZoufangApp>) -> Option<egui::Rect> {
    h.ctx
        .memory(|m| m.area_rect(egui::Id::unique("search-results")))
}

/// The hit rows of the search popup that lie inside it (shown, not scrolled away).
fn hits_in_sight(h: &Harness<'static, ZoufangApp>) -> usize {
    let popup = popup_rect(h).expect("the popup is open");
    h.query_all_by_label_contains("[发现]")
        .filter(|n| popup.contains_rect(n.rect()))
        .count()
}

#[test]
fn a_search_with_more_hits_than_the_last_shows_counts_and_scrolls_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = searchable_db(&dir);
    let mut h = harness_sized(app_on(&path, Lang::Zh), [1280.0, 800.0]);
    h.run();
    type_into(&mut h, "搜索", "祠堂");
    assert!(h.query_by_label("“祠堂”：2 条").is_some());
    assert_eq!(hits_in_sight(&h), 2);

    // A longer list after a short one: the popup grows instead of keeping two rows.
    h.get_by_role_and_label(Role::TextInput, "搜索").focus();
    h.key_press(egui::Key::Backspace);
    h.key_press(egui::Key::Backspace);
    h.run();
    type_into(&mut h, "搜索", "墓");
    assert!(
        h.query_by_label("“墓”：45 条").is_some(),
        "the true count, beyond 30: {h:#?}"
    );
    let shown = hits_in_sight(&h);
    assert!(shown >= 6, "only {shown} rows in sight");
    let search_box = h.get_by_role_and_label(Role::TextInput, "搜索").rect();
    let popup = popup_rect(&h).unwrap();
    assert!(popup.top() >= search_box.bottom(), "below the search box");
    assert!(popup.bottom() <= 800.0, "inside the window");

    // The last hit scrolls into sight.
    let store = Store::open(&path).unwrap();
    let last = store.search("墓", 500).unwrap().pop().unwrap();
    assert_eq!(store.search("墓", 500).unwrap().len(), 45);
    let label = format!("[发现] {}", last.title);
    // Scroll the list as a wheel would, until the last hit shows.
    for _ in 0..40 {
        if h.query_by_label(&label).is_some() {
            break;
        }
        h.get_all_by_label_contains("[发现]")
            .next()
            .unwrap()
            .scroll_down();
        h.run();
    }
    h.get_by_label(&label).scroll_to_me();
    h.run();
    let popup = popup_rect(&h).unwrap();
    assert!(
        popup.contains_rect(h.get_by_label(&label).rect()),
        "the last hit scrolled into the popup"
    );

    // Esc closes it.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.query_by_label("“墓”：45 条").is_none(), "Esc closes");

    // Typing opens it again; a click elsewhere closes it.
    type_into(&mut h, "搜索", "地");
    assert!(h.query_by_label_contains("“墓地”").is_some());
    h.get_by_label(View::Topics.label(Lang::Zh)).click();
    h.run();
    assert!(
        h.query_by_label_contains("“墓地”").is_none(),
        "a click elsewhere closes it"
    );
}

/// A demo database, with a long topic path on one finding.
fn demo_db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("demo.sqlite");
    let mut store = Store::open(&path).unwrap();
    zoufang::demo::generate(
        &mut store,
        zoufang::demo::DemoOptions {
            visits: 40,
            seed: 5,
        },
    )
    .unwrap();
    path
}

/// The problem list's rectification columns are in sight at both window sizes, with the editor
/// closed and open.
#[test]
fn the_problem_list_keeps_status_deadline_owner_and_unit_in_sight() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(&dir);
    let store = Store::open(&path).unwrap();
    let first = store
        .list_findings(
            &zoufang::store::FindingFilter::default(),
            zoufang::store::FindingSort::Date,
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap()
        .remove(0);
    for size in [[1280.0, 800.0], [1024.0, 700.0]] {
        let mut h = harness_sized(app_on(&path, Lang::Zh), size);
        h.state_mut()
            .command(zoufang::ui::app::AppCommand::ShowView(View::Problems));
        h.run();
        // Where a column's header ends: the node labelled so on the header row (the row of
        // 走访日期, the list's first column).
        let right_edge = |h: &Harness<'static, ZoufangApp>, label: &str| {
            let header = h
                .get_all_by_label_contains("走访日期")
                .map(|n| n.rect())
                .min_by(|a, b| a.left().total_cmp(&b.left()))
                .unwrap();
            h.get_all_by_label_contains(label)
                .map(|n| n.rect())
                .filter(|r| (r.center().y - header.center().y).abs() < 6.0)
                .map(|r| r.right())
                .fold(0.0_f32, f32::max)
        };
        // Nothing selected: the editor is a narrow strip.
        let unit = right_edge(&h, "责任单位");
        assert!(
            unit > 0.0 && unit < size[0] - 150.0,
            "{size:?}: the unit column ends at {unit}"
        );

        h.state_mut()
            .command(zoufang::ui::app::AppCommand::OpenFinding(first.finding.id));
        h.run();
        let editor_left = h
            .get_by_role_and_label(Role::TextInput, "标题")
            .rect()
            .left();
        let editor_share = (size[0] - editor_left) / size[0];
        assert!(
            editor_share < 0.45,
            "{size:?}: the editor takes {editor_share:.2} of the width"
        );
        for column in ["状态", "时限", "责任人", "责任单位"] {
            let end = right_edge(&h, column);
            assert!(
                end > 0.0 && end <= editor_left,
                "{size:?}: {column} ends at {end}, under the editor (from {editor_left})"
            );
        }
    }
}

/// Every bar of the Summary chart is named, and its hover says what its numbers are.
#[test]
fn the_summary_chart_names_every_topic_and_says_what_a_number_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(&dir);
    let mut h = harness_sized(app_on(&path, Lang::Zh), [1280.0, 800.0]);
    h.state_mut()
        .command(zoufang::ui::app::AppCommand::ShowView(View::Summary));
    h.run();
    for _ in 0..100 {
        if h.state().summary_view().summary().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run();
    }
    let summary = h
        .state()
        .summary_view()
        .summary()
        .cloned()
        .expect("counted");
    let bars = zoufang::report::chart::topic_bars(&summary, Lang::Zh);
    assert!(bars.len() >= 5, "the demo has problems in many topics");
    for bar in &bars {
        let text = bar.describe(Lang::Zh);
        assert!(text.contains(&format!("问题 {} 个", bar.problems())));
        h.get_by_label(&text).scroll_to_me();
        h.run();
        h.get_by_label(&text).hover();
        h.run();
        assert!(
            h.query_all_by_label(&text).count() >= 2,
            "hovering {} shows {text}",
            bar.name
        );
    }
}

/// Topics label their counts, and the problems equal the Summary's for the topic.
#[test]
fn topics_say_what_they_count_and_agree_with_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(&dir);
    let store = Store::open(&path).unwrap();
    let summary = zoufang::report::summarize(
        &store,
        &zoufang::report::SummaryFilter::default(),
        chrono::Local::now().date_naive(),
    )
    .unwrap();
    let counts = store.topic_counts().unwrap();
    for t in summary.by_topic.iter().filter(|t| t.depth == 0) {
        let c = counts.iter().find(|c| c.topic.id == t.topic_id).unwrap();
        assert_eq!(c.problems, t.figures.problems, "{}", t.name_zh);
        assert_eq!(c.findings, t.figures.findings, "{}", t.name_zh);
    }
    let mut h = harness_sized(app_on(&path, Lang::Zh), [1280.0, 800.0]);
    h.state_mut()
        .command(zoufang::ui::app::AppCommand::ShowView(View::Topics));
    h.run();
    let c = counts.iter().find(|c| c.problems > 0).unwrap();
    let text = format!("问题 {} 条 · 发现 {} 条", c.problems, c.findings);
    assert!(h.query_all_by_label(&text).next().is_some(), "{text} shown");
}
