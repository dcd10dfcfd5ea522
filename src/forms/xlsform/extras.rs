//! The survey columns that carry small languages of their own: `parameters` (`key=value`
//! pairs) and the checklist's `finding_if` / `finding_category` / `finding_title`.

use super::FormReader;
use crate::forms::columns::Columns;
use crate::forms::definition::{FindingRule, FindingSpec, Translated};
use crate::forms::types::QuestionType;
use crate::forms::workbook::Sheet;
use crate::model::Category;
use std::collections::BTreeMap;

impl FormReader {
    pub(super) fn parameters(
        &mut self,
        sheet: &Sheet,
        columns: &Columns,
        row: usize,
        cells: &[String],
        kind: QuestionType,
    ) -> BTreeMap<String, String> {
        let text = columns.get(cells, "parameters");
        let mut out = BTreeMap::new();
        for pair in text
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|p| !p.is_empty())
        {
            match pair.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    out.insert(k.trim().to_lowercase(), v.trim().to_owned());
                }
                _ => {
                    let (zh, en) = (
                        format!("参数 {pair} 应写成 名称=值"),
                        format!("the parameter {pair} should read key=value"),
                    );
                    self.problem(
                        &sheet.name,
                        Some(row),
                        Some(columns.header("parameters")),
                        zh,
                        en,
                    );
                }
            }
        }
        if kind == QuestionType::Range {
            for key in ["start", "end", "step"] {
                if let Some(v) = out.get(key)
                    && v.parse::<f64>().map_or(true, |n| !n.is_finite())
                {
                    let (zh, en) = (
                        format!("range 的 {key} 应为数字：{v}"),
                        format!("range {key} must be a number: {v}"),
                    );
                    self.problem(
                        &sheet.name,
                        Some(row),
                        Some(columns.header("parameters")),
                        zh,
                        en,
                    );
                }
            }
        }
        out
    }

    pub(super) fn finding(
        &mut self,
        sheet: &Sheet,
        columns: &Columns,
        row: usize,
        cells: &[String],
        list: Option<&str>,
    ) -> Option<FindingSpec> {
        let text = columns.get(cells, "finding_if");
        if text.is_empty() {
            return None;
        }
        let names: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        let all_choices = list
            .and_then(|l| self.choices.get(l))
            .is_some_and(|choices| names.iter().all(|n| choices.iter().any(|c| &c.name == n)));
        let rule = if all_choices {
            FindingRule::Choices(names)
        } else {
            FindingRule::Expression(self.parse_expression(
                sheet,
                columns,
                row,
                "finding_if",
                text,
            )?)
        };
        let category_text = columns.get(cells, "finding_category");
        let category = if category_text.is_empty() {
            None
        } else if let Some(c) = Category::parse(category_text) {
            Some(c.code().to_owned())
        } else {
            let (zh, en) = (
                format!("整改类别 {category_text} 无效：应为 立行立改、阶段性整改 或 长期整改"),
                format!("the category {category_text} is not immediate, phased or long-term"),
            );
            let column = columns.header("finding_category");
            self.problem(&sheet.name, Some(row), Some(column), zh, en);
            None
        };
        Some(FindingSpec {
            rule,
            category,
            title: Translated(columns.translated(cells, "finding_title")),
        })
    }
}
