//! The report as a Word document, written by hand as minimal WordprocessingML: content types,
//! relationships, styles (宋体 body, 黑体 headings) and the document — title, scope and date,
//! the figures paragraph, a table by topic, then a section per topic with its problems and their
//! rectification status, and the typical cases.

use super::docx_parts as parts;
use super::table::{NARROW_FIGURES, figure, indented_name, short_label};
use super::{Report, Result, TopicFigures, category_label, paragraph, title};
use crate::i18n::Lang;
use crate::store::FindingRow;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The width of the text on a landscape A4 page with 2 cm margins, in twentieths of a point.
const TEXT_WIDTH_TWIPS: u32 = 16838 - 2 * 1134;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>{parts}</Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>{parts}</Relationships>"#;

/// Styles: Chinese text in 宋体 (SimSun), headings in 黑体 (SimHei), Latin in Times New Roman;
/// a bordered table style; a small table-text style.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimSun" w:cs="Times New Roman"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="SimHei"/><w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="60"/><w:jc w:val="center"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="SimHei"/><w:b/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="180" w:after="60"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="KaiTi"/><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="808080"/></w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

/// The document as bytes (a zip).
pub(crate) fn write(report: &Report, lang: Lang) -> Result<Vec<u8>> {
    let bars = super::chart::topic_bars(&report.summary, lang);
    // The chart is a picture (not a chart part): pandoc, python-docx and viewers without a
    // chart engine show a picture, and it looks exactly like the window's chart.
    let chart = if bars.is_empty() {
        None
    } else {
        let png = super::chart_png::topic_chart_png(&bars, lang)?;
        let size = (
            super::chart_png::WIDTH_PX,
            super::chart_png::height_px(bars.len()),
        );
        let description: Vec<String> = bars.iter().map(|b| b.describe(lang)).collect();
        let paragraph = parts::picture_paragraph(
            parts::picture_extent(size, TEXT_WIDTH_TWIPS),
            &xml_text(super::chart::chart_title(lang)),
            &xml_text(&description.join(lang.pick("；", "; "))),
        );
        Some((png, paragraph))
    };
    let document = document_xml(report, lang, chart.as_ref().map(|(_, p)| p.as_str()));
    let content_types = CONTENT_TYPES.replace("{parts}", &parts::content_types(chart.is_some()));
    let document_rels = DOCUMENT_RELS.replace("{parts}", &parts::relationships(chart.is_some()));
    let footer = parts::footer_xml(lang);
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>Zoufang</dc:creator></cp:coreProperties>"#,
        xml_text(&title(&report.summary, lang)),
        xml_text(&report.summary.filter.describe(lang))
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("word/_rels/document.xml.rels", document_rels.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        (parts::FOOTER_PART, footer.as_bytes()),
    ];
    if let Some((png, _)) = &chart {
        entries.push((parts::CHART_PART, png));
    }
    for (name, body) in entries {
        // A PNG is compressed already.
        let options = if name.ends_with(".png") {
            options.compression_method(zip::CompressionMethod::Stored)
        } else {
            options
        };
        zip.start_file(name, options)?;
        zip.write_all(body)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The body of the document; `chart` (the paragraph holding the chart of problems per topic)
/// goes after the table by topic.
fn document_xml(report: &Report, lang: Lang, chart: Option<&str>) -> String {
    let s = &report.summary;
    let mut body = String::new();
    body.push_str(&para("Title", &title(s, lang)));
    body.push_str(&para("Subtitle", &s.filter.describe(lang)));
    body.push_str(&para(
        "Subtitle",
        &format!(
            "{}{}",
            lang.pick("统计截至：", "As of "),
            lang.date(s.as_of)
        ),
    ));

    let mut chapter = 0;
    let mut heading = |text: &str| {
        chapter += 1;
        let number = match lang {
            Lang::Zh => format!("{}、", zh_number(chapter)),
            Lang::En => format!("{chapter}. "),
        };
        para("Heading1", &format!("{number}{text}"))
    };

    body.push_str(&heading(lang.pick("总体情况", "Overview")));
    body.push_str(&indented_para(&paragraph(s, lang)));

    body.push_str(&heading(lang.pick("分专题情况", "By topic")));
    let mut header: Vec<&str> = vec![lang.pick("专题", "Topic")];
    header.extend(NARROW_FIGURES.iter().map(|k| short_label(k, lang)));
    let mut widths = vec![3u32];
    widths.extend(NARROW_FIGURES.iter().map(|_| 1u32));
    let rows: Vec<Vec<Run>> = s
        .by_topic
        .iter()
        .map(|t| {
            let mut cells = vec![Run::plain(indented_name(t, lang))];
            cells.extend(
                NARROW_FIGURES
                    .iter()
                    .map(|k| Run::plain(figure(&t.figures, k).to_string())),
            );
            cells
        })
        .collect();
    body.push_str(&table(&header, &widths, &rows));
    body.push_str(&para(
        "TableText",
        lang.pick(
            "注：一条发现可属于多个专题，各专题之和可能大于合计。",
            "Note: a finding can belong to several topics, so the rows may add up to more than the totals.",
        ),
    ));
    if let Some(chart) = chart {
        body.push_str(chart);
    }

    body.push_str(&heading(lang.pick(
        "分专题问题及整改情况",
        "Problems and their rectification, by topic",
    )));
    let mut section = 0;
    for t in report.sections() {
        section += 1;
        let problems: Vec<&FindingRow> = report.problems_under(t.topic_id).collect();
        body.push_str(&topic_section(section, t.name(lang), t, &problems, lang));
    }
    let others: Vec<&FindingRow> = report.problems_outside_sections().collect();
    if !others.is_empty() {
        section += 1;
        body.push_str(&para(
            "Heading2",
            &format!(
                "{}{}",
                section_number(section, lang),
                lang.pick("未归入专题的问题", "Problems without a topic")
            ),
        ));
        body.push_str(&problem_table(&others, lang));
    }

    body.push_str(&heading(
        lang.pick("典型案例和经验做法", "Typical cases and good practice"),
    ));
    if report.cases.is_empty() {
        body.push_str(&para("Normal", lang.pick("无。", "None.")));
    } else {
        let header = [
            lang.pick("序号", "No."),
            lang.pick("类型", "Kind"),
            lang.pick("走访日期", "Visit date"),
            lang.pick("走访单位", "Place visited"),
            lang.pick("标题", "Title"),
            lang.pick("具体情况", "Detail"),
        ];
        let rows: Vec<Vec<Run>> = report
            .cases
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    Run::plain((i + 1).to_string()),
                    Run::plain(r.finding.kind.label(lang)),
                    Run::plain(lang.date(r.visit_date)),
                    Run::plain(&r.place),
                    Run::plain(&r.finding.title),
                    Run::plain(&r.finding.detail),
                ]
            })
            .collect();
        body.push_str(&table(&header, &[1, 2, 3, 4, 6, 8], &rows));
    }

    let footer = parts::footer_reference();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body>{body}<w:sectPr>{footer}<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    )
}

