//! `zoufang form check FILE|--builtin NAME [--answers FILE.json] [--answer NAME=VALUE]…` and
//! `zoufang form templates`: read an XLSForm workbook (and optionally check a response against
//! it) without touching the database.

use super::CliError;
use crate::forms::{
    Answer, Checked, FormDefinition, FormError, Question, Validator, answers_from_json, builtin,
    json::definition_json, read_file, read_workbook,
};
use crate::i18n::{Lang, Localized};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Read;
use std::path::PathBuf;

/// Largest answers file read, in bytes.
const MAX_ANSWERS_BYTES: u64 = 16 << 20;

/// The `form` subcommands.
#[derive(Debug, Subcommand)]
pub enum FormCommand {
    /// Read an XLSForm workbook and show its questions, or every problem with sheet, row and
    /// column; with answers, check a response against it.
    Check(CheckArgs),
    /// List the built-in templates.
    Templates,
    /// Import an XLSForm workbook (or a built-in template) as a form; prints its id. The same
    /// workbook again changes nothing; a newer `version` is a new form version.
    Import(super::form_records::ImportArgs),
    /// List the forms (every version).
    List,
    /// Show a form's questions (FORM: an id, or a form_id for its newest version).
    Show {
        /// The form's id or form_id.
        #[arg(value_name = "FORM")]
        form: String,
    },
    /// A form's results over the responses on the visits the filters select: counts per
    /// choice and number statistics, or the responses exported as CSV/XLSX.
    Results(super::form_results::ResultsArgs),
    /// Archive a form version: no longer offered for new responses, its responses kept and
    /// still counted; `--undo` offers it again.
    Archive {
        /// The form's id or form_id.
        #[arg(value_name = "FORM")]
        form: String,
        /// Offer the form again.
        #[arg(long)]
        undo: bool,
    },
}

impl FormCommand {
    /// True for the subcommands that work without a database.
    pub fn needs_no_database(&self) -> bool {
        matches!(self, FormCommand::Check(_) | FormCommand::Templates)
    }

    /// True for the subcommands that only read the database.
    pub fn only_reads(&self) -> bool {
        matches!(
            self,
            FormCommand::List | FormCommand::Show { .. } | FormCommand::Results(_)
        )
    }
}

/// What to check.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workbook (.xlsx or .xls).
    #[arg(
        value_name = "FILE",
        required_unless_present = "builtin",
        conflicts_with = "builtin"
    )]
    file: Option<PathBuf>,
    /// A built-in template by form id or Chinese title (see `form templates`).
    #[arg(long, value_name = "NAME")]
    builtin: Option<String>,
    /// Answers as JSON: `{"name": "value", "repeat": [{…}, …]}`.
    #[arg(long, value_name = "FILE.json")]
    answers: Option<PathBuf>,
    /// One answer (select_multiple space-separated); repeatable, applied after --answers.
    #[arg(long = "answer", value_name = "NAME=VALUE")]
    answer: Vec<String>,
}

/// Runs a `form` subcommand that needs no database.
pub fn run(cmd: &FormCommand, lang: Lang, as_json: bool) -> Result<(), CliError> {
    match cmd {
        FormCommand::Templates => templates(as_json),
        FormCommand::Check(args) => check(args, lang, as_json),
        _ => Ok(()),
    }
}

/// Runs a `form` subcommand on the open database.
pub fn run_on(ctx: &mut super::Context, cmd: &FormCommand) -> Result<(), CliError> {
    match cmd {
        FormCommand::Import(args) => super::form_records::import(ctx, args),
        FormCommand::List => super::form_records::list(ctx),
        FormCommand::Show { form } => super::form_records::show(ctx, form),
        FormCommand::Results(args) => super::form_results::run(ctx, args),
        FormCommand::Archive { form, undo } => super::form_records::archive(ctx, form, !*undo),
        FormCommand::Check(_) | FormCommand::Templates => Ok(()),
    }
}

