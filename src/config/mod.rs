//! The service's configuration: `config/guichet.toml`, then `GUICHET__SECTION__KEY`
//! environment variables over any key. Secrets never live in the file: tokens and
//! passwords are read from the environment where they are used, and a database URL
//! carrying a password is refused unless it comes from the environment.

mod check;
mod database;
mod duration;
mod points;
mod scheduler;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use figment::providers::{Env, Format, Toml};
use figment::{Figment, Provider};
use serde::Deserialize;

pub use database::{Backend, Database, UnsupportedUrl, redact_url};
pub use duration::HumanDuration;
pub use points::{PointsConfig, PointsPerPriority};
pub use scheduler::{
    BusinessHoursConfig, EscalationConfig, FollowUpConfig, MailConfig, MailSecurity, OverdueConfig,
    PerPriority, RemindersConfig, RetentionConfig, SchedulerConfig, TeamEscalation,
};

use crate::domain::team::Localized;
use crate::domain::{
    CatalogDeclaration, CategoryDeclaration, Email, Language, Priority, TeamDeclaration,
};

/// Where the configuration is read from when nothing else is said.
pub const DEFAULT_PATH: &str = "config/guichet.toml";
/// The prefix of the environment variables that override keys.
pub const ENV_PREFIX: &str = "GUICHET__";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub company: Company,
    pub database: Database,
    pub sla: Sla,
    pub tickets: TicketsConfig,
    pub outbox: OutboxConfig,
    pub telegram: TelegramConfig,
    pub discord: DiscordConfig,
    pub scheduler: SchedulerConfig,
    pub reminders: RemindersConfig,
    pub escalation: EscalationConfig,
    pub business_hours: BusinessHoursConfig,
    pub overdue: OverdueConfig,
    pub follow_up: FollowUpConfig,
    pub mail: MailConfig,
    pub retention: RetentionConfig,
    pub web: WebConfig,
    pub points: PointsConfig,
    #[serde(default)]
    pub doctor: DoctorConfig,
    /// Support teams by slug (`it`, `finance`, `hr`).
    pub teams: BTreeMap<String, TeamConfig>,
    /// Ticket categories by slug (`hardware`, `finance_travel`…).
    pub categories: BTreeMap<String, CategoryConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub name: String,
    /// Ticket references and business days follow this zone (`Europe/Paris`).
    #[serde(deserialize_with = "time_zone")]
    pub time_zone: Tz,
    /// The language of users whose platform says nothing usable.
    #[serde(deserialize_with = "language")]
    pub default_language: Language,
}

/// Targets per priority, keyed `p0` … `p3`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    pub p0: SlaTarget,
    pub p1: SlaTarget,
    pub p2: SlaTarget,
    pub p3: SlaTarget,
}

impl Sla {
    pub fn target(&self, priority: Priority) -> &SlaTarget {
        match priority {
            Priority::P0 => &self.p0,
            Priority::P1 => &self.p1,
            Priority::P2 => &self.p2,
            Priority::P3 => &self.p3,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    /// From creation to the first agent answer.
    pub first_response: HumanDuration,
    /// From creation to resolution.
    pub resolution: HumanDuration,
}

/// How tickets are opened and reopened through chat.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketsConfig {
    /// A requester's message on a ticket resolved less than this long ago reopens it;
    /// later, it opens a new ticket linked to the old one.
    pub reopen_within: HumanDuration,
    /// Words that make a new ticket P0 (Critique) without asking.
    pub critical_words: Vec<String>,
    /// Words that make a new ticket P1 (Urgent) without asking.
    pub urgent_words: Vec<String>,
}

/// The Telegram connection; the bot token comes from `TELEGRAM_BOT_TOKEN` only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramConfig {
    /// The Bot API server, for a self-hosted `telegram-bot-api`; empty: Telegram's.
    #[serde(deserialize_with = "optional_url")]
    pub api_url: Option<url::Url>,
    /// How updates arrive.
    pub mode: TelegramMode,
    /// Webhook mode: the public HTTPS address Telegram posts to.
    #[serde(deserialize_with = "optional_url")]
    pub webhook_url: Option<url::Url>,
    /// Webhook mode: where guichet listens for those posts (behind a reverse proxy).
    pub webhook_listen: std::net::SocketAddr,
}

