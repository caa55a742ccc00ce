//! Findings in words: what was checked, what is wrong, what to do about it.

use guichet_chat::{Right, SetupProblem, SpaceProblem};

use super::{Check, Finding, Trouble};
use crate::desk::BlindReason;
use crate::domain::{Language, Platform};
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
        Check::Database => texts.t(language, "setup-check-database", &[]),
        Check::Migrations => texts.t(language, "setup-check-migrations", &[]),
        Check::Mail { host } => texts.t(language, "setup-check-mail", &[arg("host", host.clone())]),
        Check::Bot { platform } => texts.t(
            language,
            "setup-check-bot",
            &[arg("platform", platform.display_name())],
        ),
        Check::Space {
            platform,
            team,
            space,
        } => texts.t(
            language,
            "setup-check-space",
            &[
                arg("team", team.clone()),
                arg("platform", platform.display_name()),
                arg("space", space.clone()),
            ],
        ),
        Check::Staff { platform, name, .. } => texts.t(
            language,
            "setup-check-staff",
            &[
                arg("name", name.clone()),
                arg("platform", platform.display_name()),
            ],
        ),
        Check::Contacts => texts.t(language, "setup-check-contacts", &[]),
        Check::Contact { team, name, .. } => texts.t(
            language,
            "setup-check-contact",
            &[arg("name", name.clone()), arg("team", team.clone())],
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
    let t = |key: &str, args: &[crate::i18n::Arg<'_>]| texts.t(language, key, args);
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
            t("setup-unreachable", &[arg("error", error.clone())]),
            match check {
                Check::Database | Check::Migrations => t("setup-fix-database", &[]),
                Check::Mail { .. } => t("setup-fix-mail", &[]),
                _ => t("setup-fix-platform", &[arg("platform", on(platform))]),
            },
        ),
        Trouble::MigrationsPending { count } => (
            t("setup-migrations-pending", &[arg("count", *count as i64)]),
            t("setup-fix-migrations", &[]),
        ),
        Trouble::PlatformOff => (
            t("setup-platform-off", &[arg("platform", on(platform))]),
            t(
                "setup-fix-platform-off",
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
            t("setup-thread-refused", &[arg("error", error.clone())]),
            t("setup-fix-thread-refused", &[]),
        ),
        Trouble::Space { problem } => {
            space_trouble(texts, language, platform, &team, &space, problem)
        }
        Trouble::Setup {
            problem: SetupProblem::CommandsMissing(names),
        } => (
            t(
                "setup-commands-missing",
                &[arg("commands", names.join(", "))],
            ),
            t("setup-fix-commands", &[]),
        ),
        Trouble::NeverStarted => (
            t("setup-never-started", &[arg("name", name.clone())]),
            t("setup-fix-never-started", &[arg("name", name.clone())]),
        ),
        Trouble::RefusesPrivate => (
            t("setup-refuses-private", &[arg("name", name.clone())]),
            match platform {
                Some(Platform::Discord) => t(
                    "setup-fix-refuses-private-discord",
                    &[arg("name", name.clone())],
                ),
                _ => t(
                    "setup-fix-refuses-private-telegram",
                    &[arg("name", name.clone())],
                ),
            },
        ),
        Trouble::CannotSee { reason } => {
            let args = [arg("name", name.clone()), arg("team", team.clone())];
            let (problem, fix) = match reason {
                BlindReason::Employee => ("setup-blind-employee", "setup-fix-blind-employee"),
                BlindReason::NotHr => ("setup-blind-not-hr", "setup-fix-blind-not-hr"),
                BlindReason::NotMember => ("setup-blind-not-member", "setup-fix-blind-not-member"),
                BlindReason::UnknownAddress => (
                    "setup-blind-unknown-address",
                    "setup-fix-blind-unknown-address",
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
    let t = |key: &str, args: &[crate::i18n::Arg<'_>]| texts.t(language, key, args);
    let telegram = platform == Some(Platform::Telegram);
    let place = [arg("space", space.to_owned()), arg("team", team.to_owned())];
    match problem {
        SpaceProblem::NotFound if telegram => (
            t("setup-space-not-found-telegram", &place),
            t("setup-fix-space-not-found-telegram", &place),
        ),
        SpaceProblem::NotFound => (
            t("setup-space-not-found-discord", &place),
            t("setup-fix-space-not-found-discord", &place),
        ),
        SpaceProblem::OtherServer => (
            t("setup-space-other-server", &place),
            t("setup-fix-space-other-server", &place),
        ),
        SpaceProblem::NoThreads if telegram => (
            t("setup-space-no-topics", &place),
            t("setup-fix-space-no-topics", &place),
        ),
        SpaceProblem::NoThreads => (
            t("setup-space-not-text", &place),
            t("setup-fix-space-not-text", &place),
        ),
        SpaceProblem::NotAdministrator => (
            t("setup-space-not-admin", &place),
            t("setup-fix-space-not-admin", &place),
        ),
        SpaceProblem::Missing(right) => {
            let args = [
                arg("right", right_name(texts, language, *right)),
                arg("space", space.to_owned()),
            ];
            (
                t("setup-space-missing-right", &args),
                if telegram {
                    t("setup-fix-right-telegram", &args)
                } else {
                    t("setup-fix-right-discord", &args)
                },
            )
        }
    }
}

/// A right by the name the platform's client shows.
fn right_name(texts: &Texts, language: Language, right: Right) -> String {
    let key = match right {
        Right::ViewChannel => "setup-right-view-channel",
        Right::SendMessages => "setup-right-send-messages",
        Right::SendMessagesInThreads => "setup-right-send-in-threads",
        Right::CreatePrivateThreads => "setup-right-create-private-threads",
        Right::ManageThreads => "setup-right-manage-threads",
        Right::EmbedLinks => "setup-right-embed-links",
        Right::AttachFiles => "setup-right-attach-files",
        Right::ReadMessageHistory => "setup-right-read-history",
        Right::ManageTopics => "setup-right-manage-topics",
        Right::PostMessages => "setup-right-post-messages",
    };
    texts.t(language, key, &[])
}
