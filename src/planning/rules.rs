//! What the scheduler keeps an eye on for each ticket, as pure functions of the
//! ticket and the configuration: whether a rule applies, what it counts from, and
//! when each of its steps is due.
//!
//! A rule's row in `jobs` remembers its anchor (what it counts from) and how many
//! steps were done. Planning again after a change keeps the steps done while the
//! anchor stays: a level reached, an e-mail sent, is never repeated for the same
//! target or threshold; a new message waited on starts its reminders over.

use chrono::{DateTime, TimeDelta, Utc};

use super::calendar::{BusinessHours, Calendar};
use crate::config::{
    Config, EscalationConfig, FollowUpConfig, HumanDuration, RemindersConfig, Sla,
};
use crate::domain::{Rule, SlaClock, Status, Ticket};
use crate::store::jobs::JobState;

impl Rule {
    /// Whether several steps due at once are done as one, the last: a reminder
    /// after an outage is sent once. Escalation levels are not: each level owed
    /// has its own audience and is told once, even late. The waiting rule warns
    /// before it closes, always.
    fn catches_up(self) -> bool {
        !matches!(self, Rule::Waiting | Rule::FirstResponse | Rule::Resolution)
    }
}

/// What a rule counts from when it applies.
enum Anchor {
    /// An instant of the ticket: the same instant keeps the steps done.
    At(DateTime<Utc>),
    /// The moment the rule started to apply (a ticket left unassigned, put to wait).
    Since,
}

/// The configuration the rules read, with durations ready for arithmetic.
#[derive(Debug, Clone)]
pub struct Policy {
    /// SLA targets and the team's reminders count on this; the requester's
    /// follow-ups count calendar time.
    calendar: Calendar,
    sla: Sla,
    reminders: RemindersConfig,
    escalation: EscalationConfig,
    overdue: Vec<TimeDelta>,
    follow_up: FollowUpConfig,
}

/// The longest wait the rules count, so that date arithmetic stays sane.
const CENTURY: TimeDelta = TimeDelta::days(36_525);

/// A configured duration, bounded to a century.
fn delta(d: HumanDuration) -> TimeDelta {
    TimeDelta::from_std(d.0).map_or(CENTURY, |d| d.min(CENTURY))
}

fn percent(d: TimeDelta, percent: u32) -> TimeDelta {
    TimeDelta::milliseconds(d.num_milliseconds().saturating_mul(i64::from(percent)) / 100)
}

impl Policy {
    pub fn new(config: &Config) -> Policy {
        let hours = &config.business_hours;
        let calendar = if hours.enabled {
            Calendar::Business(BusinessHours {
                time_zone: config.company.time_zone,
                days: hours.days.clone(),
                start: hours.start,
                end: hours.end,
                holidays: hours.holidays.clone(),
            })
        } else {
            Calendar::Always
        };
        Policy {
            calendar,
            sla: config.sla.clone(),
            reminders: config.reminders.clone(),
            escalation: config.escalation.clone(),
            overdue: config.overdue.after.iter().copied().map(delta).collect(),
            follow_up: config.follow_up.clone(),
        }
    }

    /// The ticket's SLA targets from its creation and priority. A breach found
    /// before no longer counts when the target moved past it (a lower priority).
    pub fn sla_clock(&self, ticket: &Ticket) -> SlaClock {
        let Some(created) = ticket.times.created else {
            return ticket.sla;
        };
        let target = self.sla.target(ticket.priority);
        let first_response_due = self.calendar.add(created, delta(target.first_response));
        let resolution_due = self.calendar.add(created, delta(target.resolution));
        let still = |breached: Option<DateTime<Utc>>, due| breached.filter(|at| *at >= due);
        SlaClock {
            first_response_due: Some(first_response_due),
            resolution_due: Some(resolution_due),
            first_response_breached: still(ticket.sla.first_response_breached, first_response_due),
            resolution_breached: still(ticket.sla.resolution_breached, resolution_due),
        }
    }

    fn applies(&self, rule: Rule, t: &Ticket) -> Option<Anchor> {
        let active = t.status.is_active();
        let times = &t.times;
        match rule {
            // Before the first answer, the first-response escalation speaks instead.
            Rule::Unanswered => {
                let asked = times.last_requester_message?;
                let waiting = matches!(t.status, Status::Open | Status::InProgress)
                    && times.first_response.is_some()
                    && times.last_agent_message.is_none_or(|a| a < asked);
                waiting.then_some(Anchor::At(asked))
            }
            Rule::Unassigned => {
                (t.status == Status::Open && t.assignee.is_none()).then_some(Anchor::Since)
            }
            Rule::FirstResponse => {
                (active && times.first_response.is_none()).then_some(Anchor::At(times.created?))
            }
            Rule::Resolution | Rule::Overdue => active.then_some(Anchor::At(times.created?)),
            Rule::RatingReminder | Rule::CloseResolved => {
                (t.status == Status::Resolved).then_some(Anchor::At(times.resolved?))
            }
            Rule::Waiting => (t.status == Status::WaitingOnUser).then_some(Anchor::Since),
        }
    }

