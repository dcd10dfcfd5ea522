//! `zoufang backup`, `zoufang restore` and `zoufang backups`: copies of the database file; and
//! `zoufang repair`, for a copy made through SQL.

use super::{CliError, Context};
use crate::i18n::Lang;
use crate::store::backup::{backup_to, list_backups, restore};
use crate::store::repair;
use serde_json::json;
use std::path::Path;

/// Runs `zoufang backup [--out FILE]`.
pub fn backup(ctx: &Context, out: Option<&Path>) -> Result<(), CliError> {
    let written = backup_to(&ctx.store, out)?;
    if ctx.json {
        return ctx.print_json(&json!({ "backup": written }));
    }
    outln!(
        "{}{}",
        ctx.lang.pick("已备份到：", "Backed up to: "),
        written.display()
    );
    Ok(())
}

/// Runs `zoufang restore FILE` (without opening the database, which may be damaged).
pub fn restore_cmd(db: &Path, file: &Path, lang: Lang, json: bool) -> Result<(), CliError> {
    let report = restore(db, file)?;
    if json {
        jsonln!(serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    if let Some(backup) = &report.backup {
        outln!(
            "{}{}",
            lang.pick(
                "已先备份当前数据库：",
                "The current database was backed up first: "
            ),
            backup.display()
        );
    }
    outln!(
        "{}{}",
        lang.pick("已从备份恢复：", "Restored from: "),
        report.from.display()
    );
    Ok(())
}

/// Runs `zoufang backups` (without opening the database, which may be damaged).
pub fn list(db: &Path, lang: Lang, json: bool) -> Result<(), CliError> {
    let backups = list_backups(db)?;
    if json {
        jsonln!(serde_json::to_string_pretty(&backups)?);
        return Ok(());
    }
    if backups.is_empty() {
        outln!("{}", lang.pick("尚无备份", "No backups yet"));
    }
    for b in &backups {
        outln!("{}\t{}\t{}", b.taken_at, b.bytes, b.path.display());
    }
    Ok(())
}

/// Runs `zoufang repair` (without opening the database, which has no schema version yet).
pub fn repair_cmd(db: &Path, lang: Lang, json: bool) -> Result<(), CliError> {
    let report = repair(db)?;
    if json {
        jsonln!(serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    outln!(
        "{}{}",
        lang.pick("已先备份：", "Backed up first: "),
        report.backup.display()
    );
    outln!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已修复：数据表与第 {} 版结构逐项一致，已设置版本号并升级到第 {} 版：{}",
                report.found_version,
                report.schema_version,
                db.display()
            ),
            Lang::En => format!(
                "Repaired: every object matches schema version {}; the version is set and the database upgraded to {}: {}",
                report.found_version,
                report.schema_version,
                db.display()
            ),
        }
    );
    Ok(())
}
