//! Decisions on requests that need approval (finance & travel): the deciding team
//! approves, asks the requester for more information, or refuses with a reason.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::audit::AuditAction;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Granted: the ticket is resolved; an optional note goes to the requester.
    Approve,
    /// Not yet: a question for the requester, who is then waited on.
    AskInfo,
    /// Denied: the ticket is resolved; the justification is mandatory.
    Refuse,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Approve, Decision::AskInfo, Decision::Refuse];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::AskInfo => "ask_info",
            Decision::Refuse => "refuse",
        }
    }

    /// How the decision is written in the audit trail.
    pub fn audit_action(self) -> AuditAction {
        match self {
            Decision::Approve => AuditAction::Approved,
            Decision::AskInfo => AuditAction::InfoRequested,
            Decision::Refuse => AuditAction::Refused,
        }
    }

    /// Whether the decision settles the request (the ticket is resolved).
    pub fn is_final(self) -> bool {
        !matches!(self, Decision::AskInfo)
    }

    /// Whether the decision says nothing without its text (the question, the reason).
    pub fn needs_text(self) -> bool {
        !matches!(self, Decision::Approve)
    }
}

impl std::str::FromStr for Decision {
    type Err = super::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                super::ParseError::new(super::ValueKind::Decision, s, "approve, ask_info, refuse")
            })
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_decision_has_its_own_audit_action() {
        let actions: Vec<&str> = Decision::ALL
            .iter()
            .map(|d| d.audit_action().as_str())
            .collect();
        assert_eq!(actions, ["approved", "info_requested", "refused"]);
    }

    #[test]
    fn only_approval_may_come_without_a_text() {
        assert!(!Decision::Approve.needs_text());
        assert!(Decision::AskInfo.needs_text() && Decision::Refuse.needs_text());
        assert!(!Decision::AskInfo.is_final());
    }
}