    /// When step `step` of `rule` is due, counting from `anchor`; `None` when the
    /// rule has no such step.
    pub fn due(
        &self,
        rule: Rule,
        t: &Ticket,
        anchor: DateTime<Utc>,
        step: u32,
    ) -> Option<DateTime<Utc>> {
        let r = &self.reminders;
        let every = |first: HumanDuration, every: HumanDuration| {
            // The unassigned attempts have no last step: bounded like any duration.
            let wait = delta(every)
                .checked_mul(i32::try_from(step).unwrap_or(i32::MAX))
                .and_then(|repeats| delta(first).checked_add(&repeats))
                .map_or(CENTURY, |wait| wait.min(CENTURY));
            self.calendar.add(anchor, wait)
        };
        let repeated = |first: HumanDuration, repeat: HumanDuration, max: u32| {
            (step < max).then(|| every(first, repeat))
        };
        let levels = |target: HumanDuration| {
            let target = delta(target);
            let at = match step {
                0 => percent(target, self.escalation.warn_at_percent),
                1 => target,
                2 => percent(target, self.escalation.admins_at_percent),
                _ => return None,
            };
            Some(self.calendar.add(anchor, at))
        };
        let f = &self.follow_up;
        let once = |after: HumanDuration| (step == 0).then(|| anchor + delta(after));
        match rule {
            Rule::Unanswered => repeated(
                r.unanswered.get(t.priority),
                r.unanswered_repeat,
                r.unanswered_max,
            ),
            // Never capped: past `unassigned_max` the steps assign without a word.
            Rule::Unassigned => Some(every(r.unassigned, r.unassigned_repeat)),
            Rule::FirstResponse => levels(self.sla.target(t.priority).first_response),
            Rule::Resolution => levels(self.sla.target(t.priority).resolution),
            Rule::Overdue => {
                let after = self.overdue.get(usize::try_from(step).ok()?)?;
                Some(anchor + *after)
            }
            Rule::RatingReminder => once(f.rating_reminder),
            Rule::CloseResolved => once(f.close_resolved_after),
            // The anchor moves to the warning once it is given (see the scheduler).
            Rule::Waiting => match step {
                0 => Some(anchor + delta(f.waiting_warning)),
                1 => Some(anchor + delta(f.close_waiting_after)),
                _ => None,
            },
        }
    }

    /// Where `rule` should stand for `t` now, given where it stood; `None` when
    /// nothing is to be written (no row, and the rule does not apply).
    pub fn plan(
        &self,
        rule: Rule,
        t: &Ticket,
        stood: Option<&JobState>,
        now: DateTime<Utc>,
    ) -> Option<JobState> {
        let Some(anchor) = self.applies(rule, t) else {
            // Kept, asleep, with its steps: the same anchor later resumes them.
            return stood.filter(|s| s.live).map(|s| JobState {
                live: false,
                due: None,
                ..s.clone()
            });
        };
        let anchor = match (anchor, stood) {
            (Anchor::At(at), _) => at,
            (Anchor::Since, Some(s)) if s.live => s.anchor,
            (Anchor::Since, _) => now,
        };
        let step = stood.filter(|s| s.anchor == anchor).map_or(0, |s| s.step);
        Some(JobState {
            anchor,
            step,
            live: true,
            due: self.due(rule, t, anchor, step),
        })
    }

    /// Whether step `step` of `rule` says something to the team, or only acts:
    /// the unassigned reminders stop after `unassigned_max`, the attempts to
    /// assign do not.
    pub fn reminds(&self, rule: Rule, step: u32) -> bool {
        match rule {
            Rule::Unassigned => step < self.reminders.unassigned_max,
            _ => true,
        }
    }

