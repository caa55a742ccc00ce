//! The sections the scheduler and the overdue e-mail read: reminders, escalation,
//! business hours, follow-up after resolution, SMTP, retention.

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;

use super::HumanDuration;
use crate::domain::{Email, Priority};

/// How often the scheduler looks for due work, and how long it may hold a job.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulerConfig {
    pub tick: HumanDuration,
    /// An instance that dies while holding a job lets it go after this long.
    pub lease: HumanDuration,
}

/// Delays per priority, keyed `p0` … `p3`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerPriority {
    pub p0: HumanDuration,
    pub p1: HumanDuration,
    pub p2: HumanDuration,
    pub p3: HumanDuration,
}

impl PerPriority {
    pub fn get(&self, priority: Priority) -> HumanDuration {
        match priority {
            Priority::P0 => self.p0,
            Priority::P1 => self.p1,
            Priority::P2 => self.p2,
            Priority::P3 => self.p3,
        }
    }
}

/// Reminders to the team: an employee's message left unanswered, a ticket nobody took.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindersConfig {
    pub unanswered: PerPriority,
    pub unanswered_repeat: HumanDuration,
    pub unanswered_max: u32,
    pub unassigned: HumanDuration,
    pub unassigned_repeat: HumanDuration,
    pub unassigned_max: u32,
}

/// When the SLA escalation levels are reached, in percent of the target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationConfig {
    /// Level 1, the assignee: the target is about to be missed.
    pub warn_at_percent: u32,
    /// Level 3, the admins (level 2 is the target itself, 100 %).
    pub admins_at_percent: u32,
}

/// Working days and hours; when enabled, SLA targets and staff reminders count
/// working time only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHoursConfig {
    pub enabled: bool,
    #[serde(deserialize_with = "weekdays")]
    pub days: Vec<Weekday>,
    #[serde(deserialize_with = "clock_time")]
    pub start: NaiveTime,
    #[serde(deserialize_with = "clock_time")]
    pub end: NaiveTime,
    #[serde(default, deserialize_with = "dates")]
    pub holidays: Vec<NaiveDate>,
}

/// The overdue e-mail: thresholds from creation, one e-mail per threshold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverdueConfig {
    pub after: Vec<HumanDuration>,
}

/// After resolution, and while a ticket waits on its requester.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpConfig {
    /// The star rating is asked again once, this long after resolution.
    pub rating_reminder: HumanDuration,
    /// A resolved ticket closes this long after resolution.
    pub close_resolved_after: HumanDuration,
    /// A ticket waiting on its requester: a warning after this long…
    pub waiting_warning: HumanDuration,
    /// …and closing this long after the warning.
    pub close_waiting_after: HumanDuration,
}

/// The SMTP server the overdue e-mails leave through; its password comes from
/// `GUICHET_SMTP_PASSWORD` only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// Empty: no e-mail is sent, and each one that should have been is reported.
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    /// Empty: no authentication.
    pub user: String,
    /// `Helpdesk <helpdesk@example.com>`.
    pub from: String,
}

impl MailConfig {
    /// The sender `from` names (`Helpdesk <helpdesk@example.com>` or a bare address);
    /// `None` when it names none.
    pub fn sender(&self) -> Option<lettre::message::Mailbox> {
        self.from.trim().parse().ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: a relay on the same machine, or tests.
    None,
}

/// How long records kept only for safety are kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionConfig {
    /// Delivered and dead outbox rows.
    pub sent_messages: HumanDuration,
    /// The ids of platform events already handled (redeliveries come within hours).
    pub inbound_events: HumanDuration,
}

fn weekdays<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|day| {
            day.parse::<Weekday>().map_err(|_| {
                serde::de::Error::custom(format!(
                    "{day:?} is not a day of the week: write mon, tue, wed, thu, fri, sat or sun"
                ))
            })
        })
        .collect()
}

fn clock_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    let text = String::deserialize(d)?;
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        serde::de::Error::custom(format!("{text:?} is not a time of day: write 09:00"))
    })
}

fn dates<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|day| {
            NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").map_err(|_| {
                serde::de::Error::custom(format!("{day:?} is not a date: write 2026-12-25"))
            })
        })
        .collect()
}

/// Who hears of a team's missed SLA targets at level 2.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamEscalation {
    /// The team's leads (`guichet team add-member … --lead`).
    #[serde(default = "yes")]
    pub leads: bool,
    /// Users named by e-mail address.
    #[serde(default, deserialize_with = "emails")]
    pub users: Vec<Email>,
}

fn yes() -> bool {
    true
}

impl Default for TeamEscalation {
    /// The team's leads.
    fn default() -> Self {
        TeamEscalation {
            leads: true,
            users: Vec::new(),
        }
    }
}

fn emails<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Email>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|e| Email::parse(e).map_err(serde::de::Error::custom))
        .collect()
}