fn templates(as_json: bool) -> Result<(), CliError> {
    if as_json {
        let list: Vec<_> = builtin::TEMPLATES
            .iter()
            .map(|(id, title, _)| json!({ "form_id": id, "title": title }))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    for (id, title, _) in builtin::TEMPLATES {
        outln!("{id}\t{title}");
    }
    Ok(())
}

fn load(args: &CheckArgs) -> Result<FormDefinition, FormError> {
    match (&args.builtin, &args.file) {
        (Some(name), _) => match builtin::template(name) {
            Some((id, bytes)) => read_workbook(bytes.to_vec(), id),
            None => Err(FormError::Workbook(vec![crate::forms::SheetProblem::new(
                "",
                None,
                None,
                format!("没有名为 {name} 的内置模板（可选：{}）", builtin::names()),
                format!(
                    "no built-in template {name} (there are: {})",
                    builtin::names()
                ),
            )])),
        },
        (None, Some(file)) => read_file(file),
        (None, None) => Err(FormError::Workbook(vec![crate::forms::SheetProblem::new(
            "",
            None,
            None,
            "请给出工作簿文件或 --builtin 名称",
            "give a workbook or --builtin NAME",
        )])),
    }
}

/// Prints the questions as an indented tree: name, type, label.
pub(super) fn print_tree(
    questions: &[Question],
    def: &FormDefinition,
    lang: Lang,
    depth: usize,
) -> Result<(), CliError> {
    for q in questions {
        let indent = "  ".repeat(depth);
        let kind = match &q.list_name {
            Some(list) => format!("{} {list}", q.kind.xlsform_name()),
            None => q.kind.xlsform_name().to_owned(),
        };
        outln!("{indent}{}\t{kind}\t{}", q.name, def.label(q, lang));
        print_tree(&q.children, def, lang, depth + 1)?;
    }
    Ok(())
}

fn read_answers(args: &CheckArgs, lang: Lang) -> Result<crate::forms::Answers, CliError> {
    read_answers_from(args.answers.as_deref(), &args.answer, lang)
}

/// Reads answers from a JSON file (if any), then `NAME=VALUE` pairs over them.
pub(super) fn read_answers_from(
    file: Option<&std::path::Path>,
    pairs: &[String],
    lang: Lang,
) -> Result<crate::forms::Answers, CliError> {
    let bad = |e: String| {
        CliError::Unsupported(format!(
            "{}{e}",
            lang.pick("答案无效：", "invalid answers: ")
        ))
    };
    let mut answers = match file {
        Some(path) => {
            let file = std::fs::File::open(path)?;
            let mut text = String::new();
            file.take(MAX_ANSWERS_BYTES).read_to_string(&mut text)?;
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
            answers_from_json(&value).map_err(bad)?
        }
        None => crate::forms::Answers::new(),
    };
    for pair in pairs {
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| bad(format!("{pair} (NAME=VALUE)")))?;
        answers.insert(name.trim().to_owned(), Answer::Text(value.to_owned()));
    }
    Ok(answers)
}

fn print_checked(checked: &Checked, lang: Lang, as_json: bool) -> Result<(), CliError> {
    if as_json {
        let findings: Vec<_> = checked
            .findings
            .iter()
            .map(|f| {
                json!({
                    "question": f.question,
                    "row": f.row,
                    "title": lang.pick(&f.title_zh, &f.title_en),
                    "category": f.category,
                    "topics": f.topics,
                })
            })
            .collect();
        let out = json!({ "valid": true, "answers": checked.answers, "findings": findings });
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    outln!(
        "{}",
        lang.pick("答案符合表单要求。", "The answers meet the form's rules.")
    );
    for f in &checked.findings {
        let title = lang.pick(&f.title_zh, &f.title_en);
        outln!(
            "{}{title}（{}）",
            lang.pick("将登记问题：", "Would raise a problem: "),
            f.question
        );
    }
    Ok(())
}

fn check(args: &CheckArgs, lang: Lang, as_json: bool) -> Result<(), CliError> {
    let def = match load(args) {
        Ok(def) => def,
        Err(err) => return refuse(err, lang, as_json),
    };
    if args.answers.is_none() && args.answer.is_empty() {
        if as_json {
            let mut out = definition_json(&def, lang);
            out["question_count"] = json!(def.question_count());
            outln!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }
        match lang {
            Lang::Zh => outln!(
                "{}（{}，版本 {}）：{} 道题",
                def.title,
                def.form_id,
                def.version,
                def.question_count()
            ),
            Lang::En => outln!(
                "{} ({}, version {}): {} questions",
                def.title,
                def.form_id,
                def.version,
                def.question_count()
            ),
        }
        return print_tree(&def.questions, &def, lang, 1);
    }
    let answers = read_answers(args, lang)?;
    let now = chrono::Local::now().naive_local();
    match Validator::new(&def, now).validate(&answers) {
        Ok(checked) => print_checked(&checked, lang, as_json),
        Err(err) => refuse(err, lang, as_json),
    }
}

/// Refuses with a form error: with `--json`, `{"errors":[…]}` on stdout first (one entry per
/// workbook problem or broken rule), then the error for stderr and exit 1.
pub(super) fn refuse<T>(err: FormError, lang: Lang, as_json: bool) -> Result<T, CliError> {
    if as_json {
        let errors: Option<Vec<_>> = match &err {
            FormError::Workbook(problems) => {
                Some(problems.iter().map(|p| p.to_json(lang)).collect())
            }
            FormError::Response(violations) => {
                Some(violations.iter().map(|v| v.to_json(lang)).collect())
            }
            FormError::Store(_) | FormError::Xlsx(_) => None,
        };
        if let Some(errors) = errors {
            outln!(
                "{}",
                serde_json::to_string_pretty(&json!({ "errors": errors }))?
            );
        }
    }
    Err(err.into())
}

impl From<FormError> for CliError {
    fn from(err: FormError) -> Self {
        CliError::Form(err)
    }
}

/// The localised text of a form error (one line per problem).
pub fn localized(err: &FormError, lang: Lang) -> String {
    err.localized(lang)
}