/// One topic's section: its heading, a sentence of figures, its problem table.
fn topic_section(
    n: usize,
    name: &str,
    t: &TopicFigures,
    problems: &[&FindingRow],
    lang: Lang,
) -> String {
    let f = &t.figures;
    let mut out = para("Heading2", &format!("{}{name}", section_number(n, lang)));
    let sentence = match lang {
        Lang::Zh => format!(
            "走访基层单位{}个，走访党员群众{}人，查找问题{}个，其中立行立改{}个、阶段性整改{}个、长期整改{}个；已销号{}个，逾期未完成{}个。",
            f.units_visited,
            f.people_interviewed,
            f.problems,
            f.immediate,
            f.phased,
            f.long_term,
            f.closed,
            f.overdue
        ),
        Lang::En => format!(
            "Units visited: {}; people interviewed: {}; problems: {} ({} to fix at once, {} phased, {} long-term); closed: {}; overdue: {}.",
            f.units_visited,
            f.people_interviewed,
            f.problems,
            f.immediate,
            f.phased,
            f.long_term,
            f.closed,
            f.overdue
        ),
    };
    out.push_str(&indented_para(&sentence));
    if !problems.is_empty() {
        out.push_str(&problem_table(problems, lang));
    }
    out
}

/// The problems with their rectification plan and status; overdue ones in red.
fn problem_table(problems: &[&FindingRow], lang: Lang) -> String {
    let header = [
        lang.pick("序号", "No."),
        lang.pick("问题", "Problem"),
        lang.pick("走访单位", "Place visited"),
        lang.pick("整改类别", "Category"),
        lang.pick("整改措施", "Measures"),
        lang.pick("整改时限", "Deadline"),
        lang.pick("责任人（单位）", "Responsible"),
        lang.pick("整改状态", "Status"),
    ];
    let rows: Vec<Vec<Run>> = problems
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let f = &r.finding;
            let responsible = match (f.owner.is_empty(), f.owner_unit.is_empty()) {
                (false, false) => format!("{}（{}）", f.owner, f.owner_unit),
                (false, true) => f.owner.clone(),
                _ => f.owner_unit.clone(),
            };
            let status = if r.overdue {
                Run::alert(format!(
                    "{}{}",
                    f.status.label(lang),
                    lang.pick("（逾期）", " (overdue)")
                ))
            } else {
                Run::plain(f.status.label(lang))
            };
            vec![
                Run::plain((i + 1).to_string()),
                Run::plain(&f.title),
                Run::plain(&r.place),
                Run::plain(category_label(r, lang)),
                Run::plain(&f.measures),
                Run::plain(f.deadline.map(|d| lang.date(d)).unwrap_or_default()),
                Run::plain(responsible),
                status,
            ]
        })
        .collect();
    table(&header, &[1, 5, 4, 2, 6, 3, 3, 3], &rows)
}

