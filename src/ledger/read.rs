//! A ledger as read: its title, reporting unit and date (from the rows above the header), the
//! mapping, and each problem row's values, or the errors that name the row and column.

use super::error::{LedgerError, Result, RowError, RowProblem};
use super::header::{LedgerField, Mapping, find_header, parse_overrides};
use super::sheet::{Cell, Format, Grid, column_letter, read_grid};
use super::values::{self, Deadline};
use crate::model::{Category, FindingId, Status, Topic, TopicId};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How to read a ledger file.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The sheet to read (default: the first).
    pub sheet: Option<String>,
    /// `HEADER=FIELD` overrides of the header table.
    pub map: Vec<String>,
}

/// The values of one problem row. `None` means the ledger has no column for that field (the
/// finding keeps what it has); a column that is there but empty gives an empty value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowValues {
    /// Topics from the 所属领域 column.
    pub topics: Option<Vec<TopicId>>,
    /// The problem (问题表现).
    pub title: String,
    /// The detail column and every unmapped column, labelled.
    pub detail: Option<String>,
    /// 整改措施.
    pub measures: Option<String>,
    /// 整改目标.
    pub target: Option<String>,
    /// 整改时限.
    pub deadline: Option<Deadline>,
    /// 责任单位.
    pub owner_unit: Option<String>,
    /// 责任人.
    pub owner: Option<String>,
    /// 整改类别.
    pub category: Option<Option<Category>>,
    /// 完成情况 (`None` inside when the cell is empty).
    pub status: Option<Option<Status>>,
    /// 是否销号 (`None` when the column is missing or the cell empty).
    pub closed: Option<bool>,
    /// 销号日期, when given.
    pub closed_on: Option<NaiveDate>,
    /// 核验人, when given.
    pub verified_by: Option<String>,
}

/// One problem row of the ledger.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerRow {
    /// Its row number as Excel/WPS shows it.
    pub row: usize,
    /// Its key in the ledger: `序号:N`, or `fp:` and a fingerprint of its first cells.
    pub key: String,
    /// The finding's id, when the row carries one (a ledger written by export-table).
    pub id: Option<FindingId>,
    /// What it says.
    pub values: RowValues,
}

/// A ledger file as read.
#[derive(Clone, Debug, PartialEq)]
pub struct Ledger {
    /// The file.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// The sheet read.
    pub sheet: String,
    /// The title row's text (empty when the header is the first row).
    pub title: String,
    /// The reporting unit (填报单位), when the note rows name one.
    pub unit: String,
    /// The ledger's date (填报日期), when the note rows give one.
    pub date: Option<NaiveDate>,
    /// The header row and its mapping.
    pub mapping: Mapping,
    /// Every problem row that could be read.
    pub rows: Vec<LedgerRow>,
    /// Every row that could not, with the cell at fault.
    pub errors: Vec<RowError>,
    /// Data rows with content (read or not).
    pub row_count: usize,
}

impl Ledger {
    /// What identifies this ledger across edited copies: its title, else the file's name.
    pub fn identity(&self) -> String {
        if self.title.is_empty() {
            self.path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            self.title.clone()
        }
    }

