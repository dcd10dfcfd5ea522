//! `zoufang topic list|add`.

use super::json::{self, TopicCodes};
use super::visit::print_id;
use super::{CliError, Context};
use crate::model::{Topic, TopicId};
use clap::Subcommand;

/// Topic subcommands.
#[derive(Debug, Subcommand)]
pub enum TopicCommand {
    /// The catalogue as a tree, with finding counts.
    List,
    /// Add a topic (under a parent for a subtopic); prints its id.
    Add {
        /// A short code: lowercase letters, digits and '-'.
        #[arg(long)]
        code: String,
        /// The Chinese name.
        #[arg(long)]
        zh: String,
        /// The English name.
        #[arg(long, default_value = "")]
        en: String,
        /// The parent topic (code or name).
        #[arg(long)]
        parent: Option<String>,
    },
}

/// Runs a topic subcommand.
pub fn run(ctx: &mut Context, cmd: &TopicCommand) -> Result<(), CliError> {
    match cmd {
        TopicCommand::List => list(ctx),
        TopicCommand::Add {
            code,
            zh,
            en,
            parent,
        } => {
            let parent_id = parent
                .as_ref()
                .map(|p| ctx.store.resolve_topic(p))
                .transpose()?;
            let topic = Topic {
                id: TopicId::new(),
                code: code.trim().to_owned(),
                name_zh: zh.trim().to_owned(),
                name_en: en.trim().to_owned(),
                parent_id,
                archived: false,
                meta: Default::default(),
            };
            ctx.store.save_topic(&topic)?;
            print_id(ctx, &topic.id.to_string())
        }
    }
}

/// Prints the topic tree with counts (also `zoufang list topics`).
pub fn list(ctx: &Context) -> Result<(), CliError> {
    let counts = ctx.store.topic_counts()?;
    let topics: Vec<Topic> = counts.iter().map(|c| c.topic.clone()).collect();
    let codes = TopicCodes::new(&topics);
    if ctx.json {
        let rows: Vec<_> = counts
            .iter()
            .map(|c| json::topic(&c.topic, &codes, c.findings))
            .collect();
        return ctx.print_json(&rows);
    }
    fn print_level(
        ctx: &Context,
        counts: &[crate::store::TopicCount],
        parent: Option<TopicId>,
        depth: usize,
    ) -> Result<(), CliError> {
        for c in counts.iter().filter(|c| c.topic.parent_id == parent) {
            let archived = if c.topic.archived {
                ctx.lang.pick("（已归档）", " (archived)")
            } else {
                ""
            };
            outln!(
                "{}{}\t{}\t{}{archived}",
                "  ".repeat(depth),
                c.topic.code,
                c.topic.name(ctx.lang),
                c.findings
            );
            print_level(ctx, counts, Some(c.topic.id), depth + 1)?;
        }
        Ok(())
    }
    print_level(ctx, &counts, None, 0)
}
