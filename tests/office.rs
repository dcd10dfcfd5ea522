//! The documents as office software reads them: how the workbooks print (A4, orientation, fit
//! to width, repeated header rows, row heights that fit wrapped text), the Word report's page
//! numbers and chart image, and the internal Markdown's escaping. Read back from the files'
//! XML, the way openpyxl or python-docx see them.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use std::io::Read;
use zoufang::i18n::Lang;
use zoufang::model::{Category, Finding, Status, Visit, builtin_topic_id};
use zoufang::report::{
    ExportFormat, PublicFormat, SummaryFilter, export, export_public, public_report, report,
};
use zoufang::store::Store;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 6, 30)
}

/// Reads one entry of a zip (XLSX and DOCX are zips).
fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entry = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} is missing"));
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// The long detail of one problem: 300 Chinese characters.
fn long_text() -> String {
    "敬老院护理员人手不足，夜间值班只有一人，失能老人翻身不及时。".repeat(10)
}

/// A store with one short problem and one whose title and measures run long.
fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let mut v = Visit::new(day(2026, 3, 1), "东湖街道养老院");
    v.region = "芙蓉区东湖街道".to_owned();
    v.investigators = vec!["张伟".to_owned()];
    v.people_met = 3;
    store.save_visit(&v).unwrap();
    let mut short = Finding::new(v.id, "消防通道堵塞");
    short.topics = vec![builtin_topic_id(1)];
    short.category = Some(Category::Immediate);
    short.status = Status::Open;
    short.deadline = Some(day(2026, 7, 1));
    store.save_finding(&short).unwrap();
    let mut long = Finding::new(v.id, long_text());
    long.topics = vec![builtin_topic_id(0)];
    long.detail = long_text();
    long.measures = long_text();
    long.status = Status::InProgress;
    store.save_finding(&long).unwrap();
    store
}

/// The value of `attr="…"` in the first `<tag …>` of `xml`.
fn attr(xml: &str, tag: &str, attr: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag} "))?;
    let element = &xml[start..start + xml[start..].find('>')?];
    let key = format!(" {attr}=\"");
    let at = element.find(&key)? + key.len();
    Some(element[at..at + element[at..].find('"')?].to_owned())
}

/// The height (`ht`) of row `r` (1-based) of a sheet, if it has one.
fn row_height(sheet: &str, r: u32) -> Option<f64> {
    let start = sheet.find(&format!("<row r=\"{r}\""))?;
    attr(&sheet[start..], "row", "ht").map(|h| h.parse().unwrap())
}

/// Checks every sheet of a workbook prints on A4, fitted to one page wide, with a print-titles
/// name; returns the orientation of each.
fn page_setups(bytes: &[u8], sheets: usize) -> Vec<String> {
    let workbook = zip_entry(bytes, "xl/workbook.xml");
    (1..=sheets)
        .map(|n| {
            let sheet = zip_entry(bytes, &format!("xl/worksheets/sheet{n}.xml"));
            assert_eq!(
                attr(&sheet, "pageSetup", "paperSize").as_deref(),
                Some("9"),
                "sheet {n} prints on A4"
            );
            assert_eq!(
                attr(&sheet, "pageSetup", "fitToWidth"),
                None,
                "sheet {n}: one page wide (the default of fitToWidth is 1)"
            );
            assert_eq!(
                attr(&sheet, "pageSetup", "fitToHeight").as_deref(),
                Some("0"),
                "sheet {n}: as many pages tall as it takes"
            );
            assert_eq!(
                attr(&sheet, "pageSetUpPr", "fitToPage").as_deref(),
                Some("1"),
                "sheet {n} is fitted to the page"
            );
            assert!(
                workbook.contains(&format!(
                    "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{}\"",
                    n - 1
                )),
                "sheet {n} repeats its header rows: {workbook}"
            );
            assert!(
                sheet.contains("<oddFooter>&amp;C")
                    && sheet.contains("&amp;P")
                    && sheet.contains("&amp;N"),
                "sheet {n} numbers its pages in the footer"
            );
            attr(&sheet, "pageSetup", "orientation").unwrap_or_default()
        })
        .collect()
}

