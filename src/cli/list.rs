//! `zoufang list visits|findings|topics|subjects [filters]`.

use super::json::{self, TopicCodes};
use super::{CliError, Context, date_arg, enum_arg, id_arg};
use crate::model::{Category, FindingKind, Status};
use crate::store::{FindingFilter, FindingSort, Page, VisitFilter, VisitSort};
use clap::{Args, ValueEnum};

/// What to list.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListWhat {
    /// Visits.
    Visits,
    /// Findings.
    Findings,
    /// The topic catalogue.
    Topics,
    /// Research subjects.
    Subjects,
}

/// The filters of `zoufang list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list.
    what: ListWhat,
    /// A topic (code or name; its subtopics count too). Repeat for several.
    #[arg(long = "topic", value_name = "TOPIC")]
    topics: Vec<String>,
    /// A finding kind (repeatable).
    #[arg(long = "kind")]
    kinds: Vec<String>,
    /// A status (repeatable).
    #[arg(long = "status")]
    statuses: Vec<String>,
    /// A category (repeatable).
    #[arg(long = "category")]
    categories: Vec<String>,
    /// Only problems still open past their deadline.
    #[arg(long)]
    overdue: bool,
    /// Visits on or after this day (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Visits on or before this day (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// Visits this person went on.
    #[arg(long)]
    investigator: Option<String>,
    /// Region contains this text.
    #[arg(long)]
    region: Option<String>,
    /// Visits of this subject (id).
    #[arg(long)]
    subject: Option<String>,
    /// Responsible person or unit contains this text.
    #[arg(long)]
    owner: Option<String>,
    /// Matching this search text.
    #[arg(long)]
    text: Option<String>,
    /// The Trash instead of live records.
    #[arg(long)]
    deleted: bool,
    /// At most this many rows.
    #[arg(long)]
    limit: Option<usize>,
}

fn parse_all<T: Copy>(
    what: &'static str,
    values: &[String],
    parse: fn(&str) -> Option<T>,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Result<Vec<T>, CliError> {
    values
        .iter()
        .map(|v| enum_arg(what, v, parse, all, code))
        .collect()
}

/// Runs `zoufang list`.
pub fn run(ctx: &Context, args: &ListArgs) -> Result<(), CliError> {
    let topics = args
        .topics
        .iter()
        .map(|t| ctx.store.resolve_topic(t))
        .collect::<Result<Vec<_>, _>>()?;
    let since = date_arg(args.since.as_ref())?;
    let until = date_arg(args.until.as_ref())?;
    let subject = args.subject.as_deref().map(id_arg).transpose()?;
    let page = Page {
        offset: 0,
        limit: args.limit.unwrap_or(Page::ALL.limit),
    };
    match args.what {
        ListWhat::Topics => super::topic::list(ctx),
        ListWhat::Subjects => super::subject::list(ctx, args.deleted),
        ListWhat::Visits => {
            let filter = VisitFilter {
                topics,
                since,
                until,
                investigator: args.investigator.clone(),
                region: args.region.clone(),
                subject,
                unannounced: None,
                text: args.text.clone(),
                deleted: args.deleted,
            };
            let rows = ctx
                .store
                .list_visits(&filter, VisitSort::Date, true, page)?;
            if ctx.json {
                let out: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        let mut v = json::visit(&r.visit);
                        v["findings"] = r.findings.into();
                        v
                    })
                    .collect();
                return ctx.print_json(&out);
            }
            for r in &rows {
                let v = &r.visit;
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    v.date,
                    v.place,
                    v.region,
                    v.investigators.join("、"),
                    v.people_met,
                    if v.unannounced {
                        ctx.lang.pick("四不两直", "unannounced")
                    } else {
                        ""
                    },
                    v.id
                );
            }
            Ok(())
        }
        ListWhat::Findings => {
            let filter = FindingFilter {
                topics,
                kinds: parse_all(
                    "kind",
                    &args.kinds,
                    FindingKind::parse,
                    FindingKind::ALL,
                    FindingKind::code,
                )?,
                statuses: parse_all(
                    "status",
                    &args.statuses,
                    Status::parse,
                    Status::ALL,
                    Status::code,
                )?,
                categories: parse_all(
                    "category",
                    &args.categories,
                    Category::parse,
                    Category::ALL,
                    Category::code,
                )?,
                overdue: args.overdue,
                since,
                until,
                investigator: args.investigator.clone(),
                region: args.region.clone(),
                subject,
                owner: args.owner.clone(),
                visit: None,
                text: args.text.clone(),
                deleted: args.deleted,
                today: None,
            };
            let rows = ctx
                .store
                .list_findings(&filter, FindingSort::Date, true, page)?;
            if ctx.json {
                let codes = TopicCodes::new(&ctx.store.topics()?);
                let out: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        let mut f = json::finding(&r.finding, &codes);
                        f["visit_date"] = r.visit_date.to_string().into();
                        f["place"] = r.place.clone().into();
                        f["overdue"] = r.overdue.into();
                        f
                    })
                    .collect();
                return ctx.print_json(&out);
            }
            for r in &rows {
                let f = &r.finding;
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}{}",
                    r.visit_date,
                    r.place,
                    f.kind.label(ctx.lang),
                    f.title,
                    if f.kind == FindingKind::Problem {
                        f.status.label(ctx.lang)
                    } else {
                        ""
                    },
                    f.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    f.owner,
                    f.id,
                    if r.overdue {
                        ctx.lang.pick("\t逾期", "\toverdue")
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
    }
}
