//! The Word report's footer (page numbers) and picture (the chart): the parts, their
//! relationships and content types, and the paragraphs that place them.

use crate::i18n::Lang;

/// The relationship id of the footer.
pub(super) const FOOTER_REL_ID: &str = "rIdFooter1";
/// The relationship id of the chart picture.
pub(super) const CHART_REL_ID: &str = "rIdChart1";
/// Where the footer lives in the package.
pub(super) const FOOTER_PART: &str = "word/footer1.xml";
/// Where the chart picture lives in the package.
pub(super) const CHART_PART: &str = "word/media/chart1.png";

/// The content types the parts add: the footer's, and PNG for pictures.
pub(super) fn content_types(chart: bool) -> String {
    let footer = r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#;
    let png = r#"<Default Extension="png" ContentType="image/png"/>"#;
    if chart {
        format!("{png}{footer}")
    } else {
        footer.to_owned()
    }
}

/// The relationships from the document to the footer and the chart picture.
pub(super) fn relationships(chart: bool) -> String {
    let footer = format!(
        r#"<Relationship Id="{FOOTER_REL_ID}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#
    );
    if chart {
        format!(
            r#"{footer}<Relationship Id="{CHART_REL_ID}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart1.png"/>"#
        )
    } else {
        footer
    }
}

/// A field (`PAGE`, `NUMPAGES`) as Word writes it: begin, instruction, separate, the value shown
/// until the field is updated, end.
fn field(instruction: &str) -> String {
    format!(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
    )
}

/// The footer: "第 X 页 共 Y 页" / "Page X of Y", centred.
pub(super) fn footer_xml(lang: Lang) -> String {
    let text = |t: &str| format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let (before, middle, after) = match lang {
        Lang::Zh => ("第 ", " 页 共 ", " 页"),
        Lang::En => ("Page ", " of ", ""),
    };
    let mut runs = text(before) + &field("PAGE") + &text(middle) + &field("NUMPAGES");
    if !after.is_empty() {
        runs.push_str(&text(after));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:p><w:pPr><w:jc w:val="center"/><w:spacing w:after="0"/><w:rPr><w:sz w:val="18"/></w:rPr></w:pPr>{runs}</w:p></w:ftr>"#
    )
}

/// The section's reference to the footer (the first child of `w:sectPr`).
pub(super) fn footer_reference() -> String {
    format!(r#"<w:footerReference w:type="default" r:id="{FOOTER_REL_ID}"/>"#)
}

/// The picture's size on the page in EMU: the text's width, the picture's proportions, at
/// most 15 cm tall.
pub(super) fn picture_extent(
    (width_px, height_px): (u32, u32),
    text_width_twips: u32,
) -> (u64, u64) {
    const EMU_PER_TWIP: u64 = 635;
    const MAX_HEIGHT_EMU: u64 = 15 * 360_000;
    let width = u64::from(text_width_twips) * EMU_PER_TWIP * 9 / 10;
    let height = width * u64::from(height_px) / u64::from(width_px.max(1));
    if height > MAX_HEIGHT_EMU {
        (width * MAX_HEIGHT_EMU / height, MAX_HEIGHT_EMU)
    } else {
        (width, height)
    }
}

/// The centred paragraph holding the chart picture; `description` is its alternative text
/// (what a screen reader says, and what pandoc writes as the image's caption).
pub(super) fn picture_paragraph((cx, cy): (u64, u64), name: &str, description: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="1" name="{name}" descr="{description}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="chart1.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{CHART_REL_ID}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
    )
}
