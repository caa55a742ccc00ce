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

/// One line of the trail, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: i64,
    pub ticket: Option<TicketId>,
    /// `None` when the helpdesk acted by itself (automatic assignment, scheduler).
    pub actor: Option<UserId>,
    /// The user the change was about, for changes to people.
    pub subject_user: Option<UserId>,
    pub action: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// chat, web, cli or scheduler.
    pub origin: String,
    pub at: DateTime<Utc>,
}
