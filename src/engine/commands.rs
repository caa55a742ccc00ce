//! Commands, typed as `/name arguments` or chosen from the platform's menu, with
//! their French and English names. In a ticket's thread the ticket is implied; in
//! a private chat an agent names it first: `/claim TCK-20250214-002`.

use guichet_chat::{Interaction, Place};

use super::intake::{self, Dialogue};
use super::{Engine, EngineError, Refusal, Result, Who, decisions, forms, labels, staff};
use crate::domain::{Decision, Language, Priority, Stars, Status, TicketId, TicketReference};
use crate::i18n::arg;
use crate::store::audit::Origin;
use crate::store::{self, Conn};

/// What can be asked, by its canonical (English) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Name {
    Help,
    New,
    Tickets,
    Close,
    Rate,
    Language,
    Cancel,
    Claim,
    Assign,
    Priority,
    Status,
    Resolve,
    Approve,
    AskInfo,
    Refuse,
    Transfer,
    Note,
    Panel,
    Leaderboard,
    Unavailable,
    Available,
    Redistribute,
    Profile,
    Link,
}

/// Every name and alias a command answers to, French first.
pub(crate) const NAMES: &[(Name, &[&str])] = &[
    (Name::Help, &["aide", "help", "start"]),
    (Name::New, &["nouveau", "new", "ticket"]),
    (Name::Tickets, &["mestickets", "tickets", "list"]),
    (Name::Close, &["fermer", "close"]),
    (Name::Rate, &["noter", "rate"]),
    (Name::Language, &["langue", "language", "lang"]),
    (Name::Cancel, &["annuler", "cancel"]),
    (Name::Claim, &["prendre", "claim"]),
    (Name::Assign, &["assigner", "assign"]),
    (Name::Priority, &["priorite", "priority"]),
    (Name::Status, &["statut", "status"]),
    (Name::Resolve, &["resoudre", "resolve"]),
    (Name::Approve, &["approuver", "approve"]),
    (Name::AskInfo, &["infos", "ask"]),
    (Name::Refuse, &["refuser", "refuse"]),
    (Name::Transfer, &["transferer", "transfer"]),
    (Name::Note, &["note"]),
    (Name::Panel, &["panneau", "panel"]),
    (Name::Leaderboard, &["classement", "leaderboard", "top"]),
    (Name::Unavailable, &["indisponible", "unavailable", "away"]),
    (Name::Available, &["disponible", "available", "back"]),
    (Name::Redistribute, &["redistribuer", "redistribute"]),
    (Name::Profile, &["profil", "profile"]),
    (Name::Link, &["lier", "link"]),
];

impl Name {
    pub(super) fn is_staff_action(self) -> bool {
        matches!(
            self,
            Name::Claim
                | Name::Assign
                | Name::Priority
                | Name::Status
                | Name::Resolve
                | Name::Approve
                | Name::AskInfo
                | Name::Refuse
                | Name::Transfer
                | Name::Note
                | Name::Close
        )
    }

    /// Listed in the staff spaces' menus.
    pub(super) fn for_staff(self) -> bool {
        self.is_staff_action()
            || matches!(
                self,
                Name::Leaderboard | Name::Unavailable | Name::Available | Name::Redistribute
            )
    }

    pub(super) fn description_key(self) -> &'static str {
        match self {
            Name::Help => "command-help",
            Name::New => "command-new",
            Name::Tickets => "command-tickets",
            Name::Close => "command-close",
            Name::Rate => "command-rate",
            Name::Language => "command-language",
            Name::Cancel => "command-cancel",
            Name::Claim => "command-claim",
            Name::Assign => "command-assign",
            Name::Priority => "command-priority",
            Name::Status => "command-status",
            Name::Resolve => "command-resolve",
            Name::Approve => "command-approve",
            Name::AskInfo => "command-ask",
            Name::Refuse => "command-refuse",
            Name::Transfer => "command-transfer",
            Name::Note => "command-note",
            Name::Panel => "command-panel",
            Name::Leaderboard => "command-leaderboard",
            Name::Unavailable => "command-unavailable",
            Name::Available => "command-available",
            Name::Redistribute => "command-redistribute",
            Name::Profile => "command-profile",
            Name::Link => "command-link",
        }
    }

    pub fn find(typed: &str) -> Option<Name> {
        let typed: String = typed
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' => 'e',
                c => c,
            })
            .collect();
        NAMES
            .iter()
            .find(|(_, aliases)| aliases.contains(&typed.as_str()))
            .map(|(name, _)| *name)
    }
}

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

