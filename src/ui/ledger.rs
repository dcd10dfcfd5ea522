//! The ledger import preview (File → 导入台账…): the detected header row, the mapping as
//! editable drop-downs, the first rows as they will be read and the errors by row, before
//! anything is written. Importing is left to the caller (the shell runs it on its worker), so
//! the preview itself never writes.

use crate::i18n::{Lang, Localized};
use crate::ledger::{ImportOptions, Ledger, LedgerField, ReadOptions, read_ledger, sheet};
use crate::model::Topic;
use std::path::{Path, PathBuf};

/// How many rows the preview shows.
const PREVIEW_ROWS: usize = 12;

/// What the user decided in the preview.
#[derive(Clone, Debug)]
pub enum LedgerPreviewAction {
    /// Import the file with these options.
    Import(PathBuf, Box<ImportOptions>),
    /// Close the preview without importing.
    Cancel,
}

/// The open preview of one ledger file.
pub struct LedgerPreview {
    path: PathBuf,
    topics: Vec<Topic>,
    /// Header (as written) → the field chosen for it (`None`: kept in the detail).
    overrides: Vec<(String, Option<LedgerField>)>,
    skip_bad_rows: bool,
    read: Result<Ledger, String>,
}

impl LedgerPreview {
    /// Reads `path` for the preview, matching topics against `topics`.
    pub fn open(path: &Path, topics: Vec<Topic>, lang: Lang) -> LedgerPreview {
        let mut preview = LedgerPreview {
            path: path.to_owned(),
            topics,
            overrides: Vec::new(),
            skip_bad_rows: false,
            read: Err(String::new()),
        };
        preview.reread(lang);
        preview
    }

    /// The ledger as read with the current mapping (or why it cannot be).
    pub fn ledger(&self) -> Result<&Ledger, &str> {
        self.read.as_ref().map_err(String::as_str)
    }

    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            sheet: None,
            map: self
                .overrides
                .iter()
                .map(|(header, field)| format!("{header}={}", field.map_or("-", |f| f.code())))
                .collect(),
        }
    }

    fn reread(&mut self, lang: Lang) {
        self.read = read_ledger(&self.path, &self.read_options(), &self.topics)
            .map_err(|e| e.localized(lang));
    }

    /// Shows the preview; returns what the user chose, if anything, this frame.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Option<LedgerPreviewAction> {
        self.body_ui(ui, lang);
        ui.separator();
        self.actions_ui(ui, lang)
    }

    /// The file, the header row, the mapping drop-downs, the first rows and the errors (a
    /// changed drop-down reads the file again).
    pub fn body_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let file = self
            .path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        ui.heading(format!(
            "{}{file}",
            lang.pick("导入台账：", "Import ledger: ")
        ));
        let mut changed: Option<(String, Option<LedgerField>)> = None;
        match &self.read {
            Err(message) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            Ok(ledger) => {
                ui.label(match lang {
                    Lang::Zh => format!(
                        "台账：{}　表头在第 {} 行　问题 {} 行",
                        ledger.identity(),
                        ledger.mapping.header_row + 1,
                        ledger.row_count
                    ),
                    Lang::En => format!(
                        "Ledger: {} · header in row {} · {} problem rows",
                        ledger.identity(),
                        ledger.mapping.header_row + 1,
                        ledger.row_count
                    ),
                });
                ui.separator();
                ui.label(lang.pick("列的对应（可修改）：", "Columns (change as needed):"));
                egui::Grid::new("ledger-mapping")
                    .striped(true)
                    .show(ui, |ui| {
                        for column in &ledger.mapping.columns {
                            let mut field = column.field;
                            let label =
                                format!("{} {}", sheet::column_letter(column.index), column.header);
                            egui::ComboBox::new(("ledger-field", column.index), label)
                                .selected_text(field_label(field, lang))
                                .show_ui(ui, |ui| {
                                    ui.selectable_value(&mut field, None, field_label(None, lang));
                                    for f in LedgerField::ALL {
                                        ui.selectable_value(
                                            &mut field,
                                            Some(*f),
                                            field_label(Some(*f), lang),
                                        );
                                    }
                                });
                            if field != column.field {
                                changed = Some((column.header.clone(), field));
                            }
                            ui.end_row();
                        }
                    });
                ui.separator();
                rows_ui(ui, ledger, lang);
                if !ledger.errors.is_empty() {
                    ui.separator();
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        match lang {
                            Lang::Zh => format!("{} 处无法读取：", ledger.errors.len()),
                            Lang::En => format!("{} cells cannot be read:", ledger.errors.len()),
                        },
                    );
                    for error in &ledger.errors {
                        ui.label(error.line(lang));
                    }
                    ui.checkbox(
                        &mut self.skip_bad_rows,
                        lang.pick(
                            "跳过无法读取的行，导入其余行",
                            "Skip these rows, import the rest",
                        ),
                    );
                }
            }
        }
        if let Some((header, field)) = changed {
            self.overrides.retain(|(h, _)| *h != header);
            self.overrides.push((header, field));
            self.reread(lang);
        }
    }

    /// The Import and Cancel buttons; Import waits until every row can be read or the user
    /// chose to skip the others.
    pub fn actions_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Option<LedgerPreviewAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            let can_import = self
                .read
                .as_ref()
                .is_ok_and(|l| l.errors.is_empty() || self.skip_bad_rows);
            if ui
                .add_enabled(can_import, egui::Button::new(lang.pick("导入", "Import")))
                .clicked()
            {
                let options = ImportOptions {
                    read: self.read_options(),
                    skip_bad_rows: self.skip_bad_rows,
                    ..ImportOptions::default()
                };
                action = Some(LedgerPreviewAction::Import(
                    self.path.clone(),
                    Box::new(options),
                ));
            }
            if ui.button(lang.pick("取消", "Cancel")).clicked() {
                action = Some(LedgerPreviewAction::Cancel);
            }
        });
        action
    }
}

