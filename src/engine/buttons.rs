//! Buttons: what their payloads say (what pressing them does: `press`).

use crate::domain::{Decision, Priority, TicketId};

/// A button's payload: short (Telegram allows 64 bytes) and self-describing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Payload {
    /// A new request's category.
    Category(i64),
    /// A new request's priority.
    NewPriority(Priority),
    /// Which open ticket a message is for; `None`: a new ticket.
    Pick(Option<i64>),
    /// Stars for a resolved ticket.
    Rate(i64, u8),
    Claim(i64),
    Resolve(i64),
    Close(i64),
    SetPriority(i64, Priority),
    /// Opens the new-ticket form, for a category when one was chosen; also the
    /// form's own payload.
    NewForm(Option<i64>),
    /// Decisions on a request that needs approval. Asking and refusing need a
    /// text: these are also the payloads of their forms.
    Approve(i64),
    AskInfo(i64),
    Refuse(i64),
}

impl Payload {
    pub fn encode(self) -> String {
        match self {
            Payload::Category(id) => format!("cat:{id}"),
            Payload::NewPriority(p) => format!("newprio:{p}"),
            Payload::Pick(Some(id)) => format!("pick:{id}"),
            Payload::Pick(None) => "pick:new".into(),
            Payload::Rate(ticket, stars) => format!("rate:{ticket}:{stars}"),
            Payload::Claim(t) => format!("claim:{t}"),
            Payload::Resolve(t) => format!("resolve:{t}"),
            Payload::Close(t) => format!("close:{t}"),
            Payload::SetPriority(t, p) => format!("prio:{t}:{p}"),
            Payload::NewForm(None) => "form".into(),
            Payload::NewForm(Some(category)) => format!("form:{category}"),
            Payload::Approve(t) => format!("approve:{t}"),
            Payload::AskInfo(t) => format!("ask:{t}"),
            Payload::Refuse(t) => format!("refuse:{t}"),
        }
    }

    /// The button for `decision` on `ticket`.
    pub fn of_decision(ticket: TicketId, decision: Decision) -> Payload {
        match decision {
            Decision::Approve => Payload::Approve(ticket.0),
            Decision::AskInfo => Payload::AskInfo(ticket.0),
            Decision::Refuse => Payload::Refuse(ticket.0),
        }
    }

    /// The decision a payload asks for, and on which ticket.
    pub fn decision(self) -> Option<(TicketId, Decision)> {
        match self {
            Payload::Approve(t) => Some((TicketId(t), Decision::Approve)),
            Payload::AskInfo(t) => Some((TicketId(t), Decision::AskInfo)),
            Payload::Refuse(t) => Some((TicketId(t), Decision::Refuse)),
            _ => None,
        }
    }

    pub fn decode(payload: &str) -> Option<Payload> {
        let mut parts = payload.split(':');
        let kind = parts.next()?;
        let id = |s: Option<&str>| s.and_then(|s| s.parse::<i64>().ok());
        let decoded = match kind {
            "cat" => Payload::Category(id(parts.next())?),
            "newprio" => Payload::NewPriority(parts.next()?.parse().ok()?),
            "pick" => match parts.next()? {
                "new" => Payload::Pick(None),
                other => Payload::Pick(Some(other.parse().ok()?)),
            },
            "rate" => Payload::Rate(id(parts.next())?, parts.next()?.parse().ok()?),
            "claim" => Payload::Claim(id(parts.next())?),
            "resolve" => Payload::Resolve(id(parts.next())?),
            "close" => Payload::Close(id(parts.next())?),
            "prio" => Payload::SetPriority(id(parts.next())?, parts.next()?.parse().ok()?),
            "form" => match parts.next() {
                None => Payload::NewForm(None),
                some => Payload::NewForm(Some(id(some)?)),
            },
            "approve" => Payload::Approve(id(parts.next())?),
            "ask" => Payload::AskInfo(id(parts.next())?),
            "refuse" => Payload::Refuse(id(parts.next())?),
            _ => return None,
        };
        parts.next().is_none().then_some(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_fit_telegram() {
        for payload in [
            Payload::Category(12),
            Payload::NewPriority(Priority::P0),
            Payload::Pick(Some(9_007_199_254_740_993)),
            Payload::Pick(None),
            Payload::Rate(42, 4),
            Payload::Claim(42),
            Payload::Resolve(42),
            Payload::Close(42),
            Payload::SetPriority(i64::MAX, Priority::P3),
            Payload::Approve(i64::MAX),
            Payload::AskInfo(42),
            Payload::Refuse(42),
        ] {
            let encoded = payload.encode();
            assert!(encoded.len() <= 64, "{encoded}");
            assert_eq!(Payload::decode(&encoded), Some(payload), "{encoded}");
        }
    }

    #[test]
    fn foreign_payloads_are_refused() {
        for bad in [
            "",
            "cat",
            "cat:x",
            "rate:1",
            "claim:1:2",
            "drop:1",
            "prio:1:P9",
            "refuse:",
            "approve:1:2",
        ] {
            assert_eq!(Payload::decode(bad), None, "{bad}");
        }
    }
}