/// Takes a leading ticket reference off the arguments.
fn leading_reference(args: &str) -> Result<(Option<TicketReference>, &str)> {
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    if first
        .to_ascii_uppercase()
        .trim_start_matches('#')
        .starts_with("TCK-")
    {
        let reference = first.parse().map_err(|e| labels::invalid(&e))?;
        return Ok((Some(reference), rest.trim()));
    }
    Ok((None, args))
}

pub(super) async fn run(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    place: &Place,
    typed: &str,
    args: &str,
    interaction: Option<&Interaction>,
) -> Result<()> {
    let name = Name::find(typed)
        .ok_or_else(|| Refusal::invalid("error-unknown-command").with("command", typed.to_owned()))?;
    let language = who.language();
    let usage =
        |key: &'static str| Refusal::invalid("error-usage").with("usage", engine.t(language, key, &[]));
    let done: Option<String> = match name {
        Name::Help => {
            let key = if who.actor.role.is_staff() || who.actor.may_administer() {
                "help-agent"
            } else {
                "help-employee"
            };
            let teams: Vec<&str> = engine
                .desk()
                .catalog()
                .teams()
                .map(|t| t.slug.as_str())
                .collect();
            let mut text = engine.t(
                language,
                key,
                &[
                    arg("note", staff::NOTE_PREFIX),
                    arg("teams", teams.join(", ")),
                ],
            );
            if key == "help-agent" {
                text.push('\n');
                text.push_str(&engine.t(language, "help-agent-decisions", &[]));
            }
            reply(engine, conn, who, place, interaction, text).await?;
            return Ok(());
        }
        Name::New => {
            if matches!(place, Place::Thread(_)) {
                return Err(Refusal::invalid("error-dm-only").into());
            }
            // Where the platform shows forms, the command's answer is the form.
            if let Some(interaction) = interaction {
                let category = match args.trim() {
                    "" => None,
                    slug => Some(
                        engine
                            .desk()
                            .find_category(slug)
                            .map_err(EngineError::from)?
                            .id,
                    ),
                };
                return forms::show(engine, conn, who, interaction, category).await;
            }
            if args.is_empty() {
                intake::set_dialogue(engine, conn, who, Some(&Dialogue::Description)).await?;
                Some(engine.t(language, "dialogue-describe", &[]))
            } else {
                let Place::Direct { chat } = place else {
                    return Err(Refusal::invalid("error-dm-only").into());
                };
                let chat = chat.clone();
                let draft = intake::Draft {
                    text: args.to_owned(),
                    files: Vec::new(),
                    chat,
                    message_id: format!("command:{}", engine.desk().now().timestamp_millis()),
                    previous: None,
                };
                // A new request replaces whatever the bot was asking about.
                intake::set_dialogue(engine, conn, who, None).await?;
                intake::start_request(engine, conn, who, draft).await?;
                None
            }
        }
        Name::Tickets => Some(my_tickets(engine, conn, who).await?),
        Name::Panel => Some(forms::post_panel(engine, conn, who, place).await?),
        Name::Unavailable => Some(super::workload::availability(engine, conn, who, false).await?),
        Name::Available => Some(super::workload::availability(engine, conn, who, true).await?),
        Name::Redistribute => {
            if args.trim().is_empty() {
                return Err(usage("usage-redistribute").into());
            }
            Some(super::workload::redistribute(engine, conn, who, args).await?)
        }
        Name::Profile => Some(super::profile::profile(engine, conn, who, place, args).await?),
        Name::Link => return super::profile::link(engine, conn, who, place, args).await,
        Name::Leaderboard => {
            return super::leaderboard::show(engine, conn, who, place, args, interaction).await;
        }
        Name::Cancel => {
            intake::set_dialogue(engine, conn, who, None).await?;
            Some(engine.t(language, "answer-cancelled", &[]))
        }
        Name::Language => {
            let chosen: Language = args.parse().map_err(|e| labels::invalid(&e))?;
            store::users::set_language(conn, who.user.id, chosen, true, engine.desk().now())
                .await?;
            Some(engine.t(chosen, "answer-language", &[]))
        }
        Name::Rate => {
            let (reference, rest) = leading_reference(args)?;
            let reference = reference.ok_or_else(|| usage("usage-rate"))?;
            let (stars, comment) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let stars: i64 = stars.parse().map_err(|_| usage("usage-rate"))?;
            let stars = Stars::new(stars).map_err(|e| labels::invalid(&e))?;
            let ticket = engine
                .desk()
                .ticket_by_reference(conn, &who.actor, &reference)
                .await?;
            let comment = Some(comment).filter(|c| !c.trim().is_empty());
            engine
                .desk()
                .rate(conn, &who.actor, ticket.id, stars, comment, Origin::Chat)
                .await?;
            Some(engine.t(
                language,
                "answer-rated",
                &[arg("stars", "★".repeat(stars.get().into()))],
            ))
        }
        Name::Close => {
            let ticket = target(engine, conn, who, place, args, true).await?.0;
            Some(staff::close(engine, conn, &who.acting(), ticket).await?)
        }
        Name::Claim => {
            let ticket = target(engine, conn, who, place, args, false).await?.0;
            Some(staff::claim(engine, conn, &who.acting(), ticket).await?)
        }
        Name::Assign => {
            let (ticket, rest) = target(engine, conn, who, place, args, false).await?;
            if rest.is_empty() {
                return Err(usage("usage-assign").into());
            }
            Some(staff::assign(engine, conn, who, ticket, &rest).await?)
        }
        Name::Priority => {
            let (ticket, rest) = target(engine, conn, who, place, args, false).await?;
            let priority: Priority = rest.parse().map_err(|e| labels::invalid(&e))?;
            Some(staff::set_priority(engine, conn, &who.acting(), ticket, priority).await?)
        }
        Name::Status => {
            let (ticket, rest) = target(engine, conn, who, place, args, false).await?;
            let status: Status = rest.parse().map_err(|e| labels::invalid(&e))?;
            Some(staff::set_status(engine, conn, &who.acting(), ticket, status).await?)
        }
        Name::Resolve => {
            let (ticket, rest) = target(engine, conn, who, place, args, false).await?;
            Some(staff::resolve(engine, conn, &who.acting(), ticket, &rest).await?)
        }
        Name::Approve | Name::AskInfo | Name::Refuse => {
            let (ticket, rest) = target(engine, conn, who, place, args, false).await?;
            let decision = match name {
                Name::Approve => Decision::Approve,
                Name::AskInfo => Decision::AskInfo,
                _ => Decision::Refuse,
            };
            Some(decisions::decide(engine, conn, &who.acting(), ticket, decision, &rest).await?)
        }
        Name::Transfer => {
            let (ticket, rest) = target(engine, conn, who, place, args, false).await?;
            if rest.is_empty() {
                return Err(usage("usage-transfer").into());
            }
            Some(staff::transfer(engine, conn, &who.acting(), ticket, &rest).await?)
        }
        Name::Note => {
            let (ticket, rest) = target(engine, conn, who, place, args, false).await?;
            if rest.is_empty() {
                return Err(usage("usage-note").into());
            }
            let echo = matches!(place, Place::Direct { .. });
            Some(staff::note_on(engine, conn, who, ticket, &rest, &[], echo).await?)
        }
    };
    // In a thread, a staff action's own line in the thread is its confirmation.
    let seen_in_thread =
        matches!(place, Place::Thread(_)) && interaction.is_none() && name.is_staff_action();
    if let Some(text) = done.filter(|_| !seen_in_thread) {
        reply(engine, conn, who, place, interaction, text).await?;
    }
    Ok(())
}