    /// The file's name, for messages and the import log.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Reads the ledger at `path`, matching its topic column against `topics`.
pub fn read_ledger(path: &Path, options: &ReadOptions, topics: &[Topic]) -> Result<Ledger> {
    let format = Format::of(path).ok_or_else(|| LedgerError::UnknownFormat(path.to_owned()))?;
    let bytes = std::fs::read(path).map_err(|e| {
        LedgerError::Io(std::io::Error::new(
            e.kind(),
            format!("{e}: {}", path.display()),
        ))
    })?;
    let grid = read_grid(&bytes, format, options.sheet.as_deref(), path)?;
    let overrides = parse_overrides(&options.map)?;
    let mapping = find_header(&grid, &overrides, path)?;
    let (title, unit, date) = notes_above(&grid, mapping.header_row);
    let mut ledger = Ledger {
        path: path.to_owned(),
        sha256: crate::store::sha256_hex(&bytes),
        sheet: grid.sheet.clone(),
        title,
        unit,
        date,
        mapping,
        rows: Vec::new(),
        errors: Vec::new(),
        row_count: 0,
    };
    read_rows(&grid, &mut ledger, topics);
    Ok(ledger)
}

/// The title (the first row with text), the reporting unit and the date from the rows above
/// the header: "填报单位：市民政局　　填报日期：2026年3月1日".
fn notes_above(grid: &Grid, header_row: usize) -> (String, String, Option<NaiveDate>) {
    let (mut title, mut unit, mut date) = (String::new(), String::new(), None);
    for row in &grid.rows[..header_row] {
        let texts: Vec<String> = row
            .iter()
            .map(Cell::text)
            .filter(|t| !t.is_empty())
            .collect();
        if texts.is_empty() {
            continue;
        }
        if title.is_empty() {
            // A merged title fills every cell it covers: take it once.
            title = texts[0].clone();
            continue;
        }
        for (i, cell) in row.iter().enumerate() {
            if let Cell::Date(d) = cell {
                date = date.or(Some(*d));
            }
            let text = cell.text();
            if text.is_empty() || (i > 0 && row[i - 1].text() == text) {
                continue;
            }
            for part in text
                .split(['\u{3000}', ' ', '\t'])
                .filter(|p| !p.is_empty())
            {
                let (label, value) = match part.split_once(['：', ':']) {
                    Some((l, v)) => (l, v.trim()),
                    None => ("", part),
                };
                if label.contains("单位") && unit.is_empty() && !value.is_empty() {
                    unit = value.to_owned();
                } else if let Ok(d) = values::date(&Cell::Text(value.to_owned())) {
                    date = date.or(Some(d));
                }
            }
        }
    }
    (title, unit, date)
}

fn read_rows(grid: &Grid, ledger: &mut Ledger, topics: &[Topic]) {
    let mapping = ledger.mapping.clone();
    let col = |f: LedgerField| mapping.column_of(f).map(|c| c.index);
    let topic_col = col(LedgerField::Topic);
    // A ledger written by export-table (it has 系统编号) never merges cells: an empty domain
    // there means no topic.
    let inherit = !grid.merges_known && col(LedgerField::Id).is_none();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut last_topic = Cell::Empty;
    for r in mapping.header_row + 1..grid.rows.len() {
        let mut cells: Vec<Cell> = (0..grid.width()).map(|c| grid.cell(r, c).clone()).collect();
        // Without merge information (CSV, ODS), an empty domain cell continues the one above.
        if let Some(tc) = topic_col {
            if cells[tc].is_blank() && inherit {
                cells[tc] = last_topic.clone();
            }
            last_topic = cells[tc].clone();
        }
        let own: Vec<usize> = (0..cells.len())
            .filter(|c| Some(*c) != topic_col && !cells[*c].is_blank())
            .collect();
        if own.is_empty() {
            continue;
        }
        let row_number = r + 1;
        ledger.row_count += 1;
        let title_col = col(LedgerField::Title);
        let title = title_col.map(|c| cells[c].text()).unwrap_or_default();
        if title.is_empty() {
            // A note under the table ("注：…", "合计") is one cell, not a problem.
            if own.len() == 1 {
                ledger.row_count -= 1;
                continue;
            }
            ledger.errors.push(RowError {
                row: row_number,
                column: title_col.map(|c| label(&mapping, c)).unwrap_or_default(),
                problem: RowProblem::NoTitle,
            });
            continue;
        }
        let mut reader = RowReader {
            cells: &cells,
            mapping: &mapping,
            row: row_number,
            errors: Vec::new(),
        };
        let values = reader.values(topics);
        let id = reader.id();
        let key = match col(LedgerField::Seq).map(|c| cells[c].text()) {
            Some(seq) if !seq.is_empty() => format!("序号:{seq}"),
            _ => fingerprint(&cells, title_col.unwrap_or(0)),
        };
        let dup_key = id.map_or_else(|| key.clone(), |id| id.to_string());
        if let Some(first_row) = keys.get(&dup_key) {
            reader.errors.push(RowError {
                row: row_number,
                column: col(LedgerField::Seq)
                    .map(|c| label(&mapping, c))
                    .unwrap_or_default(),
                problem: RowProblem::DuplicateKey {
                    key: key.trim_start_matches("序号:").to_owned(),
                    first_row: *first_row,
                },
            });
        } else {
            keys.insert(dup_key, row_number);
        }
        if reader.errors.is_empty() {
            ledger.rows.push(LedgerRow {
                row: row_number,
                key,
                id,
                values,
            });
        } else {
            ledger.errors.extend(reader.errors);
        }
    }
}

/// `fp:` and 16 hex digits of SHA-256 over the row's first cells up to its problem column
/// (the domain and the problem, as offices order them): the cells that name the problem, not
/// the progress that later copies change.
fn fingerprint(cells: &[Cell], title_col: usize) -> String {
    let first: Vec<String> = cells
        .iter()
        .take(title_col + 1)
        .map(Cell::text)
        .filter(|t| !t.is_empty())
        .collect();
    let hash = crate::store::sha256_hex(first.join("\u{1f}").as_bytes());
    format!("fp:{}", &hash[..16])
}

/// `F 整改时限`: the column letter and its header.
fn label(mapping: &Mapping, col: usize) -> String {
    let header = mapping
        .columns
        .iter()
        .find(|c| c.index == col)
        .map(|c| c.header.as_str())
        .unwrap_or("");
    format!("{} {header}", column_letter(col)).trim().to_owned()
}

struct RowReader<'a> {
    cells: &'a [Cell],
    mapping: &'a Mapping,
    row: usize,
    errors: Vec<RowError>,
}

