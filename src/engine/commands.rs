//! Commands, typed as `/name arguments` or chosen from the platform's menu, with
//! their French and English names, read into a [`Command`] whose arguments are
//! typed before anything is done (`apply` carries it out). In a ticket's thread the
//! ticket is implied; elsewhere an agent names it first: `/claim TCK-20250214-002`.

use guichet_chat::{Interaction, Place};

use super::leaderboard::Span;
use super::names::Name;
use super::profile::ProfileChange;
use super::{Refusal, refusal};
use crate::desk::UserRef;
use crate::domain::{
    Decision, Language, ParseError, Priority, Stars, Status, TicketId, TicketReference,
};
use crate::i18n::Key;

/// Splits `/name@bot rest` into the name and the rest; `None` for text that is not
/// a command (including `//`, the note prefix).
pub(super) fn split(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    let body = text.strip_prefix('/')?;
    if body.starts_with('/') || body.is_empty() {
        return None;
    }
    let (head, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let name = head.split('@').next().unwrap_or(head);
    Some((name, rest.trim()))
}

/// Where a command was typed: what reading its arguments depends on.
pub(super) struct At<'a> {
    pub place: &'a Place,
    /// The ticket whose thread this is, when it is one: the ticket is implied.
    pub ticket: Option<TicketId>,
    /// The platform's interaction it came with (a Discord slash command).
    pub interaction: Option<&'a Interaction>,
}

/// A command with its arguments read and typed.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Command {
    Help,
    New(NewRequest),
    Tickets,
    /// The help panel, posted in this server channel.
    Panel {
        channel: String,
    },
    /// `/disponible` (`true`) and `/indisponible`.
    Availability(bool),
    Redistribute(Someone),
    Profile(ProfileChange),
    /// `None`: asks for a code; else the code from the other platform.
    Link(Option<String>),
    Leaderboard(Span),
    Cancel,
    Language(Language),
    Rate {
        reference: TicketReference,
        stars: Stars,
        comment: Option<String>,
    },
    /// An action on one ticket.
    Ticket(TicketArg, OnTicket),
}

/// What a command does to the ticket it names.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum OnTicket {
    Close,
    Claim,
    Assign(Someone),
    Priority(Priority),
    Status(Status),
    /// With the resolution's note (may be empty).
    Resolve(String),
    /// With the approval's note, the question or the justification.
    Decide(Decision, String),
    /// To the team of this slug.
    Transfer(String),
    Note(String),
}

/// How `/new` was asked.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum NewRequest {
    /// From a platform that shows forms: the form is the answer, for the category
    /// of this slug when one was chosen.
    Form {
        interaction: Interaction,
        category: Option<String>,
    },
    /// Alone: the next message describes the request.
    Describe,
    /// With the request itself, in this private chat.
    Text { chat: String, text: String },
}

/// The ticket a command is about.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TicketArg {
    /// The ticket of the thread the command was typed in.
    Here(TicketId),
    Reference(TicketReference),
    /// None named: the author's only open ticket (their own commands).
    OnlyOpen,
}

/// Someone named in a command.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Someone {
    /// A mention, `<@123>` or `<@!123>`: an account on the writer's platform.
    Mention(String),
    /// An id, an e-mail address or `platform:id`.
    Named(UserRef),
}

impl<'a> At<'a> {
    pub(super) fn new(
        place: &'a Place,
        ticket: Option<TicketId>,
        interaction: Option<&'a Interaction>,
    ) -> Self {
        At {
            place,
            ticket,
            interaction,
        }
    }
}

