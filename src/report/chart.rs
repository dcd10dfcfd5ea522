//! The chart of problems per topic, shared by the Summary view and the Word report: one bar per
//! top-level topic with problems, closed and not yet closed stacked. In the Word report it is a
//! real chart part (DrawingML `c:chartSpace` with its values cached), so Word and LibreOffice
//! draw it and a user can restyle it.

use super::Summary;
use crate::i18n::Lang;

/// One bar: a topic and its problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicBar {
    /// The topic's name in the report's language.
    pub name: String,
    /// Problems closed (销号).
    pub closed: i64,
    /// Problems not closed yet: open, in progress, or at a phased stage target.
    pub pending: i64,
}

impl TopicBar {
    /// All its problems.
    pub fn problems(&self) -> i64 {
        self.closed + self.pending
    }

    /// What the bar's numbers are: "养老服务：问题 12 个，已销号 5 个，未销号 7 个".
    pub fn describe(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{}：问题 {} 个，已销号 {} 个，未销号 {} 个",
                self.name,
                self.problems(),
                self.closed,
                self.pending
            ),
            Lang::En => format!(
                "{}: {}, {} closed, {} not yet closed",
                self.name,
                crate::i18n::count_en(self.problems(), "problem", "problems"),
                self.closed,
                self.pending
            ),
        }
    }
}

/// The top-level topics with problems, in the summary's order.
pub fn topic_bars(summary: &Summary, lang: Lang) -> Vec<TopicBar> {
    summary
        .by_topic
        .iter()
        .filter(|t| t.depth == 0 && t.figures.problems > 0)
        .map(|t| TopicBar {
            name: t.name(lang).to_owned(),
            closed: t.figures.closed,
            pending: t.figures.problems - t.figures.closed,
        })
        .collect()
}

/// The chart's title.
pub fn chart_title(lang: Lang) -> &'static str {
    lang.pick(
        "各专题问题整改情况（问题个数）",
        "Problems per topic (number of problems)",
    )
}

/// The two series' names: closed, not yet closed.
pub fn series_names(lang: Lang) -> [&'static str; 2] {
    [
        lang.pick("已销号", "Closed"),
        lang.pick("未销号", "Not yet closed"),
    ]
}

/// The chart part (`word/charts/chart1.xml`): a horizontal stacked bar chart, the first topic
/// on top, values written on the bars, the legend above the plot (never over a bar).
pub(super) fn chart_xml(bars: &[TopicBar], lang: Lang, escape: fn(&str) -> String) -> String {
    // A bar chart draws its first category at the bottom: list them bottom-up.
    let bottom_up: Vec<&TopicBar> = bars.iter().rev().collect();
    let n = bottom_up.len();
    let categories: String = bottom_up
        .iter()
        .enumerate()
        .map(|(i, b)| format!(r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, escape(&b.name)))
        .collect();
    let series = |index: usize, name: &str, colour: &str, value: fn(&TopicBar) -> i64| {
        let column = ["B", "C"][index];
        let values: String = bottom_up
            .iter()
            .enumerate()
            .map(|(i, b)| format!(r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, value(b)))
            .collect();
        format!(
            r#"<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:strRef><c:f>Sheet1!${column}$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{name}</c:v></c:pt></c:strCache></c:strRef></c:tx><c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/><c:dLbls><c:numFmt formatCode="0;;;" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls><c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last}</c:f><c:strCache><c:ptCount val="{n}"/>{categories}</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>Sheet1!${column}$2:${column}${last}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{values}</c:numCache></c:numRef></c:val></c:ser>"#,
            name = escape(name),
            last = n + 1,
        )
    };
    let [closed, pending] = series_names(lang);
    let text_props = r#"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1000"><a:latin typeface="Times New Roman"/><a:ea typeface="SimSun"/></a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>"#;
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:roundedCorners val="0"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="1200" b="1"><a:ea typeface="SimHei"/></a:rPr><a:t>{title}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:barChart><c:barDir val="bar"/><c:grouping val="stacked"/><c:varyColors val="0"/>{s0}{s1}<c:gapWidth val="60"/><c:overlap val="100"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart><c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{text_props}<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx><c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines><c:numFmt formatCode="0" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{text_props}<c:crossAx val="50010001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx></c:plotArea><c:legend><c:legendPos val="t"/><c:overlay val="0"/>{text_props}</c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>"#,
        title = escape(chart_title(lang)),
        s0 = series(0, closed, "50A064", |b| b.closed),
        s1 = series(1, pending, "C8963C", |b| b.pending),
    )
}

/// The chart's size on the page in EMU (width, height): the text's width, and a row per bar.
pub(super) fn chart_extent(bars: usize, text_width_twips: u32) -> (u64, u64) {
    const EMU_PER_TWIP: u64 = 635;
    const EMU_PER_CM: u64 = 360_000;
    let width = u64::from(text_width_twips) * EMU_PER_TWIP;
    let height =
        (3 * EMU_PER_CM + bars as u64 * EMU_PER_CM * 9 / 10).clamp(6 * EMU_PER_CM, 16 * EMU_PER_CM);
    (width, height)
}

/// The paragraph holding the chart, drawn from the part that relationship `rel_id` names.
pub(super) fn chart_paragraph(rel_id: &str, (cx, cy): (u64, u64), lang: Lang) -> String {
    let name = lang.pick("各专题问题图", "Problems per topic chart");
    format!(
        r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="1" name="{name}"/><wp:cNvGraphicFramePr/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="{rel_id}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<TopicBar> {
        vec![
            TopicBar {
                name: "养老服务".to_owned(),
                closed: 5,
                pending: 7,
            },
            TopicBar {
                name: "殡葬<管理>".to_owned(),
                closed: 0,
                pending: 3,
            },
        ]
    }

    #[test]
    fn a_bar_says_what_its_numbers_are() {
        let bar = &bars()[0];
        assert_eq!(
            bar.describe(Lang::Zh),
            "养老服务：问题 12 个，已销号 5 个，未销号 7 个"
        );
        assert_eq!(
            bar.describe(Lang::En),
            "养老服务: 12 problems, 5 closed, 7 not yet closed"
        );
    }

    #[test]
    fn the_chart_part_names_every_topic_bottom_up_with_its_values() {
        let escape = |t: &str| t.replace('<', "&lt;").replace('>', "&gt;");
        let xml = chart_xml(&bars(), Lang::Zh, escape);
        let second = xml.find("殡葬&lt;管理&gt;").unwrap();
        let first = xml.find("养老服务").unwrap();
        assert!(second < first, "the first topic is drawn on top");
        assert!(xml.contains(r#"<c:barDir val="bar"/>"#));
        assert!(xml.contains("<c:v>已销号</c:v>") && xml.contains("<c:v>未销号</c:v>"));
        assert!(xml.contains(r#"<c:pt idx="1"><c:v>7</c:v></c:pt>"#));
        assert!(xml.contains(r#"<c:legendPos val="t"/>"#));
    }
}