/// The admin web endpoint: API, dashboard, health and metrics.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// Off: `guichet serve` opens no port.
    pub enabled: bool,
    /// Where it listens; keep it on 127.0.0.1 behind an HTTPS reverse proxy.
    pub listen: std::net::SocketAddr,
    /// How long a login lasts.
    pub session_ttl: HumanDuration,
    /// Failed logins allowed per account name within `login_window`…
    pub max_failures_per_account: u32,
    /// …and per client address (higher: a reverse proxy shows every client as one).
    pub max_failures_per_address: u32,
    pub login_window: HumanDuration,
}

/// The Discord connection; the bot token comes from `DISCORD_BOT_TOKEN` only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordConfig {
    /// An HTTP proxy in front of Discord's API that shares its rate limits between
    /// processes (twilight-http-proxy, nirn-proxy); empty: Discord itself, with the
    /// client's own rate limiter.
    #[serde(deserialize_with = "optional_url")]
    pub api_url: Option<url::Url>,
    /// The server whose slash commands guichet registers; empty: none registered.
    #[serde(deserialize_with = "text_or_number")]
    pub guild_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TelegramMode {
    /// guichet asks Telegram for updates: nothing to expose to the internet.
    Polling,
    /// Telegram posts updates to `webhook_url`.
    Webhook,
}

/// The setup checks `serve` runs (`guichet doctor`'s, see `crate::doctor`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorConfig {
    /// How often: at start-up, then every this long.
    pub every: HumanDuration,
}

impl Default for DoctorConfig {
    fn default() -> Self {
        DoctorConfig {
            every: HumanDuration(std::time::Duration::from_secs(5 * 60)),
        }
    }
}

/// Delivery of outbound messages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxConfig {
    /// After this many failed attempts a message is set aside as a dead letter.
    pub max_attempts: u32,
    /// The first retry waits about this long, then twice as long each time…
    pub first_retry: HumanDuration,
    /// …up to this.
    pub max_retry: HumanDuration,
    /// How long an instance may hold a message it is delivering before another
    /// instance may take it over.
    pub lease: HumanDuration,
    /// How many conversations deliver at the same time (each keeps its order);
    /// answers to interactions have a lane of their own besides.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// This instance's name, stable across restarts, so that a restarted instance
    /// takes back at once what it was delivering when it stopped. Empty: the host's
    /// name. Give each instance its own when several run on one host.
    #[serde(default)]
    pub instance: String,
}

fn default_concurrency() -> usize {
    32
}

impl OutboxConfig {
    /// [`OutboxConfig::instance`], or the host's name.
    pub fn instance_name(&self) -> String {
        let named = self.instance.trim();
        if !named.is_empty() {
            return named.to_owned();
        }
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "guichet".to_owned())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub fr: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamConfig {
    pub name: Names,
    /// The team's shared mailbox.
    #[serde(default, deserialize_with = "email")]
    pub email: Option<Email>,
    /// Tickets visible to the team's `hr` members and admins only.
    #[serde(default)]
    pub confidential: bool,
    /// Where the team's ticket threads open.
    pub staff: Option<StaffSpace>,
    /// Who hears of the team's missed SLA targets (level 2 of escalation).
    #[serde(default)]
    pub escalation: TeamEscalation,
}

/// A Discord channel or a Telegram supergroup (with topics) where a team works.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSpace {
    #[serde(deserialize_with = "platform")]
    pub platform: crate::domain::Platform,
    /// The channel id or the supergroup's chat id (an environment variable gives a
    /// number, the file a string: both are read as text).
    #[serde(deserialize_with = "text_or_number")]
    pub space: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    pub name: Names,
    /// Slug of the team handling it.
    pub team: String,
    pub default_priority: Priority,
    #[serde(default)]
    pub needs_approval: bool,
    /// Order in menus, smallest first; ties by slug.
    #[serde(default = "default_position")]
    pub position: i64,
    /// Words that put a new ticket in this category without asking (case and
    /// accents ignored).
    #[serde(default)]
    pub keywords: Vec<String>,
}

fn default_position() -> i64 {
    100
}

