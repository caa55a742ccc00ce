//! The agents' points ledger. Entries are appended, never changed: taking points
//! back is a negative entry. Each entry has a key naming the event that earned it,
//! so an event replayed twice cannot earn twice.

use chrono::{DateTime, Utc};

use super::people::UserId;
use super::ticket::TicketId;

#[derive(Debug, Clone, PartialEq)]
pub struct PointsEntry {
    pub agent: UserId,
    pub ticket: Option<TicketId>,
    /// Why, in a word: `resolved`, `fast_first_response`, `good_rating`, `reopened`.
    pub reason: String,
    pub points: i64,
    /// Unique per earning event, e.g. `resolved:42:1`.
    pub event_key: String,
    pub at: DateTime<Utc>,
}
