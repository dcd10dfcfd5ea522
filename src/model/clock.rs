//! The hybrid logical clock that stamps every edit. It never goes backwards on a device (even if
//! the wall clock does), and it orders edits from different devices the same way everywhere, so
//! "the later edit wins" has one answer on every laptop.

use serde::{Deserialize, Serialize};

/// The largest counter a stamp carries: six digits, so the text form still sorts like the
/// clock. An edit after it moves on to the next millisecond; a bundle's stamp above it is
/// refused.
pub const MAX_COUNTER: u32 = 999_999;

/// How far ahead of this laptop's clock an incoming change may be dated (a day: a laptop whose
/// clock or time zone is wrong by hours still exchanges; one dated later is refused, so a
/// hostile clock can only win for a bounded time).
pub const MAX_CLOCK_AHEAD_MS: i64 = 24 * 3600 * 1000;
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

    /// The next stamp after `last` on `device`, given the wall clock `now_millis`: always
    /// later than `last`. A counter at its maximum (a hostile clock seen in a bundle) cannot
    /// freeze the clock: the next stamp moves on to the next millisecond instead.
    pub fn tick(last: Option<&Hlc>, now_millis: i64, device: &str) -> Hlc {
        match last {
            Some(last) if last.millis >= now_millis => match last.counter.checked_add(1) {
                Some(counter) if counter <= MAX_COUNTER => Hlc {
                    millis: last.millis,
                    counter,
                    device: device.to_owned(),
                },
                _ => Hlc {
                    millis: last.millis.saturating_add(1),
                    counter: 0,
                    device: device.to_owned(),
                },
            },
            _ => Hlc {
                millis: now_millis,
                counter: 0,
                device: device.to_owned(),
            },
        }
    }

    /// The clock `last` moved past a stamp `seen` from another device, so that the next
    /// [`Hlc::tick`] on `device` is later than `seen` whatever the devices' names.
    pub fn observe(last: Option<&Hlc>, seen: &Hlc, device: &str) -> Option<Hlc> {
        match last {
            Some(last) if last >= seen => Some(last.clone()),
            _ => Some(Hlc {
                millis: seen.millis,
                counter: seen.counter,
                device: device.to_owned(),
            }),
        }
    }

    /// Whether `text` is a stamp exactly as [`Hlc`]'s `Display` writes it (15-digit
    /// milliseconds, 6-digit counter, a device): such texts sort like the clocks they stand
    /// for, and equal texts are equal clocks, so they can be compared without being parsed.
    pub fn is_canonical_text(text: &str) -> bool {
        let b = text.as_bytes();
        b.len() > 23
            && b[..15].iter().all(u8::is_ascii_digit)
            && b[15] == b'.'
            && b[16..22].iter().all(u8::is_ascii_digit)
            && b[22] == b'.'
    }

    /// The wall time of this stamp (the epoch for a stamp beyond what a date can hold).
    pub fn time(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.millis).unwrap_or_default()
    }

    /// The wall time of this stamp as a person reads it (UTC, to the minute), or its year
    /// alone for a stamp beyond the calendar's last date (year 262,143).
    pub fn time_text(&self) -> String {
        /// The mean Gregorian year in milliseconds.
        const YEAR_MS: i64 = 31_556_952_000;
        match chrono::DateTime::from_timestamp_millis(self.millis) {
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => (1970 + self.millis / YEAR_MS).to_string(),
        }
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
    fn a_canonical_text_is_what_display_writes_and_sorts_like_the_clock() {
        let a = Hlc::tick(None, 1_000, "dev-a");
        let b = Hlc::tick(Some(&a), 1_000, "dev-a");
        let c = Hlc::tick(None, 20_000, "dev-0");
        for clock in [&a, &b, &c, &Hlc::origin()] {
            let text = clock.to_string();
            assert!(Hlc::is_canonical_text(&text), "{text}");
            assert_eq!(text.parse::<Hlc>().unwrap(), *clock);
        }
        assert!(a.to_string() < b.to_string() && b.to_string() < c.to_string());
        // Parsed, but not written this way: its text does not sort like the clock.
        for odd in [
            "1000.0.dev",
            "000000000001000.000000.",
            "00000000000100a.000000.d",
        ] {
            assert!(!Hlc::is_canonical_text(odd), "{odd}");
        }
    }

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
    fn a_counter_at_its_maximum_moves_on_to_the_next_millisecond() {
        let hostile = Hlc {
            millis: 5_000,
            counter: MAX_COUNTER,
            device: "zzzz".to_owned(),
        };
        let last = Hlc::observe(None, &hostile, "aaaa");
        let a = Hlc::tick(last.as_ref(), 1_000, "aaaa");
        let b = Hlc::tick(Some(&a), 1_000, "aaaa");
        assert!(hostile < a && a < b, "{hostile} {a} {b}");
        assert_eq!((a.millis, a.counter), (5_001, 0));
    }

    #[test]
    fn a_date_beyond_the_calendar_reads_as_its_year_not_as_1970() {
        let far = Hlc {
            millis: i64::MAX,
            counter: 0,
            device: "x".to_owned(),
        };
        assert_eq!(far.time_text(), "292278994");
        let year_3000 = Hlc {
            millis: 32_503_680_000_000,
            ..far
        };
        assert_eq!(year_3000.time_text(), "3000-01-01 00:00");
        assert_eq!(Hlc::tick(None, 0, "x").time_text(), "1970-01-01 00:00");
    }

    proptest::proptest! {
        /// Whatever clock a bundle brings (up to the skew an import accepts, any counter),
        /// after seeing it the local clock's next two edits are both later than it and in the
        /// order they were made, whatever the devices' names.
        #[test]
        fn after_any_incoming_clock_local_edits_win_and_stay_in_order(
            skew_ms in 0i64..=MAX_CLOCK_AHEAD_MS,
            counter in 0..=MAX_COUNTER,
            local_counter in 0..=MAX_COUNTER,
            wall_step in 0i64..5_000,
            remote in "[a-z]{1,8}",
            local in "[a-z]{1,8}",
        ) {
            let now = 1_780_000_000_000i64;
            let before = Hlc { millis: now - 10, counter: local_counter, device: local.clone() };
            let seen = Hlc { millis: now + skew_ms, counter, device: remote };
            let last = Hlc::observe(Some(&before), &seen, &local);
            let first = Hlc::tick(last.as_ref(), now, &local);
            let second = Hlc::tick(Some(&first), now + wall_step, &local);
            proptest::prop_assert!(seen < first, "{} !< {}", seen, first);
            proptest::prop_assert!(first < second, "{} !< {}", first, second);
            proptest::prop_assert!(seen.to_string() < first.to_string());
            proptest::prop_assert!(first.to_string() < second.to_string());
        }
    }

    #[test]
    fn device_breaks_ties() {
        let a = Hlc::tick(None, 10, "aaa");
        let b = Hlc::tick(None, 10, "bbb");
        assert!(a < b);
    }
}
