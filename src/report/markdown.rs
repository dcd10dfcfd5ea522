//! The whole summary as Markdown: the paragraph, the figures, the tables per topic, region and
//! unit, the problem list and the typical cases.

use super::table::{NARROW_FIGURES, figure, group_name, indented_name, problem_cells, short_label};
use super::{FIGURES, Figures, Report, category_label, paragraph, title, yes};
use crate::i18n::Lang;
use std::fmt::Write;

/// The Markdown text.
pub(crate) fn write(report: &Report, lang: Lang) -> String {
    let s = &report.summary;
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", escape(&title(s, lang)));
    let _ = writeln!(
        md,
        "{}  \n{}{}\n",
        escape(&s.filter.describe(lang)),
        lang.pick("统计截至：", "As of: "),
        lang.date(s.as_of)
    );
    let _ = writeln!(
        md,
        "## {}\n\n{}\n",
        lang.pick("汇报段落", "Progress-report paragraph"),
        escape(&paragraph(s, lang))
    );

    let _ = writeln!(md, "## {}\n", lang.pick("主要数据", "Figures"));
    table(
        &mut md,
        &[lang.pick("指标", "Figure"), lang.pick("数值", "Value")],
        FIGURES.iter().map(|d| {
            vec![
                d.label(lang).trim().to_owned(),
                (d.get)(&s.totals).to_string(),
            ]
        }),
        lang,
    );

    let _ = writeln!(md, "## {}\n", lang.pick("分专题", "By topic"));
    let _ = writeln!(
        md,
        "{}\n",
        lang.pick(
            "（一条发现可属于多个专题，各专题之和可能大于合计。）",
            "(A finding can belong to several topics, so the rows may add up to more than the totals.)"
        )
    );
    group_table(
        &mut md,
        lang.pick("专题", "Topic"),
        s.by_topic
            .iter()
            .map(|t| (indented_name(t, lang), &t.figures)),
        lang,
    );
    let _ = writeln!(md, "## {}\n", lang.pick("分地区", "By region"));
    group_table(
        &mut md,
        lang.pick("地区", "Region"),
        s.by_region
            .iter()
            .map(|r| (group_name(&r.region, lang), &r.figures)),
        lang,
    );
    let _ = writeln!(
        md,
        "## {}\n",
        lang.pick("分责任单位（问题）", "By responsible unit (problems)")
    );
    // A unit's findings are problems only: no case columns.
    let problem_keys: Vec<&str> = NARROW_FIGURES
        .iter()
        .copied()
        .filter(|k| !matches!(*k, "positive_cases" | "negative_cases" | "practices"))
        .collect();
    group_table_of(
        &mut md,
        lang.pick("责任单位", "Responsible unit"),
        s.by_owner_unit
            .iter()
            .map(|r| (group_name(&r.owner_unit, lang), &r.figures)),
        &problem_keys,
        lang,
    );

    let _ = writeln!(md, "## {}\n", lang.pick("问题清单", "Problem list"));
    table(
        &mut md,
        &[
            lang.pick("序号", "No."),
            lang.pick("走访日期", "Visit date"),
            lang.pick("走访单位", "Place visited"),
            lang.pick("问题", "Problem"),
            lang.pick("整改类别", "Category"),
            lang.pick("整改措施", "Measures"),
            lang.pick("整改时限", "Deadline"),
            lang.pick("责任人（单位）", "Responsible"),
            lang.pick("整改状态", "Status"),
            lang.pick("逾期", "Overdue"),
        ],
        report.problems.iter().enumerate().map(|(i, r)| {
            let f = &r.finding;
            let cells = problem_cells(report, i + 1, r, lang);
            let responsible = match (f.owner.is_empty(), f.owner_unit.is_empty()) {
                (false, false) => format!("{}（{}）", f.owner, f.owner_unit),
                (false, true) => f.owner.clone(),
                _ => f.owner_unit.clone(),
            };
            vec![
                (i + 1).to_string(),
                cells[1].plain(),
                r.place.clone(),
                f.title.clone(),
                category_label(r, lang).to_owned(),
                f.measures.clone(),
                f.deadline.map(|d| d.to_string()).unwrap_or_default(),
                responsible,
                f.status.label(lang).to_owned(),
                yes(r.overdue, lang).to_owned(),
            ]
        }),
        lang,
    );

    let _ = writeln!(md, "## {}\n", lang.pick("典型案例", "Typical cases"));
    table(
        &mut md,
        &[
            lang.pick("序号", "No."),
            lang.pick("类型", "Kind"),
            lang.pick("走访日期", "Visit date"),
            lang.pick("走访单位", "Place visited"),
            lang.pick("标题", "Title"),
            lang.pick("具体情况", "Detail"),
        ],
        report.cases.iter().enumerate().map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.finding.kind.label(lang).to_owned(),
                r.visit_date.to_string(),
                r.place.clone(),
                r.finding.title.clone(),
                r.finding.detail.clone(),
            ]
        }),
        lang,
    );
    md
}

/// A table of figures per group (topic, region, unit).
fn group_table<'a>(
    md: &mut String,
    first: &str,
    rows: impl Iterator<Item = (String, &'a Figures)>,
    lang: Lang,
) {
    group_table_of(md, first, rows, NARROW_FIGURES, lang);
}

/// Like [`group_table`], with the figures `keys`.
fn group_table_of<'a>(
    md: &mut String,
    first: &str,
    rows: impl Iterator<Item = (String, &'a Figures)>,
    keys: &[&str],
    lang: Lang,
) {
    let mut header = vec![first];
    header.extend(keys.iter().map(|k| short_label(k, lang)));
    table(
        md,
        &header,
        rows.map(|(name, f)| {
            let mut cells = vec![name];
            cells.extend(keys.iter().map(|k| figure(f, k).to_string()));
            cells
        }),
        lang,
    );
}

/// A Markdown table; an empty list gets a "none" line instead.
fn table(md: &mut String, header: &[&str], rows: impl Iterator<Item = Vec<String>>, lang: Lang) {
    let mut rows = rows.peekable();
    if rows.peek().is_none() {
        let _ = writeln!(md, "{}\n", lang.pick("（无）", "(none)"));
        return;
    }
    let _ = writeln!(
        md,
        "| {} |",
        header
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(md, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(
            md,
            "| {} |",
            row.iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    md.push('\n');
}

/// Text safe inside a Markdown table cell or paragraph, and inert as HTML when the page is
/// rendered (like the public version's): HTML escaped, pipes escaped, line breaks as `<br>`.
fn escape(text: &str) -> String {
    super::public::html_escape(text)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape("甲|乙\n丙"), "甲\\|乙<br>丙");
    }

    #[test]
    fn html_in_a_title_is_shown_not_run() {
        assert_eq!(
            escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
    }
}
