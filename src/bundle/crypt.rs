//! Passphrase encryption of bundles: an encrypted bundle is the normal `.zfb` zip, encrypted
//! whole with age's passphrase (scrypt) mode. The plain zip is built in memory and never
//! touches the disk; a reader recognises the age header and decrypts into memory, at most
//! [`Limits::max_total_bytes`] (age does not compress, so the plaintext is never larger than
//! the file).

use super::error::{BundleError, Result};
use super::format::Limits;
use age::secrecy::{ExposeSecret, SecretString};
use std::io::{Read, Write};
use std::path::Path;

/// The first bytes of every age file (and so of every encrypted bundle).
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

/// The scrypt work factor (log2 of N) bundles are encrypted with: about a second on an office
/// laptop and 256 MiB of memory; the value age's reference implementation uses.
pub const DEFAULT_WORK_FACTOR: u8 = 18;

/// The largest work factor a reader accepts (1 GiB of memory): a hostile file asking for more
/// is refused instead of exhausting the laptop.
pub const MAX_WORK_FACTOR: u8 = 20;

/// The fewest characters a passphrase for a new encrypted bundle may have.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The most recipient entries (stanzas) an encrypted bundle's header may hold. A passphrase
/// file has exactly one; age's own parser takes time quadratic in their number, so a header
/// with thousands is refused before it is parsed.
pub const MAX_STANZAS: usize = 16;

/// The most bytes an encrypted bundle's header may take (a real one takes about 200).
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// A passphrase, kept secret: zeroed when dropped, never shown by `Debug`.
#[derive(Clone)]
pub struct Passphrase {
    secret: SecretString,
    work_factor: u8,
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

impl Passphrase {
    /// A passphrase as typed. Only a final line break is removed (as a passphrase file or a
    /// terminal leaves it); an empty passphrase is refused.
    pub fn new(text: impl Into<String>) -> Result<Passphrase> {
        let mut text: String = text.into();
        while text.ends_with(['\n', '\r']) {
            text.pop();
        }
        if text.is_empty() {
            return Err(BundleError::EmptyPassphrase);
        }
        Ok(Passphrase {
            secret: SecretString::from(text),
            work_factor: DEFAULT_WORK_FACTOR,
        })
    }

    /// The same passphrase with another scrypt work factor (1 to [`MAX_WORK_FACTOR`]) for
    /// encrypting. Lower values are weaker against guessing: meant for tests only.
    pub fn with_work_factor(mut self, log_n: u8) -> Passphrase {
        self.work_factor = log_n.clamp(1, MAX_WORK_FACTOR);
        self
    }

    /// Refuses a passphrase too short to protect personal data in a new bundle.
    pub fn check_strength(&self) -> Result<()> {
        if self.secret.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
            Err(BundleError::WeakPassphrase {
                min: MIN_PASSPHRASE_CHARS,
            })
        } else {
            Ok(())
        }
    }
}

/// Whether `head` (the first bytes of a file) starts like an encrypted bundle.
pub(crate) fn looks_encrypted(head: &[u8]) -> bool {
    head.starts_with(AGE_MAGIC)
}

/// Whether the file at `path` is an encrypted bundle (the window asks before importing, to
/// show its passphrase dialog).
pub fn is_encrypted(path: &Path) -> Result<bool> {
    let mut head = [0u8; 32];
    let n = std::fs::File::open(path)
        .and_then(|mut f| super::read::read_up_to(&mut f, &mut head))
        .map_err(|source| BundleError::File {
            source,
            path: path.to_owned(),
        })?;
    Ok(looks_encrypted(&head[..n]))
}

/// Encrypts `plain` with `passphrase` into `out`.
pub(crate) fn encrypt(plain: &[u8], passphrase: &Passphrase, out: impl Write) -> Result<()> {
    let mut recipient = age::scrypt::Recipient::new(passphrase.secret.clone());
    recipient.set_work_factor(passphrase.work_factor);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| BundleError::Encryption(e.to_string()))?;
    let io = |e: std::io::Error| BundleError::Encryption(e.to_string());
    let mut writer = encryptor.wrap_output(out).map_err(io)?;
    writer.write_all(plain).map_err(io)?;
    writer.finish().map_err(io)?;
    Ok(())
}

/// Decrypts the encrypted bundle at `path` into memory, refusing more than the limits allow.
/// A wrong passphrase and a damaged file get their own messages.
pub(crate) fn decrypt(path: &Path, passphrase: &Passphrase, limits: &Limits) -> Result<Vec<u8>> {
    let file_err = |source| BundleError::File {
        source,
        path: path.to_owned(),
    };
    let damaged = |detail: String| BundleError::Damaged {
        detail,
        path: path.to_owned(),
    };
    let mut file = std::fs::File::open(path).map_err(file_err)?;
    check_header(&mut file).map_err(damaged)?;
    std::io::Seek::rewind(&mut file).map_err(file_err)?;
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::new(file))
        .map_err(|e| damaged(e.to_string()))?;
    if !decryptor.is_scrypt() {
        return Err(BundleError::NotPassphraseEncrypted(path.to_owned()));
    }
    let mut identity = age::scrypt::Identity::new(passphrase.secret.clone());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed
            | age::DecryptError::NoMatchingKeys => BundleError::WrongPassphrase(path.to_owned()),
            age::DecryptError::ExcessiveWork { required, .. } => BundleError::ExcessiveWork {
                required,
                path: path.to_owned(),
            },
            other => damaged(other.to_string()),
        })?;
    let limit = limits.max_total_bytes.min(limits.max_file_bytes);
    let mut plain = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut plain)
        .map_err(|e| damaged(e.to_string()))?;
    if plain.len() as u64 > limit {
        return Err(BundleError::TooLarge {
            name: "*".to_owned(),
            limit,
            path: path.to_owned(),
        });
    }
    Ok(plain)
}

