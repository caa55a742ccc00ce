//! The rules serde cannot express: references between sections, sane numbers, secrets
//! kept out of the file. Each group of keys is checked by a function of its own; the
//! first flaw found is reported with where its value came from.

use std::path::Path;

use figment::Figment;

use super::{Backend, Config, ConfigError, Names, TelegramMode, came_from_env, origin_of};
use crate::domain::Priority;

/// A key and what is wrong with its value.
struct Flaw {
    key: String,
    message: String,
}

type Checked = Result<(), Flaw>;

fn flaw(key: impl Into<String>, message: impl Into<String>) -> Checked {
    Err(Flaw {
        key: key.into(),
        message: message.into(),
    })
}

impl Config {
    pub(super) fn check(&self, figment: &Figment, path: &Path) -> Result<(), ConfigError> {
        self.check_database(figment)
            .and_then(|()| self.check_limits())
            .and_then(|()| self.check_platforms())
            .and_then(|()| self.check_scheduler())
            .and_then(|()| self.check_catalog())
            .and_then(|()| self.check_sla())
            .map_err(|Flaw { key, message }| ConfigError {
                origin: origin_of(figment, path, &key),
                key: Some(key),
                message,
            })
    }

    /// A URL the store speaks, its password (if any) from the environment only.
    fn check_database(&self, figment: &Figment) -> Checked {
        if self.database.max_connections == 0 {
            return flaw("database.max_connections", "must be at least 1");
        }
        if let Err(e) = Backend::of_url(&self.database.url) {
            return flaw("database.url", e.to_string());
        }
        let url_has_password = url::Url::parse(&self.database.url)
            .is_ok_and(|u| u.password().is_some_and(|p| !p.is_empty()));
        if url_has_password && !came_from_env(figment, "database.url") {
            return flaw(
                "database.url",
                "contains a password: secrets are read from the environment only; \
                 set GUICHET__DATABASE__URL instead",
            );
        }
        Ok(())
    }

    /// The web's login limits, the points, the outbox's attempts.
    fn check_limits(&self) -> Checked {
        if self.web.max_failures_per_account == 0 || self.web.max_failures_per_address == 0 {
            return flaw(
                "web.max_failures_per_account",
                "must be at least 1 (with web.max_failures_per_address)",
            );
        }
        if self.web.session_ttl.0.is_zero() || self.web.login_window.0.is_zero() {
            return flaw(
                "web.session_ttl",
                "must be longer than zero (with web.login_window)",
            );
        }
        if let Some((key, _)) = self.points.amounts().into_iter().find(|(_, n)| *n < 0) {
            return flaw(key, "must not be negative");
        }
        if self.outbox.max_attempts == 0 {
            return flaw("outbox.max_attempts", "must be at least 1");
        }
        if self.outbox.first_retry > self.outbox.max_retry {
            return flaw("outbox.first_retry", "is longer than outbox.max_retry");
        }
        Ok(())
    }

    /// What Telegram and Discord need: the webhook's address, numeric Discord ids.
    fn check_platforms(&self) -> Checked {
        if self.telegram.mode == TelegramMode::Webhook && self.telegram.webhook_url.is_none() {
            return flaw(
                "telegram.webhook_url",
                "webhook mode needs the public address Telegram posts to",
            );
        }
        let guild = self.discord.guild_id.trim();
        if !guild.is_empty() && guild.parse::<u64>().is_err() {
            return flaw(
                "discord.guild_id",
                format!(
                    "{guild:?} is not a Discord server id (a number; Developer Mode → right-click the server → Copy Server ID)"
                ),
            );
        }
        for (slug, team) in &self.teams {
            if let Some(staff) = &team.staff
                && staff.platform == guichet_chat::Platform::Discord
                && staff.space.trim().parse::<u64>().is_err()
            {
                return flaw(
                    format!("teams.{slug}.staff.space"),
                    format!("{:?} is not a Discord channel id (a number)", staff.space),
                );
            }
        }
        Ok(())
    }

