//! Checking a bundle without importing it: everything an import checks about the file itself
//! (format and version, checksums, limits, every record's schema, decryption), nothing written.

use super::crypt::Passphrase;
use super::format::Limits;
use super::read::{Origin, read_source};
use super::{Result, no_progress};
use std::collections::BTreeMap;
use std::path::Path;

/// What a sound bundle holds.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Verified {
    /// Where it came from: creator, device, bundle id, SHA-256.
    pub origin: Origin,
    /// Records per kind.
    pub counts: BTreeMap<String, usize>,
}

/// Reads and checks a bundle (or a Zoufang database file) as an import would, writing nothing.
pub fn verify(path: &Path, limits: &Limits, passphrase: Option<&Passphrase>) -> Result<Verified> {
    let source = read_source(path, limits, passphrase, &mut no_progress())?;
    let mut counts = BTreeMap::new();
    for incoming in &source.records {
        *counts
            .entry(incoming.rec.kind.table().to_owned())
            .or_insert(0) += 1;
    }
    Ok(Verified {
        origin: source.origin,
        counts,
    })
}
