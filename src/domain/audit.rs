//! The audit trail: every change to a ticket or a person, who made it, old → new.
//! Rows are only ever appended; the database refuses updates and deletes.

use std::fmt;

use chrono::{DateTime, Utc};

use super::people::UserId;
use super::ticket::TicketId;

/// What changed. Stored as its name, so new kinds never rewrite old rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    TicketCreated,
    StatusChanged,
    PriorityChanged,
    Assigned,
    Claimed,
    AutoAssigned,
    Unassigned,
    Transferred,
    Resolved,
    Rated,
    NoteAdded,
    UserCreated,
    RoleChanged,
    IdentityLinked,
    ProfileChanged,
    TeamMemberAdded,
    TeamMemberRemoved,
    AgentSettingsChanged,
    /// A message the outbox could not deliver and set aside.
    DeliveryAbandoned,
    /// An operator sent a dead letter back to the outbox, or replayed an inbound
    /// event that had failed for good: old value what it was, new value why it
    /// had failed.
    DeliveryRetried,
    /// An SLA target reached an escalation level: old value the target, new the level.
    Escalated,
    /// The overdue e-mail was written for the outbox: new value the address.
    OverdueMailed,
    /// The overdue e-mail could not be written: new value why.
    OverdueNotMailed,
    /// A request needing approval was approved: new value the note, if any.
    Approved,
    /// A request needing approval was refused: new value the justification.
    Refused,
    /// More information was asked of the requester: new value the question.
    InfoRequested,
}

impl AuditAction {
    pub const ALL: [AuditAction; 26] = {
        use AuditAction::*;
        [
            TicketCreated,
            StatusChanged,
            PriorityChanged,
            Assigned,
            Claimed,
            AutoAssigned,
            Unassigned,
            Transferred,
            Resolved,
            Rated,
            NoteAdded,
            UserCreated,
            RoleChanged,
            IdentityLinked,
            ProfileChanged,
            TeamMemberAdded,
            TeamMemberRemoved,
            AgentSettingsChanged,
            DeliveryAbandoned,
            DeliveryRetried,
            Escalated,
            OverdueMailed,
            OverdueNotMailed,
            Approved,
            Refused,
            InfoRequested,
        ]
    };

    pub fn as_str(self) -> &'static str {
        use AuditAction::*;
        match self {
            TicketCreated => "ticket_created",
            StatusChanged => "status_changed",
            PriorityChanged => "priority_changed",
            Assigned => "assigned",
            Claimed => "claimed",
            AutoAssigned => "auto_assigned",
            Unassigned => "unassigned",
            Transferred => "transferred",
            Resolved => "resolved",
            Rated => "rated",
            NoteAdded => "note_added",
            UserCreated => "user_created",
            RoleChanged => "role_changed",
            IdentityLinked => "identity_linked",
            ProfileChanged => "profile_changed",
            TeamMemberAdded => "team_member_added",
            TeamMemberRemoved => "team_member_removed",
            AgentSettingsChanged => "agent_settings_changed",
            DeliveryAbandoned => "delivery_abandoned",
            DeliveryRetried => "delivery_retried",
            Escalated => "escalated",
            OverdueMailed => "overdue_mailed",
            OverdueNotMailed => "overdue_not_mailed",
            Approved => "approved",
            Refused => "refused",
            InfoRequested => "info_requested",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a line of the trail read back says changed: an action this version knows,
/// or the name of one it does not (written by another version), kept as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordedAction {
    Known(AuditAction),
    Unknown(String),
}

impl RecordedAction {
    /// The action a stored name stands for; never fails.
    pub fn parse(stored: &str) -> RecordedAction {
        AuditAction::ALL
            .into_iter()
            .find(|action| action.as_str() == stored)
            .map_or_else(
                || RecordedAction::Unknown(stored.to_owned()),
                RecordedAction::Known,
            )
    }

    /// The name stored for the action.
    pub fn as_str(&self) -> &str {
        match self {
            RecordedAction::Known(action) => action.as_str(),
            RecordedAction::Unknown(stored) => stored,
        }
    }
}

impl PartialEq<AuditAction> for RecordedAction {
    fn eq(&self, other: &AuditAction) -> bool {
        matches!(self, RecordedAction::Known(action) if action == other)
    }
}

impl fmt::Display for RecordedAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the trail, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: i64,
    pub ticket: Option<TicketId>,
    /// `None` when the helpdesk acted by itself (automatic assignment, scheduler).
    pub actor: Option<UserId>,
    /// The user the change was about, for changes to people.
    pub subject_user: Option<UserId>,
    pub action: RecordedAction,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// chat, web, cli or scheduler.
    pub origin: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_as_it_was_written() {
        for action in AuditAction::ALL {
            assert_eq!(
                RecordedAction::parse(action.as_str()),
                RecordedAction::Known(action)
            );
        }
    }

    #[test]
    fn an_action_this_version_does_not_know_is_kept_as_stored() {
        let read = RecordedAction::parse("incident_opened");
        assert_eq!(read, RecordedAction::Unknown("incident_opened".into()));
        assert_eq!(read.to_string(), "incident_opened");
        assert!(AuditAction::ALL.into_iter().all(|action| read != action));
    }
}
