//! `zoufang summary [filters] [--format …] [--out FILE]`: the progress-report figures, per topic
//! and overall, as text, JSON or a document.

use super::{CliError, Context, date_arg, id_arg};
use crate::report::{self, ExportFormat, FIGURES, PublicFormat, Summary, SummaryFilter};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// How to print or write the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// The figures, the table by topic and the paragraph, for a terminal.
    Text,
    /// The figures as JSON (totals at the top level, `by_topic`, `by_region`, `by_owner_unit`).
    Json,
    /// The problem list as CSV (UTF-8 with BOM).
    Csv,
    /// An Excel workbook (needs --out).
    Xlsx,
    /// A Word document (needs --out).
    Docx,
    /// The whole summary as Markdown.
    Md,
    /// A standalone HTML page (with --public only).
    Html,
}

/// The filters of a summary (and of the ledger it exports): which visits count.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// A topic (code or name; its subtopics count too). Repeat for several.
    #[arg(long = "topic", value_name = "TOPIC")]
    topics: Vec<String>,
    /// Visits on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Visits on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Visits of this research subject (id).
    #[arg(long, value_name = "ID")]
    subject: Option<String>,
    /// Visits whose region contains this text.
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// Visits this person went on.
    #[arg(long, value_name = "N")]
    investigator: Option<String>,
}

impl FilterArgs {
    /// The summary filter these arguments name, topics resolved in the open database.
    pub fn filter(&self, ctx: &Context) -> Result<SummaryFilter, CliError> {
        Ok(SummaryFilter {
            topics: self
                .topics
                .iter()
                .map(|t| ctx.store.resolve_topic(t))
                .collect::<Result<_, _>>()?,
            since: date_arg(self.since.as_ref())?,
            until: date_arg(self.until.as_ref())?,
            subject: self.subject.as_deref().map(id_arg).transpose()?,
            region: self.region.clone(),
            investigator: self.investigator.clone(),
        })
    }
}

/// The arguments of `zoufang summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// Judge "overdue" as of this day instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Output format (`--json` alone is the same as `--format json`).
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    format: SummaryFormat,
    /// Write to this file instead of the terminal (required for xlsx and docx).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long)]
    force: bool,
    /// The public version to publish: the problem list without names, phone or ID numbers
    /// (formats csv, xlsx, md — the default — html, json).
    #[arg(long)]
    public: bool,
}

/// Runs `zoufang summary`.
pub fn run(ctx: &Context, args: &SummaryArgs) -> Result<(), CliError> {
    // `--json` asks for JSON unless another format is named.
    let format = if ctx.json && args.format == SummaryFormat::Text {
        SummaryFormat::Json
    } else {
        args.format
    };
    if args.public {
        return public(ctx, args, format);
    }
    let export = match format {
        SummaryFormat::Html => {
            return Err(CliError::Unsupported(
                ctx.lang
                    .pick(
                        "html 格式仅用于公开版（--public）",
                        "the html format is for the public version only (--public)",
                    )
                    .to_owned(),
            ));
        }
        SummaryFormat::Text | SummaryFormat::Json => None,
        SummaryFormat::Csv => Some(ExportFormat::Csv),
        SummaryFormat::Xlsx => Some(ExportFormat::Xlsx),
        SummaryFormat::Docx => Some(ExportFormat::Docx),
        SummaryFormat::Md => Some(ExportFormat::Markdown),
    };
    if let Some(export) = export.filter(|e| e.is_binary())
        && args.out.is_none()
    {
        return Err(CliError::NeedsOut(export.extension()));
    }
    let (filter, today) = scope(ctx, args)?;

    let bytes = match export {
        Some(export) => {
            let report = report::report(&ctx.store, &filter, today)?;
            report::export(&report, export, ctx.lang)?
        }
        None => {
            let summary = report::summarize(&ctx.store, &filter, today)?;
            match format {
                SummaryFormat::Json => {
                    let mut json = serde_json::to_string_pretty(&summary)?;
                    json.push('\n');
                    json.into_bytes()
                }
                _ => super::terminal::sanitize(&text(&summary, ctx.lang))
                    .into_owned()
                    .into_bytes(),
            }
        }
    };
    write_out(ctx, args, &bytes)
}

/// The filter and the "as of" day the arguments give.
fn scope(
    ctx: &Context,
    args: &SummaryArgs,
) -> Result<(SummaryFilter, chrono::NaiveDate), CliError> {
    let filter = args.filters.filter(ctx)?;
    let today = date_arg(args.as_of.as_ref())?.unwrap_or_else(|| chrono::Local::now().date_naive());
    Ok((filter, today))
}

