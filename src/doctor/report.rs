//! Findings in words: what was checked, what is wrong, what to do about it.

use guichet_chat::{Right, SetupProblem, SpaceProblem};

use super::{Check, Finding, Trouble};
use crate::desk::BlindReason;
use crate::domain::{Language, Platform};
use crate::i18n::Key;
use crate::i18n::{Texts, arg};

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
    let t = |key: Key, args: &[crate::i18n::Arg<'_>]| texts.t(language, key, args);
    let platform = match check {
        Check::Space { platform, .. } | Check::Bot { platform } | Check::Staff { platform, .. } => {
            Some(*platform)
        }
        _ => None,
    };
    let on = |platform: Option<Platform>| platform.map(Platform::display_name).unwrap_or_default();
    let (name, team, space) = match check {
        Check::Staff { name, .. } => (name.clone(), String::new(), String::new()),
        Check::Contact { name, team, .. } => (name.clone(), team.clone(), String::new()),
        Check::Space { team, space, .. } => (String::new(), team.clone(), space.clone()),
        _ => Default::default(),
    };
    let (problem, fix) = match trouble {
        Trouble::Unreachable { error } => (
            t(key!("setup-unreachable"), &[arg("error", error.clone())]),
            match check {
                Check::Database | Check::Migrations => t(key!("setup-fix-database"), &[]),
                Check::Mail { .. } => t(key!("setup-fix-mail"), &[]),
                _ => t(key!("setup-fix-platform"), &[arg("platform", on(platform))]),
            },
        ),
        Trouble::MigrationsPending { count } => (
            t(
                key!("setup-migrations-pending"),
                &[arg("count", *count as i64)],
            ),
            t(key!("setup-fix-migrations"), &[]),
        ),
        Trouble::PlatformOff => (
            t(key!("setup-platform-off"), &[arg("platform", on(platform))]),
            t(
                key!("setup-fix-platform-off"),
                &[arg(
                    "variable",
                    match platform {
                        Some(Platform::Discord) => "DISCORD_BOT_TOKEN",
                        _ => "TELEGRAM_BOT_TOKEN",
                    },
                )],
            ),
        ),
        Trouble::Refused { error } => (
            t(key!("setup-thread-refused"), &[arg("error", error.clone())]),
            t(key!("setup-fix-thread-refused"), &[]),
        ),
        Trouble::Space { problem } => {
            space_trouble(texts, language, platform, &team, &space, problem)
        }
        Trouble::Setup {
            problem: SetupProblem::CommandsMissing(names),
        } => (
            t(
                key!("setup-commands-missing"),
                &[arg("commands", names.join(", "))],
            ),
            t(key!("setup-fix-commands"), &[]),
        ),
        Trouble::NeverStarted => (
            t(key!("setup-never-started"), &[arg("name", name.clone())]),
            t(
                key!("setup-fix-never-started"),
                &[arg("name", name.clone())],
            ),
        ),
        Trouble::RefusesPrivate => (
            t(key!("setup-refuses-private"), &[arg("name", name.clone())]),
            match platform {
                Some(Platform::Discord) => t(
                    key!("setup-fix-refuses-private-discord"),
                    &[arg("name", name.clone())],
                ),
                _ => t(
                    key!("setup-fix-refuses-private-telegram"),
                    &[arg("name", name.clone())],
                ),
            },
        ),
        Trouble::CannotSee { reason } => {
            let args = [arg("name", name.clone()), arg("team", team.clone())];
            let (problem, fix) = match reason {
                BlindReason::Employee => (
                    key!("setup-blind-employee"),
                    key!("setup-fix-blind-employee"),
                ),
                BlindReason::NotHr => (key!("setup-blind-not-hr"), key!("setup-fix-blind-not-hr")),
                BlindReason::NotMember => (
                    key!("setup-blind-not-member"),
                    key!("setup-fix-blind-not-member"),
                ),
                BlindReason::UnknownAddress => (
                    key!("setup-blind-unknown-address"),
                    key!("setup-fix-blind-unknown-address"),
                ),
            };
            (t(problem, &args), t(fix, &args))
        }
    };
    Said { problem, fix }
}

fn space_trouble(
    texts: &Texts,
    language: Language,
    platform: Option<Platform>,
    team: &str,
    space: &str,
    problem: &SpaceProblem,
) -> (String, String) {
    let t = |key: Key, args: &[crate::i18n::Arg<'_>]| texts.t(language, key, args);
    let telegram = platform == Some(Platform::Telegram);
    let place = [arg("space", space.to_owned()), arg("team", team.to_owned())];
    match problem {
        SpaceProblem::NotFound if telegram => (
            t(key!("setup-space-not-found-telegram"), &place),
            t(key!("setup-fix-space-not-found-telegram"), &place),
        ),
        SpaceProblem::NotFound => (
            t(key!("setup-space-not-found-discord"), &place),
            t(key!("setup-fix-space-not-found-discord"), &place),
        ),
        SpaceProblem::OtherServer => (
            t(key!("setup-space-other-server"), &place),
            t(key!("setup-fix-space-other-server"), &place),
        ),
        SpaceProblem::NoThreads if telegram => (
            t(key!("setup-space-no-topics"), &place),
            t(key!("setup-fix-space-no-topics"), &place),
        ),
        SpaceProblem::NoThreads => (
            t(key!("setup-space-not-text"), &place),
            t(key!("setup-fix-space-not-text"), &place),
        ),
        SpaceProblem::NotAdministrator => (
            t(key!("setup-space-not-admin"), &place),
            t(key!("setup-fix-space-not-admin"), &place),
        ),
        SpaceProblem::Missing(right) => {
            let args = [
                arg("right", right_name(texts, language, *right)),
                arg("space", space.to_owned()),
            ];
            (
                t(key!("setup-space-missing-right"), &args),
                if telegram {
                    t(key!("setup-fix-right-telegram"), &args)
                } else {
                    t(key!("setup-fix-right-discord"), &args)
                },
            )
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
