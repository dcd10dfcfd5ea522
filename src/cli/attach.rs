//! `zoufang attach ID FILE...`, `attachments ID`, `detach ID ATTACHMENT_ID`,
//! `extract ATTACHMENT_ID --out FILE`.

use super::{CliError, Context, id_arg};
use crate::model::{Attachment, AttachmentId, AttachmentOwner};
use crate::store::{MAX_ATTACHMENT_MB, RecordKind, StoreError, human_size};
use clap::Args;
use std::path::PathBuf;

/// `zoufang attach`.
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The visit or finding to attach to.
    id: String,
    /// The files (photos, documents).
    #[arg(required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    /// The size limit per file in MB (default: the database's setting, 50 MB unless changed;
    /// at most 256, the largest entry a bundle carries).
    #[arg(long, value_name = "MB")]
    max_size: Option<u64>,
    /// Mark the files as evidence of the rectification (整改佐证), named at close-out.
    #[arg(long)]
    evidence: bool,
}

/// `zoufang attachments`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The visit or finding.
    id: String,
    /// Include attachments in the Trash.
    #[arg(long)]
    deleted: bool,
}

/// `zoufang detach`.
#[derive(Debug, Args)]
pub struct DetachArgs {
    /// The visit or finding.
    id: String,
    /// The attachment (see `zoufang attachments ID`).
    attachment_id: String,
    /// Take a detached attachment back out of the Trash.
    #[arg(long)]
    undo: bool,
}

/// `zoufang extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The attachment (see `zoufang attachments ID`).
    attachment_id: String,
    /// Where to write its content.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
}

/// The visit or finding with this id.
fn owner(ctx: &Context, id: &str) -> Result<AttachmentOwner, CliError> {
    let id = id.trim();
    match ctx.store.kind_of(id) {
        Ok(RecordKind::Visit) => Ok(AttachmentOwner::Visit(id_arg(id)?)),
        Ok(RecordKind::Finding) => Ok(AttachmentOwner::Finding(id_arg(id)?)),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(StoreError::NotFound {
            kind: "record",
            id: id.to_owned(),
        }
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// Attaches every file, after checking them all (a missing or too large file attaches none).
pub fn attach(ctx: &mut Context, args: &AttachArgs) -> Result<(), CliError> {
    let owner = owner(ctx, &args.id)?;
    let limit = match args.max_size {
        Some(mb) => mb.clamp(1, MAX_ATTACHMENT_MB) * 1024 * 1024,
        None => ctx.store.max_attachment_bytes()?,
    };
    for file in &args.files {
        let size = std::fs::metadata(file)
            .map_err(|e| {
                StoreError::Io(std::io::Error::new(
                    e.kind(),
                    format!("{e}: {}", file.display()),
                ))
            })?
            .len();
        if size > limit {
            return Err(StoreError::FileTooLarge {
                path: file.clone(),
                size,
                limit,
            }
            .into());
        }
    }
    let mut added = Vec::new();
    for file in &args.files {
        let mut attachment = ctx.store.attach_file(owner, file, limit)?;
        if args.evidence {
            ctx.store.set_evidence(attachment.id, true)?;
            attachment.evidence = true;
        }
        added.push(attachment);
    }
    print_list(ctx, &added)
}

/// Lists the attachments of a visit or finding.
pub fn list(ctx: &Context, args: &ListArgs) -> Result<(), CliError> {
    let owner = owner(ctx, &args.id)?;
    let list = ctx.store.attachments(&owner.id_text(), args.deleted)?;
    print_list(ctx, &list)
}

fn print_list(ctx: &Context, list: &[Attachment]) -> Result<(), CliError> {
    if ctx.json {
        let items: Vec<_> = list.iter().map(super::json::attachment).collect();
        return ctx.print_json(&items);
    }
    for a in list {
        let added = a
            .meta
            .created_at
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let mut flags = Vec::new();
        if a.evidence {
            flags.push(ctx.lang.pick("整改佐证", "evidence"));
        }
        if a.meta.is_deleted() {
            flags.push(ctx.lang.pick("已删除", "deleted"));
        }
        outln!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            a.id,
            a.name,
            human_size(u64::try_from(a.size_bytes).unwrap_or(0)),
            a.added_by,
            added,
            flags.join(",")
        );
    }
    Ok(())
}

/// Moves an attachment to the Trash (or back, with `--undo`).
pub fn detach(ctx: &mut Context, args: &DetachArgs) -> Result<(), CliError> {
    let owner = owner(ctx, &args.id)?;
    let id: AttachmentId = id_arg(&args.attachment_id)?;
    let attachment = ctx.store.attachment(id)?;
    if attachment.owner() != owner {
        return Err(StoreError::NotFound {
            kind: "attachment",
            id: id.to_string(),
        }
        .into());
    }
    if args.undo {
        ctx.store.restore(&id.to_string())?;
    } else {
        ctx.store.delete(&id.to_string())?;
    }
    super::visit::print_id(ctx, &id.to_string())
}

/// Writes an attachment's content to a file, byte for byte.
pub fn extract(ctx: &Context, args: &ExtractArgs) -> Result<(), CliError> {
    let id: AttachmentId = id_arg(&args.attachment_id)?;
    crate::paths::check_output(&args.out, ctx.store.path(), args.force)?;
    let bytes = ctx.store.extract_attachment(id, &args.out)?;
    if ctx.json {
        return ctx.print_json(&serde_json::json!({
            "id": id,
            "out": args.out,
            "size_bytes": bytes,
        }));
    }
    outln!("{}", args.out.display());
    Ok(())
}

/// Shows or sets the size limit per attached file.
pub fn limit(ctx: &mut Context, mb: Option<u64>) -> Result<(), CliError> {
    if let Some(mb) = mb {
        ctx.store.set_max_attachment_mb(mb)?;
    }
    let bytes = ctx.store.max_attachment_bytes()?;
    if ctx.json {
        return ctx.print_json(&serde_json::json!({ "max_mb": bytes / (1024 * 1024) }));
    }
    outln!("{}", human_size(bytes));
    Ok(())
}
