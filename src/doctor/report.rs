//! Findings in words: what was checked, what is wrong, what to do about it.

use guichet_chat::{Right, SetupProblem, SpaceProblem};

use super::{Check, Finding, Trouble};
use crate::desk::BlindReason;
use crate::domain::{Language, Platform};
use crate::i18n::Key;
use crate::i18n::{Arg, Texts};

/// One trouble, said: the problem and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub problem: String,
    pub fix: String,
}

/// What a check looked at, in words.
pub fn what(texts: &Texts, language: Language, check: &Check) -> String {
    match check {
        Check::Database => t!(texts, language, "setup-check-database"),
        Check::Migrations => t!(texts, language, "setup-check-migrations"),
        Check::Mail { host } => t!(texts, language, "setup-check-mail", host = host.clone()),
        Check::Bot { platform } => t!(
            texts,
            language,
            "setup-check-bot",
            platform = platform.display_name()
        ),
        Check::Space {
            platform,
            team,
            space,
        } => t!(
            texts,
            language,
            "setup-check-space",
            team = team.clone(),
            platform = platform.display_name(),
            space = space.clone()
        ),
        Check::Staff { platform, name, .. } => t!(
            texts,
            language,
            "setup-check-staff",
            name = name.clone(),
            platform = platform.display_name()
        ),
        Check::Contacts => t!(texts, language, "setup-check-contacts"),
        Check::Contact { team, name, .. } => t!(
            texts,
            language,
            "setup-check-contact",
            name = name.clone(),
            team = team.clone()
        ),
    }
}

/// Each trouble of a finding, with its fix.
pub fn troubles(texts: &Texts, language: Language, finding: &Finding) -> Vec<Said> {
    finding
        .troubles
        .iter()
        .map(|trouble| say(texts, language, &finding.check, trouble))
        .collect()
}

/// A finding as one printed entry: `✓ what`, or `✗ what` and a line per trouble
/// with its fix.
pub fn line(texts: &Texts, language: Language, finding: &Finding) -> String {
    let what = what(texts, language, &finding.check);
    if finding.ok() {
        return format!("✓ {what}");
    }
    let mut text = format!("✗ {what}");
    for said in troubles(texts, language, finding) {
        text.push_str(&format!("\n    {}\n    → {}", said.problem, said.fix));
    }
    text
}

fn say(texts: &Texts, language: Language, check: &Check, trouble: &Trouble) -> Said {
    let pen = Pen { texts, language };
    let named = Named::of(check);
    let (problem, fix) = match trouble {
        Trouble::Unreachable { error } => unreachable(&pen, check, named.platform, error),
        Trouble::MigrationsPending { count } => (
            t!(pen, "setup-migrations-pending", count = *count as i64),
            t!(pen, "setup-fix-migrations"),
        ),
        Trouble::PlatformOff => platform_off(&pen, named.platform),
        Trouble::Refused { error } => (
            t!(pen, "setup-thread-refused", error = error.clone()),
            t!(pen, "setup-fix-thread-refused"),
        ),
        Trouble::Space { problem } => space_trouble(
            texts,
            language,
            named.platform,
            named.team,
            named.space,
            problem,
        ),
        Trouble::Setup {
            problem: SetupProblem::CommandsMissing(names),
        } => (
            t!(pen, "setup-commands-missing", commands = names.join(", ")),
            t!(pen, "setup-fix-commands"),
        ),
        Trouble::NeverStarted => (
            t!(pen, "setup-never-started", name = named.name.to_owned()),
            t!(pen, "setup-fix-never-started", name = named.name.to_owned()),
        ),
        Trouble::RefusesPrivate => refuses_private(&pen, &named),
        Trouble::CannotSee { reason } => cannot_see(&pen, &named, *reason),
    };
    Said { problem, fix }
}

/// The texts of one reader's language, for `t!(pen, "…", name = value)`.
struct Pen<'a> {
    texts: &'a Texts,
    language: Language,
}

impl Pen<'_> {
    fn t(&self, key: Key, args: &[Arg<'_>]) -> String {
        self.texts.t(self.language, key, args)
    }
}

/// What a check names, for the sentences about its troubles: empty where it names
/// nothing of the kind.
struct Named<'a> {
    platform: Option<Platform>,
    name: &'a str,
    team: &'a str,
    space: &'a str,
}

impl<'a> Named<'a> {
    fn of(check: &'a Check) -> Named<'a> {
        let platform = match check {
            Check::Space { platform, .. }
            | Check::Bot { platform }
            | Check::Staff { platform, .. } => Some(*platform),
            _ => None,
        };
        let (name, team, space) = match check {
            Check::Staff { name, .. } => (name.as_str(), "", ""),
            Check::Contact { name, team, .. } => (name.as_str(), team.as_str(), ""),
            Check::Space { team, space, .. } => ("", team.as_str(), space.as_str()),
            _ => ("", "", ""),
        };
        Named {
            platform,
            name,
            team,
            space,
        }
    }
}

/// A platform by its name, or nothing.
fn platform_name(platform: Option<Platform>) -> &'static str {
    platform.map(Platform::display_name).unwrap_or_default()
}