/// A configuration that cannot be used, with where and why, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, or the environment variable, the bad value came from.
    pub origin: String,
    /// The key, dotted (`sla.p1.resolution`); `None` when the whole file is at fault.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{}: {key}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `path`, applies the `GUICHET__…` environment overrides, checks the
    /// result.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        // Figment treats a missing file as empty; an operator wants to know.
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            origin: path.display().to_string(),
            key: None,
            message: format!(
                "cannot read the configuration file ({e}); pass --config or set GUICHET_CONFIG"
            ),
        })?;
        let figment = Figment::from(Toml::string(&text)).merge(environment());
        let config: Config = figment
            .extract()
            .map_err(|e| from_figment(&figment, path, e))?;
        config.check(&figment, path)?;
        Ok(config)
    }

    /// The teams and categories to synchronise into the database.
    pub fn catalog_declaration(&self) -> CatalogDeclaration {
        let localized = |names: &Names| Localized {
            fr: names.fr.clone(),
            en: names.en.clone(),
        };
        let teams = self.teams.iter().map(|(slug, team)| TeamDeclaration {
            slug: slug.clone(),
            name: localized(&team.name),
            email: team.email.clone(),
            confidential: team.confidential,
            staff_space: team.staff.as_ref().map(|s| (s.platform, s.space.clone())),
        });
        let categories = self
            .categories
            .iter()
            .map(|(slug, category)| CategoryDeclaration {
                slug: slug.clone(),
                name: localized(&category.name),
                team: category.team.clone(),
                default_priority: category.default_priority,
                needs_approval: category.needs_approval,
                position: category.position,
            });
        CatalogDeclaration {
            teams: teams.collect(),
            categories: categories.collect(),
        }
    }

    /// Categories in menu order.
    pub fn categories_in_order(&self) -> Vec<(&String, &CategoryConfig)> {
        let mut all: Vec<_> = self.categories.iter().collect();
        all.sort_by_key(|(slug, c)| (c.position, slug.as_str()));
        all
    }
}

/// Where the config file is, from the command line, `GUICHET_CONFIG` or the default.
pub fn path_from(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("GUICHET_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PATH))
}

/// The `GUICHET__…` variables as a configuration layer (figment's own provider):
/// `GUICHET__SLA__P1__RESOLUTION` sets `sla.p1.resolution`; values are read as
/// TOML-like scalars (`8`, `true`, text).
fn environment() -> Env {
    Env::prefixed(ENV_PREFIX).split("__")
}

fn came_from_env(figment: &Figment, key: &str) -> bool {
    figment
        .find_metadata(key)
        .is_some_and(|m| m.name == environment().metadata().name)
}

/// Names the file or the environment variable a key's value came from.
fn origin_of(figment: &Figment, path: &Path, key: &str) -> String {
    if came_from_env(figment, key) {
        format!(
            "environment variable {ENV_PREFIX}{}",
            key.replace('.', "__").to_uppercase()
        )
    } else {
        path.display().to_string()
    }
}

fn from_figment(figment: &Figment, path: &Path, error: figment::Error) -> ConfigError {
    let key = (!error.path.is_empty()).then(|| error.path.join("."));
    ConfigError {
        origin: match &key {
            Some(key) => origin_of(figment, path, key),
            None => path.display().to_string(),
        },
        message: one_line(&error.kind.to_string()),
        key,
    }
}

/// TOML syntax errors come with a drawing of the line at fault; keep the words.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim_end)
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with('|') && !t.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn time_zone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
    let name = String::deserialize(d)?;
    name.parse::<Tz>().map_err(|_| {
        serde::de::Error::custom(format!(
            "unknown time zone {name:?}: use an IANA name such as Europe/Paris"
        ))
    })
}

fn language<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
    String::deserialize(d)?
        .parse()
        .map_err(serde::de::Error::custom)
}

fn platform<'de, D: serde::Deserializer<'de>>(d: D) -> Result<crate::domain::Platform, D::Error> {
    String::deserialize(d)?
        .parse()
        .map_err(serde::de::Error::custom)
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Number(i64),
    }
    Ok(match TextOrNumber::deserialize(d)? {
        TextOrNumber::Text(text) => text,
        TextOrNumber::Number(n) => n.to_string(),
    })
}

fn optional_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<url::Url>, D::Error> {
    let text = String::deserialize(d)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    url::Url::parse(text.trim())
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("{text:?} is not a URL ({e})")))
}

fn email<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Email>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| Email::parse(&s).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests;
