//! Attachments: photos and documents on visits and findings. The record (`attachment` table)
//! is synced like every other kind; the bytes are kept once per SHA-256 in the `blob` table,
//! inside the same database file, written in the same transaction as the record naming them.

use super::error::{Result, StoreError};
use super::{Outcome, Store};
use crate::model::{Attachment, AttachmentId, AttachmentOwner, OwnerKind, guess_mime};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The size limit per attached file unless the database sets another (50 MB).
pub const DEFAULT_MAX_ATTACHMENT_MB: u64 = 50;

/// The highest size limit a database may set: a bundle's reader accepts entries up to 256 MiB,
/// so a larger file could be attached but never carried.
pub const MAX_ATTACHMENT_MB: u64 = 256;

/// The `meta` key holding this database's size limit per attached file, in MB.
const MAX_SIZE_KEY: &str = "max_attachment_mb";

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    super::hex(&Sha256::digest(bytes))
}

/// Stores `bytes` under `sha256` unless they are there already (the same photo twice is kept
/// once). The caller has checked that `sha256` is the hash of `bytes`.
pub fn insert_blob(conn: &Connection, sha256: &str, bytes: &[u8]) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO blob (sha256, size, data) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![
            sha256,
            i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            bytes
        ])?;
    Ok(())
}

/// Whether the bytes of `sha256` are in the database.
pub fn blob_exists(conn: &Connection, sha256: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM blob WHERE sha256 = ?1")?
        .query_row([sha256], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The bytes of `sha256`, checked against their hash (a damaged blob is an error, never
/// silently handed out); `None` when they are not in the database.
pub fn read_blob(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT data FROM blob WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    match bytes {
        Some(bytes) if sha256_hex(&bytes) != sha256 => {
            Err(StoreError::DamagedBlob(sha256.to_owned()))
        }
        other => Ok(other),
    }
}

/// Sizes for messages: "820 KB", "12.3 MB".
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.0} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

impl Store {
    /// The size limit per attached file, in bytes (the `max_attachment_mb` setting, 50 MB by
    /// default).
    pub fn max_attachment_bytes(&self) -> Result<u64> {
        let mb = self
            .meta_value(MAX_SIZE_KEY)?
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|mb| *mb > 0)
            .unwrap_or(DEFAULT_MAX_ATTACHMENT_MB)
            .min(MAX_ATTACHMENT_MB);
        Ok(mb.saturating_mul(1024 * 1024))
    }

    /// Sets the size limit per attached file, in MB (1 to [`MAX_ATTACHMENT_MB`]).
    pub fn set_max_attachment_mb(&self, mb: u64) -> Result<()> {
        self.set_meta_value(MAX_SIZE_KEY, &mb.clamp(1, MAX_ATTACHMENT_MB).to_string())
    }

    /// Attaches the file at `path` to `owner` (a live visit or finding), refusing files above
    /// `max_bytes` before reading them. Returns the new attachment.
    pub fn attach_file(
        &mut self,
        owner: AttachmentOwner,
        path: &Path,
        max_bytes: u64,
    ) -> Result<Attachment> {
        let io = |e: std::io::Error| {
            StoreError::Io(std::io::Error::new(
                e.kind(),
                format!("{e}: {}", path.display()),
            ))
        };
        // A FIFO would block the open, a device (`/dev/zero`) never ends: only regular files,
        // checked before opening and again on what was opened.
        let metadata = std::fs::metadata(path).map_err(io)?;
        if !metadata.is_file() {
            return Err(StoreError::NotAFile(path.to_owned()));
        }
        let too_large = |size| StoreError::FileTooLarge {
            path: path.to_owned(),
            size,
            limit: max_bytes,
        };
        if metadata.len() > max_bytes {
            return Err(too_large(metadata.len()));
        }
        let file = std::fs::File::open(path).map_err(io)?;
        if !file.metadata().map_err(io)?.is_file() {
            return Err(StoreError::NotAFile(path.to_owned()));
        }
        // The limit holds whatever the metadata said: a file growing meanwhile (or a file
        // system reporting no size) is read at most one byte past it.
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, max_bytes.saturating_add(1)),
            &mut bytes,
        )
        .map_err(io)?;
        if bytes.len() as u64 > max_bytes {
            return Err(too_large(bytes.len() as u64));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        self.attach_bytes(owner, &name, &bytes, max_bytes)
    }

    /// Attaches `bytes` named `name` to `owner`; the bytes are stored once per SHA-256.
    pub fn attach_bytes(
        &mut self,
        owner: AttachmentOwner,
        name: &str,
        bytes: &[u8],
        max_bytes: u64,
    ) -> Result<Attachment> {
        if bytes.len() as u64 > max_bytes {
            return Err(StoreError::FileTooLarge {
                path: name.into(),
                size: bytes.len() as u64,
                limit: max_bytes,
            });
        }
        let sha256 = sha256_hex(bytes);
        let (owner_kind, owner_id) = match owner {
            AttachmentOwner::Visit(id) => (OwnerKind::Visit, id.0),
            AttachmentOwner::Finding(id) => (OwnerKind::Finding, id.0),
        };
        let mut attachment = Attachment {
            id: AttachmentId::new(),
            owner_kind,
            owner_id,
            name: name.trim().to_owned(),
            mime: guess_mime(name, bytes).to_owned(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            sha256,
            evidence: false,
            added_by: String::new(),
            meta: Default::default(),
        };
        self.write(|w| {
            attachment.added_by = w.author().to_owned();
            insert_blob(w.tx(), &attachment.sha256, bytes)?;
            w.put(&attachment)
        })?;
        self.attachment(attachment.id)
    }

    /// An attachment by id (live or deleted).
    pub fn attachment(&self, id: AttachmentId) -> Result<Attachment> {
        self.get(&id.to_string())
    }

    /// The attachments of the visit or finding `owner_id`, oldest first; those in the Trash
    /// only with `deleted`.
    pub fn attachments(&self, owner_id: &str, deleted: bool) -> Result<Vec<Attachment>> {
        let sql = format!(
            "SELECT {} FROM attachment t WHERE t.owner_id = ?1 {} ORDER BY t.id",
            super::select_list(super::RecordKind::Attachment, "t"),
            if deleted {
                ""
            } else {
                "AND t.deleted_at IS NULL"
            }
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([owner_id.trim()], |row| {
            Ok(super::read_row(super::RecordKind::Attachment, row, 0))
        })?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??.to_record()?);
        }
        Ok(out)
    }

    /// The content of an attachment, checked against its SHA-256.
    pub fn attachment_bytes(&self, attachment: &Attachment) -> Result<Vec<u8>> {
        read_blob(self.conn(), &attachment.sha256)?
            .ok_or_else(|| StoreError::MissingBlob(attachment.sha256.clone()))
    }

    /// Writes an attachment's content to `out` (through a temporary file renamed into place);
    /// returns the number of bytes written.
    pub fn extract_attachment(&self, id: AttachmentId, out: &Path) -> Result<u64> {
        crate::paths::check_output(out, self.path(), true)?;
        let attachment = self.attachment(id)?;
        let bytes = self.attachment_bytes(&attachment)?;
        let io = |e: std::io::Error| {
            StoreError::Io(std::io::Error::new(
                e.kind(),
                format!("{e}: {}", out.display()),
            ))
        };
        crate::paths::write_atomically(out, &bytes).map_err(io)?;
        Ok(bytes.len() as u64)
    }

    /// Marks an attachment as evidence of the rectification (or not).
    pub fn set_evidence(&mut self, id: AttachmentId, evidence: bool) -> Result<Outcome> {
        let mut attachment = self.attachment(id)?;
        attachment.evidence = evidence;
        self.write(|w| w.put(&attachment))
    }

    /// The SHA-256 of every attachment record whose bytes are not in this database (should
    /// be none; `zoufang verify` and the digest notice them).
    pub fn missing_blobs(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT a.sha256 FROM attachment a
             WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = a.sha256)
             ORDER BY a.sha256",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::Visit;

    #[test]
    fn the_same_bytes_twice_are_stored_once() {
        let mut store = Store::open_in_memory().unwrap();
        let visit = Visit::new(
            crate::model::parse_date("2026-04-01").unwrap(),
            "城西养老院",
        );
        store.save_visit(&visit).unwrap();
        let owner = AttachmentOwner::Visit(visit.id);
        let a = store.attach_bytes(owner, "照片.jpg", b"abc", 10).unwrap();
        let b = store.attach_bytes(owner, "副本.jpg", b"abc", 10).unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(a.sha256, b.sha256);
        let blobs: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM blob", [], |r| r.get(0))
            .unwrap();
        assert_eq!(blobs, 1);
        assert_eq!(
            store
                .attachments(&visit.id.to_string(), false)
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(50 * 1024 * 1024), "50.0 MB");
    }
}
