//! What the scheduler's rows are for: a rule kept for a ticket, or a housekeeping
//! task. Stored as text in `jobs.kind`; read back into [`JobKind`] once, by the
//! store, so the scheduler and the planning match variants, never text.

use std::fmt;

/// The rules, each a row per ticket in `jobs` under its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The requester wrote after the team's last answer: remind whoever works it.
    Unanswered,
    /// Nobody took the ticket: assign again, else remind the team. The reminders
    /// stop after `unassigned_max`; the assignment attempts go on at the same pace
    /// (someone may have room later), and a change of the team's people offers
    /// the queue at once (`store::jobs::offer_queue`).
    Unassigned,
    /// Escalation of the first-response target, levels 1 to 3.
    FirstResponse,
    /// Escalation of the resolution target, levels 1 to 3.
    Resolution,
    /// The e-mail to the person in charge, once per threshold.
    Overdue,
    /// The star rating asked once more.
    RatingReminder,
    /// A resolved ticket closes.
    CloseResolved,
    /// A ticket waiting on its requester: a warning, then closing.
    Waiting,
}

impl Rule {
    pub const ALL: [Rule; 8] = [
        Rule::Unanswered,
        Rule::Unassigned,
        Rule::FirstResponse,
        Rule::Resolution,
        Rule::Overdue,
        Rule::RatingReminder,
        Rule::CloseResolved,
        Rule::Waiting,
    ];

    /// The rule's name, as stored and as `/metrics` labels it.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Unanswered => "unanswered",
            Rule::Unassigned => "unassigned",
            Rule::FirstResponse => "sla_first_response",
            Rule::Resolution => "sla_resolution",
            Rule::Overdue => "overdue",
            Rule::RatingReminder => "rating_reminder",
            Rule::CloseResolved => "close_resolved",
            Rule::Waiting => "waiting",
        }
    }
}

/// What a row of `jobs` is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKind {
    /// A rule kept for the row's ticket.
    Rule(Rule),
    /// The housekeeping task: deleting sent messages, event ids, expired sessions and
    /// failed logins past retention.
    Retention,
    /// A name this version does not know (written by another one), kept as stored:
    /// the scheduler drops or skips the row.
    Unknown(String),
}

/// The housekeeping task's name, as stored.
const RETENTION: &str = "retention";

impl JobKind {
    /// The kind a stored name stands for; never fails.
    pub fn parse(stored: &str) -> JobKind {
        if stored == RETENTION {
            return JobKind::Retention;
        }
        Rule::ALL
            .into_iter()
            .find(|rule| rule.as_str() == stored)
            .map_or_else(|| JobKind::Unknown(stored.to_owned()), JobKind::Rule)
    }

    /// The name stored for the kind.
    pub fn as_str(&self) -> &str {
        match self {
            JobKind::Rule(rule) => rule.as_str(),
            JobKind::Retention => RETENTION,
            JobKind::Unknown(stored) => stored,
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_it_was_stored() {
        let known = Rule::ALL
            .into_iter()
            .map(JobKind::Rule)
            .chain([JobKind::Retention]);
        for kind in known {
            assert_eq!(JobKind::parse(kind.as_str()), kind);
        }
    }

    #[test]
    fn a_name_this_version_does_not_know_is_kept_as_stored() {
        let kind = JobKind::parse("purge_attachments");
        assert_eq!(kind, JobKind::Unknown("purge_attachments".into()));
        assert_eq!(kind.to_string(), "purge_attachments");
    }

    #[test]
    fn the_rules_keep_the_names_their_rows_were_stored_under() {
        let names = Rule::ALL.map(Rule::as_str);
        assert_eq!(
            names,
            [
                "unanswered",
                "unassigned",
                "sla_first_response",
                "sla_resolution",
                "overdue",
                "rating_reminder",
                "close_resolved",
                "waiting",
            ]
        );
    }
}