/// The ticket a command is about: the thread's, a leading reference, or (for the
/// requester's own commands) their only open ticket. Returns the rest of the arguments.
async fn target(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    place: &Place,
    args: &str,
    own: bool,
) -> Result<(TicketId, String)> {
    if let Place::Thread(thread) = place
        && let Some(ticket) =
            store::conversations::ticket_of_thread(conn, who.platform, thread).await?
    {
        return Ok((ticket, args.trim().to_owned()));
    }
    let (reference, rest) = leading_reference(args)?;
    if let Some(reference) = reference {
        let ticket = engine
            .desk()
            .ticket_by_reference(conn, &who.actor, &reference)
            .await?;
        return Ok((ticket.id, rest.to_owned()));
    }
    if own {
        let open = intake::candidates(engine, conn, who).await?;
        let open: Vec<_> = open
            .into_iter()
            .filter(|t| t.status != Status::Closed)
            .collect();
        return match open.as_slice() {
            [only] => Ok((only.id, rest.to_owned())),
            [] => Err(intake::no_open_ticket().into()),
            several => {
                let refs: Vec<String> = several.iter().map(|t| t.reference.to_string()).collect();
                Err(Refusal::invalid("error-which-ticket")
                    .with("references", refs.join(", "))
                    .into())
            }
        };
    }
    Err(Refusal::invalid("error-which-ticket")
        .with("references", "TCK-…")
        .into())
}