    /// The step to carry out at `now` from where the rule stands: the next one, or
    /// the last one already due when the rule catches up.
    pub fn step_to_run(
        &self,
        rule: Rule,
        t: &Ticket,
        state: &JobState,
        now: DateTime<Utc>,
    ) -> Option<u32> {
        let due = |step| {
            self.due(rule, t, state.anchor, step)
                .filter(|at| *at <= now)
        };
        due(state.step)?;
        let mut step = state.step;
        while rule.catches_up() && due(step + 1).is_some() {
            step += 1;
        }
        Some(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::TicketTimes;
    use crate::domain::{CategoryId, Priority, TeamId, TicketId, TicketReference, UserId};
    use chrono::TimeZone;

    fn config() -> Config {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/guichet.toml");
        Config::load(&path).unwrap()
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    fn ticket(priority: Priority) -> Ticket {
        Ticket {
            id: TicketId(1),
            reference: "TCK-20261123-001".parse::<TicketReference>().unwrap(),
            subject: "Écran noir".into(),
            description: String::new(),
            requester: UserId(1),
            category: CategoryId(1),
            team: TeamId(1),
            priority,
            status: Status::Open,
            assignee: None,
            previous: None,
            resolution: None,
            origin: None,
            times: TicketTimes {
                created: Some(at(9, 0)),
                updated: Some(at(9, 0)),
                last_requester_message: Some(at(9, 0)),
                ..TicketTimes::default()
            },
            sla: SlaClock::default(),
        }
    }

    #[test]
    fn escalation_levels_follow_the_target() {
        let policy = Policy::new(&config());
        let t = ticket(Priority::P1); // first response within 1h
        let state = policy
            .plan(Rule::FirstResponse, &t, None, at(9, 0))
            .unwrap();
        assert_eq!(state.due, Some(at(9, 48)), "level 1 at 80 %");
        assert_eq!(
            policy.due(Rule::FirstResponse, &t, at(9, 0), 1),
            Some(at(10, 0))
        );
        assert_eq!(
            policy.due(Rule::FirstResponse, &t, at(9, 0), 2),
            Some(at(10, 30))
        );
        assert_eq!(policy.due(Rule::FirstResponse, &t, at(9, 0), 3), None);
        // Two hours late at once: every level is owed, the first one first.
        assert_eq!(
            policy.step_to_run(Rule::FirstResponse, &t, &state, at(11, 0)),
            Some(0)
        );
        let told = JobState {
            step: 1,
            ..state.clone()
        };
        assert_eq!(
            policy.step_to_run(Rule::FirstResponse, &t, &told, at(11, 0)),
            Some(1)
        );
        assert_eq!(
            policy.step_to_run(Rule::FirstResponse, &t, &state, at(9, 47)),
            None
        );
    }

    #[test]
    fn a_new_message_starts_the_reminders_over_and_the_same_one_keeps_them() {
        let policy = Policy::new(&config());
        let mut t = ticket(Priority::P2);
        t.status = Status::InProgress;
        t.times.first_response = Some(at(9, 10));
        t.times.last_agent_message = Some(at(9, 10));
        assert!(policy.plan(Rule::Unanswered, &t, None, at(9, 10)).is_none());
        t.times.last_requester_message = Some(at(9, 20));
        let first = policy.plan(Rule::Unanswered, &t, None, at(9, 20)).unwrap();
        assert_eq!(first.due, Some(at(11, 20)), "P2: 2h");
        let done = JobState {
            step: 1,
            ..first.clone()
        };
        let again = policy
            .plan(Rule::Unanswered, &t, Some(&done), at(11, 30))
            .unwrap();
        assert_eq!(
            (again.step, again.due),
            (1, Some(at(15, 20))),
            "then every 4h"
        );
        t.times.last_requester_message = Some(at(12, 0));
        let fresh = policy
            .plan(Rule::Unanswered, &t, Some(&done), at(12, 0))
            .unwrap();
        assert_eq!((fresh.step, fresh.due), (0, Some(at(14, 0))));
    }

    #[test]
    fn the_unassigned_reminders_stop_at_the_cap_but_the_attempts_go_on() {
        let policy = Policy::new(&config());
        let t = ticket(Priority::P2);
        // 30 min, then every 2 h; three reminders.
        let steps: Vec<_> = (0..5)
            .map(|step| {
                (
                    policy.due(Rule::Unassigned, &t, at(9, 0), step),
                    policy.reminds(Rule::Unassigned, step),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                (Some(at(9, 30)), true),
                (Some(at(11, 30)), true),
                (Some(at(13, 30)), true),
                (Some(at(15, 30)), false),
                (Some(at(17, 30)), false),
            ]
        );
    }

    #[test]
    fn a_rule_that_stops_applying_sleeps_with_its_steps() {
        let policy = Policy::new(&config());
        let mut t = ticket(Priority::P2);
        let sent = JobState {
            anchor: at(9, 0),
            step: 1,
            live: true,
            due: None,
        };
        t.status = Status::Resolved;
        t.times.resolved = Some(at(10, 0));
        let asleep = policy
            .plan(Rule::Overdue, &t, Some(&sent), at(10, 0))
            .unwrap();
        assert_eq!((asleep.live, asleep.step, asleep.due), (false, 1, None));
        t.status = Status::InProgress;
        let back = policy
            .plan(Rule::Overdue, &t, Some(&asleep), at(11, 0))
            .unwrap();
        assert_eq!(
            (back.live, back.step, back.due),
            (true, 1, None),
            "one e-mail per threshold"
        );
    }

    #[test]
    fn a_lower_priority_forgets_a_breach_it_no_longer_is() {
        let policy = Policy::new(&config());
        let mut t = ticket(Priority::P0);
        t.sla.first_response_breached = Some(at(9, 20));
        assert_eq!(
            policy.sla_clock(&t).first_response_breached,
            Some(at(9, 20))
        );
        t.priority = Priority::P3;
        assert_eq!(policy.sla_clock(&t).first_response_breached, None);
    }
}
