//! The conversation engine as stories: events in as the adapters hand them over,
//! deliveries out through fake platforms. Every story runs on SQLite and PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod decisions;
mod delivery;
mod intake;
mod outbox;
mod points;
mod profiles;
mod team;
mod troubles;
mod workload;

use chrono::TimeDelta;
use guichet::clock::Clock;
use guichet::domain::{Status, TicketReference, Visibility};
use guichet::permissions::Actor;
use guichet::store::{self, outbox::Backlog};
use guichet_chat::{DeliveryError, Event, Outbound, Place, Platform};
use std::time::Duration;
use support::chat::{ChatDesk, FINANCE_SPACE, HR_SPACE, IT_SPACE};

use Platform::{Discord, Telegram};

const IHEB: &str = "2001";
const AKREM: &str = "2002";
const SAMI: &str = "1001";
const LEILA: &str = "1003";
const SCREEN: &str =
    "Mon écran ne s'allume plus\nJ'ai essayé de le redémarrer et de vérifier les branchements.";

/// Sami, IT agent on Discord, expert in hardware and network.
async fn sami(c: &ChatDesk) -> Actor {
    let sami =
        c.d.agent("Sami Ben Ali", "it", &["hardware", "network"])
            .await;
    c.d.link(&sami, &format!("discord:{SAMI}")).await;
    sami
}

async fn ticket(c: &ChatDesk, reference: &str) -> guichet::domain::Ticket {
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let reference: TicketReference = reference.parse().unwrap();
    store::tickets::by_reference(&mut conn, &reference)
        .await
        .unwrap()
        .expect("the ticket exists")
}

async fn ticket_count(c: &ChatDesk) -> usize {
    let mut conn = c.d.store.pool().acquire().await.unwrap();
    let filter = store::tickets::TicketFilter {
        limit: 100,
        ..Default::default()
    };
    store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
        .await
        .unwrap()
        .len()
}

fn dm_place(user: &str) -> Place {
    Place::Direct {
        chat: format!("dm-{user}"),
    }
}

fn answered(
    fake: &support::fake_chat::FakeChat,
    interaction: &guichet_chat::Interaction,
) -> Option<String> {
    fake.delivered().into_iter().find_map(|a| match a {
        Outbound::InteractionReply {
            interaction: i,
            text,
            ..
        } if &i == interaction => Some(text),
        _ => None,
    })
}

/// An instance named `owner` claims every due row for two minutes, then dies
/// before delivering any.
async fn claim_everything_and_die(c: &ChatDesk, owner: &str) {
    let mut tx = c.d.store.begin().await.unwrap();
    let now = c.d.clock.now();
    let claimed = store::outbox::claim(
        &mut tx,
        owner,
        &[
            store::outbox::Channel::Chat(Discord),
            store::outbox::Channel::Chat(Telegram),
        ],
        None,
        now,
        now + TimeDelta::minutes(2),
        64,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(!claimed.is_empty());
}

/// Iheb opens the specification's screen ticket; everything is delivered.
async fn open_screen_ticket(c: &ChatDesk) -> guichet_chat::ThreadRef {
    c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
    c.deliver().await;
    c.discord
        .threads()
        .last()
        .expect("a thread was opened")
        .0
        .clone()
}
