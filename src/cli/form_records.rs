//! `zoufang form import FILE|--builtin NAME [--subject ID]`, `form list`, `form show FORM` and
//! `form archive FORM [--undo]`: forms kept in the database.

use super::form::{print_tree, refuse};
use super::form_json::{form_detail, form_summary};
use super::{CliError, Context, id_arg};
use crate::forms::record::{import_builtin, import_file};
use crate::i18n::Lang;
use crate::model::SubjectId;
use crate::store::{Outcome, ResponseFilter};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

/// What to import.
#[derive(Debug, Args)]
pub struct ImportArgs {
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
    /// The research subject the form belongs to.
    #[arg(long, value_name = "ID")]
    subject: Option<String>,
}

/// Imports a workbook as a form version.
pub fn import(ctx: &mut Context, args: &ImportArgs) -> Result<(), CliError> {
    let subject: Option<SubjectId> = args.subject.as_deref().map(id_arg).transpose()?;
    if let Some(subject) = subject {
        // Named before the workbook is read: a mistyped id is the likelier mistake.
        ctx.store.subject(subject)?;
    }
    let imported = match (&args.builtin, &args.file) {
        (Some(name), _) => import_builtin(&mut ctx.store, name, subject),
        (None, Some(file)) => import_file(&mut ctx.store, file, subject),
        (None, None) => return Ok(()),
    };
    let imported = match imported {
        Ok(imported) => imported,
        Err(err) => return refuse(err, ctx.lang, ctx.json),
    };
    let form = &imported.form;
    if ctx.json {
        return ctx.print_json(&json!({
            "id": form.id,
            "form_id": form.form_id,
            "title": form.title,
            "version": form.version,
            "questions": form.definition.question_count(),
        }));
    }
    if imported.outcome == Outcome::Unchanged && args.subject.is_none() {
        eprintln!(
            "{}",
            ctx.lang.pick(
                "该工作簿已导入过，未做改动。",
                "This workbook was imported before; nothing changed."
            )
        );
    }
    outln!("{}", form.id);
    Ok(())
}

/// Lists every live form version with its count of responses.
pub fn list(ctx: &mut Context) -> Result<(), CliError> {
    let forms = ctx.store.forms()?;
    let mut rows = Vec::with_capacity(forms.len());
    for form in &forms {
        let responses = ctx
            .store
            .responses(&ResponseFilter {
                forms: vec![form.id],
                visit: None,
            })?
            .len();
        rows.push((form, responses));
    }
    if ctx.json {
        let list: Vec<_> = rows
            .iter()
            .map(|(form, responses)| {
                let mut out = form_summary(form);
                out["responses"] = json!(responses);
                out
            })
            .collect();
        return ctx.print_json(&list);
    }
    for (form, responses) in rows {
        let version = if form.version.is_empty() {
            "-"
        } else {
            &form.version
        };
        match ctx.lang {
            Lang::Zh => outln!(
                "{}\t{}\t版本 {version}\t{}\t{} 份答卷",
                form.id,
                form.form_id,
                form.title,
                responses
            ),
            Lang::En => outln!(
                "{}\t{}\tversion {version}\t{}\t{} responses",
                form.id,
                form.form_id,
                form.title,
                responses
            ),
        }
    }
    Ok(())
}

/// Archives a form version (or, with `archived` false, offers it again); a synced change like
/// any edit, so it travels in bundles.
pub fn archive(ctx: &mut Context, form: &str, archived: bool) -> Result<(), CliError> {
    let mut form = ctx.store.resolve_form(form)?;
    form.archived = archived;
    ctx.store.write(|w| w.put(&form))?;
    if ctx.json {
        return ctx.print_json(&json!({ "id": form.id, "archived": archived }));
    }
    let title = &form.definition.title;
    match (ctx.lang, archived) {
        (Lang::Zh, true) => outln!("已归档：{title}（新的答卷不再使用此版本）"),
        (Lang::Zh, false) => outln!("已取消归档：{title}"),
        (Lang::En, true) => outln!("Archived: {title} (no longer offered for new responses)"),
        (Lang::En, false) => outln!("No longer archived: {title}"),
    }
    Ok(())
}

/// Shows a form version's questions.
pub fn show(ctx: &mut Context, form: &str) -> Result<(), CliError> {
    let form = ctx.store.resolve_form(form)?;
    if ctx.json {
        return ctx.print_json(&form_detail(&form, ctx.lang));
    }
    let def = &form.definition;
    match ctx.lang {
        Lang::Zh => outln!(
            "{}（{}，版本 {}）：{} 道题\n{}",
            def.title,
            def.form_id,
            def.version,
            def.question_count(),
            form.id
        ),
        Lang::En => outln!(
            "{} ({}, version {}): {} questions\n{}",
            def.title,
            def.form_id,
            def.version,
            def.question_count(),
            form.id
        ),
    }
    print_tree(&def.questions, def, ctx.lang, 1)
}
