//! The people a helpdesk serves: users, their role, their language and the platform
//! accounts through which they talk to the bot.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::ParseError;

/// Database identifier of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a user may do; the permission matrix is written in terms of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Configures teams and roles, sees and does everything.
    Admin,
    /// Member of a support team: claims, answers and resolves its tickets.
    Agent,
    /// Agent of the confidential HR team: the only agents who see HR tickets.
    Hr,
    /// Opens tickets and follows their own.
    Employee,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Agent, Role::Hr, Role::Employee];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Hr => "hr",
            Role::Employee => "employee",
        }
    }

    /// Whether this role works tickets as a member of a team.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Hr)
    }
}

impl FromStr for Role {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError::new(super::ValueKind::Role, s, "admin, agent, hr, employee"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The languages every user-facing text exists in. French first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    /// Maps a platform's locale tag (`fr`, `fr-CA`, `en-GB`, …) to a supported
    /// language; `None` for anything else so the caller can fall back to the default.
    pub fn from_locale(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.as_str() == primary)
    }
}

impl FromStr for Language {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError::new(super::ValueKind::Language, s, "fr, en"))
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The chat platforms a user can reach the bot from; the chat port defines them.
pub use guichet_chat::Platform;

/// One account of a user on one platform, e.g. `discord:80351110224678912`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    pub platform: Platform,
    /// The platform's own id of the account (a snowflake or a Telegram user id), kept
    /// as text because the platforms disagree on its size and format.
    pub external_id: String,
}

impl Identity {
    pub fn new(platform: Platform, external_id: impl Into<String>) -> Self {
        Identity {
            platform,
            external_id: external_id.into(),
        }
    }
}

impl FromStr for Identity {
    type Err = ParseError;
    /// Parses `platform:id`, the form used on the command line.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            ParseError::new(
                super::ValueKind::Identity,
                s,
                "discord:<id> or telegram:<id>",
            )
        };
        let (platform, id) = s.split_once(':').ok_or_else(bad)?;
        let id = id.trim();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(Identity::new(platform.parse().map_err(|_| bad())?, id))
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.external_id)
    }
}

/// An e-mail address that passed a sanity check: the overdue e-mail goes there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` without spaces or control characters; anything
    /// stricter belongs to the mail server.
    pub fn parse(s: &str) -> Result<Email, ParseError> {
        let s = s.trim();
        let bad = || ParseError::new(super::ValueKind::Email, s, "name@example.com");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if local.is_empty() || local.contains('@') || !domain.contains('.') || !labels_ok {
            return Err(bad());
        }
        Ok(Email(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person known to the helpdesk.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub display_name: String,
    /// Where the overdue e-mail and other mail go; employees may not have one yet.
    pub email: Option<Email>,
    pub language: Language,
    pub department: Option<String>,
    pub role: Role,
    /// Maximum open tickets automatic assignment gives this agent.
    pub capacity: u32,
    /// An unavailable agent (holiday, sick) receives no new ticket.
    pub available: bool,
    /// When this agent last received a ticket: the tie-breaker of the rotation.
    pub last_assigned_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What it takes to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub display_name: String,
    pub email: Option<Email>,
    pub language: Language,
    pub department: Option<String>,
    pub role: Role,
}

impl NewUser {
    /// A display name is what agents and reports show: it must say something and
    /// fit on one line.
    pub fn validate_name(name: &str) -> Result<String, ParseError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.contains(['\n', '\r']) {
            return Err(ParseError::new(
                super::ValueKind::DisplayName,
                name,
                "one line of 1 to 100 characters",
            ));
        }
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_case_insensitively_and_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().to_uppercase().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Hr.is_staff() && Role::Agent.is_staff());
        assert!(!Role::Admin.is_staff() && !Role::Employee.is_staff());
    }

    #[test]
    fn platform_locales_map_to_supported_languages() {
        assert_eq!(Language::from_locale("fr-CA"), Some(Language::Fr));
        assert_eq!(Language::from_locale("en_GB"), Some(Language::En));
        assert_eq!(Language::from_locale("EN"), Some(Language::En));
        assert_eq!(Language::from_locale("de"), None);
        assert_eq!(Language::from_locale(""), None);
    }

    #[test]
    fn identities_parse_from_the_command_line_form() {
        let id: Identity = "telegram:123456".parse().unwrap();
        assert_eq!(id, Identity::new(Platform::Telegram, "123456"));
        assert_eq!(id.to_string(), "telegram:123456");
        for bad in ["discord", "discord:", "slack:1", "discord:12a", ":12"] {
            assert!(bad.parse::<Identity>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn emails_are_sanity_checked() {
        assert_eq!(
            Email::parse(" iheb.issaoui@example.com ").unwrap().as_str(),
            "iheb.issaoui@example.com"
        );
        for bad in [
            "",
            "iheb",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@.com",
            "a@b..c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn display_names_are_one_short_line() {
        assert_eq!(
            NewUser::validate_name("  Akrem Grayaa ").unwrap(),
            "Akrem Grayaa"
        );
        assert!(NewUser::validate_name("   ").is_err());
        assert!(NewUser::validate_name("a\nb").is_err());
        assert!(NewUser::validate_name(&"x".repeat(101)).is_err());
    }
}
