//! `zoufang response add|edit|delete|restore|list|show`: filling forms on visits.

use super::form::{read_answers_from, refuse};
use super::form_json;
use super::{CliError, Context, id_arg};
use crate::forms::response::{Saved, add_response, answers_of, edit_response};
use crate::forms::{Answer, Answers, FormDefinition, Question, QuestionType};
use crate::i18n::Lang;
use crate::model::{ResponseId, VisitId};
use crate::store::{RecordKind, ResponseFilter, StoreError};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::PathBuf;

/// The `response` subcommands.
#[derive(Debug, Subcommand)]
pub enum ResponseCommand {
    /// Fill a form on a visit; prints the response's id. Refused, naming every rule broken,
    /// when the answers break the form's rules; a failing checklist item raises a problem.
    Add {
        /// The form: an id, or a form_id for its newest version.
        #[arg(long, value_name = "FORM")]
        form: String,
        /// The visit's id.
        #[arg(long, value_name = "ID")]
        visit: String,
        /// The answers.
        #[command(flatten)]
        answers: AnswerArgs,
    },
    /// Change answers of a response (the whole response is checked again).
    Edit {
        /// The response's id.
        id: String,
        /// The answers to change.
        #[command(flatten)]
        answers: AnswerArgs,
    },
    /// Move a response to the Trash.
    Delete {
        /// The response's id.
        id: String,
    },
    /// Take a response back out of the Trash.
    Restore {
        /// The response's id.
        id: String,
    },
    /// List responses, of one form or on one visit.
    List {
        /// Only responses to this form (an id, or a form_id for its newest version).
        #[arg(long, value_name = "FORM")]
        form: Option<String>,
        /// Only responses on this visit.
        #[arg(long, value_name = "ID")]
        visit: Option<String>,
    },
    /// Show a response with its answers.
    Show {
        /// The response's id.
        id: String,
    },
}

/// Answers given on the command line.
#[derive(Debug, Args)]
pub struct AnswerArgs {
    /// One answer (select_multiple values space-separated, as in XForms); repeatable.
    #[arg(long = "answer", value_name = "NAME=VALUE")]
    answer: Vec<String>,
    /// Answers as JSON, repeats as lists of rows: `{"name": "value", "repeat": [{…}, …]}`;
    /// `--answer` values are applied over it.
    #[arg(long, value_name = "FILE.json")]
    answers: Option<PathBuf>,
}

impl ResponseCommand {
    /// True for the subcommands that only read.
    pub fn only_reads(&self) -> bool {
        matches!(
            self,
            ResponseCommand::List { .. } | ResponseCommand::Show { .. }
        )
    }
}

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Runs a `response` subcommand.
pub fn run(ctx: &mut Context, cmd: &ResponseCommand) -> Result<(), CliError> {
    match cmd {
        ResponseCommand::Add {
            form,
            visit,
            answers,
        } => {
            let form = ctx.store.resolve_form(form)?;
            let visit = ctx.store.visit(id_arg::<VisitId>(visit)?)?;
            if visit.meta.is_deleted() {
                return Err(StoreError::NotFound {
                    kind: "visit",
                    id: visit.id.to_string(),
                }
                .into());
            }
            let given = read_answers_from(answers.answers.as_deref(), &answers.answer, ctx.lang)?;
            let saved = add_response(&mut ctx.store, &form, visit.id, given, now());
            print_saved(ctx, saved)
        }
        ResponseCommand::Edit { id, answers } => {
            let id = response_id(ctx, id)?;
            let given = read_answers_from(answers.answers.as_deref(), &answers.answer, ctx.lang)?;
            let saved = edit_response(&mut ctx.store, id, given, now());
            print_saved(ctx, saved)
        }
        ResponseCommand::Delete { id } => {
            let id = response_id(ctx, id)?;
            ctx.store.delete(&id.to_string())?;
            super::visit::print_id(ctx, &id.to_string())
        }
        ResponseCommand::Restore { id } => {
            let id = response_id(ctx, id)?;
            ctx.store.restore(&id.to_string())?;
            super::visit::print_id(ctx, &id.to_string())
        }
        ResponseCommand::List { form, visit } => list(ctx, form.as_deref(), visit.as_deref()),
        ResponseCommand::Show { id } => show(ctx, id),
    }
}

/// Reads a response id, refusing one of another kind of record.
fn response_id(ctx: &Context, text: &str) -> Result<ResponseId, CliError> {
    let id: ResponseId = id_arg(text)?;
    if ctx.store.kind_of(&id.to_string())? != RecordKind::Response {
        return Err(StoreError::NotFound {
            kind: "response",
            id: id.to_string(),
        }
        .into());
    }
    Ok(id)
}