    /// The scheduler's numbers: delays that would spam or never fire.
    fn check_scheduler(&self) -> Checked {
        if self.scheduler.tick.0.is_zero() {
            return flaw("scheduler.tick", "must be longer than zero");
        }
        if self.scheduler.lease.0 < std::time::Duration::from_secs(10) {
            return flaw("scheduler.lease", "must be at least 10s");
        }
        if self.reminders.unanswered_repeat.0.is_zero()
            || self.reminders.unassigned_repeat.0.is_zero()
        {
            return flaw(
                "reminders",
                "the repeat delays must be longer than zero (set the *_max counts to 1 for a single reminder)",
            );
        }
        let e = &self.escalation;
        if e.warn_at_percent == 0 || e.warn_at_percent >= 100 {
            return flaw("escalation.warn_at_percent", "must be between 1 and 99");
        }
        if e.admins_at_percent <= 100 {
            return flaw("escalation.admins_at_percent", "must be more than 100");
        }
        let b = &self.business_hours;
        if b.enabled && b.days.is_empty() {
            return flaw("business_hours.days", "at least one working day is needed");
        }
        if b.enabled && b.start >= b.end {
            return flaw("business_hours.start", "must be before business_hours.end");
        }
        self.check_overdue()
    }

    /// The overdue e-mail's thresholds and, when mail is configured, its sender.
    fn check_overdue(&self) -> Checked {
        let mut after = self.overdue.after.clone();
        after.sort();
        after.dedup();
        if after.len() != self.overdue.after.len() || after != self.overdue.after {
            return flaw(
                "overdue.after",
                "thresholds must be distinct and in increasing order",
            );
        }
        if after.first().is_some_and(|d| d.0.is_zero()) {
            return flaw("overdue.after", "thresholds must be longer than zero");
        }
        if self.mail.host.trim().is_empty() {
            return Ok(());
        }
        if self.mail.sender().is_none() {
            return flaw(
                "mail.from",
                "is not an address: write Helpdesk <helpdesk@example.com>",
            );
        }
        Ok(())
    }

    /// Teams and categories: some of each, valid keys and names, known teams.
    fn check_catalog(&self) -> Checked {
        if self.teams.is_empty() {
            return flaw("teams", "at least one team is needed");
        }
        if self.categories.is_empty() {
            return flaw("categories", "at least one category is needed");
        }
        for (slug, team) in &self.teams {
            if let Err(msg) = check_slug(slug).and(check_names(&team.name)) {
                return flaw(format!("teams.{slug}"), msg);
            }
        }
        for (slug, category) in &self.categories {
            let key = format!("categories.{slug}");
            if let Err(msg) = check_slug(slug).and(check_names(&category.name)) {
                return flaw(key, msg);
            }
            if !self.teams.contains_key(&category.team) {
                let known: Vec<&str> = self.teams.keys().map(String::as_str).collect();
                return flaw(
                    format!("{key}.team"),
                    format!(
                        "unknown team {:?} (known teams: {})",
                        category.team,
                        known.join(", ")
                    ),
                );
            }
        }
        Ok(())
    }

    /// Each priority's targets: longer than zero, the first response before resolution.
    fn check_sla(&self) -> Checked {
        for priority in Priority::ALL {
            let target = self.sla.target(priority);
            let key = format!("sla.{}", priority.as_str().to_lowercase());
            if target.first_response.0.is_zero() || target.resolution.0.is_zero() {
                return flaw(key, "targets must be longer than zero");
            }
            if target.first_response > target.resolution {
                return flaw(
                    key,
                    format!(
                        "the first-response target ({}) is longer than the resolution target ({})",
                        target.first_response, target.resolution
                    ),
                );
            }
        }
        Ok(())
    }
}

fn check_slug(slug: &str) -> Result<(), String> {
    let ok = !slug.is_empty()
        && slug.len() <= 32
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{slug:?} is not a valid key: use 1 to 32 lowercase letters, digits or _"
        ))
    }
}

fn check_names(names: &Names) -> Result<(), String> {
    if names.fr.trim().is_empty() || names.en.trim().is_empty() {
        return Err("name.fr and name.en must both be given".into());
    }
    Ok(())
}