impl Command {
    /// Reads the arguments of command `name` typed at `at`.
    pub(super) fn parse(name: Name, args: &str, at: &At<'_>) -> Result<Command, Refusal> {
        let ticket = |own| TicketArg::parse(args, at, own);
        Ok(match name {
            Name::Help => Command::Help,
            Name::New => Command::New(NewRequest::parse(args, at)?),
            Name::Tickets => Command::Tickets,
            Name::Panel => match at.place {
                Place::Channel { channel } => Command::Panel {
                    channel: channel.clone(),
                },
                _ => return Err(refusal!(Invalid, "error-channel-only")),
            },
            Name::Unavailable => Command::Availability(false),
            Name::Available => Command::Availability(true),
            Name::Redistribute => {
                Command::Redistribute(Someone::required(args, key!("usage-redistribute"))?)
            }
            Name::Profile => Command::Profile(ProfileChange::parse(direct_only(args, at)?)?),
            Name::Link => {
                let code = direct_only(args, at)?;
                Command::Link(Some(code.to_owned()).filter(|c| !c.trim().is_empty()))
            }
            Name::Leaderboard => Command::Leaderboard(
                Span::parse(args).ok_or(Refusal::usage(key!("usage-leaderboard")))?,
            ),
            Name::Cancel => Command::Cancel,
            Name::Language => Command::Language(args.parse().map_err(invalid)?),
            Name::Rate => rate(args)?,
            Name::Close => Command::Ticket(ticket(true)?.0, OnTicket::Close),
            Name::Claim => Command::Ticket(ticket(false)?.0, OnTicket::Claim),
            Name::Assign => on(ticket(false)?, |rest| {
                Ok(OnTicket::Assign(Someone::required(
                    rest,
                    key!("usage-assign"),
                )?))
            })?,
            Name::Priority => on(ticket(false)?, |rest| {
                Ok(OnTicket::Priority(rest.parse().map_err(invalid)?))
            })?,
            Name::Status => on(ticket(false)?, |rest| {
                Ok(OnTicket::Status(Status::from_typed(rest).map_err(invalid)?))
            })?,
            Name::Resolve => on(ticket(false)?, |rest| {
                Ok(OnTicket::Resolve(rest.to_owned()))
            })?,
            Name::Approve => on(ticket(false)?, |rest| Ok(decide(Decision::Approve, rest)))?,
            Name::AskInfo => on(ticket(false)?, |rest| Ok(decide(Decision::AskInfo, rest)))?,
            Name::Refuse => on(ticket(false)?, |rest| Ok(decide(Decision::Refuse, rest)))?,
            Name::Transfer => on(ticket(false)?, |rest| {
                Ok(OnTicket::Transfer(
                    required(rest, key!("usage-transfer"))?.to_owned(),
                ))
            })?,
            Name::Note => on(ticket(false)?, |rest| {
                Ok(OnTicket::Note(
                    required(rest, key!("usage-note"))?.to_owned(),
                ))
            })?,
        })
    }
}

/// A command on `ticket`, what it does read from the rest of the arguments.
fn on(
    (ticket, rest): (TicketArg, &str),
    action: impl FnOnce(&str) -> Result<OnTicket, Refusal>,
) -> Result<Command, Refusal> {
    Ok(Command::Ticket(ticket, action(rest)?))
}

fn invalid(e: ParseError) -> Refusal {
    refusal::invalid(&e)
}

fn decide(decision: Decision, text: &str) -> OnTicket {
    OnTicket::Decide(decision, text.to_owned())
}

/// Text a command cannot do without.
fn required(text: &str, usage: Key) -> Result<&str, Refusal> {
    if text.trim().is_empty() {
        return Err(Refusal::usage(usage));
    }
    Ok(text)
}

/// The arguments of a command used in a private chat only.
fn direct_only<'a>(args: &'a str, at: &At<'_>) -> Result<&'a str, Refusal> {
    match at.place {
        Place::Direct { .. } => Ok(args),
        _ => Err(refusal!(Invalid, "error-dm-only")),
    }
}

/// `/rate TCK-… 1-5 [comment]`.
fn rate(args: &str) -> Result<Command, Refusal> {
    let usage = || Refusal::usage(key!("usage-rate"));
    let (reference, rest) = leading_reference(args)?;
    let reference = reference.ok_or_else(usage)?;
    let (stars, comment) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let stars: i64 = stars.parse().map_err(|_| usage())?;
    let stars = Stars::new(stars).map_err(invalid)?;
    let comment = Some(comment)
        .filter(|c| !c.trim().is_empty())
        .map(str::to_owned);
    Ok(Command::Rate {
        reference,
        stars,
        comment,
    })
}

impl NewRequest {
    fn parse(args: &str, at: &At<'_>) -> Result<NewRequest, Refusal> {
        let dm_only = || refusal!(Invalid, "error-dm-only");
        if matches!(at.place, Place::Thread(_)) {
            return Err(dm_only());
        }
        if let Some(interaction) = at.interaction {
            let category = Some(args.trim()).filter(|s| !s.is_empty());
            return Ok(NewRequest::Form {
                interaction: interaction.clone(),
                category: category.map(str::to_owned),
            });
        }
        if args.is_empty() {
            return Ok(NewRequest::Describe);
        }
        let Place::Direct { chat } = at.place else {
            return Err(dm_only());
        };
        Ok(NewRequest::Text {
            chat: chat.clone(),
            text: args.to_owned(),
        })
    }
}

