//! Ticket priorities, from the helpdesk documentation: P0 Critique … P3 Basse.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use super::ParseError;

/// How urgent a ticket is. Ordered from the most to the least urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub enum Priority {
    /// Critique: immediate impact on the business.
    P0,
    /// Urgent: impact on several users.
    P1,
    /// Normal: impact on one user.
    P2,
    /// Basse: a request for improvement.
    P3,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::P0, Priority::P1, Priority::P2, Priority::P3];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P0 => "P0",
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
        }
    }

    /// The name the helpdesk documentation gives each level.
    pub fn name_fr(self) -> &'static str {
        match self {
            Priority::P0 => "Critique",
            Priority::P1 => "Urgent",
            Priority::P2 => "Normal",
            Priority::P3 => "Basse",
        }
    }
}

impl FromStr for Priority {
    type Err = ParseError;
    /// Accepts the code (`P1`, `p1`) or the French name (`Urgent`, `critique`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s) || p.name_fr().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseError::new(super::ValueKind::Priority, s, "P0, P1, P2 or P3"))
    }
}

impl TryFrom<String> for Priority {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_parse_from_code_or_french_name() {
        assert_eq!("p0".parse::<Priority>().unwrap(), Priority::P0);
        assert_eq!("Urgent".parse::<Priority>().unwrap(), Priority::P1);
        assert_eq!("basse".parse::<Priority>().unwrap(), Priority::P3);
        assert!("P4".parse::<Priority>().is_err());
    }

    #[test]
    fn p0_is_the_most_urgent() {
        let mut all = Priority::ALL;
        all.reverse();
        all.sort();
        assert_eq!(all, Priority::ALL);
    }
}