#[test]
fn every_sheet_of_the_summary_workbook_prints_on_a4_and_wrapped_rows_fit_their_text() {
    let store = store();
    let r = report(&store, &SummaryFilter::default(), today()).unwrap();
    let bytes = export(&r, ExportFormat::Xlsx, Lang::Zh).unwrap();
    let orientations = page_setups(&bytes, 5);
    assert_eq!(
        orientations,
        [
            "portrait",
            "landscape",
            "landscape",
            "landscape",
            "landscape"
        ],
        "the summary is narrow, the lists are wide"
    );
    let workbook = zip_entry(&bytes, "xl/workbook.xml").replace('\'', "");
    assert!(workbook.contains("问题清单!$1:$1"), "{workbook}");

    // The problem list: the long problem's row is tall enough for 300 characters wrapped in a
    // 24-character column (about 25 lines); the short one takes at most two lines (its region
    // wraps in a 14-character column).
    let problems = zip_entry(&bytes, "xl/worksheets/sheet3.xml");
    let heights: Vec<Option<f64>> = (2..=3).map(|r| row_height(&problems, r)).collect();
    let tall = heights.iter().flatten().fold(0.0_f64, |a, b| a.max(*b));
    assert!(tall >= 300.0, "the long row is {tall} pt: {heights:?}");
    assert!(
        heights.iter().any(|h| h.is_none_or(|h| h <= 40.0)),
        "the short row stays short: {heights:?}"
    );
}

#[test]
fn the_public_workbook_prints_landscape_on_a4_with_its_header_on_every_page() {
    let store = store();
    let list = public_report(&store, &SummaryFilter::default(), today(), Lang::Zh).unwrap();
    let bytes = export_public(&list, PublicFormat::Xlsx).unwrap();
    assert_eq!(page_setups(&bytes, 1), ["landscape"]);
    let workbook = zip_entry(&bytes, "xl/workbook.xml").replace('\'', "");
    assert!(workbook.contains("整改情况!$4:$4"), "{workbook}");
    let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    let tall = (5..=6)
        .filter_map(|r| row_height(&sheet, r))
        .fold(0.0_f64, f64::max);
    assert!(tall >= 200.0, "the long problem's row is {tall} pt");
}

#[test]
fn the_word_report_numbers_its_pages_in_the_footer() {
    let store = store();
    let r = report(&store, &SummaryFilter::default(), today()).unwrap();
    for (lang, words) in [
        (Lang::Zh, ["第 ", " 页 共 ", " 页"]),
        (Lang::En, ["Page ", " of ", ""]),
    ] {
        let bytes = export(&r, ExportFormat::Docx, lang).unwrap();
        let doc = zip_entry(&bytes, "word/document.xml");
        assert!(
            doc.contains(r#"<w:footerReference w:type="default" r:id="rIdFooter1"/>"#),
            "the section has a footer"
        );
        let rels = zip_entry(&bytes, "word/_rels/document.xml.rels");
        assert!(rels.contains(r#"Id="rIdFooter1""#) && rels.contains(r#"Target="footer1.xml""#));
        assert!(zip_entry(&bytes, "[Content_Types].xml").contains("/word/footer1.xml"));
        let footer = zip_entry(&bytes, "word/footer1.xml");
        // The text in order: the words around the PAGE and NUMPAGES fields.
        let page = footer.find(" PAGE ").expect("a PAGE field");
        let pages = footer.find(" NUMPAGES ").expect("a NUMPAGES field");
        assert!(page < pages);
        let texts: Vec<&str> = footer
            .split("<w:t xml:space=\"preserve\">")
            .skip(1)
            .map(|t| &t[..t.find('<').unwrap()])
            .collect();
        let expected: Vec<&str> = words.iter().copied().filter(|w| !w.is_empty()).collect();
        assert_eq!(texts, expected, "{lang:?}");
        assert!(footer.find(words[0]).unwrap() < page && page < footer.find(words[1]).unwrap());
    }
}

#[test]
fn the_internal_markdown_shows_html_in_a_title_instead_of_running_it() {
    let mut store = store();
    let v = Visit::new(day(2026, 3, 2), "<b>城东</b>敬老院");
    store.save_visit(&v).unwrap();
    let mut f = Finding::new(v.id, "<script>alert('x')</script>台账不全");
    f.topics = vec![builtin_topic_id(1)];
    f.measures = "<img src=x onerror=alert(1)>".to_owned();
    store.save_finding(&f).unwrap();
    let r = report(&store, &SummaryFilter::default(), today()).unwrap();
    let md = String::from_utf8(export(&r, ExportFormat::Markdown, Lang::Zh).unwrap()).unwrap();
    for raw in ["<script>", "<img", "<b>"] {
        assert!(!md.contains(raw), "{raw} reaches the page");
    }
    assert!(md.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;台账不全"));
    assert!(md.contains("&lt;b&gt;城东&lt;/b&gt;敬老院"));
}