async fn my_tickets(engine: &Engine, conn: &mut Conn, who: &Who) -> Result<String> {
    let language = who.language();
    let filter = store::tickets::TicketFilter {
        requester: Some(who.user.id),
        limit: 10,
        ..Default::default()
    };
    let mine =
        store::tickets::list(conn, &filter, store::tickets::Viewer::User(&who.actor)).await?;
    if mine.is_empty() {
        return Ok(engine.t(language, "my-tickets-none", &[]));
    }
    let lines: Vec<String> = mine
        .iter()
        .map(|t| {
            engine.t(
                language,
                "my-tickets-line",
                &[
                    arg("reference", t.reference.to_string()),
                    arg("status", engine.status_label(language, t.status)),
                    arg("subject", crate::text::clip(&t.subject, 60)),
                ],
            )
        })
        .collect();
    Ok(format!(
        "{}\n{}",
        engine.t(language, "my-tickets-title", &[]),
        lines.join("\n")
    ))
}

/// Answers where the command came from: its interaction, the thread, or the chat.
async fn reply(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    place: &Place,
    interaction: Option<&Interaction>,
    text: String,
) -> Result<()> {
    if interaction.is_some() {
        return engine.answer(conn, who.platform, interaction, text).await;
    }
    match place {
        Place::Direct { .. } => engine.tell_here(conn, who, text, Vec::new(), None).await,
        // Server channels are answered through interactions only.
        Place::Channel { .. } => Ok(()),
        Place::Thread(thread) => {
            if let Some(ticket) =
                store::conversations::ticket_of_thread(conn, who.platform, thread).await?
            {
                engine
                    .post_in_thread(conn, ticket, text, Vec::new())
                    .await?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn names_answer_in_both_languages_and_without_accents() {
        assert_eq!(Name::find("résoudre"), Some(Name::Resolve));
        assert_eq!(Name::find("RESOLVE"), Some(Name::Resolve));
        assert_eq!(Name::find("priorité"), Some(Name::Priority));
        assert_eq!(Name::find("transférer"), Some(Name::Transfer));
        assert_eq!(Name::find("delete"), None);
        let mut all: Vec<&str> = NAMES.iter().flat_map(|(_, a)| a.iter().copied()).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "an alias names two commands");
    }

    #[test]
    fn a_leading_reference_is_taken_off() {
        let (reference, rest) = leading_reference("TCK-20250214-002 Câble remplacé").unwrap();
        assert_eq!(reference.unwrap().to_string(), "TCK-20250214-002");
        assert_eq!(rest, "Câble remplacé");
        assert_eq!(leading_reference("P1").unwrap().0, None);
        assert!(leading_reference("TCK-2025").is_err());
    }
}