impl TicketArg {
    /// The ticket: the thread's, a leading reference, or (for the requester's own
    /// commands, `own`) their only open one. Returns the rest of the arguments.
    fn parse<'a>(args: &'a str, at: &At<'_>, own: bool) -> Result<(TicketArg, &'a str), Refusal> {
        if let Some(ticket) = at.ticket {
            return Ok((TicketArg::Here(ticket), args.trim()));
        }
        match leading_reference(args)? {
            (Some(reference), rest) => Ok((TicketArg::Reference(reference), rest)),
            (None, rest) if own => Ok((TicketArg::OnlyOpen, rest)),
            (None, _) => Err(refusal!(
                Invalid,
                "error-which-ticket",
                references = "TCK-…"
            )),
        }
    }
}

impl Someone {
    fn parse(text: &str) -> Result<Someone, ParseError> {
        let text = text.trim();
        let mention = text
            .strip_prefix("<@")
            .and_then(|m| m.strip_suffix('>'))
            .map(|m| m.trim_start_matches('!'));
        match mention {
            Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) => {
                Ok(Someone::Mention(id.to_owned()))
            }
            _ => text.parse().map(Someone::Named),
        }
    }

    /// Someone the command cannot do without.
    fn required(text: &str, usage: Key) -> Result<Someone, Refusal> {
        Someone::parse(required(text, usage)?).map_err(invalid)
    }
}