impl RowReader<'_> {
    fn cell(&self, field: LedgerField) -> Option<(usize, &Cell)> {
        let c = self.mapping.column_of(field)?.index;
        Some((c, self.cells.get(c).unwrap_or(&Cell::Empty)))
    }

    fn text(&self, field: LedgerField) -> Option<String> {
        self.cell(field).map(|(_, c)| c.text())
    }

    fn fail(&mut self, col: usize, problem: RowProblem) {
        self.errors.push(RowError {
            row: self.row,
            column: label(self.mapping, col),
            problem,
        });
    }

    /// Reads a cell with `parse`, recording an error (and giving `None`) when it fails.
    fn parsed<T>(
        &mut self,
        field: LedgerField,
        parse: impl Fn(&Cell) -> Result<T, String>,
        problem: fn(String) -> RowProblem,
    ) -> Option<T> {
        let (c, cell) = self.cell(field)?;
        match parse(cell) {
            Ok(v) => Some(v),
            Err(text) => {
                self.fail(c, problem(text));
                None
            }
        }
    }

    fn id(&self) -> Option<FindingId> {
        self.text(LedgerField::Id).and_then(|t| t.parse().ok())
    }

    fn values(&mut self, topics: &[Topic]) -> RowValues {
        let title = self.text(LedgerField::Title).unwrap_or_default();
        let topic_ids = match self.cell(LedgerField::Topic) {
            None => None,
            Some((c, cell)) => {
                let mut ids = Vec::new();
                for name in split_names(&cell.text()) {
                    match match_topic(&name, topics) {
                        Some(id) if !ids.contains(&id) => ids.push(id),
                        Some(_) => {}
                        None => self.fail(c, RowProblem::UnknownTopic(name)),
                    }
                }
                Some(ids)
            }
        };
        RowValues {
            topics: topic_ids,
            title,
            detail: self.detail(),
            measures: self.text(LedgerField::Measures),
            target: self.text(LedgerField::Target),
            deadline: self.parsed(LedgerField::Deadline, values::deadline, RowProblem::BadDate),
            owner_unit: self.text(LedgerField::OwnerUnit),
            owner: self.text(LedgerField::Owner),
            category: self.parsed(
                LedgerField::Category,
                |c| values::category(&c.text()),
                RowProblem::BadCategory,
            ),
            status: self.parsed(
                LedgerField::Status,
                |c| values::status(&c.text()),
                RowProblem::BadStatus,
            ),
            closed: self
                .parsed(
                    LedgerField::Closed,
                    |c| values::yes_no(&c.text()),
                    RowProblem::BadYesNo,
                )
                .flatten(),
            closed_on: self
                .parsed(
                    LedgerField::ClosedOn,
                    |c| {
                        if c.is_blank() {
                            Ok(None)
                        } else {
                            values::date(c).map(Some)
                        }
                    },
                    RowProblem::BadDate,
                )
                .flatten(),
            verified_by: self.text(LedgerField::VerifiedBy).filter(|t| !t.is_empty()),
        }
    }

    /// The detail column's text, then every unmapped column as `header：text`, so no text is
    /// lost; `None` when the ledger has neither.
    fn detail(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        if let Some(text) = self.text(LedgerField::Detail).filter(|t| !t.is_empty()) {
            parts.push(text);
        }
        for column in self.mapping.columns.iter().filter(|c| c.field.is_none()) {
            let text = self
                .cells
                .get(column.index)
                .map(Cell::text)
                .unwrap_or_default();
            if !text.is_empty() {
                parts.push(format!("{}：{text}", column.header));
            }
        }
        let has_column = self.mapping.column_of(LedgerField::Detail).is_some()
            || self.mapping.columns.iter().any(|c| c.field.is_none());
        has_column.then(|| parts.join("\n"))
    }
}

/// The names in a topic cell: "养老服务、社会救助".
fn split_names(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ';', '；', '/', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The topic named `name` by its Chinese name, code or English name, also written with a
/// suffix such as 领域 or 工作 ("养老服务领域").
pub fn match_topic(name: &str, topics: &[Topic]) -> Option<TopicId> {
    let live = || topics.iter().filter(|t| !t.meta.is_deleted());
    let exact = |n: &str| {
        live()
            .find(|t| {
                t.name_zh == n
                    || t.code.eq_ignore_ascii_case(n)
                    || t.name_en.eq_ignore_ascii_case(n)
            })
            .map(|t| t.id)
    };
    if let Some(id) = exact(name) {
        return Some(id);
    }
    for suffix in ["领域", "工作", "方面", "类", "问题"] {
        if let Some(id) = name.strip_suffix(suffix).and_then(exact) {
            return Some(id);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_with_a_suffix_are_matched() {
        let topics = crate::model::builtin_topics();
        let care = topics.iter().find(|t| t.name_zh == "养老服务").unwrap().id;
        assert_eq!(match_topic("养老服务", &topics), Some(care));
        assert_eq!(match_topic("养老服务领域", &topics), Some(care));
        assert_eq!(match_topic("elderly-care", &topics), Some(care));
        assert_eq!(match_topic("天文观测", &topics), None);
    }
}
