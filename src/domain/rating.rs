//! The requester's verdict on a resolved ticket: 1 to 5 stars and a comment.

use chrono::{DateTime, Utc};

use super::ParseError;
use super::people::UserId;
use super::ticket::TicketId;

/// A number of stars, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stars(u8);

impl Stars {
    pub fn new(n: i64) -> Result<Stars, ParseError> {
        match u8::try_from(n) {
            Ok(n @ 1..=5) => Ok(Stars(n)),
            _ => Err(ParseError::new(
                super::ValueKind::Rating,
                &n.to_string(),
                "1 to 5 stars",
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// As people read it: `★★★★`.
    pub fn drawn(self) -> String {
        "★".repeat(self.0.into())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub ticket: TicketId,
    pub stars: Stars,
    pub comment: Option<String>,
    pub rated_by: UserId,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_go_from_one_to_five() {
        assert_eq!(Stars::new(4).unwrap().get(), 4);
        for bad in [0, 6, -1, 300] {
            assert!(Stars::new(bad).is_err(), "{bad}");
        }
    }
}
