//! Automatic assignment: who of a team gets a new ticket.
//!
//! The rule: among the team's members who may work the ticket, are available and
//! are experts in its category, the one with the fewest open tickets, never above
//! their capacity; on a tie, whoever received a ticket least recently (a rotation);
//! then the lowest id, so the choice is deterministic. An agent with tickets past
//! their resolution target is passed over while someone without fits: the late
//! work is finished before more arrives. An agent no platform lets the bot write to
//! privately (every account refused a private message) comes after everyone else:
//! they would not hear of the ticket. Nobody fits: the ticket stays unassigned in
//! the team's queue.

use chrono::{DateTime, Utc};

use crate::domain::UserId;

/// What the rule needs to know about one team member.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub user: UserId,
    pub available: bool,
    /// Expert in the ticket's category.
    pub expert: bool,
    /// Tickets assigned to them that are open, in progress or waiting.
    pub open_tickets: u32,
    /// Of those, the ones past their resolution target.
    pub overdue_tickets: u32,
    pub capacity: u32,
    pub last_assigned_at: Option<DateTime<Utc>>,
    /// Every platform account of theirs refused a private message from the bot
    /// (`identities.reachable = 0`): told of nothing in private until they write
    /// to it (`/start`).
    pub unreachable: bool,
}

impl Candidate {
    fn fits(&self) -> bool {
        self.available && self.expert && self.open_tickets < self.capacity
    }
}

/// Picks the assignee, or `None` to leave the ticket in the queue.
pub fn choose(candidates: &[Candidate]) -> Option<UserId> {
    candidates
        .iter()
        .filter(|c| c.fits())
        // `None` (never assigned) sorts before any time: newcomers get their turn first.
        .min_by_key(|c| {
            (
                c.unreachable,
                c.overdue_tickets > 0,
                c.open_tickets,
                c.last_assigned_at,
                c.user,
            )
        })
        .map(|c| c.user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2025, 2, 14, hour, 0, 0).unwrap())
    }

    fn agent(id: i64, open: u32) -> Candidate {
        Candidate {
            user: UserId(id),
            available: true,
            expert: true,
            open_tickets: open,
            overdue_tickets: 0,
            capacity: 5,
            last_assigned_at: at(8),
            unreachable: false,
        }
    }

    #[test]
    fn the_least_loaded_expert_gets_the_ticket() {
        assert_eq!(
            choose(&[agent(1, 3), agent(2, 1), agent(3, 2)]),
            Some(UserId(2))
        );
    }

    #[test]
    fn an_agent_late_on_a_ticket_is_passed_over_while_someone_else_fits() {
        let late = Candidate {
            overdue_tickets: 1,
            ..agent(1, 0)
        };
        assert_eq!(choose(&[late.clone(), agent(2, 4)]), Some(UserId(2)));
        // Alone, they still get it: the queue is not better.
        assert_eq!(choose(&[late]), Some(UserId(1)));
    }

    #[test]
    fn non_experts_and_unavailable_agents_are_skipped() {
        let novice = Candidate {
            expert: false,
            ..agent(1, 0)
        };
        let away = Candidate {
            available: false,
            ..agent(2, 0)
        };
        assert_eq!(
            choose(&[novice.clone(), away.clone(), agent(3, 4)]),
            Some(UserId(3))
        );
        assert_eq!(choose(&[novice, away]), None);
    }

    #[test]
    fn nobody_goes_above_capacity() {
        let full = Candidate {
            capacity: 2,
            ..agent(1, 2)
        };
        assert_eq!(choose(&[full.clone(), agent(2, 4)]), Some(UserId(2)));
        assert_eq!(choose(&[full]), None);
        assert_eq!(
            choose(&[Candidate {
                capacity: 0,
                ..agent(3, 0)
            }]),
            None
        );
    }

    #[test]
    fn ties_go_to_whoever_was_assigned_least_recently() {
        let recent = Candidate {
            last_assigned_at: at(10),
            ..agent(1, 1)
        };
        let earlier = Candidate {
            last_assigned_at: at(9),
            ..agent(2, 1)
        };
        assert_eq!(choose(&[recent.clone(), earlier.clone()]), Some(UserId(2)));
        let newcomer = Candidate {
            last_assigned_at: None,
            ..agent(3, 1)
        };
        assert_eq!(choose(&[recent, earlier, newcomer]), Some(UserId(3)));
    }

    #[test]
    fn an_agent_the_bot_cannot_write_to_comes_after_everyone_else() {
        let silent = Candidate {
            unreachable: true,
            ..agent(1, 0)
        };
        let late = Candidate {
            overdue_tickets: 2,
            ..agent(2, 4)
        };
        assert_eq!(
            choose(&[silent.clone(), late.clone()]),
            Some(UserId(2)),
            "even loaded and late, a reachable agent goes first"
        );
        // Alone, they still get it: the thread shows it, and the queue is not better.
        assert_eq!(choose(std::slice::from_ref(&silent)), Some(UserId(1)));
        let away = Candidate {
            available: false,
            ..agent(3, 0)
        };
        assert_eq!(choose(&[silent, away]), Some(UserId(1)));
    }

    #[test]
    fn an_empty_team_leaves_the_ticket_in_the_queue() {
        assert_eq!(choose(&[]), None);
    }
}
