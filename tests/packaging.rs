//! What the Debian package relies on: a double click on a bundle runs `zoufang FILE.zfb`, which
//! must open the window on the import preview and write nothing until the user confirms; the man
//! page and the shell completions are generated from the command line itself.
#![allow(clippy::unwrap_used)]

mod common;
use assert_cmd::Command;
use clap::Parser;
use common::ui::settle;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use zoufang::cli::Cli;
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::Lang;
use zoufang::store::{FindingFilter, Store};
use zoufang::ui::{Settings, ZoufangApp, fonts};

/// A colleague's bundle of `visits` demo visits, written to `dir/同事.zfb`.
fn colleagues_bundle(dir: &std::path::Path, visits: usize) -> std::path::PathBuf {
    let mut theirs = Store::open(dir.join("colleague.sqlite")).unwrap();
    generate(&mut theirs, DemoOptions { visits, seed: 4 }).unwrap();
    let bundle = dir.join("同事.zfb");
    zoufang::bundle::export(
        &theirs,
        &zoufang::bundle::ExportFilter {
            all: true,
            ..Default::default()
        },
        &bundle,
        &mut zoufang::bundle::no_progress(),
    )
    .unwrap();
    bundle
}

#[test]
fn a_bundle_on_the_command_line_opens_the_window_on_its_preview() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("同事.zfb"), dir.path().join("李强.zfb"));
    std::fs::write(&a, b"").unwrap();
    std::fs::write(&b, b"").unwrap();
    let cli = Cli::try_parse_from([
        "zoufang".as_ref(),
        "--db".as_ref(),
        "lead.sqlite".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
    ])
    .unwrap();
    assert!(
        cli.command.is_none(),
        "files open the window, not a subcommand"
    );
    let launch = cli.launch();
    assert_eq!(launch.import, vec![a, b]);
    assert_eq!(launch.db, Some("lead.sqlite".into()));

    let cli = Cli::try_parse_from(["zoufang", "--db", "lead.sqlite", "list", "visits"]).unwrap();
    assert!(
        cli.command.is_some() && cli.files.is_empty(),
        "subcommands still work"
    );
    let typo = Cli::try_parse_from(["zoufang", "lsit", "visits"]).unwrap_err();
    assert_eq!(
        typo.exit_code(),
        2,
        "a mistyped subcommand is a usage error"
    );
}

#[test]
fn the_preview_shows_the_counts_and_cancel_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = colleagues_bundle(dir.path(), 6);
    let db = dir.path().join("lead.sqlite");
    Store::open(&db).unwrap().set_author("组长").unwrap();
    let digest_before = Store::open(&db).unwrap().digest().unwrap();

    let cli = Cli::try_parse_from([
        "zoufang".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        bundle.as_os_str(),
    ])
    .unwrap();
    let settings = Settings {
        lang: Lang::Zh,
        ..Settings::default()
    };
    let app = zoufang::ui::start(settings, &cli.launch());
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(12)
        .with_context_setup(|ctx| fonts::install(ctx, false))
        .build_ui_state(|ui, app: &mut ZoufangApp| app.ui(ui), app);
    settle(&mut h);

    assert!(
        h.query_by_label("预览：导入将作如下修改（尚未写入）。")
            .is_some()
    );
    let expected = zoufang::bundle::import(
        &mut Store::open(&db).unwrap(),
        std::slice::from_ref(&bundle),
        &zoufang::bundle::ImportOptions {
            dry_run: true,
            ..Default::default()
        },
        &mut zoufang::bundle::no_progress(),
    )
    .unwrap();
    assert!(
        expected.totals.added > 6,
        "the visits and their findings are new"
    );
    let added = expected.totals.added.to_string();
    assert!(
        h.query_by_label(&added).is_some(),
        "the preview shows how many records would be added ({added})"
    );

    h.get_by_label("取消").click();
    h.run();
    let store = Store::open(&db).unwrap();
    assert_eq!(
        store.digest().unwrap(),
        digest_before,
        "Cancel writes nothing"
    );
    assert_eq!(store.count_findings(&FindingFilter::default()).unwrap(), 0);
}

#[test]
fn the_man_page_and_completions_are_generated_from_the_command_line() {
    let man = Command::cargo_bin("zoufang")
        .unwrap()
        .arg("manpage")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let man = String::from_utf8(man).unwrap();
    assert!(man.contains(".TH zoufang 1"), "{man:.300}");
    assert!(man.contains("ZOUFANG IMPORT"));

    for (shell, marker) in [
        ("bash", "_zoufang()"),
        ("zsh", "#compdef zoufang"),
        ("fish", "complete -c zoufang"),
    ] {
        let out = Command::cargo_bin("zoufang")
            .unwrap()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let script = String::from_utf8(out).unwrap();
        assert!(script.contains(marker), "{shell}: {script:.200}");
        assert!(
            script.contains("summary"),
            "{shell} completes the subcommands"
        );
    }
}