fn print_saved(
    ctx: &Context,
    saved: Result<Saved, crate::forms::FormError>,
) -> Result<(), CliError> {
    let saved = match saved {
        Ok(saved) => saved,
        Err(err) => return refuse(err, ctx.lang, ctx.json),
    };
    if ctx.json {
        return ctx.print_json(&json!({
            "id": saved.id,
            "findings_created": saved.findings_created,
        }));
    }
    // The id alone on stdout (scripts read it); the problems raised, by title, on stderr.
    for id in &saved.findings_created {
        let title = ctx.store.finding(*id).map(|f| f.title).unwrap_or_default();
        eprintln!(
            "{}{title}  {id}",
            ctx.lang.pick("已登记问题：", "Problem raised: ")
        );
    }
    outln!("{}", saved.id);
    Ok(())
}

fn list(ctx: &Context, form: Option<&str>, visit: Option<&str>) -> Result<(), CliError> {
    let mut filter = ResponseFilter::default();
    if let Some(form) = form {
        filter.forms.push(ctx.store.resolve_form(form)?.id);
    }
    if let Some(visit) = visit {
        filter.visit = Some(ctx.store.visit(id_arg::<VisitId>(visit)?)?.id);
    }
    let responses = ctx.store.responses(&filter)?;
    if ctx.json {
        let list: Vec<_> = responses
            .iter()
            .map(|r| {
                let form = ctx.store.form(r.form).ok();
                json!({
                    "id": r.id,
                    "form": r.form,
                    "form_id": form.as_ref().map(|f| f.form_id.clone()),
                    "title": form.as_ref().map(|f| f.title.clone()),
                    "version": form.as_ref().map(|f| f.version.clone()),
                    "visit_id": r.visit_id,
                    "complete": r.complete,
                    "created_at": super::json::time(r.meta.created_at),
                    "updated_by": r.meta.updated_by,
                })
            })
            .collect();
        return ctx.print_json(&list);
    }
    for r in &responses {
        let title = ctx.store.form(r.form).map(|f| f.title).unwrap_or_default();
        let at = r
            .meta
            .created_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        outln!("{}\t{title}\t{}\t{at}", r.id, r.visit_id);
    }
    Ok(())
}

fn show(ctx: &Context, id: &str) -> Result<(), CliError> {
    let id = response_id(ctx, id)?;
    let response = ctx.store.response(id)?;
    if ctx.json {
        return ctx.print_json(&form_json::response(&ctx.store, &response)?);
    }
    let form = ctx.store.form(response.form)?;
    let answers = answers_of(&ctx.store, id)?.answers;
    let version = &form.version;
    match ctx.lang {
        Lang::Zh => outln!(
            "{}（版本 {version}）\t走访 {}",
            form.title,
            response.visit_id
        ),
        Lang::En => outln!(
            "{} (version {version})\tvisit {}",
            form.title,
            response.visit_id
        ),
    }
    print_answers(
        &form.definition,
        &form.definition.questions,
        &answers,
        ctx.lang,
        1,
    )
}

/// Prints the answers in survey order under their labels, groups and repeat rows indented.
fn print_answers(
    def: &FormDefinition,
    questions: &[Question],
    answers: &Answers,
    lang: Lang,
    depth: usize,
) -> Result<(), CliError> {
    let indent = "  ".repeat(depth);
    for q in questions {
        let label = def.label(q, lang);
        match (q.kind, answers.get(&q.name)) {
            (QuestionType::Group, _) => {
                outln!("{indent}{label}");
                print_answers(def, &q.children, answers, lang, depth + 1)?;
            }
            (QuestionType::Repeat, Some(Answer::Rows(rows))) => {
                for (i, row) in rows.iter().enumerate() {
                    outln!("{indent}{label} #{}", i + 1);
                    print_answers(def, &q.children, row, lang, depth + 1)?;
                }
            }
            (_, Some(Answer::Text(value))) if !value.is_empty() => {
                let shown = choice_labels(def, q, value, lang);
                outln!("{indent}{label}{}{shown}", lang.pick("：", ": "));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A select answer as its choices' labels; any other answer as it is.
fn choice_labels(def: &FormDefinition, q: &Question, value: &str, lang: Lang) -> String {
    let choices = def.choices_of(q);
    if choices.is_empty() {
        return value.to_owned();
    }
    value
        .split_whitespace()
        .map(|name| {
            choices
                .iter()
                .find(|c| c.name == name)
                .and_then(|c| c.label.pick(lang, def.default_language.as_deref()))
                .unwrap_or(name)
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}
