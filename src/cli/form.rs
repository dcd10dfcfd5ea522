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

/// Runs a `form` subcommand.
pub fn run(cmd: &FormCommand, lang: Lang, as_json: bool) -> Result<(), CliError> {
    match cmd {
        FormCommand::Templates => templates(lang, as_json),
        FormCommand::Check(args) => check(args, lang, as_json),
    }
}

fn templates(lang: Lang, as_json: bool) -> Result<(), CliError> {
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
    let _ = lang;
    Ok(())
}

fn load(args: &CheckArgs, lang: Lang) -> Result<FormDefinition, FormError> {
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
            lang.pick(
                "请给出工作簿文件或 --builtin 名称",
                "give a workbook or --builtin NAME",
            ),
            lang.pick(
                "请给出工作簿文件或 --builtin 名称",
                "give a workbook or --builtin NAME",
            ),
        )])),
    }
}

fn print_tree(
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
    let bad = |e: String| {
        CliError::Unsupported(format!(
            "{}{e}",
            lang.pick("答案无效：", "invalid answers: ")
        ))
    };
    let mut answers = match &args.answers {
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
    for pair in &args.answer {
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
    let def = match load(args, lang) {
        Ok(def) => def,
        Err(err) => {
            if let (true, FormError::Workbook(problems)) = (as_json, &err) {
                let errors: Vec<_> = problems.iter().map(|p| p.to_json(lang)).collect();
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "errors": errors }))?
                );
            }
            return Err(err.into());
        }
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
        Err(err) => {
            if let (true, FormError::Response(violations)) = (as_json, &err) {
                let errors: Vec<_> = violations.iter().map(|v| v.to_json(lang)).collect();
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "errors": errors }))?
                );
            }
            Err(err.into())
        }
    }
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
