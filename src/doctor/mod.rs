//! The setup doctor: checks, for everything the helpdesk depends on, what can be
//! checked from here (the database, the mail server, every team's staff space and
//! every staff member's private chat as the platforms let a bot see them), and says
//! what is wrong with the fix to apply.
//!
//! `guichet doctor` prints the findings once; `serve` examines at start-up and every
//! `doctor.every` ([`watch`]), records each finding in `setup_checks` (logged
//! once per change), which the dashboard's banner and `/readyz` read on every
//! instance, and which the engine consults before telling an employee that their
//! team was told.

mod examine;
mod report;
pub mod watch;

use guichet_chat::{Right, SetupProblem, SpaceProblem};
use serde::{Deserialize, Serialize};

use crate::desk::BlindReason;
use crate::domain::Platform;

pub use examine::{Examination, Examiner};
pub use report::{Said, line, troubles, what};

/// What one check looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Check {
    /// The database answers.
    Database,
    /// Every migration of this build is applied.
    Migrations,
    /// The mail server (`mail.host`) accepts a connection.
    Mail { host: String },
    /// A team's staff space, where its tickets' threads open.
    Space {
        platform: Platform,
        team: String,
        space: String,
    },
    /// The bot's setup on a platform as a whole (Discord's commands).
    Bot { platform: Platform },
    /// A staff member can be written to privately on the platform of their team.
    Staff {
        platform: Platform,
        user: i64,
        name: String,
    },
    /// Every team's escalation contacts may see its tickets (the line printed
    /// when none is blind; otherwise one [`Check::Contact`] each).
    Contacts,
    /// An escalation contact of a team may see that team's tickets.
    Contact {
        team: String,
        /// 0 for an address in `escalation.users` that is nobody's.
        user: i64,
        name: String,
    },
}

impl Check {
    /// The subject this check's finding is recorded under (`setup_checks.subject`).
    pub fn subject(&self) -> String {
        match self {
            Check::Database => "database".into(),
            Check::Migrations => "migrations".into(),
            Check::Mail { .. } => "mail".into(),
            Check::Space {
                platform, space, ..
            } => space_subject(*platform, space),
            Check::Bot { platform } => format!("bot:{platform}"),
            Check::Staff { platform, user, .. } => format!("staff:{platform}:{user}"),
            Check::Contacts => "contacts".into(),
            Check::Contact { team, user, name } => match user {
                0 => format!("contact:{team}:{name}"),
                user => format!("contact:{team}:{user}"),
            },
        }
    }
}

/// The subject a staff space's finding is recorded under.
pub fn space_subject(platform: Platform, space: &str) -> String {
    format!("space:{platform}:{space}")
}

/// What a check found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "trouble", rename_all = "snake_case")]
pub enum Trouble {
    /// The thing could not be reached or asked: the error as it came.
    Unreachable { error: String },
    /// This many migrations are not applied.
    MigrationsPending { count: usize },
    /// The space is on a platform this process does not connect to (no token).
    PlatformOff,
    /// The platform refused to open a ticket's thread there (recorded by the
    /// dispatcher as it happens, until the next examination says exactly why).
    Refused { error: String },
    /// What the platform shows of a staff space.
    Space { problem: SpaceProblem },
    /// What the platform shows of the bot's setup.
    Setup { problem: SetupProblem },
    /// Telegram: the person never opened a private chat with the bot, so the bot
    /// may not write to them.
    NeverStarted,
    /// The platform refused a private message because of the person (blocked the
    /// bot, closed their private messages).
    RefusesPrivate,
    /// An escalation contact who may not see the team's tickets.
    CannotSee { reason: BlindReason },
}

/// One check and what it found: no trouble means it passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub check: Check,
    pub troubles: Vec<Trouble>,
}

impl Finding {
    pub fn passed(check: Check) -> Self {
        Finding {
            check,
            troubles: Vec::new(),
        }
    }

    pub fn ok(&self) -> bool {
        self.troubles.is_empty()
    }

    /// Only refusals the dispatcher met, which no examination can see: they
    /// stand until a thread opens in the space.
    pub fn only_refused(&self) -> bool {
        !self.ok()
            && self
                .troubles
                .iter()
                .all(|t| matches!(t, Trouble::Refused { .. }))
    }

    /// Whether a ticket's thread cannot open in the space this finding is about
    /// (rather than opening with something missing: a member left out, no embeds).
    pub fn blocks_threads(&self) -> bool {
        matches!(self.check, Check::Space { .. })
            && self.troubles.iter().any(Trouble::blocks_threads)
    }
}

impl Trouble {
    fn blocks_threads(&self) -> bool {
        match self {
            Trouble::Refused { .. } | Trouble::PlatformOff => true,
            Trouble::Space { problem } => match problem {
                SpaceProblem::Missing(right) => matches!(
                    right,
                    Right::ViewChannel
                        | Right::SendMessages
                        | Right::SendMessagesInThreads
                        | Right::CreatePrivateThreads
                        | Right::ManageTopics
                        | Right::PostMessages
                ),
                _ => true,
            },
            // Could not ask: not known to fail.
            _ => false,
        }
    }
}

/// Whether threads cannot open in `space` now, as last recorded: a new ticket's
/// requester is then told so at once.
pub async fn holds_threads(
    conn: &mut crate::store::Conn,
    platform: Platform,
    space: &str,
) -> Result<bool, crate::store::StoreError> {
    let Some(problem) =
        crate::store::setup_checks::problem(conn, &space_subject(platform, space)).await?
    else {
        return Ok(false);
    };
    Ok(serde_json::from_str::<Finding>(&problem).is_ok_and(|f| f.blocks_threads()))
}
