//! Writing a bundle's file: the zip of its manifest, documents and attachments, written
//! beside the destination and renamed into place (encrypted in memory first when asked).

use super::crypt::{Passphrase, encrypt};
use super::error::{BundleError, Result};
use super::format::{MANIFEST, attachment_entry};
use crate::store::{Store, StoreError};
use std::io::Write;
use std::path::Path;

/// Writes the zip of a bundle: the manifest and records (deflated), then each attachment read
/// from the database one at a time and stored as it is (photos and documents are compressed
/// already), so a bundle of large files is never held in memory whole.
pub(super) fn write_zip<W: Write + std::io::Seek>(
    writer: W,
    store: &Store,
    manifest: &[u8],
    docs: &[(String, Vec<u8>)],
    blobs: &[(String, u64)],
    out: &Path,
) -> Result<W> {
    let file_err = |source| BundleError::File {
        source,
        path: out.to_owned(),
    };
    let zip_err = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => file_err(e),
        other => file_err(std::io::Error::other(other.to_string())),
    };
    // After a failed write (a full disk) the zip writer, dropped unfinished, would try to
    // finish the archive and print its own error line: the sink then swallows the rest.
    let mut zip = zip::ZipWriter::new(StopAfterError {
        inner: writer,
        failed: false,
    });
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // The fastest level: a fifth of an export went into deflating at the default level,
        // for files about 20 % smaller.
        .compression_level(Some(1))
        .large_file(true);
    zip.start_file(MANIFEST, options).map_err(zip_err)?;
    zip.write_all(manifest).map_err(file_err)?;
    for (entry, bytes) in docs {
        zip.start_file(entry.as_str(), options).map_err(zip_err)?;
        zip.write_all(bytes).map_err(file_err)?;
    }
    // Stored has no compression level: its options start afresh.
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    for (sha256, _) in blobs {
        // Checked against its hash as it is read: a damaged blob stops the export.
        let bytes = store
            .read_blob(sha256)?
            .ok_or_else(|| StoreError::MissingBlob(sha256.clone()))?;
        zip.start_file(attachment_entry(sha256), stored)
            .map_err(zip_err)?;
        zip.write_all(&bytes).map_err(file_err)?;
    }
    zip.finish().map(|sink| sink.inner).map_err(zip_err)
}

/// A writer that fails once, then accepts and discards everything: the first error is the
/// one reported; what comes after it (a zip writer finishing as it is dropped) goes nowhere.
struct StopAfterError<W> {
    inner: W,
    failed: bool,
}

impl<W: Write> Write for StopAfterError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed {
            return Ok(buf.len());
        }
        self.inner.write(buf).inspect_err(|_| self.failed = true)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.inner.flush().inspect_err(|_| self.failed = true)
    }
}

impl<W: std::io::Seek> std::io::Seek for StopAfterError<W> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.failed {
            return Ok(0);
        }
        self.inner.seek(pos).inspect_err(|_| self.failed = true)
    }
}

/// Writes the bundle beside `out` and renames it into place, so a failed export leaves no half
/// file. A plain bundle's zip is written straight to the file; an encrypted one's is built in
/// memory and encrypted, so its plain form never touches the disk.
pub(super) fn write_file(
    out: &Path,
    passphrase: Option<&Passphrase>,
    zip: impl FnOnce(&mut dyn WriteSeek) -> Result<()>,
) -> Result<()> {
    let file_err = |source| BundleError::File {
        source,
        path: out.to_owned(),
    };
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_owned());
    let tmp = dir.join(format!(".{name}.{}.part", std::process::id()));
    let result = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp).map_err(file_err)?;
        let mut writer = std::io::BufWriter::new(file);
        match passphrase {
            Some(passphrase) => {
                let mut plain = std::io::Cursor::new(Vec::new());
                zip(&mut plain)?;
                encrypt(plain.get_ref(), passphrase, &mut writer)?;
            }
            None => zip(&mut writer)?,
        }
        writer
            .into_inner()
            .map_err(|e| file_err(e.into_error()))?
            .sync_all()
            .map_err(file_err)?;
        std::fs::rename(&tmp, out).map_err(file_err)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A writer a zip can be written to.
pub(super) trait WriteSeek: Write + std::io::Seek {}
impl<T: Write + std::io::Seek> WriteSeek for T {}
