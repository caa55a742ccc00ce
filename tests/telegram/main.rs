//! The Telegram adapter: the real teloxide client against a local Bot API server,
//! fed by the engine and the outbox on SQLite and PostgreSQL; long polling that
//! confirms only what the helpdesk stored; the webhook.

#[path = "../support/mod.rs"]
mod support;

mod burst;
mod incoming;
mod instances;
mod outgoing;
mod polling;
mod space;

use std::sync::Arc;

use chrono::TimeDelta;
use guichet_chat::{Outlet, Place, Platform};
use guichet_telegram::TelegramOutlet;
use serde_json::{Value, json};
use support::chat::{ChatDesk, FINANCE_SPACE};
use support::fake_telegram::{Failure, FakeTelegram};

/// The finance supergroup, as Telegram sends chat ids.
const FINANCE_CHAT: i64 = -1002000;
const AKREM: &str = "2002";
const KARIM: &str = "3001";
const TRIP: &str =
    "Remboursement de mon déplacement à Paris\nDu 20 au 25 mars 2025 : hôtel et train.";

async fn with_telegram(c: &ChatDesk) -> (FakeTelegram, guichet::outbox::dispatcher::Dispatcher) {
    let karim =
        c.d.agent("Karim Mansour", "finance", &["finance_travel"])
            .await;
    c.d.link(&karim, &format!("telegram:{KARIM}")).await;
    let api = FakeTelegram::start().await;
    let outlet: Arc<dyn Outlet> = Arc::new(TelegramOutlet::new(guichet_telegram::bot(
        "123:TEST",
        Some(api.url()),
    )));
    let dispatcher = c.dispatcher_with(vec![c.discord.clone(), outlet]);
    (api, dispatcher)
}

fn texts_to(api: &FakeTelegram, chat: &str) -> Vec<String> {
    api.calls_to("sendMessage")
        .into_iter()
        .filter(|m| m["chat_id"].to_string().trim_matches('"') == chat)
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A field of a multipart form as the fake recorded it (files go as forms).
fn form_field(form: &Value, name: &str) -> String {
    let form = form["multipart"].as_str().unwrap_or_default();
    let start = form
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} in {form}"));
    form[start..]
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .split("\r\n")
        .next()
        .unwrap()
        .to_owned()
}
