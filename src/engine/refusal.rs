//! A refusal: something the person asked that cannot be done. What it is made of
//! is typed, so that nothing downstream compares catalog keys.

use crate::domain::Status;
use crate::i18n::Key;

/// Something the person asked that cannot be done, to tell them in their language.
/// Its kind is set where it is made; the web's status follows it, and so does what
/// a ticket's thread says to someone who is not of its team.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The catalog key of the sentence: words only, never compared.
    pub key: Key,
    pub args: Vec<(&'static str, RefusalArg)>,
}

/// What sort of "no" a refusal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// What was named does not exist, or the person may not see it.
    NotFound,
    /// The person may not do this.
    Forbidden,
    /// The ticket's state (or the bot's question) does not allow it now.
    Conflict,
    /// What was typed or sent does not make sense.
    Invalid,
}

/// A value a refusal's sentence names.
#[derive(Debug, Clone, PartialEq)]
pub enum RefusalArg {
    Text(String),
    /// Worded for the reader (the chat), or by its name (the web API).
    Status(Status),
    /// How a command is typed: the catalog key of its usage line, worded in the
    /// author's language since the command names are theirs. Chat only.
    Usage(Key),
}

impl RefusalArg {
    /// The value without wording: a status by its name.
    pub fn plain(self) -> String {
        match self {
            RefusalArg::Text(text) => text,
            RefusalArg::Status(status) => status.as_str().to_owned(),
            RefusalArg::Usage(key) => key.id().to_owned(),
        }
    }
}

impl Refusal {
    fn of(kind: RefusalKind, key: Key) -> Self {
        Refusal {
            kind,
            key,
            args: Vec::new(),
        }
    }

    pub fn not_found(key: Key) -> Self {
        Self::of(RefusalKind::NotFound, key)
    }

    pub fn forbidden(key: Key) -> Self {
        Self::of(RefusalKind::Forbidden, key)
    }

    pub fn conflict(key: Key) -> Self {
        Self::of(RefusalKind::Conflict, key)
    }

    pub fn invalid(key: Key) -> Self {
        Self::of(RefusalKind::Invalid, key)
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, RefusalArg::Text(value.into())));
        self
    }

    /// "Usage: …" for a command typed wrong; `usage` is the key of its usage line.
    pub fn usage(usage: Key) -> Self {
        let mut refusal = Self::invalid(key!("error-usage"));
        refusal.args.push(("usage", RefusalArg::Usage(usage)));
        refusal
    }

    pub fn with_status(mut self, name: &'static str, status: Status) -> Self {
        self.args.push((name, RefusalArg::Status(status)));
        self
    }
}
