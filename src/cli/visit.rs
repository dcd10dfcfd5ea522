//! `zoufang visit add|edit|delete|restore`.

use super::{CliError, Context, date_arg, enum_arg, id_arg};
use crate::model::{Interviewee, IntervieweeRole, Visit, VisitId};
use clap::{Args, Subcommand};

/// Visit subcommands.
#[derive(Debug, Subcommand)]
pub enum VisitCommand {
    /// Record a new visit; prints its id.
    Add {
        /// The day of the visit (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// The place or unit visited.
        #[arg(long)]
        place: String,
        /// The other fields.
        #[command(flatten)]
        fields: VisitFields,
    },
    /// Change the fields given.
    Edit {
        /// The visit's id.
        id: String,
        /// The day of the visit (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
        /// The place or unit visited.
        #[arg(long)]
        place: Option<String>,
        /// The other fields.
        #[command(flatten)]
        fields: VisitFields,
    },
    /// Move a visit (and its findings) to the Trash.
    Delete {
        /// The visit's id.
        id: String,
    },
    /// Take a visit back out of the Trash.
    Restore {
        /// The visit's id.
        id: String,
    },
}

/// The optional fields of a visit.
#[derive(Debug, Args)]
pub struct VisitFields {
    /// District, county or township.
    #[arg(long)]
    region: Option<String>,
    /// Who went (repeat for several; replaces the list on edit).
    #[arg(long = "investigator", value_name = "NAME")]
    investigators: Vec<String>,
    /// People talked to.
    #[arg(long, allow_negative_numbers = true)]
    people_met: Option<i64>,
    /// An unannounced visit (四不两直); `--unannounced false` to clear.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    unannounced: Option<bool>,
    /// The research subject's id.
    #[arg(long)]
    subject: Option<String>,
    /// Free notes.
    #[arg(long)]
    notes: Option<String>,
    /// A person interviewed: "name,role,contact" (role: resident, family, staff, official,
    /// other or 群众/家属/工作人员/干部/其他; role and contact optional). Repeat for several;
    /// replaces the list on edit. People met is raised to at least their number.
    #[arg(long = "interviewee", value_name = "NAME,ROLE,CONTACT")]
    interviewees: Vec<String>,
    /// Remove every interviewee from the visit.
    #[arg(long, conflicts_with = "interviewees")]
    no_interviewees: bool,
}

impl VisitFields {
    fn apply(&self, visit: &mut Visit) -> Result<(), CliError> {
        if let Some(region) = &self.region {
            visit.region = region.trim().to_owned();
        }
        if !self.investigators.is_empty() {
            visit.investigators = self
                .investigators
                .iter()
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect();
        }
        if let Some(n) = self.people_met {
            visit.people_met = n;
        }
        if let Some(u) = self.unannounced {
            visit.unannounced = u;
        }
        if let Some(subject) = &self.subject {
            visit.subject_id = if subject.trim().is_empty() {
                None
            } else {
                Some(id_arg(subject)?)
            };
        }
        if let Some(notes) = &self.notes {
            visit.notes = notes.clone();
        }
        if self.no_interviewees {
            visit.interviewees.clear();
        } else if !self.interviewees.is_empty() {
            let people = self
                .interviewees
                .iter()
                .map(|text| parse_interviewee(text))
                .collect::<Result<Vec<_>, _>>()?;
            // An explicit --people-met is kept as given (and checked); otherwise it is raised.
            if self.people_met.is_some() {
                visit.interviewees = people;
            } else {
                visit.set_interviewees(people);
            }
        }
        Ok(())
    }
}

/// Reads `name,role,contact` (ASCII or Chinese commas); role defaults to resident.
fn parse_interviewee(text: &str) -> Result<Interviewee, CliError> {
    let mut parts = text.splitn(3, [',', '，']).map(str::trim);
    let name = parts.next().unwrap_or_default().to_owned();
    let role = match parts.next().filter(|r| !r.is_empty()) {
        Some(role) => enum_arg(
            "role",
            role,
            IntervieweeRole::parse,
            IntervieweeRole::ALL,
            IntervieweeRole::code,
        )?,
        None => IntervieweeRole::Resident,
    };
    let contact = parts.next().unwrap_or_default().to_owned();
    Ok(Interviewee {
        name,
        role,
        contact,
    })
}

/// Runs a visit subcommand.
pub fn run(ctx: &mut Context, cmd: &VisitCommand) -> Result<(), CliError> {
    match cmd {
        VisitCommand::Add {
            date,
            place,
            fields,
        } => {
            let date = date_arg(Some(date))?.unwrap_or_default();
            let mut visit = Visit::new(date, place.trim());
            fields.apply(&mut visit)?;
            ctx.store.save_visit(&visit)?;
            print_id(ctx, &visit.id.to_string())
        }
        VisitCommand::Edit {
            id,
            date,
            place,
            fields,
        } => {
            let before = ctx.store.visit(id_arg::<VisitId>(id)?)?;
            let mut visit = before.clone();
            if let Some(date) = date_arg(date.as_ref())? {
                visit.date = date;
            }
            if let Some(place) = place {
                visit.place = place.trim().to_owned();
            }
            fields.apply(&mut visit)?;
            // Only the fields given: what changed meanwhile in other fields is kept.
            ctx.store.save_changes(&before, &visit)?;
            print_id(ctx, &visit.id.to_string())
        }
        VisitCommand::Delete { id } => {
            let visit = ctx.store.visit(id_arg::<VisitId>(id)?)?;
            ctx.store.delete(&visit.id.to_string())?;
            print_id(ctx, &visit.id.to_string())
        }
        VisitCommand::Restore { id } => {
            let visit = ctx.store.visit(id_arg::<VisitId>(id)?)?;
            ctx.store.restore(&visit.id.to_string())?;
            print_id(ctx, &visit.id.to_string())
        }
    }
}

/// Prints the id of the record acted on (`{"id": …}` with `--json`).
pub(super) fn print_id(ctx: &Context, id: &str) -> Result<(), CliError> {
    if ctx.json {
        ctx.print_json(&serde_json::json!({ "id": id }))
    } else {
        outln!("{id}");
        Ok(())
    }
}
