//! `zoufang import-table` and `zoufang export-table`: office ledgers (问题清单 / 整改台账) in
//! and out.

use super::{CliError, Context, id_arg};
use crate::i18n::Localized;
use crate::ledger::{self, ExportFormat, ImportOptions, ImportReport, ReadOptions};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

/// What ledger to import, and how.
#[derive(Debug, Args)]
pub struct ImportTableArgs {
    /// The ledger: .xlsx, .xls, .ods or .csv (UTF-8 or GBK).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Map a header to a field (seq, topic, title, detail, measures, target, deadline,
    /// owner_unit, owner, category, status, closed, closed_on, verified_by; `-` ignores it).
    /// Repeat for several.
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    map: Vec<String>,
    /// Put new rows on this visit (default: one visit per ledger).
    #[arg(long, value_name = "ID")]
    visit: Option<String>,
    /// Only show what would be created, updated and refused; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import the rows that can be read and list the others (default: refuse the file).
    #[arg(long)]
    skip_bad_rows: bool,
}

impl ImportTableArgs {
    /// True for a preview (a read-only database will do).
    pub fn only_reads(&self) -> bool {
        self.dry_run
    }
}

/// Where and what to export.
#[derive(Debug, Args)]
pub struct ExportTableArgs {
    /// The file to write: .xlsx or .csv.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
    /// The summary's filters.
    #[command(flatten)]
    filters: super::summary::FilterArgs,
}

/// Runs `zoufang import-table`; a ledger with unreadable rows (and no `--skip-bad-rows`)
/// prints every error and fails with nothing written.
pub fn import(ctx: &mut Context, args: &ImportTableArgs) -> Result<(), CliError> {
    let options = ImportOptions {
        read: ReadOptions {
            sheet: args.sheet.clone(),
            map: args.map.clone(),
        },
        visit: args.visit.as_deref().map(id_arg).transpose()?,
        dry_run: args.dry_run,
        skip_bad_rows: args.skip_bad_rows,
        today: None,
    };
    let report = ledger::import_ledger(&mut ctx.store, &args.file, &options)?;
    if ctx.json {
        ctx.print_json(&report_json(&report, ctx.lang))?;
    } else {
        print_report(ctx, &report)?;
    }
    // A preview of a ledger with errors fails too: the same file would be refused.
    if !report.errors.is_empty() && !args.skip_bad_rows {
        return Err(ledger::LedgerError::BadRows(report.errors).into());
    }
    Ok(())
}

/// The `--json` shape: `{"rows","created","updated","unchanged","skipped","mapping","errors"}`
/// and, beside them, what a script may also want.
fn report_json(report: &ImportReport, lang: crate::i18n::Lang) -> serde_json::Value {
    let errors: Vec<serde_json::Value> = report
        .errors
        .iter()
        .map(|e| json!({"row": e.row, "column": e.column, "message": e.problem.localized(lang)}))
        .collect();
    json!({
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
        "mapping": report.mapping,
        "errors": errors,
        "ledger": report.ledger,
        "header_row": report.header_row,
        "dry_run": report.dry_run,
        "written": report.written,
        "backup": report.backup,
    })
}

fn print_report(ctx: &Context, report: &ImportReport) -> Result<(), CliError> {
    let lang = ctx.lang;
    if report.dry_run {
        outln!(
            "{}",
            lang.pick("预览（未写入任何内容）：", "Preview (nothing was written):")
        );
    }
    outln!("{}{}", lang.pick("台账：", "Ledger: "), report.ledger);
    outln!(
        "{}",
        match lang {
            crate::i18n::Lang::Zh => format!("表头在第 {} 行：", report.header_row),
            crate::i18n::Lang::En => format!("Header in row {}:", report.header_row),
        }
    );
    for column in &report.columns {
        let field = column.field.map_or(
            lang.pick("（记入问题详情）", "(kept in the detail)"),
            |f| f.code(),
        );
        outln!(
            "  {} {} → {field}",
            ledger::sheet::column_letter(column.index),
            column.header
        );
    }
    outln!(
        "{}\t{}\t{}\t{}\t{}",
        lang.pick("行数", "rows"),
        lang.pick("新增", "created"),
        lang.pick("更新", "updated"),
        lang.pick("未变", "unchanged"),
        lang.pick("跳过", "skipped")
    );
    outln!(
        "{}\t{}\t{}\t{}\t{}",
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
        report.skipped
    );
    for error in &report.errors {
        outln!("{}", error.line(lang));
    }
    if let Some(backup) = &report.backup {
        outln!(
            "{}{}",
            lang.pick("导入前已备份：", "Backup taken first: "),
            backup.display()
        );
    }
    Ok(())
}

/// Runs `zoufang export-table`.
pub fn export(ctx: &Context, args: &ExportTableArgs) -> Result<(), CliError> {
    let format = ExportFormat::of(&args.out).ok_or_else(|| {
        CliError::Unsupported(
            ctx.lang
                .pick(
                    "台账可导出为 .xlsx 或 .csv 文件",
                    "a ledger is written as a .xlsx or .csv file",
                )
                .to_owned(),
        )
    })?;
    let filter = args.filters.filter(ctx)?;
    crate::paths::check_output(&args.out, ctx.store.path(), args.force)?;
    let today = chrono::Local::now().date_naive();
    let bytes = ledger::export_ledger(&ctx.store, &filter, today, format)?;
    crate::paths::write_atomically(&args.out, &bytes)
        .map_err(|e| CliError::Write(args.out.clone(), e))?;
    if ctx.json {
        ctx.print_json(&json!({ "out": args.out }))
    } else {
        outln!(
            "{}{}",
            ctx.lang.pick("已导出：", "Written: "),
            args.out.display()
        );
        Ok(())
    }
}