/// `zoufang summary --public`: the redacted problem list.
fn public(ctx: &Context, args: &SummaryArgs, format: SummaryFormat) -> Result<(), CliError> {
    let public_format = match format {
        SummaryFormat::Text | SummaryFormat::Md => Some(PublicFormat::Markdown),
        SummaryFormat::Csv => Some(PublicFormat::Csv),
        SummaryFormat::Xlsx => Some(PublicFormat::Xlsx),
        SummaryFormat::Html => Some(PublicFormat::Html),
        SummaryFormat::Json => None,
        SummaryFormat::Docx => {
            return Err(CliError::Unsupported(
                ctx.lang
                    .pick(
                        "公开版可导出为 csv、xlsx、md、html 或 json",
                        "the public version is written as csv, xlsx, md, html or json",
                    )
                    .to_owned(),
            ));
        }
    };
    if public_format == Some(PublicFormat::Xlsx) && args.out.is_none() {
        return Err(CliError::NeedsOut("xlsx"));
    }
    let (filter, today) = scope(ctx, args)?;
    let list = report::public_report(&ctx.store, &filter, today, ctx.lang)?;
    let bytes = match public_format {
        Some(f) => report::export_public(&list, f)?,
        None => {
            let mut json = serde_json::to_string_pretty(&list)?;
            json.push('\n');
            json.into_bytes()
        }
    };
    write_out(ctx, args, &bytes)
}

/// Writes `bytes` to `--out` or the terminal.
fn write_out(ctx: &Context, args: &SummaryArgs, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(path) = &args.out {
        crate::paths::check_output(path, ctx.store.path(), args.force)?;
    }
    write_document(ctx, args.out.as_deref(), bytes)
}

/// Writes a document to `out` (already checked against the output-path rule), or shows it on
/// the terminal.
pub(super) fn write_document(
    ctx: &Context,
    out: Option<&std::path::Path>,
    bytes: &[u8],
) -> Result<(), CliError> {
    match out {
        Some(path) => {
            crate::paths::write_atomically(path, bytes)
                .map_err(|e| CliError::Write(path.to_owned(), e))?;
            if !ctx.json {
                outln!(
                    "{}{}",
                    ctx.lang.pick("已导出：", "Written: "),
                    path.display()
                );
            }
        }
        None => {
            use std::io::{IsTerminal, Write};
            let mut stdout = std::io::stdout().lock();
            // A document shown on a terminal (csv, md, json) is text from records: nothing in
            // it may drive the terminal. Piped to a file or a program, it stays exact.
            match std::str::from_utf8(bytes) {
                Ok(text) if stdout.is_terminal() => {
                    stdout.write_all(super::terminal::sanitize(text).as_bytes())?;
                }
                _ => stdout.write_all(bytes)?,
            }
        }
    }
    Ok(())
}

/// The summary for a terminal: scope, figures, the table by topic, the paragraph.
fn text(s: &Summary, lang: crate::i18n::Lang) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{}", s.filter.describe(lang));
    let _ = writeln!(
        out,
        "{}{}\n",
        lang.pick("统计截至：", "As of: "),
        lang.date(s.as_of)
    );
    // Chinese characters take two columns in a terminal.
    let columns =
        |text: &str| -> usize { text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum() };
    let width = FIGURES
        .iter()
        .map(|d| columns(d.label(lang)))
        .max()
        .unwrap_or(0);
    for def in FIGURES {
        let label = def.label(lang);
        let pad = width.saturating_sub(columns(label));
        let _ = writeln!(out, "{label}{}  {}", " ".repeat(pad), (def.get)(&s.totals));
    }
    let _ = writeln!(out, "\n{}", lang.pick("分专题：", "By topic:"));
    let _ = writeln!(
        out,
        "{}",
        [
            lang.pick("专题", "topic"),
            lang.pick("走访", "visits"),
            lang.pick("单位", "units"),
            lang.pick("群众", "people"),
            lang.pick("问题", "problems"),
            lang.pick("立行立改", "at once"),
            lang.pick("阶段性", "phased"),
            lang.pick("长期", "long-term"),
            lang.pick("已销号", "closed"),
            lang.pick("逾期", "overdue"),
        ]
        .join("\t")
    );
    for t in &s.by_topic {
        let f = &t.figures;
        let _ = writeln!(
            out,
            "{}{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            "  ".repeat(t.depth),
            t.name(lang),
            f.visits,
            f.units_visited,
            f.people_interviewed,
            f.problems,
            f.immediate,
            f.phased,
            f.long_term,
            f.closed,
            f.overdue
        );
    }
    let _ = writeln!(out, "\n{}", report::paragraph(s, lang));
    out
}