/// The thing could not be reached: the error, and where to look.
fn unreachable(
    pen: &Pen<'_>,
    check: &Check,
    platform: Option<Platform>,
    error: &str,
) -> (String, String) {
    let problem = t!(pen, "setup-unreachable", error = error.to_owned());
    let fix = match check {
        Check::Database | Check::Migrations => t!(pen, "setup-fix-database"),
        Check::Mail { .. } => t!(pen, "setup-fix-mail"),
        _ => t!(
            pen,
            "setup-fix-platform",
            platform = platform_name(platform)
        ),
    };
    (problem, fix)
}

/// A space on a platform this process does not connect to: the token to set.
fn platform_off(pen: &Pen<'_>, platform: Option<Platform>) -> (String, String) {
    let variable = match platform {
        Some(Platform::Discord) => "DISCORD_BOT_TOKEN",
        _ => "TELEGRAM_BOT_TOKEN",
    };
    (
        t!(
            pen,
            "setup-platform-off",
            platform = platform_name(platform)
        ),
        t!(pen, "setup-fix-platform-off", variable = variable),
    )
}

/// A person who refuses private messages: how they allow them on their platform.
fn refuses_private(pen: &Pen<'_>, named: &Named<'_>) -> (String, String) {
    let name = || named.name.to_owned();
    let problem = t!(pen, "setup-refuses-private", name = name());
    let fix = match named.platform {
        Some(Platform::Discord) => t!(pen, "setup-fix-refuses-private-discord", name = name()),
        _ => t!(pen, "setup-fix-refuses-private-telegram", name = name()),
    };
    (problem, fix)
}

/// An escalation contact blind to the team's tickets, and why.
fn cannot_see(pen: &Pen<'_>, named: &Named<'_>, reason: BlindReason) -> (String, String) {
    let (name, team) = (named.name, named.team);
    match reason {
        BlindReason::Employee => (
            t!(pen, "setup-blind-employee", name = name, team = team),
            t!(pen, "setup-fix-blind-employee", name = name),
        ),
        BlindReason::NotHr => (
            t!(pen, "setup-blind-not-hr", name = name, team = team),
            t!(pen, "setup-fix-blind-not-hr", name = name, team = team),
        ),
        BlindReason::NotMember => (
            t!(pen, "setup-blind-not-member", name = name, team = team),
            t!(pen, "setup-fix-blind-not-member", name = name, team = team),
        ),
        BlindReason::UnknownAddress => (
            t!(pen, "setup-blind-unknown-address", name = name, team = team),
            t!(pen, "setup-fix-blind-unknown-address", team = team),
        ),
    }
}

fn space_trouble(
    texts: &Texts,
    language: Language,
    platform: Option<Platform>,
    team: &str,
    space: &str,
    problem: &SpaceProblem,
) -> (String, String) {
    let pen = Pen { texts, language };
    let telegram = platform == Some(Platform::Telegram);
    match problem {
        SpaceProblem::NotFound if telegram => (
            t!(pen, "setup-space-not-found-telegram", space = space),
            t!(pen, "setup-fix-space-not-found-telegram", team = team),
        ),
        SpaceProblem::NotFound => (
            t!(pen, "setup-space-not-found-discord", space = space),
            t!(pen, "setup-fix-space-not-found-discord", team = team),
        ),
        SpaceProblem::OtherServer => (
            t!(pen, "setup-space-other-server", space = space),
            t!(pen, "setup-fix-space-other-server"),
        ),
        SpaceProblem::NoThreads if telegram => (
            t!(pen, "setup-space-no-topics", space = space),
            t!(pen, "setup-fix-space-no-topics"),
        ),
        SpaceProblem::NoThreads => (
            t!(pen, "setup-space-not-text", space = space),
            t!(pen, "setup-fix-space-not-text", team = team),
        ),
        SpaceProblem::NotAdministrator => (
            t!(pen, "setup-space-not-admin", space = space),
            t!(pen, "setup-fix-space-not-admin"),
        ),
        SpaceProblem::Missing(right) => {
            let right = || right_name(texts, language, *right);
            let problem = t!(
                pen,
                "setup-space-missing-right",
                right = right(),
                space = space
            );
            let fix = if telegram {
                t!(
                    pen,
                    "setup-fix-right-telegram",
                    right = right(),
                    space = space
                )
            } else {
                t!(
                    pen,
                    "setup-fix-right-discord",
                    right = right(),
                    space = space
                )
            };
            (problem, fix)
        }
    }
}

/// A right by the name the platform's client shows.
fn right_name(texts: &Texts, language: Language, right: Right) -> String {
    let key = match right {
        Right::ViewChannel => key!("setup-right-view-channel"),
        Right::SendMessages => key!("setup-right-send-messages"),
        Right::SendMessagesInThreads => key!("setup-right-send-in-threads"),
        Right::CreatePrivateThreads => key!("setup-right-create-private-threads"),
        Right::ManageThreads => key!("setup-right-manage-threads"),
        Right::EmbedLinks => key!("setup-right-embed-links"),
        Right::AttachFiles => key!("setup-right-attach-files"),
        Right::ReadMessageHistory => key!("setup-right-read-history"),
        Right::ManageTopics => key!("setup-right-manage-topics"),
        Right::PostMessages => key!("setup-right-post-messages"),
    };
    texts.t(language, key, &[])
}
