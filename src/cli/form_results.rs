//! `zoufang form results FORM [--format text|json|csv|xlsx] [--out FILE] [filters]`: a form's
//! results over the responses on the visits the summary's filters select — counts per choice
//! and number statistics (text, JSON), or the responses exported as KoboToolbox does (CSV,
//! XLSX with the repeats and the results).

use super::summary::FilterArgs;
use super::{CliError, Context};
use crate::forms::answers::FormIndex;
use crate::forms::results::FormResults;
use crate::forms::results_store::{stored_export_responses, stored_results};
use crate::forms::{FormDefinition, write_csv, write_xlsx};
use crate::i18n::Lang;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// How to print or write a form's results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ResultsFormat {
    /// A table per question, for a terminal.
    Text,
    /// `{"responses":N,"questions":[{"name","type","counts","stats"}]}`.
    Json,
    /// The responses, one row each (UTF-8 with BOM).
    Csv,
    /// The responses, one sheet per repeat and the results (needs --out).
    Xlsx,
}

/// The arguments of `zoufang form results`.
#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// The form: a form record's id or its `form_id` (every version's responses count).
    #[arg(value_name = "FORM")]
    form: String,
    /// Output format (`--json` alone is the same as `--format json`).
    #[arg(long, value_enum, default_value_t = ResultsFormat::Text)]
    format: ResultsFormat,
    /// Write to this file instead of the terminal (required for xlsx).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    filters: FilterArgs,
}

/// Runs `zoufang form results`.
pub fn run(ctx: &Context, args: &ResultsArgs) -> Result<(), CliError> {
    let format = if ctx.json && args.format == ResultsFormat::Text {
        ResultsFormat::Json
    } else {
        args.format
    };
    if format == ResultsFormat::Xlsx && args.out.is_none() {
        return Err(CliError::NeedsOut("xlsx"));
    }
    if let Some(out) = &args.out {
        crate::paths::check_output(out, ctx.store.path(), args.force)?;
    }
    let form = ctx.store.resolve_form(&args.form)?;
    let def = &form.definition;
    let visits = args.filters.filter(ctx)?.visit_filter();
    let bytes = match format {
        ResultsFormat::Text | ResultsFormat::Json => {
            let results = stored_results(&ctx.store, def, &visits)?;
            if format == ResultsFormat::Json {
                let mut json = serde_json::to_string_pretty(&results)?;
                json.push('\n');
                json.into_bytes()
            } else {
                text(def, &results, ctx.lang).into_bytes()
            }
        }
        ResultsFormat::Csv => {
            let responses = stored_export_responses(&ctx.store, def, &visits)?;
            write_csv(def, &responses).into_bytes()
        }
        ResultsFormat::Xlsx => {
            let results = stored_results(&ctx.store, def, &visits)?;
            let responses = stored_export_responses(&ctx.store, def, &visits)?;
            write_xlsx(def, &responses, &results, ctx.lang).map_err(CliError::Form)?
        }
    };
    // `--out` was checked against the output-path rule before the work.
    super::summary::write_document(ctx, args.out.as_deref(), &bytes)
}

/// Columns a text takes in a terminal (Chinese characters take two).
fn columns(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(columns(text))))
}

fn number(v: Option<f64>) -> String {
    v.map_or_else(
        || "—".to_owned(),
        |v| format!("{}", (v * 100.0).round() / 100.0),
    )
}

/// The results for a terminal: per question its label, then a line per choice (count, and
/// share of the responses outside repeats) or the number statistics.
fn text(def: &FormDefinition, results: &FormResults, lang: Lang) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "{}（{}）：共 {} 份回答\n",
            def.title, def.form_id, results.responses
        ),
        Lang::En => writeln!(
            out,
            "{} ({}): {} responses\n",
            def.title, def.form_id, results.responses
        ),
    };
    let share = |n: usize| {
        if results.responses == 0 {
            String::new()
        } else {
            format!("{:5.1} %", n as f64 * 100.0 / results.responses as f64)
        }
    };
    let index = FormIndex::new(def);
    for result in &results.questions {
        let question = def.question(&result.name);
        // Inside a repeat a choice is counted per row, so a share of the responses means nothing.
        let in_repeat = index
            .questions
            .get(result.name.as_str())
            .is_some_and(|(_, chain)| !chain.is_empty());
        let label = question.map_or(result.name.as_str(), |q| def.label(q, lang));
        let _ = writeln!(out, "{label}  [{} · {}]", result.name, result.kind);
        if let (Some(counts), Some(q)) = (&result.counts, question) {
            let choices = def.choices_of(q);
            let mut lines: Vec<(String, usize)> = choices
                .iter()
                .filter_map(|c| {
                    let label = c
                        .label
                        .pick(lang, def.default_language.as_deref())
                        .unwrap_or(&c.name);
                    counts.get(&c.name).map(|n| (label.to_owned(), *n))
                })
                .collect();
            lines.extend(
                counts
                    .iter()
                    .filter(|(name, _)| !choices.iter().any(|c| &c.name == *name))
                    .map(|(name, n)| (name.clone(), *n)),
            );
            let width = lines.iter().map(|(l, _)| columns(l)).max().unwrap_or(0);
            for (label, n) in lines {
                let share = if in_repeat { String::new() } else { share(n) };
                let _ = writeln!(out, "    {}  {n:>6}  {share}", pad(&label, width));
            }
        }
        if let Some(stats) = &result.stats {
            let _ = writeln!(
                out,
                "    n {}  {} {}  {} {}  {} {}",
                stats.n,
                lang.pick("最小", "min"),
                number(stats.min),
                lang.pick("最大", "max"),
                number(stats.max),
                lang.pick("平均", "mean"),
                number(stats.mean),
            );
        }
    }
    out
}
