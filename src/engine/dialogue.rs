//! What the bot waits for from a person, kept in the database between their
//! messages (never in memory): the state the router reads with each event.

use guichet_chat::IncomingFile;
use serde::{Deserialize, Serialize};

use super::{Ctx, Result};
use crate::domain::Decision;
use crate::store;

/// What the bot waits for from a user, kept in the database between messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "waiting_for", rename_all = "snake_case")]
pub(super) enum Dialogue {
    /// After `/new` alone: the next message describes the problem.
    Description,
    /// A new request whose category could not be guessed.
    Category { draft: Draft },
    /// The category is chosen; now the priority.
    Priority { draft: Draft, category: i64 },
    /// A message that could belong to several open tickets.
    TicketChoice { pending: Draft },
    /// Where the platform shows no forms (Telegram): a member of staff pressed
    /// "ask for information" or "refuse"; their next message in the ticket's thread
    /// is the question or the justification. `asked_at` in epoch milliseconds.
    DecisionText {
        ticket: i64,
        decision: Decision,
        asked_at: i64,
    },
}

/// A message kept while the bot asks something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Draft {
    pub text: String,
    pub files: Vec<IncomingFile>,
    pub chat: String,
    pub message_id: String,
    /// The closed ticket a new one follows up.
    pub previous: Option<i64>,
}

impl Draft {
    /// A private message, as the start of a request or an addition to one; `None`
    /// when it says nothing (no text, no file).
    pub fn of_message(
        chat: &str,
        message_id: &str,
        text: &str,
        files: &[IncomingFile],
    ) -> Option<Draft> {
        if text.trim().is_empty() && files.is_empty() {
            return None;
        }
        Some(Draft {
            text: text.trim().to_owned(),
            files: files.to_vec(),
            chat: chat.to_owned(),
            message_id: message_id.to_owned(),
            previous: None,
        })
    }

    /// Adds a later message to the one kept.
    pub fn append(&mut self, more: Draft) {
        if !more.text.is_empty() {
            if !self.text.is_empty() {
                self.text.push('\n');
            }
            self.text.push_str(&more.text);
        }
        self.files.extend(more.files);
    }
}

/// What the bot waits for from the author, if anything.
pub(super) async fn current(cx: &mut Ctx<'_>) -> Result<Option<Dialogue>> {
    let who = cx.who;
    if who.is_new {
        return Ok(None);
    }
    let Some(json) = store::conversations::dialogue(cx.conn, who.user.id).await? else {
        return Ok(None);
    };
    // A state written by an older version is dropped rather than trusted.
    Ok(serde_json::from_str(&json)
        .inspect_err(
            |e| tracing::warn!(user = %who.user.id, "dropping an unreadable dialogue state: {e}"),
        )
        .ok())
}

/// Makes the bot wait for `state` from the author (`None`: for nothing).
pub(super) async fn set(cx: &mut Ctx<'_>, state: Option<&Dialogue>) -> Result<()> {
    let json = state.map(|s| serde_json::to_string(s).unwrap_or_default());
    let now = cx.engine.desk().now();
    store::conversations::set_dialogue(cx.conn, cx.who.user.id, json.as_deref(), now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_message_is_added_to_the_draft_on_a_line_of_its_own() {
        let mut draft = Draft::of_message("c1", "m1", " Mon écran ", &[]).unwrap();
        assert_eq!(
            Draft::of_message("c1", "m2", "  ", &[]),
            None,
            "nothing to keep"
        );
        draft.append(Draft::of_message("c1", "m3", "ne s'allume plus", &[]).unwrap());
        assert_eq!(draft.text, "Mon écran\nne s'allume plus");
        assert_eq!(
            draft.message_id, "m1",
            "the first message stays the request's"
        );
    }

    #[test]
    fn the_awaited_text_is_kept_as_json_between_messages() {
        let state = Dialogue::DecisionText {
            ticket: 7,
            decision: Decision::AskInfo,
            asked_at: 1_739_520_000_000,
        };
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(
            json,
            r#"{"waiting_for":"decision_text","ticket":7,"decision":"ask_info","asked_at":1739520000000}"#
        );
        assert_eq!(serde_json::from_str::<Dialogue>(&json).unwrap(), state);
    }
}