/// Bounds the age header before age parses it: it must end (`---` line) within
/// [`MAX_HEADER_BYTES`] and hold at most [`MAX_STANZAS`] stanzas (`->` lines).
fn check_header(file: &mut impl Read) -> std::result::Result<(), String> {
    let mut head = vec![0u8; MAX_HEADER_BYTES];
    let n = super::read::read_up_to(file, &mut head).map_err(|e| e.to_string())?;
    let head = &head[..n];
    let mut stanzas = 0usize;
    for line in head.split(|b| *b == b'\n') {
        if line.starts_with(b"---") {
            return Ok(());
        }
        if line.starts_with(b"-> ") {
            stanzas += 1;
            if stanzas > MAX_STANZAS {
                return Err(format!(
                    "the encrypted header holds more than {MAX_STANZAS} recipient entries"
                ));
            }
        }
    }
    Err(format!(
        "the encrypted header does not end within its first {} KiB",
        MAX_HEADER_BYTES / 1024
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(text: &str) -> Passphrase {
        Passphrase::new(text).unwrap().with_work_factor(4)
    }

    #[test]
    fn a_passphrase_loses_only_its_line_break_and_never_shows() {
        assert!(matches!(
            Passphrase::new("\n"),
            Err(BundleError::EmptyPassphrase)
        ));
        let p = Passphrase::new(" 走访 secret \r\n").unwrap();
        assert_eq!(p.secret.expose_secret(), " 走访 secret ");
        assert_eq!(format!("{p:?}"), "Passphrase(***)");
        assert!(pass("短口令").check_strength().is_err());
        assert!(pass("八个字符的口令啊").check_strength().is_ok());
    }

    #[test]
    fn bytes_come_back_only_with_the_right_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.zfb");
        let mut bytes = Vec::new();
        encrypt("城西养老院".as_bytes(), &pass("correct horse"), &mut bytes).unwrap();
        assert!(looks_encrypted(&bytes));
        std::fs::write(&path, &bytes).unwrap();
        assert!(is_encrypted(&path).unwrap());
        let limits = Limits::default();
        let plain = decrypt(&path, &pass("correct horse"), &limits).unwrap();
        assert_eq!(plain, "城西养老院".as_bytes());
        assert!(matches!(
            decrypt(&path, &pass("wrong horse"), &limits),
            Err(BundleError::WrongPassphrase(_))
        ));
    }

    #[test]
    fn decrypted_size_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.zfb");
        let mut bytes = Vec::new();
        encrypt(&[0u8; 10_000], &pass("correct horse"), &mut bytes).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let limits = Limits {
            max_total_bytes: 9_999,
            ..Limits::default()
        };
        assert!(matches!(
            decrypt(&path, &pass("correct horse"), &limits),
            Err(BundleError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_header_with_thousands_of_stanzas_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.zfb");
        let mut bytes = b"age-encryption.org/v1\n".to_vec();
        for i in 0..5_000 {
            bytes.extend_from_slice(
                format!("-> scrypt c2FsdHNhbHRzYWx0c2FsdA {i}\nAAAA\n").as_bytes(),
            );
        }
        bytes.extend_from_slice(b"--- AAAA\n");
        std::fs::write(&path, &bytes).unwrap();
        let started = std::time::Instant::now();
        let err = decrypt(&path, &pass("correct horse"), &Limits::default()).unwrap_err();
        assert!(matches!(err, BundleError::Damaged { .. }), "{err:?}");
        assert!(err.to_string().contains("recipient entries"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // A header that never ends is refused after its first 64 KiB, not read to the end.
        let endless = dir.path().join("endless.zfb");
        let mut bytes = b"age-encryption.org/v1\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'A', 200_000));
        std::fs::write(&endless, &bytes).unwrap();
        let err = decrypt(&endless, &pass("correct horse"), &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("does not end"), "{err}");
    }

    #[test]
    fn a_file_asking_for_too_much_work_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hard.zfb");
        let mut bytes = Vec::new();
        encrypt(b"x", &pass("correct horse"), &mut bytes).unwrap();
        // Raise the work factor named in the scrypt stanza (`-> scrypt <salt> 4`): a reader
        // must refuse before doing the work, so the header's MAC is never reached.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let line_start = text.find("-> scrypt ").unwrap();
        let line_end = line_start + text[line_start..].find('\n').unwrap();
        assert!(text[line_start..line_end].ends_with(" 4"));
        bytes.splice(line_end - 1..line_end, b"21".iter().copied());
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            decrypt(&path, &pass("correct horse"), &Limits::default()),
            Err(BundleError::ExcessiveWork { required: 21, .. })
        ));
    }
}
