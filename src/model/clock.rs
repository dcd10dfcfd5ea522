//! The hybrid logical clock that stamps every edit. It never goes backwards on a device (even if
//! the wall clock does), and it orders edits from different devices the same way everywhere, so
//! "the later edit wins" has one answer on every laptop.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One reading of the clock: wall milliseconds, a counter for edits within the same
/// millisecond, and the device that made it (which breaks ties).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (at least the wall clock when stamped).
    pub millis: i64,
    /// Orders stamps that share `millis`.
    pub counter: u32,
    /// The device id of the writer; the last tie-breaker.
    pub device: String,
}

impl Hlc {
    /// The clock of the built-in catalogue: older than any edit, the same on every device.
    pub fn origin() -> Hlc {
        Hlc {
            millis: 0,
            counter: 0,
            device: "builtin".to_owned(),
        }
    }

    /// The next stamp after `last` on `device`, given the wall clock `now_millis`.
    pub fn tick(last: Option<&Hlc>, now_millis: i64, device: &str) -> Hlc {
        match last {
            Some(last) if last.millis >= now_millis => Hlc {
                millis: last.millis,
                counter: last.counter.saturating_add(1),
                device: device.to_owned(),
            },
            _ => Hlc {
                millis: now_millis,
                counter: 0,
                device: device.to_owned(),
            },
        }
    }

    /// The wall time of this stamp.
    pub fn time(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.millis).unwrap_or_default()
    }
}

impl fmt::Display for Hlc {
    /// Fixed-width numbers, so the text form sorts exactly like the clock.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}.{:06}.{}", self.millis, self.counter, self.device)
    }
}

/// A clock stamp that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("not a clock stamp: {0}")]
pub struct BadHlc(pub String);

impl FromStr for Hlc {
    type Err = BadHlc;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadHlc(s.chars().take(80).collect());
        let mut parts = s.splitn(3, '.');
        let millis = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let counter = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let device = parts.next().filter(|d| !d.is_empty()).ok_or_else(bad)?;
        if millis < 0 {
            return Err(bad());
        }
        Ok(Hlc {
            millis,
            counter,
            device: device.to_owned(),
        })
    }
}

impl Serialize for Hlc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // One string, escaped in one pass: `collect_str` escaped each formatted piece
        // separately, a fifth of a bundle export's time.
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_goes_backwards_when_the_wall_clock_does() {
        let a = Hlc::tick(None, 1_000, "dev");
        let b = Hlc::tick(Some(&a), 500, "dev");
        let c = Hlc::tick(Some(&b), 2_000, "dev");
        assert!(a < b && b < c);
        assert_eq!(b.millis, 1_000);
        assert_eq!(b.counter, 1);
    }

    #[test]
    fn text_form_sorts_like_the_clock_and_round_trips() {
        let a = Hlc::tick(None, 9, "b");
        let b = Hlc::tick(None, 10, "a");
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
        assert_eq!(a.to_string().parse::<Hlc>().unwrap(), a);
        assert!("x.y".parse::<Hlc>().is_err());
    }

    #[test]
    fn device_breaks_ties() {
        let a = Hlc::tick(None, 10, "aaa");
        let b = Hlc::tick(None, 10, "bbb");
        assert!(a < b);
    }
}
