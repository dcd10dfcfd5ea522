//! Writing a bundle's file: the zip of its manifest, documents and attachments, written
//! beside the destination and renamed into place (encrypted in memory first when asked).

use super::crypt::{Passphrase, encrypt};
use super::error::{BundleError, Result};
use super::format::{MANIFEST, attachment_entry};
use crate::store::{Store, StoreError};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// Writes the zip of a bundle: the manifest and records (deflated), then each attachment read
/// from the database one at a time and stored as it is (photos and documents are compressed
/// already), so a bundle of large files is never held in memory whole.
pub(super) fn write_zip<W: Write + std::io::Seek>(
    writer: W,
    store: &Store,
    manifest: &[u8],
    docs: &[Deflated],
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
    zip.start_file(MANIFEST, deflated_options())
        .map_err(zip_err)?;
    zip.write_all(manifest).map_err(file_err)?;
    for doc in docs {
        // Copied as it was deflated, not deflated again.
        let archive =
            zip::ZipArchive::new(std::io::Cursor::new(doc.zip.as_slice())).map_err(zip_err)?;
        zip.merge_archive(archive).map_err(zip_err)?;
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

/// How the manifest and documents are stored: deflated at the fastest level (a fifth of an
/// export went into deflating at the default level, for files about 20 % smaller).
fn deflated_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true)
}

/// A document of a bundle deflated and hashed, ready to be copied into the zip as it is.
pub(crate) struct Deflated {
    /// Its entry name.
    pub name: String,
    /// Its size, before deflating.
    pub size: u64,
    /// The SHA-256 of its bytes, in hex.
    pub sha256: String,
    /// A zip holding it alone.
    zip: Vec<u8>,
}

/// Deflates and hashes `bytes`, the document `name`.
fn deflate(name: &str, bytes: &[u8]) -> Result<Deflated> {
    let zip_err = |e: zip::result::ZipError| BundleError::File {
        source: std::io::Error::other(e.to_string()),
        path: name.into(),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(bytes.len() / 4)));
    zip.start_file(name, deflated_options()).map_err(zip_err)?;
    zip.write_all(bytes).map_err(|e| zip_err(e.into()))?;
    let zip = zip.finish().map_err(zip_err)?.into_inner();
    Ok(Deflated {
        name: name.to_owned(),
        size: bytes.len() as u64,
        sha256: crate::store::hex(&Sha256::digest(bytes)),
        zip,
    })
}

/// Deflates documents on threads of their own as they are handed over, so that the next one
/// is read from the database while the last is deflated: on two cores, most of deflating and
/// hashing hides behind the reading.
pub(crate) struct Deflater<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    running: Vec<std::thread::ScopedJoinHandle<'scope, Result<Deflated>>>,
}

impl<'scope, 'env> Deflater<'scope, 'env> {
    /// A deflater whose threads end with `scope`.
    pub fn new(scope: &'scope std::thread::Scope<'scope, 'env>) -> Self {
        Deflater {
            scope,
            running: Vec::new(),
        }
    }

    /// Starts deflating the document `name`.
    pub fn add(&mut self, name: String, bytes: Vec<u8>) {
        self.running
            .push(self.scope.spawn(move || deflate(&name, &bytes)));
    }

    /// Every document, deflated, in the order they were added.
    pub fn finish(self) -> Result<Vec<Deflated>> {
        self.running
            .into_iter()
            .map(|thread| {
                thread.join().unwrap_or_else(|_| {
                    Err(BundleError::File {
                        source: std::io::Error::other("a deflating thread failed"),
                        path: "bundle".into(),
                    })
                })
            })
            .collect()
    }
}

/// Deflates `docs` on threads of their own.
pub(crate) fn deflate_all(docs: Vec<(String, Vec<u8>)>) -> Result<Vec<Deflated>> {
    std::thread::scope(|scope| {
        let mut deflater = Deflater::new(scope);
        for (name, bytes) in docs {
            deflater.add(name, bytes);
        }
        deflater.finish()
    })
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
