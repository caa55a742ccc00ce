//! Durations as people write them in the configuration: `90s`, `15m`, `4h`, `3d`,
//! `1w`, `1h30m`.
//!
//! Not humantime, on purpose: it also takes months and years (`1M` = 30.44 days,
//! `1y` = 365.25 days: an SLA of "1M" would be a fraction of a day off any calendar
//! month), and spelled-out units with spaces (`3 days 4 hours`), none of which the
//! error message below can teach. This grammar is the one the message teaches, and
//! `Display` writes it back (`1h30m`), so `guichet` prints what an operator wrote.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct HumanDuration(pub Duration);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a duration: write a number and a unit, like 90s, 15m, 4h, 3d or 1h30m")]
pub struct DurationError(String);

impl FromStr for HumanDuration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DurationError(s.to_owned());
        let text = s.trim();
        if text.is_empty() {
            return Err(bad());
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                'w' => 7 * 86_400,
                _ => return Err(bad()),
            };
            let n: u64 = digits.parse().map_err(|_| bad())?;
            digits.clear();
            total = n
                .checked_mul(unit)
                .and_then(|secs| total.checked_add(secs))
                .ok_or_else(bad)?;
        }
        if !digits.is_empty() {
            return Err(bad());
        }
        Ok(HumanDuration(Duration::from_secs(total)))
    }
}

impl TryFrom<String> for HumanDuration {
    type Error = DurationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut secs = self.0.as_secs();
        if secs == 0 {
            return f.write_str("0s");
        }
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
            if secs >= size {
                write!(f, "{}{unit}", secs / size)?;
                secs %= size;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> u64 {
        s.parse::<HumanDuration>().unwrap().0.as_secs()
    }

    #[test]
    fn durations_read_as_written() {
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("15m"), 900);
        assert_eq!(secs("4h"), 14_400);
        assert_eq!(secs("3d"), 259_200);
        assert_eq!(secs(" 1h30m "), 5400);
        assert_eq!(secs("1w"), 604_800);
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "15",
            "m",
            "4 h",
            "3days",
            "-1h",
            "99999999999999999999d",
        ] {
            assert!(bad.parse::<HumanDuration>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn durations_print_back_in_the_same_notation() {
        for s in ["15m", "4h", "3d", "1h30m", "0s"] {
            assert_eq!(s.parse::<HumanDuration>().unwrap().to_string(), s);
        }
    }
}
