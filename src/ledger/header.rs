//! Finding the header row below the title and note rows, and mapping each header to a field
//! of a finding through the names offices use (docs/ledgers.md lists them).

use super::error::{LedgerError, Result};
use super::sheet::Grid;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// A field of a finding a ledger column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerField {
    /// 序号: the row's key in the ledger.
    Seq,
    /// 所属领域: the topic.
    Topic,
    /// 问题表现: the problem (the finding's title).
    Title,
    /// 问题详情: more about the problem.
    Detail,
    /// 整改措施.
    Measures,
    /// 整改目标.
    Target,
    /// 整改时限.
    Deadline,
    /// 责任单位.
    OwnerUnit,
    /// 责任人.
    Owner,
    /// 整改类别.
    Category,
    /// 完成情况.
    Status,
    /// 是否销号.
    Closed,
    /// 销号日期.
    ClosedOn,
    /// 核验人.
    VerifiedBy,
    /// 系统编号: the finding's id, written by export-table.
    Id,
}

impl LedgerField {
    /// Every field, in the order export-table writes the columns.
    pub const ALL: &'static [LedgerField] = &[
        LedgerField::Seq,
        LedgerField::Topic,
        LedgerField::Title,
        LedgerField::Detail,
        LedgerField::Measures,
        LedgerField::Target,
        LedgerField::Deadline,
        LedgerField::OwnerUnit,
        LedgerField::Owner,
        LedgerField::Category,
        LedgerField::Status,
        LedgerField::Closed,
        LedgerField::ClosedOn,
        LedgerField::VerifiedBy,
        LedgerField::Id,
    ];

    /// The code used by `--map` and in JSON.
    pub fn code(self) -> &'static str {
        match self {
            LedgerField::Seq => "seq",
            LedgerField::Topic => "topic",
            LedgerField::Title => "title",
            LedgerField::Detail => "detail",
            LedgerField::Measures => "measures",
            LedgerField::Target => "target",
            LedgerField::Deadline => "deadline",
            LedgerField::OwnerUnit => "owner_unit",
            LedgerField::Owner => "owner",
            LedgerField::Category => "category",
            LedgerField::Status => "status",
            LedgerField::Closed => "closed",
            LedgerField::ClosedOn => "closed_on",
            LedgerField::VerifiedBy => "verified_by",
            LedgerField::Id => "id",
        }
    }

    /// The header export-table writes, and the first name recognised.
    pub fn header(self) -> &'static str {
        self.synonyms()[0]
    }

    /// The header names offices use for this field (compared without blanks and line breaks).
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            LedgerField::Seq => &["序号", "编号", "序", "No.", "No"],
            LedgerField::Topic => &[
                "所属领域",
                "领域",
                "专题",
                "业务类别",
                "问题类别",
                "类别领域",
                "所属专题",
                "业务领域",
            ],
            LedgerField::Title => &[
                "问题表现",
                "问题",
                "问题描述",
                "存在问题",
                "问题内容",
                "具体问题",
                "问题清单",
                "检视问题",
                "问题名称",
            ],
            LedgerField::Detail => &["问题详情", "详细情况", "具体表现", "问题说明"],
            LedgerField::Measures => &["整改措施", "措施", "整改举措", "具体措施"],
            LedgerField::Target => &["整改目标", "目标", "预期目标"],
            LedgerField::Deadline => &["整改时限", "完成时限", "时限", "完成时间", "整改期限"],
            LedgerField::OwnerUnit => &[
                "责任单位",
                "牵头单位",
                "责任部门",
                "责任处室",
                "牵头处室",
                "责任单位（处室）",
            ],
            LedgerField::Owner => &["责任人", "责任领导", "牵头领导", "具体责任人"],
            LedgerField::Category => &["整改类别", "整改类型", "类别", "整改方式"],
            LedgerField::Status => &["完成情况", "整改情况", "整改进展", "进展情况", "整改状态"],
            LedgerField::Closed => &["是否销号", "销号", "销号情况"],
            LedgerField::ClosedOn => &["销号日期", "销号时间"],
            LedgerField::VerifiedBy => &["核验人", "验收人", "销号核验人"],
            LedgerField::Id => &["系统编号"],
        }
    }

    /// Reads a field code or a header name.
    pub fn parse(text: &str) -> Option<LedgerField> {
        let text = normalize(text);
        LedgerField::ALL
            .iter()
            .copied()
            .find(|f| f.code() == text || f.synonyms().iter().any(|s| normalize(s) == text))
    }

    /// The field codes, for messages.
    pub fn codes() -> String {
        LedgerField::ALL
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A header as compared: without blanks, line breaks and full-width parentheses' notes.
fn normalize(text: &str) -> String {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // "整改时限（年月日）" → "整改时限"
    let text = match text.find(['（', '(']) {
        Some(i) if i > 0 => text[..i].to_owned(),
        _ => text,
    };
    text.to_lowercase()
}

/// A column of the header row and what it maps to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    /// 0-based column index.
    pub index: usize,
    /// The header text as written.
    pub header: String,
    /// The field it fills; `None` keeps its text in the detail, labelled by the header.
    pub field: Option<LedgerField>,
}

