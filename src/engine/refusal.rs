//! A refusal: something the person asked that cannot be done. What it is made of
//! is typed, so that nothing downstream compares catalog keys.

use crate::desk::{BlindReason, DecisionError, DeskError};
use crate::domain::{ParseError, Status, ValueKind};
use crate::i18n::Key;
use crate::permissions::Action;
use crate::store::StoreError;

/// A refusal of the engine, its key and argument names checked at compile time as
/// `t!`'s are: `refusal!(NotFound, "error-unknown-ticket", reference = r)`. The
/// kind is a [`RefusalKind`](crate::engine::RefusalKind) variant; a value is
/// text, a `Status` (worded for the reader, named in the web API) or a
/// [`RefusalArg`](crate::engine::RefusalArg).
#[macro_export]
macro_rules! refusal {
    ($kind:ident, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::engine::Refusal::checked(
            $crate::engine::RefusalKind::$kind,
            $crate::key_taking!($id $(, $name)*),
            vec![$((stringify!($name), $crate::engine::RefusalArg::from($value))),*],
        )
    };
}

/// Something the person asked that cannot be done, to tell them in their language.
/// Its kind is set where it is made; the web's status follows it, and so does what
/// a ticket's thread says to someone who is not of its team.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The catalog key of the sentence: words only, never compared.
    pub key: Key,
    pub args: Vec<(&'static str, RefusalArg)>,
}

/// What sort of "no" a refusal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// What was named does not exist, or the person may not see it.
    NotFound,
    /// The person may not do this.
    Forbidden,
    /// The ticket's state (or the bot's question) does not allow it now.
    Conflict,
    /// What was typed or sent does not make sense.
    Invalid,
}

/// A value a refusal's sentence names.
#[derive(Debug, Clone, PartialEq)]
pub enum RefusalArg {
    Text(String),
    /// Worded for the reader (the chat), or by its name (the web API).
    Status(Status),
    /// How a command is typed: the catalog key of its usage line, worded in the
    /// author's language since the command names are theirs. Chat only.
    Usage(Key),
}

impl RefusalArg {
    /// The value without wording: a status by its name.
    pub fn plain(self) -> String {
        match self {
            RefusalArg::Text(text) => text,
            RefusalArg::Status(status) => status.as_str().to_owned(),
            RefusalArg::Usage(key) => key.id().to_owned(),
        }
    }
}

impl From<String> for RefusalArg {
    fn from(text: String) -> Self {
        RefusalArg::Text(text)
    }
}

impl From<&str> for RefusalArg {
    fn from(text: &str) -> Self {
        RefusalArg::Text(text.to_owned())
    }
}

/// A status is worded for the reader in the chat, and named in the web API.
impl From<Status> for RefusalArg {
    fn from(status: Status) -> Self {
        RefusalArg::Status(status)
    }
}

