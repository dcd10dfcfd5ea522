//! `zoufang subject add|list`.

use super::json::{self, TopicCodes};
use super::visit::print_id;
use super::{CliError, Context, date_arg};
use crate::model::{Subject, SubjectId};
use clap::Subcommand;

/// Subject subcommands.
#[derive(Debug, Subcommand)]
pub enum SubjectCommand {
    /// Add a research subject; prints its id.
    Add {
        /// Its title.
        #[arg(long)]
        title: String,
        /// The leader who leads it (领衔).
        #[arg(long, default_value = "")]
        lead: String,
        /// The unit carrying it out.
        #[arg(long, default_value = "")]
        unit: String,
        /// Start of its period (YYYY-MM-DD).
        #[arg(long)]
        start: Option<String>,
        /// End of its period (YYYY-MM-DD).
        #[arg(long)]
        end: Option<String>,
        /// A topic it covers (repeat for several).
        #[arg(long = "topic", value_name = "TOPIC")]
        topics: Vec<String>,
        /// Free notes.
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// List the subjects.
    List,
}

/// Runs a subject subcommand.
pub fn run(ctx: &mut Context, cmd: &SubjectCommand) -> Result<(), CliError> {
    match cmd {
        SubjectCommand::Add {
            title,
            lead,
            unit,
            start,
            end,
            topics,
            notes,
        } => {
            let mut topic_ids: Vec<_> = topics
                .iter()
                .map(|t| ctx.store.resolve_topic(t))
                .collect::<Result<_, _>>()?;
            let mut seen = std::collections::HashSet::new();
            topic_ids.retain(|t| seen.insert(*t));
            let subject = Subject {
                id: SubjectId::new(),
                title: title.trim().to_owned(),
                lead: lead.trim().to_owned(),
                unit: unit.trim().to_owned(),
                start_date: date_arg(start.as_ref())?,
                end_date: date_arg(end.as_ref())?,
                topics: topic_ids,
                notes: notes.clone(),
                meta: Default::default(),
            };
            ctx.store.save_subject(&subject)?;
            print_id(ctx, &subject.id.to_string())
        }
        SubjectCommand::List => list(ctx, false),
    }
}

/// Prints the subjects (also `zoufang list subjects`).
pub fn list(ctx: &Context, deleted: bool) -> Result<(), CliError> {
    let subjects = ctx.store.subjects(deleted)?;
    let codes = TopicCodes::new(&ctx.store.topics()?);
    if ctx.json {
        let rows: Vec<_> = subjects.iter().map(|s| json::subject(s, &codes)).collect();
        return ctx.print_json(&rows);
    }
    for s in &subjects {
        outln!(
            "{}\t{}\t{}\t{}\t{}",
            s.id,
            s.title,
            s.lead,
            s.unit,
            codes.codes(&s.topics).join(",")
        );
    }
    Ok(())
}