/// The header row found and the mapping of its columns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mapping {
    /// 0-based index of the header row.
    pub header_row: usize,
    /// Every non-empty header, left to right.
    pub columns: Vec<Column>,
}

impl Mapping {
    /// The column filling `field`, if any.
    pub fn column_of(&self, field: LedgerField) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == Some(field))
    }

    /// `{header: field}` as the JSON report shows it (unmapped headers map to `detail`).
    pub fn as_map(&self) -> BTreeMap<String, String> {
        self.columns
            .iter()
            .map(|c| {
                let field = c.field.map_or("detail (labelled)", LedgerField::code);
                (c.header.clone(), field.to_owned())
            })
            .collect()
    }
}

/// Parses `--map HEADER=FIELD` entries (FIELD may be `-` or `none` to ignore a column).
pub fn parse_overrides(entries: &[String]) -> Result<Vec<(String, Option<LedgerField>)>> {
    entries
        .iter()
        .map(|entry| {
            let bad = || LedgerError::BadMap(entry.clone(), LedgerField::codes());
            let (header, field) = entry.split_once('=').ok_or_else(bad)?;
            let field = field.trim();
            let field = match field {
                "-" | "none" => None,
                _ => Some(LedgerField::parse(field).ok_or_else(bad)?),
            };
            Ok((normalize(header), field))
        })
        .collect()
}

/// Finds the header row: the first of the top rows where the problem column and at least two
/// other known columns are named (after `overrides`), and maps its columns.
pub fn find_header(
    grid: &Grid,
    overrides: &[(String, Option<LedgerField>)],
    path: &Path,
) -> Result<Mapping> {
    for row in 0..grid.rows.len().min(HEADER_SEARCH_ROWS) {
        let columns = map_row(grid, row, overrides);
        let known = columns.iter().filter(|c| c.field.is_some()).count();
        let has_title = columns.iter().any(|c| c.field == Some(LedgerField::Title));
        if has_title && known >= 3 {
            return Ok(Mapping {
                header_row: row,
                columns,
            });
        }
    }
    Err(LedgerError::NoHeader(HEADER_SEARCH_ROWS, path.to_owned()))
}

fn map_row(grid: &Grid, row: usize, overrides: &[(String, Option<LedgerField>)]) -> Vec<Column> {
    let mut taken: Vec<LedgerField> = Vec::new();
    let mut columns = Vec::new();
    for (index, cell) in grid.rows[row].iter().enumerate() {
        let header = cell.text();
        if header.is_empty() {
            continue;
        }
        let key = normalize(&header);
        let field = match overrides.iter().find(|(h, _)| *h == key) {
            Some((_, field)) => *field,
            None => LedgerField::parse(&header),
        };
        // The first column of a field wins; a second one (two 备注 columns) stays in the detail.
        let field = field.filter(|f| !taken.contains(f));
        if let Some(f) = field {
            taken.push(f);
        }
        columns.push(Column {
            index,
            header,
            field,
        });
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_with_their_synonyms_and_notes() {
        assert_eq!(LedgerField::parse("问题描述"), Some(LedgerField::Title));
        assert_eq!(LedgerField::parse("完成 时限"), Some(LedgerField::Deadline));
        assert_eq!(
            LedgerField::parse("整改时限（年月日）"),
            Some(LedgerField::Deadline)
        );
        assert_eq!(LedgerField::parse("牵头单位"), Some(LedgerField::OwnerUnit));
        assert_eq!(
            LedgerField::parse("owner_unit"),
            Some(LedgerField::OwnerUnit)
        );
        assert_eq!(LedgerField::parse("备注"), None);
    }

    #[test]
    fn overrides_need_a_known_field() {
        let ok = parse_overrides(&["情况说明=detail".to_owned(), "备注=-".to_owned()]).unwrap();
        assert_eq!(ok[0], ("情况说明".to_owned(), Some(LedgerField::Detail)));
        assert_eq!(ok[1], ("备注".to_owned(), None));
        assert!(parse_overrides(&["备注".to_owned()]).is_err());
        assert!(parse_overrides(&["备注=nothing".to_owned()]).is_err());
    }
}
