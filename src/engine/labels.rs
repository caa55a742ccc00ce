//! The words for the helpdesk's values and refusals, in the reader's language.

use super::{Engine, Refusal};
use crate::desk::{BlindReason, DecisionError, DeskError};
use crate::domain::{Language, ParseError, Priority, Status};
use crate::permissions::Action;
use crate::present::labels::{priority_label, staff_status_label, status_label};

impl Engine {
    pub(crate) fn status_label(&self, language: Language, status: Status) -> String {
        status_label(&self.inner.texts, language, status)
    }

    pub(crate) fn staff_status_label(&self, status: Status) -> String {
        staff_status_label(&self.inner.texts, self.staff_language(), status)
    }

    /// The team's wording of a status for one of them who reads `language`.
    pub(crate) fn staff_status_label_in(&self, language: Language, status: Status) -> String {
        staff_status_label(&self.inner.texts, language, status)
    }

    pub(crate) fn priority_label(&self, language: Language, priority: Priority) -> String {
        priority_label(&self.inner.texts, language, priority)
    }
}

/// What to tell a person the desk refused.
pub fn refusal_of(error: &DeskError) -> Refusal {
    match error {
        DeskError::UnknownTicket(reference) => {
            Refusal::new("error-unknown-ticket").with("reference", reference.clone())
        }
        DeskError::UnknownUser(who) => Refusal::new("error-unknown-user").with("user", who.clone()),
        DeskError::UnknownTeam(team) => {
            Refusal::new("error-unknown-team").with("team", team.clone())
        }
        DeskError::UnknownCategory(c) => {
            Refusal::new("error-unknown-category").with("category", c.clone())
        }
        DeskError::Forbidden(action) => Refusal::new(forbidden_key(*action)),
        DeskError::AdminOnly => Refusal::new("error-admin-only"),
        DeskError::Transition { from, to } => Refusal::new("error-transition")
            .with("from", from.as_str())
            .with("to", to.as_str()),
        DeskError::AlreadyAssigned(_) => Refusal::new("error-already-assigned"),
        DeskError::NotTeamStaff(_) => Refusal::new("error-not-team-staff"),
        DeskError::BlindLead { name, team, reason } => Refusal::new(match reason {
            BlindReason::Employee => "error-lead-employee",
            BlindReason::NotHr => "error-lead-not-hr",
            BlindReason::NotMember | BlindReason::UnknownAddress => "error-lead-not-member",
        })
        .with("name", name.clone())
        .with("team", team.clone()),
        DeskError::NotResolved => Refusal::new("error-not-resolved"),
        DeskError::StaffOnly => Refusal::new("error-staff-only"),
        DeskError::BadLinkCode => Refusal::new("error-link-code"),
        DeskError::LinkNotEmployee => Refusal::new("error-link-staff"),
        DeskError::PlatformTaken(platform) => {
            Refusal::new("error-link-platform").with("platform", platform.to_string())
        }
        DeskError::NotLead => Refusal::new("error-not-lead"),
        DeskError::IdentityTaken(identity) => {
            Refusal::new("error-identity-taken").with("identity", identity.to_string())
        }
        DeskError::EmailTaken(email) => {
            Refusal::new("error-email-taken").with("email", email.to_string())
        }
        DeskError::EmptySubject | DeskError::EmptyMessage => Refusal::new("error-empty"),
        DeskError::Decision(e) => Refusal::new(match e {
            DecisionError::NotNeeded => "error-decision-not-needed",
            DecisionError::OwnRequest => "error-decision-own-request",
            DecisionError::NotPending(_) => "error-decision-not-pending",
            DecisionError::NoJustification => "error-decision-no-justification",
            DecisionError::NoQuestion => "error-decision-no-question",
        }),
        DeskError::Invalid(e) => invalid(e),
        // Not a refusal; callers turn store errors into internal errors first.
        DeskError::Store(_) => Refusal::new("error-internal"),
    }
}

/// A value that did not parse, named in the reader's language.
pub fn invalid(e: &ParseError) -> Refusal {
    let key = match e.what {
        "priority" => "error-invalid-priority",
        "status" => "error-invalid-status",
        "ticket reference" => "error-invalid-reference",
        "rating" => "error-invalid-rating",
        "language" => "error-invalid-language",
        "e-mail address" => "error-invalid-email",
        _ => "error-invalid-value",
    };
    Refusal::new(key).with("value", e.value.clone())
}

fn forbidden_key(action: Action) -> &'static str {
    match action {
        Action::AddNote | Action::ReadInternal => "error-forbidden-note",
        Action::Rate => "error-forbidden-rate",
        Action::Close | Action::Reopen => "error-forbidden-close",
        Action::Decide => "error-forbidden-decide",
        _ => "error-forbidden-staff",
    }
}
