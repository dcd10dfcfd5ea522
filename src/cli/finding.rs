//! `zoufang finding add|edit|delete|restore`.

use super::visit::print_id;
use super::{CliError, Context, date_arg, enum_arg, id_arg};
use crate::model::{Category, Finding, FindingId, FindingKind, Status, VisitId};
use clap::{Args, Subcommand};

/// Finding subcommands.
#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// Record a finding on a visit; prints its id.
    Add {
        /// The visit's id.
        #[arg(long)]
        visit: String,
        /// One-line title.
        #[arg(long)]
        title: String,
        /// The other fields.
        #[command(flatten)]
        fields: FindingFields,
    },
    /// Change the fields given.
    Edit {
        /// The finding's id.
        id: String,
        /// One-line title.
        #[arg(long)]
        title: Option<String>,
        /// The other fields.
        #[command(flatten)]
        fields: FindingFields,
    },
    /// Move a finding to the Trash.
    Delete {
        /// The finding's id.
        id: String,
    },
    /// Take a finding back out of the Trash.
    Restore {
        /// The finding's id.
        id: String,
    },
}

/// The optional fields of a finding.
#[derive(Debug, Args)]
pub struct FindingFields {
    /// What was seen.
    #[arg(long)]
    detail: Option<String>,
    /// problem, positive-case, negative-case or practice.
    #[arg(long)]
    kind: Option<String>,
    /// A topic by code, Chinese or English name (repeat; replaces the list on edit).
    #[arg(long = "topic", value_name = "TOPIC")]
    topics: Vec<String>,
    /// People or households affected.
    #[arg(long, allow_negative_numbers = true)]
    people_affected: Option<i64>,
    /// immediate, phased or long-term.
    #[arg(long)]
    category: Option<String>,
    /// Rectification measures.
    #[arg(long)]
    measures: Option<String>,
    /// Rectification target.
    #[arg(long)]
    target: Option<String>,
    /// Deadline (YYYY-MM-DD).
    #[arg(long)]
    deadline: Option<String>,
    /// Responsible person.
    #[arg(long)]
    owner: Option<String>,
    /// Responsible unit.
    #[arg(long)]
    owner_unit: Option<String>,
    /// open, in-progress, stage-done or closed.
    #[arg(long)]
    status: Option<String>,
    /// The day it was closed (YYYY-MM-DD).
    #[arg(long)]
    closed_on: Option<String>,
    /// Who verified the fix.
    #[arg(long)]
    verified_by: Option<String>,
    /// The closing note.
    #[arg(long)]
    close_note: Option<String>,
}

impl FindingFields {
    fn apply(&self, ctx: &Context, f: &mut Finding) -> Result<(), CliError> {
        let set = |target: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                *target = v.trim().to_owned();
            }
        };
        set(&mut f.detail, &self.detail);
        set(&mut f.measures, &self.measures);
        set(&mut f.target, &self.target);
        set(&mut f.owner, &self.owner);
        set(&mut f.owner_unit, &self.owner_unit);
        set(&mut f.verified_by, &self.verified_by);
        set(&mut f.close_note, &self.close_note);
        if let Some(kind) = &self.kind {
            f.kind = enum_arg(
                "kind",
                kind,
                FindingKind::parse,
                FindingKind::ALL,
                FindingKind::code,
            )?;
        }
        if let Some(category) = &self.category {
            f.category = if category.trim().is_empty() {
                None
            } else {
                Some(enum_arg(
                    "category",
                    category,
                    Category::parse,
                    Category::ALL,
                    Category::code,
                )?)
            };
        }
        if let Some(status) = &self.status {
            f.status = enum_arg("status", status, Status::parse, Status::ALL, Status::code)?;
        }
        if !self.topics.is_empty() {
            f.topics = self
                .topics
                .iter()
                .map(|t| ctx.store.resolve_topic(t))
                .collect::<Result<_, _>>()?;
            // The same topic given twice (by code and by name) is kept once, in first order.
            let mut seen = std::collections::HashSet::new();
            f.topics.retain(|t| seen.insert(*t));
        }
        if let Some(n) = self.people_affected {
            f.people_affected = n;
        }
        if let Some(d) = &self.deadline {
            f.deadline = if d.trim().is_empty() {
                None
            } else {
                date_arg(Some(d))?
            };
        }
        if let Some(d) = &self.closed_on {
            f.closed_on = if d.trim().is_empty() {
                None
            } else {
                date_arg(Some(d))?
            };
        }
        Ok(())
    }
}

/// Runs a finding subcommand.
pub fn run(ctx: &mut Context, cmd: &FindingCommand) -> Result<(), CliError> {
    match cmd {
        FindingCommand::Add {
            visit,
            title,
            fields,
        } => {
            let visit_id: VisitId = id_arg(visit)?;
            let mut finding = Finding::new(visit_id, title.trim());
            fields.apply(ctx, &mut finding)?;
            ctx.store.save_finding(&finding)?;
            print_id(ctx, &finding.id.to_string())
        }
        FindingCommand::Edit { id, title, fields } => {
            let before = ctx.store.finding(id_arg::<FindingId>(id)?)?;
            let mut finding = before.clone();
            if let Some(title) = title {
                finding.title = title.trim().to_owned();
            }
            fields.apply(ctx, &mut finding)?;
            // Only the fields given: what changed meanwhile in other fields is kept.
            ctx.store.save_changes(&before, &finding)?;
            print_id(ctx, &finding.id.to_string())
        }
        FindingCommand::Delete { id } => {
            let finding = ctx.store.finding(id_arg::<FindingId>(id)?)?;
            ctx.store.delete(&finding.id.to_string())?;
            print_id(ctx, &finding.id.to_string())
        }
        FindingCommand::Restore { id } => {
            let finding = ctx.store.finding(id_arg::<FindingId>(id)?)?;
            ctx.store.restore(&finding.id.to_string())?;
            print_id(ctx, &finding.id.to_string())
        }
    }
}
