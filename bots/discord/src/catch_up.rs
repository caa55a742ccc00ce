//! Reading again what was written while the bot was away.
//!
//! Discord's gateway replays missed events only on a RESUME. A new session (a
//! restart, or a re-IDENTIFY after the session was lost) starts from now: whatever
//! was sent meanwhile, or dispatched but not yet committed by the helpdesk when the
//! process died, would never be seen. So on each READY the adapter asks the helpdesk
//! where to read from ([`InboundSink::resume_points`]: the chats with recent
//! activity and the last message it took in each), reads each chat forward with
//! `GET /channels/{id}/messages?after=…&limit=100`, oldest first, and hands every
//! message over exactly as a live MESSAGE_CREATE (same conversion, same dedupe key
//! `m<message id>`): the helpdesk absorbs what it already had.
//!
//! What stays out of reach: chats the helpdesk does not know (a first message sent
//! to the bot while it was down, in a DM channel it has never seen), and chats
//! without activity within the helpdesk's window (see `store::catch_up` in the
//! helpdesk).

use std::sync::Arc;
use std::time::Duration;

use guichet_chat::{InboundSink, Platform, ResumePoint};
use serenity::all::{ChannelId, GetMessages, Http, Message, MessageId};

use crate::inbound::{Chat, hand_over, inbound_of};
use crate::shared::Shared;

/// Discord's largest page (`limit` is 1 to 100, 50 by default).
const PAGE: u8 = 100;
/// A page that fails (a 429 behind `api_url`, a 5xx) is asked again this many times,
/// waiting twice as long each time from [`FIRST_WAIT`], before the chat is given up
/// for this session.
const ATTEMPTS: u32 = 5;
const FIRST_WAIT: Duration = Duration::from_millis(500);

/// Reads again every chat the helpdesk names and hands over what it finds, oldest
/// first. Logs how many messages were read and how many chats could not be. What
/// was missed is held in memory until handed over: a downtime's worth of the
/// recent chats.
pub(crate) async fn run(
    http: Arc<Http>,
    sink: Arc<dyn InboundSink>,
    shared: Arc<Shared>,
    points: Option<Vec<ResumePoint>>,
) {
    let points = match points {
        Some(points) => points,
        None => match ask(&*sink).await {
            Some(points) => points,
            None => return,
        },
    };
    let chats = points.len();
    let mut found = Vec::new();
    let mut failed = 0usize;
    for point in points {
        match chat(&http, &shared, &point).await {
            Ok(messages) => found.extend(messages),
            Err(e) => {
                failed += 1;
                tracing::warn!(channel = %point.channel, error = %e, "Discord: a chat could not be read again after the new session");
            }
        }
    }
    // All chats together, in the order they were written (snowflakes sort in time):
    // an agent's answer and the employee's next message keep their order.
    found.sort_by_key(|(message, _)| message.id);
    let read = found.len();
    let mut handed = 0usize;
    for (message, place) in found {
        if let Some(inbound) = inbound_of(&message, place) {
            hand_over(&*sink, inbound).await;
            handed += 1;
        }
    }
    tracing::info!(
        chats,
        read,
        handed,
        failed,
        "Discord: caught up with what was written while the gateway was away (what the helpdesk had is absorbed)"
    );
}

/// Where to read from, asked of the helpdesk; retried while it cannot answer (its
/// database failing over) for a little while.
pub(crate) async fn ask(sink: &dyn InboundSink) -> Option<Vec<ResumePoint>> {
    let mut wait = FIRST_WAIT;
    for attempt in 1..=ATTEMPTS {
        match sink.resume_points(Platform::Discord).await {
            Ok(points) => return Some(points),
            Err(e) if e.retryable && attempt < ATTEMPTS => {
                tracing::warn!(error = %e, "Discord: where to catch up from is not known yet; asking again");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::error!(error = %e, "Discord: no catch-up: the helpdesk cannot say where to read from");
                return None;
            }
        }
    }
    None
}

/// Reads one chat after its point, page by page, to the end. Returns its messages
/// (bots' own included), each with where it was written.
async fn chat(
    http: &Http,
    shared: &Shared,
    point: &ResumePoint,
) -> Result<Vec<(Message, Chat)>, String> {
    let channel = point
        .channel
        .parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .map(ChannelId::new)
        .ok_or_else(|| format!("{:?} is not a channel id", point.channel))?;
    let place = match &point.space {
        None => Chat::Direct,
        Some(space) => {
            let parent = space
                .parse::<u64>()
                .ok()
                .filter(|id| *id != 0)
                .map(ChannelId::new)
                .ok_or_else(|| format!("{space:?} is not a channel id"))?;
            shared.learn_parent(channel, Some(parent));
            Chat::Thread { parent }
        }
    };
    let mut after = point
        .after
        .parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .map(MessageId::new)
        .ok_or_else(|| format!("{:?} is not a message id", point.after))?;
    let mut read = Vec::new();
    loop {
        let page = page(http, channel, after).await?;
        let full = page.len() >= usize::from(PAGE);
        // Discord returns the page newest first: the next one starts after the
        // newest, whatever the order.
        let newest = page.iter().map(|m| m.id).max();
        read.extend(page.into_iter().map(|m| (m, place)));
        match newest {
            Some(newest) if full => after = newest,
            // A short page: nothing was left when it was read (what comes later
            // arrives on the gateway).
            _ => return Ok(read),
        }
    }
}

/// One page of messages after `after`, asked again on failure.
async fn page(http: &Http, channel: ChannelId, after: MessageId) -> Result<Vec<Message>, String> {
    let mut wait = FIRST_WAIT;
    let mut attempt = 1;
    loop {
        match channel
            .messages(http, GetMessages::new().after(after).limit(PAGE))
            .await
        {
            Ok(page) => return Ok(page),
            Err(e) if attempt < ATTEMPTS => {
                tracing::debug!(%channel, error = %e, "Discord: reading a chat failed; trying again");
                tokio::time::sleep(wait).await;
                wait *= 2;
                attempt += 1;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}