impl Refusal {
    /// For [`refusal!`](crate::refusal), which checks at compile time that `key`
    /// takes exactly the arguments given.
    #[doc(hidden)]
    pub fn checked(kind: RefusalKind, key: Key, args: Vec<(&'static str, RefusalArg)>) -> Self {
        Refusal { kind, key, args }
    }

    /// "Usage: …" for a command typed wrong; `usage` is the key of its usage line.
    pub fn usage(usage: Key) -> Self {
        refusal!(Invalid, "error-usage", usage = RefusalArg::Usage(usage))
    }
}

/// What to tell a person the desk refused, and what kind of refusal it is; a
/// failure of the store is no refusal and is handed back as it is.
pub fn refusal_of(error: DeskError) -> Result<Refusal, StoreError> {
    Ok(match error {
        DeskError::UnknownTicket(reference) => {
            refusal!(NotFound, "error-unknown-ticket", reference = reference)
        }
        DeskError::UnseenTicket => refusal!(NotFound, "error-unseen-ticket"),
        DeskError::UnknownUser(user) => refusal!(NotFound, "error-unknown-user", user = user),
        DeskError::UnknownTeam(team) => refusal!(NotFound, "error-unknown-team", team = team),
        DeskError::UnknownCategory(category) => {
            refusal!(NotFound, "error-unknown-category", category = category)
        }
        DeskError::Forbidden(action) => forbidden(action),
        DeskError::AdminOnly => refusal!(Forbidden, "error-admin-only"),
        DeskError::Transition { from, to } => {
            refusal!(Conflict, "error-transition", from = from, to = to)
        }
        DeskError::AlreadyAssigned(_) => refusal!(Conflict, "error-already-assigned"),
        DeskError::NotTeamStaff(_) => refusal!(Forbidden, "error-not-team-staff"),
        DeskError::BlindLead { name, team, reason } => blind_lead(name, team, reason),
        DeskError::NotResolved => refusal!(Conflict, "error-not-resolved"),
        DeskError::AlreadyRated(stars) => {
            refusal!(Conflict, "error-already-rated", stars = stars.drawn())
        }
        DeskError::StaffOnly => refusal!(Forbidden, "error-staff-only"),
        DeskError::BadLinkCode => refusal!(Invalid, "error-link-code"),
        DeskError::LinkNotEmployee => refusal!(Invalid, "error-link-staff"),
        DeskError::PlatformTaken(platform) => {
            refusal!(
                Invalid,
                "error-link-platform",
                platform = platform.to_string()
            )
        }
        DeskError::NotLead => refusal!(Forbidden, "error-not-lead"),
        DeskError::IdentityTaken(identity) => {
            refusal!(
                Invalid,
                "error-identity-taken",
                identity = identity.to_string()
            )
        }
        DeskError::EmailTaken(email) => {
            refusal!(Invalid, "error-email-taken", email = email.to_string())
        }
        DeskError::EmptySubject | DeskError::EmptyMessage => refusal!(Invalid, "error-empty"),
        DeskError::Decision(e) => decision_refusal(&e),
        DeskError::Invalid(e) => invalid(&e),
        DeskError::Store(e) => return Err(e),
    })
}

fn blind_lead(name: String, team: String, reason: BlindReason) -> Refusal {
    match reason {
        BlindReason::Employee => {
            refusal!(Invalid, "error-lead-employee", name = name, team = team)
        }
        BlindReason::NotHr => refusal!(Invalid, "error-lead-not-hr", name = name, team = team),
        BlindReason::NotMember | BlindReason::UnknownAddress => {
            refusal!(Invalid, "error-lead-not-member", name = name, team = team)
        }
    }
}

fn decision_refusal(e: &DecisionError) -> Refusal {
    match e {
        DecisionError::NotNeeded => refusal!(Conflict, "error-decision-not-needed"),
        DecisionError::OwnRequest => refusal!(Forbidden, "error-decision-own-request"),
        DecisionError::NotPending(_) => refusal!(Conflict, "error-decision-not-pending"),
        DecisionError::NoJustification => refusal!(Invalid, "error-decision-no-justification"),
        DecisionError::NoQuestion => refusal!(Invalid, "error-decision-no-question"),
    }
}

/// A value that did not parse, named in the reader's language.
pub fn invalid(e: &ParseError) -> Refusal {
    let value = e.value.clone();
    match e.what {
        ValueKind::Priority => refusal!(Invalid, "error-invalid-priority", value = value),
        ValueKind::Status => refusal!(Invalid, "error-invalid-status", value = value),
        ValueKind::TicketReference => {
            refusal!(Invalid, "error-invalid-reference", value = value)
        }
        ValueKind::Rating => refusal!(Invalid, "error-invalid-rating", value = value),
        ValueKind::Language => refusal!(Invalid, "error-invalid-language", value = value),
        ValueKind::Email => refusal!(Invalid, "error-invalid-email", value = value),
        ValueKind::Role
        | ValueKind::Identity
        | ValueKind::DisplayName
        | ValueKind::Decision
        | ValueKind::User => refusal!(Invalid, "error-invalid-value", value = value),
    }
}

fn forbidden(action: Action) -> Refusal {
    match action {
        Action::AddNote | Action::ReadInternal => refusal!(Forbidden, "error-forbidden-note"),
        Action::Rate => refusal!(Forbidden, "error-forbidden-rate"),
        Action::Close | Action::Reopen => refusal!(Forbidden, "error-forbidden-close"),
        Action::Decide => refusal!(Forbidden, "error-forbidden-decide"),
        _ => refusal!(Forbidden, "error-forbidden-staff"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_carries_its_kind_its_key_and_its_arguments_as_given() {
        let refusal = refusal!(
            Conflict,
            "error-transition",
            from = Status::Closed,
            to = Status::Open
        );
        assert_eq!(refusal.kind, RefusalKind::Conflict);
        assert_eq!(refusal.key, key!("error-transition"));
        // Statuses stay statuses, to be worded for whoever reads them.
        assert_eq!(
            refusal.args,
            [
                ("from", RefusalArg::Status(Status::Closed)),
                ("to", RefusalArg::Status(Status::Open)),
            ]
        );
        let refusal = refusal!(
            NotFound,
            "error-unknown-ticket",
            reference = "TCK-20250214-001"
        );
        assert_eq!(
            refusal.args,
            [("reference", RefusalArg::Text("TCK-20250214-001".into()))]
        );
    }

    #[test]
    fn a_command_typed_wrong_is_answered_with_its_usage_line() {
        let refusal = Refusal::usage(key!("usage-rate"));
        assert_eq!(refusal.kind, RefusalKind::Invalid);
        assert_eq!(refusal.key, key!("error-usage"));
        assert_eq!(
            refusal.args,
            [("usage", RefusalArg::Usage(key!("usage-rate")))]
        );
    }

    #[test]
    fn a_failure_of_the_store_is_no_refusal_and_is_handed_back() {
        let failure = DeskError::Store(StoreError::Unexpected("disk full".into()));
        assert!(matches!(
            refusal_of(failure),
            Err(StoreError::Unexpected(cause)) if cause == "disk full"
        ));
        let refused = refusal_of(DeskError::UnknownTeam("financ".into())).unwrap();
        assert_eq!(refused.kind, RefusalKind::NotFound);
        assert_eq!(refused.args, [("team", RefusalArg::Text("financ".into()))]);
    }
}