/// The first rows as they will be read.
fn rows_ui(ui: &mut egui::Ui, ledger: &Ledger, lang: Lang) {
    ui.label(lang.pick("前几行将读作：", "The first rows will read as:"));
    egui::Grid::new("ledger-rows").striped(true).show(ui, |ui| {
        for header in [
            lang.pick("行", "Row"),
            lang.pick("问题", "Problem"),
            lang.pick("整改时限", "Deadline"),
            lang.pick("整改类别", "Category"),
            lang.pick("完成情况", "Status"),
        ] {
            ui.strong(header);
        }
        ui.end_row();
        for row in ledger.rows.iter().take(PREVIEW_ROWS) {
            let v = &row.values;
            ui.label(row.row.to_string());
            ui.label(&v.title);
            ui.label(match v.deadline {
                Some(crate::ledger::values::Deadline::Day(d)) => d.to_string(),
                Some(crate::ledger::values::Deadline::LongTerm) => {
                    lang.pick("长期", "long-term").to_owned()
                }
                _ => String::new(),
            });
            ui.label(v.category.flatten().map_or("", |c| c.label(lang)));
            let status = match (v.closed, v.status.flatten()) {
                (Some(true), _) => crate::model::Status::Closed.label(lang),
                (_, Some(s)) => s.label(lang),
                _ => "",
            };
            ui.label(status);
            ui.end_row();
        }
    });
}

/// A field as the drop-down shows it.
fn field_label(field: Option<LedgerField>, lang: Lang) -> String {
    match field {
        None => lang
            .pick("（记入问题详情）", "(kept in the detail)")
            .to_owned(),
        Some(f) => match lang {
            Lang::Zh => f.header().to_owned(),
            Lang::En => format!("{} ({})", f.header(), f.code()),
        },
    }
}
