//! Ticket references: `TCK-YYYYMMDD-NNN`, the day in the company's time zone and a
//! sequence number per day handed out by the database.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::ParseError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketReference {
    day: NaiveDate,
    sequence: u32,
}

impl TicketReference {
    pub fn new(day: NaiveDate, sequence: u32) -> Self {
        TicketReference { day, sequence }
    }

    /// The company-local day a ticket created at `at` belongs to: a ticket filed at
    /// 23:30 UTC on 14 February is a 15 February ticket in Paris.
    pub fn day_of(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
        at.with_timezone(&tz).date_naive()
    }

    /// The key under which the database counts the day's tickets.
    pub fn day_key(day: NaiveDate) -> String {
        day.format("%Y%m%d").to_string()
    }

    pub fn day(&self) -> NaiveDate {
        self.day
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for TicketReference {
    /// Three digits at least; a day with a thousand tickets simply gets longer ones.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TCK-{}-{:03}", self.day.format("%Y%m%d"), self.sequence)
    }
}

impl FromStr for TicketReference {
    type Err = ParseError;
    /// Accepts what people type: `TCK-20250214-002`, `tck-20250214-2`, `#TCK-…`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseError::new(super::ValueKind::TicketReference, s, "TCK-YYYYMMDD-NNN");
        let upper = s.trim().trim_start_matches('#').to_ascii_uppercase();
        let rest = upper.strip_prefix("TCK-").ok_or_else(bad)?;
        let (day, seq) = rest.split_once('-').ok_or_else(bad)?;
        if day.len() != 8 || seq.is_empty() || !seq.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let day = NaiveDate::parse_from_str(day, "%Y%m%d").map_err(|_| bad())?;
        let sequence: u32 = seq.parse().map_err(|_| bad())?;
        if sequence == 0 {
            return Err(bad());
        }
        Ok(TicketReference { day, sequence })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn references_look_like_the_specification() {
        let day = NaiveDate::from_ymd_opt(2025, 2, 14).unwrap();
        assert_eq!(TicketReference::new(day, 2).to_string(), "TCK-20250214-002");
        assert_eq!(
            TicketReference::new(day, 1234).to_string(),
            "TCK-20250214-1234"
        );
    }

    #[test]
    fn references_parse_as_people_type_them() {
        let want = TicketReference::new(NaiveDate::from_ymd_opt(2025, 2, 14).unwrap(), 2);
        for typed in ["TCK-20250214-002", "#TCK-20250214-002", " tck-20250214-2 "] {
            assert_eq!(typed.parse::<TicketReference>().unwrap(), want, "{typed}");
        }
        for bad in [
            "TCK-2025021-002",
            "TCK-20250230-001",
            "TCK-20250214-000",
            "20250214-1",
            "TCK-20250214-x",
        ] {
            assert!(bad.parse::<TicketReference>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_day_is_the_company_day_not_the_utc_day() {
        let late_evening_utc = Utc.with_ymd_and_hms(2025, 2, 14, 23, 30, 0).unwrap();
        let paris = TicketReference::day_of(late_evening_utc, chrono_tz::Europe::Paris);
        assert_eq!(paris, NaiveDate::from_ymd_opt(2025, 2, 15).unwrap());
        let utc = TicketReference::day_of(late_evening_utc, chrono_tz::UTC);
        assert_eq!(utc, NaiveDate::from_ymd_opt(2025, 2, 14).unwrap());
    }
}
