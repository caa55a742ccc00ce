//! The words for the helpdesk's values and refusals, in the reader's language.

use super::{Engine, Refusal};
use crate::desk::{BlindReason, DecisionError, DeskError};
use crate::domain::{Language, ParseError, Priority, Status, ValueKind};
use crate::i18n::Key;
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

/// What to tell a person the desk refused, and what kind of refusal it is.
pub fn refusal_of(error: &DeskError) -> Refusal {
    match error {
        DeskError::UnknownTicket(reference) => {
            Refusal::not_found(key!("error-unknown-ticket")).with("reference", reference.clone())
        }
        DeskError::UnknownUser(who) => {
            Refusal::not_found(key!("error-unknown-user")).with("user", who.clone())
        }
        DeskError::UnknownTeam(team) => {
            Refusal::not_found(key!("error-unknown-team")).with("team", team.clone())
        }
        DeskError::UnknownCategory(c) => {
            Refusal::not_found(key!("error-unknown-category")).with("category", c.clone())
        }
        DeskError::Forbidden(action) => Refusal::forbidden(forbidden_key(*action)),
        DeskError::AdminOnly => Refusal::forbidden(key!("error-admin-only")),
        DeskError::Transition { from, to } => Refusal::conflict(key!("error-transition"))
            .with_status("from", *from)
            .with_status("to", *to),
        DeskError::AlreadyAssigned(_) => Refusal::conflict(key!("error-already-assigned")),
        DeskError::NotTeamStaff(_) => Refusal::forbidden(key!("error-not-team-staff")),
        DeskError::BlindLead { name, team, reason } => Refusal::invalid(match reason {
            BlindReason::Employee => key!("error-lead-employee"),
            BlindReason::NotHr => key!("error-lead-not-hr"),
            BlindReason::NotMember | BlindReason::UnknownAddress => key!("error-lead-not-member"),
        })
        .with("name", name.clone())
        .with("team", team.clone()),
        DeskError::NotResolved => Refusal::conflict(key!("error-not-resolved")),
        DeskError::StaffOnly => Refusal::forbidden(key!("error-staff-only")),
        DeskError::BadLinkCode => Refusal::invalid(key!("error-link-code")),
        DeskError::LinkNotEmployee => Refusal::invalid(key!("error-link-staff")),
        DeskError::PlatformTaken(platform) => {
            Refusal::invalid(key!("error-link-platform")).with("platform", platform.to_string())
        }
        DeskError::NotLead => Refusal::forbidden(key!("error-not-lead")),
        DeskError::IdentityTaken(identity) => {
            Refusal::invalid(key!("error-identity-taken")).with("identity", identity.to_string())
        }
        DeskError::EmailTaken(email) => {
            Refusal::invalid(key!("error-email-taken")).with("email", email.to_string())
        }
        DeskError::EmptySubject | DeskError::EmptyMessage => Refusal::invalid(key!("error-empty")),
        DeskError::Decision(e) => decision_refusal(e),
        DeskError::Invalid(e) => invalid(e),
        // Not a refusal: callers turn store errors into internal errors first.
        DeskError::Store(_) => Refusal::invalid(key!("error-internal")),
    }
}

fn decision_refusal(e: &DecisionError) -> Refusal {
    match e {
        DecisionError::NotNeeded => Refusal::conflict(key!("error-decision-not-needed")),
        DecisionError::OwnRequest => Refusal::forbidden(key!("error-decision-own-request")),
        DecisionError::NotPending(_) => Refusal::conflict(key!("error-decision-not-pending")),
        DecisionError::NoJustification => Refusal::invalid(key!("error-decision-no-justification")),
        DecisionError::NoQuestion => Refusal::invalid(key!("error-decision-no-question")),
    }
}

/// A value that did not parse, named in the reader's language.
pub fn invalid(e: &ParseError) -> Refusal {
    let key = match e.what {
        ValueKind::Priority => key!("error-invalid-priority"),
        ValueKind::Status => key!("error-invalid-status"),
        ValueKind::TicketReference => key!("error-invalid-reference"),
        ValueKind::Rating => key!("error-invalid-rating"),
        ValueKind::Language => key!("error-invalid-language"),
        ValueKind::Email => key!("error-invalid-email"),
        ValueKind::Role
        | ValueKind::Identity
        | ValueKind::DisplayName
        | ValueKind::Decision
        | ValueKind::User => key!("error-invalid-value"),
    };
    Refusal::invalid(key).with("value", e.value.clone())
}

fn forbidden_key(action: Action) -> Key {
    match action {
        Action::AddNote | Action::ReadInternal => key!("error-forbidden-note"),
        Action::Rate => key!("error-forbidden-rate"),
        Action::Close | Action::Reopen => key!("error-forbidden-close"),
        Action::Decide => key!("error-forbidden-decide"),
        _ => key!("error-forbidden-staff"),
    }
}