/// Takes a leading ticket reference off the arguments.
fn leading_reference(args: &str) -> Result<(Option<TicketReference>, &str), Refusal> {
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    if first
        .to_ascii_uppercase()
        .trim_start_matches('#')
        .starts_with("TCK-")
    {
        let reference = first.parse().map_err(invalid)?;
        return Ok((Some(reference), rest.trim()));
    }
    Ok((None, args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RefusalKind;

    #[test]
    fn commands_split_from_text() {
        assert_eq!(split("/claim"), Some(("claim", "")));
        assert_eq!(
            split("/resoudre@guichet_bot Câble remplacé "),
            Some(("resoudre@guichet_bot", "Câble remplacé")).map(|(_, a)| ("resoudre", a))
        );
        assert_eq!(split("// une note"), None);
        assert_eq!(split("bonjour /claim"), None);
        assert_eq!(split("/"), None);
    }

    #[test]
    fn a_leading_reference_is_taken_off() {
        let (reference, rest) = leading_reference("TCK-20250214-002 Câble remplacé").unwrap();
        assert_eq!(reference.unwrap().to_string(), "TCK-20250214-002");
        assert_eq!(rest, "Câble remplacé");
        assert_eq!(leading_reference("P1").unwrap().0, None);
        assert!(leading_reference("TCK-2025").is_err());
    }

    fn parse(typed: &str, at: &At<'_>) -> Result<Command, Refusal> {
        let (name, args) = split(typed).expect("a command");
        Command::parse(Name::find(name).expect("a known name"), args, at)
    }

    fn thread() -> Place {
        Place::Thread(guichet_chat::ThreadRef {
            space: "it".into(),
            thread: "t1".into(),
        })
    }

    fn dm() -> Place {
        Place::Direct { chat: "c1".into() }
    }

    fn reference(text: &str) -> TicketArg {
        TicketArg::Reference(text.parse().unwrap())
    }

    #[test]
    fn in_a_tickets_thread_the_ticket_is_implied() {
        let place = thread();
        let here = At::new(&place, Some(TicketId(7)), None);
        assert_eq!(
            parse("/prendre", &here),
            Ok(Command::Ticket(
                TicketArg::Here(TicketId(7)),
                OnTicket::Claim
            ))
        );
        assert_eq!(
            parse("/priorite p1", &here),
            Ok(Command::Ticket(
                TicketArg::Here(TicketId(7)),
                OnTicket::Priority(Priority::P1)
            ))
        );
        assert_eq!(
            parse("/resoudre Câble remplacé", &here),
            Ok(Command::Ticket(
                TicketArg::Here(TicketId(7)),
                OnTicket::Resolve("Câble remplacé".into())
            ))
        );
    }

    #[test]
    fn elsewhere_an_agent_names_the_ticket_first() {
        let place = dm();
        let at = At::new(&place, None, None);
        assert_eq!(
            parse("/assigner TCK-20250214-002 <@!1001>", &at),
            Ok(Command::Ticket(
                reference("TCK-20250214-002"),
                OnTicket::Assign(Someone::Mention("1001".into()))
            ))
        );
        assert_eq!(
            parse("/assign TCK-20250214-002 telegram:2001", &at),
            Ok(Command::Ticket(
                reference("TCK-20250214-002"),
                OnTicket::Assign(Someone::Named(UserRef::Identity(
                    "telegram:2001".parse().unwrap()
                )))
            ))
        );
        assert_eq!(
            parse("/refuser TCK-20250214-002 Budget épuisé", &at),
            Ok(Command::Ticket(
                reference("TCK-20250214-002"),
                OnTicket::Decide(Decision::Refuse, "Budget épuisé".into())
            ))
        );
        let which = parse("/prendre", &at).unwrap_err();
        assert_eq!(
            (which.kind, which.key),
            (RefusalKind::Invalid, key!("error-which-ticket"))
        );
        // The requester's own commands go to their only open ticket.
        assert_eq!(
            parse("/fermer", &at),
            Ok(Command::Ticket(TicketArg::OnlyOpen, OnTicket::Close))
        );
    }

    #[test]
    fn what_does_not_read_is_refused_before_anything_is_done() {
        let place = thread();
        let here = At::new(&place, Some(TicketId(7)), None);
        let refused = |typed: &str, at: &At<'_>| {
            let r = parse(typed, at).unwrap_err();
            (r.kind, r.key)
        };
        use RefusalKind::Invalid;
        assert_eq!(
            refused("/priorite P9", &here),
            (Invalid, key!("error-invalid-priority"))
        );
        assert_eq!(
            refused("/statut fini", &here),
            (Invalid, key!("error-invalid-status"))
        );
        assert_eq!(refused("/assigner", &here), (Invalid, key!("error-usage")));
        assert_eq!(
            refused("/transferer  ", &here),
            (Invalid, key!("error-usage"))
        );
        assert_eq!(refused("/nouveau", &here), (Invalid, key!("error-dm-only")));
        assert_eq!(refused("/profil", &here), (Invalid, key!("error-dm-only")));
        assert_eq!(
            refused("/panneau", &here),
            (Invalid, key!("error-channel-only"))
        );
        let place = dm();
        let at = At::new(&place, None, None);
        assert_eq!(refused("/noter", &at), (Invalid, key!("error-usage")));
        assert_eq!(
            refused("/noter TCK-20250214-002 6", &at),
            (Invalid, key!("error-invalid-rating"))
        );
        assert_eq!(
            refused("/noter TCK-2025", &at),
            (Invalid, key!("error-invalid-reference"))
        );
        assert_eq!(
            refused("/langue klingon", &at),
            (Invalid, key!("error-invalid-language"))
        );
        assert_eq!(
            refused("/classement année", &at),
            (Invalid, key!("error-usage"))
        );
        assert_eq!(
            refused("/redistribuer", &at),
            (Invalid, key!("error-usage"))
        );
    }

    #[test]
    fn the_rest_of_a_command_is_typed_too() {
        let place = dm();
        let at = At::new(&place, None, None);
        assert_eq!(
            parse("/noter TCK-20250214-002 4 Merci !", &at),
            Ok(Command::Rate {
                reference: "TCK-20250214-002".parse().unwrap(),
                stars: Stars::new(4).unwrap(),
                comment: Some("Merci !".into()),
            })
        );
        assert_eq!(
            parse("/langue en", &at),
            Ok(Command::Language(Language::En))
        );
        assert_eq!(
            parse("/classement mois", &at),
            Ok(Command::Leaderboard(Span::Month))
        );
        assert_eq!(parse("/lier", &at), Ok(Command::Link(None)));
        assert_eq!(
            parse("/lier 123456", &at),
            Ok(Command::Link(Some("123456".into())))
        );
        assert_eq!(
            parse("/nouveau", &at),
            Ok(Command::New(NewRequest::Describe))
        );
        assert_eq!(
            parse("/nouveau Mon écran est noir", &at),
            Ok(Command::New(NewRequest::Text {
                chat: "c1".into(),
                text: "Mon écran est noir".into()
            }))
        );
        // Where forms are shown, `/ticket` answers with the form, for a category.
        let interaction = Interaction {
            id: "i1".into(),
            token: "tok".into(),
        };
        let channel = Place::Channel {
            channel: "general".into(),
        };
        let slash = At::new(&channel, None, Some(&interaction));
        assert_eq!(
            Command::parse(Name::New, "hardware", &slash),
            Ok(Command::New(NewRequest::Form {
                interaction: interaction.clone(),
                category: Some("hardware".into())
            }))
        );
        assert_eq!(
            parse("/panneau", &slash),
            Ok(Command::Panel {
                channel: "general".into()
            })
        );
    }
}