/// "（一）" / "3.1 ".
fn section_number(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（{}）", zh_number(n)),
        Lang::En => format!("3.{n} "),
    }
}

/// A text run, plain or highlighted.
struct Run {
    text: String,
    alert: bool,
}

impl Run {
    fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            alert: false,
        }
    }

    fn alert(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            alert: true,
        }
    }

    fn xml(&self, bold: bool) -> String {
        // Elements of w:rPr in schema order: bold before colour.
        let mut props = String::new();
        if bold || self.alert {
            props.push_str("<w:b/>");
        }
        if self.alert {
            props.push_str(r#"<w:color w:val="C00000"/>"#);
        }
        let props = if props.is_empty() {
            String::new()
        } else {
            format!("<w:rPr>{props}</w:rPr>")
        };
        // Line breaks inside a cell become <w:br/>.
        self.text
            .split('\n')
            .map(|line| {
                format!(
                    r#"<w:r>{props}<w:t xml:space="preserve">{}</w:t></w:r>"#,
                    xml_text(line.trim_end_matches('\r'))
                )
            })
            .collect::<Vec<_>>()
            .join(&format!("<w:r>{props}<w:br/></w:r>"))
    }
}

/// A paragraph in a style.
fn para(style: &str, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p>"#,
        Run::plain(text).xml(false)
    )
}

/// A body paragraph with the two-character first-line indent of Chinese official writing.
fn indented_para(text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:ind w:firstLineChars="200" w:firstLine="480"/><w:jc w:val="both"/></w:pPr>{}</w:p>"#,
        Run::plain(text).xml(false)
    )
}

/// A bordered table over the page's width, its header row repeated on each page; `weights`
/// share the width between the columns.
fn table(header: &[&str], weights: &[u32], rows: &[Vec<Run>]) -> String {
    let total: u32 = weights.iter().sum::<u32>().max(1);
    let widths: Vec<u32> = weights
        .iter()
        .map(|w| TEXT_WIDTH_TWIPS * w / total)
        .collect();
    let mut out = String::from(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>"#,
    );
    for w in &widths {
        out.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
    }
    out.push_str("</w:tblGrid>");
    let cell = |width: u32, run: &Run, head: bool| {
        let shade = if head {
            r#"<w:shd w:val="clear" w:color="auto" w:fill="DDEBF7"/>"#
        } else {
            ""
        };
        // Figures line up on the right, as in a spreadsheet.
        let align = if !head && run.text.parse::<i64>().is_ok() {
            r#"<w:jc w:val="right"/>"#
        } else {
            ""
        };
        format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>{align}</w:pPr>{}</w:p></w:tc>"#,
            run.xml(head)
        )
    };
    out.push_str(r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>"#);
    for (h, w) in header.iter().zip(&widths) {
        out.push_str(&cell(*w, &Run::plain(*h), true));
    }
    out.push_str("</w:tr>");
    for row in rows {
        out.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
        for (run, w) in row.iter().zip(&widths) {
            out.push_str(&cell(*w, run, false));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    // Word needs a paragraph between two tables and after the last one.
    out.push_str("<w:p/>");
    out
}

/// Text escaped for XML, without the control characters XML 1.0 forbids.
fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// 1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (enough for chapters and sections; larger
/// numbers are written in digits).
fn zh_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", DIGITS[n / 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        assert_eq!(zh_number(1), "一");
        assert_eq!(zh_number(10), "十");
        assert_eq!(zh_number(12), "十二");
        assert_eq!(zh_number(20), "二十");
        assert_eq!(zh_number(35), "三十五");
        assert_eq!(zh_number(120), "120");
    }

    #[test]
    fn xml_text_is_escaped_and_clean() {
        assert_eq!(xml_text("a<b>&\"c\u{1}"), "a&lt;b&gt;&amp;&quot;c");
    }

    #[test]
    fn line_breaks_become_breaks() {
        let xml = Run::plain("一\n二").xml(false);
        assert_eq!(xml.matches("<w:br/>").count(), 1);
        assert!(xml.contains(">一<") && xml.contains(">二<"));
    }
}
