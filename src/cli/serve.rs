//! `guichet serve`: prepares the database, starts the long-running parts and stops
//! them cleanly on Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use guichet_chat::{Connected, InboundSink, Outlet, Platform};
use guichet_discord::commands::{CommandArgument, Localized as DiscordName, SlashCommand};
use guichet_telegram::TelegramOutlet;
use guichet_telegram::commands::{self, Audience, Menu};
use tokio::sync::watch;
use tracing::info;

use crate::app::App;
use crate::config::{Config, TelegramMode};
use crate::domain::{Catalog, Language};
use crate::engine::menus::Argument;
use crate::i18n::Texts;
use crate::lease;
use crate::mail::{self, Mailer};
use crate::store::redact_url;
use crate::web;

/// The lease of the instance that polls Telegram and sends to it (`crate::lease`).
const TELEGRAM_LEASE: &str = "telegram";

/// How long the parts get to finish what they are doing once asked to stop.
const GRACE: Duration = Duration::from_secs(15);

pub async fn run(config: Config) -> anyhow::Result<()> {
    let app = App::build(config)
        .await
        .context("cannot prepare the database")?;
    let App {
        config,
        store,
        texts,
        desk,
        engine,
        ..
    } = app.clone();
    let sink: Arc<dyn InboundSink> = Arc::new(engine.clone());
    let (stop, stopped) = watch::channel(false);
    let until_stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };

    // Each chat adapter gives the dispatcher an outlet and hands its events to the engine.
    let mut outlets: Vec<Arc<dyn Outlet>> = Vec::new();
    let mut adapters = Vec::new();
    let mut bots: Vec<(Platform, Connected)> = Vec::new();
    // Whether this instance is the one that polls Telegram and sends to it.
    let mut telegram_lease = None;
    match std::env::var("TELEGRAM_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => {
            let held = lease::keep(
                store.clone(),
                TELEGRAM_LEASE,
                // This process alone: two instances given one name must not both poll.
                format!("{}/{}", config.outbox.instance_name(), std::process::id()),
                until_stopped(stopped.clone()),
            );
            telegram_lease = Some(held.clone());
            let bot = guichet_telegram::bot(token.trim(), config.telegram.api_url.clone());
            outlets.push(Arc::new(TelegramOutlet::new(bot.clone())));
            if let Err(e) = commands::register(&bot, &telegram_menus(&texts)).await {
                let error = guichet_telegram::redact_token(&e.to_string());
                tracing::warn!(%error, "Telegram: the command menus were not registered");
            }
            let stop_receiving = until_stopped(stopped.clone());
            let connected = Connected::default();
            bots.push((Platform::Telegram, connected.clone()));
            let receiving = match (config.telegram.mode, &config.telegram.webhook_url) {
                (TelegramMode::Webhook, Some(url)) => {
                    let secret = match std::env::var("TELEGRAM_WEBHOOK_SECRET") {
                        Ok(secret) if !secret.trim().is_empty() => secret.trim().to_owned(),
                        _ => {
                            tracing::warn!(
                                "Telegram: no TELEGRAM_WEBHOOK_SECRET; using one drawn now (set it when several instances share the bot)"
                            );
                            guichet_telegram::webhook::new_secret()
                        }
                    };
                    let listen = config.telegram.webhook_listen;
                    let served = guichet_telegram::webhook::start(
                        &bot,
                        url.clone(),
                        listen,
                        &secret,
                        sink.clone(),
                        stop_receiving,
                    );
                    let handle = served.await.map_err(anyhow::Error::msg)?;
                    connected.set(true);
                    info!(%url, %listen, "Telegram: connected, receiving by webhook");
                    handle
                }
                _ => {
                    info!(
                        "Telegram: connected, receiving by long polling while this instance holds the bot's lease"
                    );
                    let (sink, stopped) = (sink.clone(), stopped.clone());
                    tokio::spawn(async move {
                        let mut held = held;
                        loop {
                            // Standing by is ready: this instance takes over when the poller dies.
                            connected.set(true);
                            tokio::select! {
                                biased;
                                () = until_stopped(stopped.clone()) => return,
                                () = lease::taken(&mut held) => {}
                            }
                            info!("Telegram: this instance polls the bot now");
                            let stop = until_stopped(stopped.clone());
                            let lost = lease::lost(held.clone());
                            guichet_telegram::run_polling(
                                bot.clone(),
                                sink.clone(),
                                connected.clone(),
                                async move {
                                    tokio::select! {
                                        () = stop => {}
                                        () = lost => {}
                                    }
                                },
                            )
                            .await;
                        }
                    })
                }
            };
            adapters.push(receiving);
        }
        _ => info!("Telegram is off: set TELEGRAM_BOT_TOKEN to connect it"),
    }
    match std::env::var("DISCORD_BOT_TOKEN") {
        Ok(token) if !token.trim().is_empty() => {
            let api_url = config.discord.api_url.as_ref().map(|u| u.as_str());
            let http = guichet_discord::http(token.trim(), api_url);
            let guild = guild_of(&config)?;
            if guild.is_none() {
                tracing::warn!(
                    "Discord: no discord.guild_id; the slash commands are not registered"
                );
            }
            let connection = guichet_discord::connect(
                http,
                guild,
                slash_commands(&texts, desk.catalog()),
                sink.clone(),
                until_stopped(stopped.clone()),
            )
            .await
            .context("cannot start the Discord client")?;
            info!(
                proxy = api_url.is_some(),
                "Discord: connecting to the gateway"
            );
            outlets.push(connection.outlet);
            bots.push((Platform::Discord, connection.connected));
            adapters.push(connection.task);
        }
        _ => info!("Discord is off: set DISCORD_BOT_TOKEN to connect it"),
    }

    let password = std::env::var(mail::PASSWORD_VAR).ok();
    let mailer = Mailer::from_config(&config.mail, password)
        .map_err(anyhow::Error::msg)?
        .map(Arc::new);
    match &mailer {
        Some(_) => info!(host = %config.mail.host, "e-mail: overdue tickets are e-mailed"),
        None => info!("e-mail is off: set mail.host to e-mail overdue tickets"),
    }
    let examiner = app.examiner(outlets.clone(), mailer.clone());
    let doctor = tokio::spawn(crate::doctor::watch::run(
        examiner,
        store.clone(),
        texts.clone(),
        app.clock.clone(),
        config.doctor.every.0,
        until_stopped(stopped.clone()),
    ));
    let mut dispatcher = app.dispatcher(outlets, mailer);
    if let Some(held) = telegram_lease {
        dispatcher = dispatcher.only_while(Platform::Telegram, held);
    }
    let dispatcher = tokio::spawn(dispatcher.run(until_stopped(stopped.clone())));
    let scheduler = tokio::spawn(app.scheduler().run(until_stopped(stopped.clone())));
    let web = if config.web.enabled {
        let listen = config.web.listen;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("web.listen: cannot listen on {listen}"))?;
        let listen = listener.local_addr().unwrap_or(listen);
        let state = app.web(bots);
        info!(%listen, "web: the dashboard and API are served at http://{listen}/");
        let stop_serving = until_stopped(stopped.clone());
        Some(tokio::spawn(async move {
            if let Err(e) = web::serve(listener, web::router(state), stop_serving).await {
                tracing::error!(error = %e, "web: the endpoint stopped");
            }
        }))
    } else {
        info!("web is off (web.enabled = false)");
        None
    };
    info!(
        database = %redact_url(&config.database.url),
        teams = config.teams.len(),
        categories = config.categories.len(),
        "guichet is ready"
    );
    shutdown_signal().await;
    info!("shutting down");
    let _ = stop.send(true);
    let stopping = async {
        for adapter in adapters {
            let _ = adapter.await;
        }
        let _ = dispatcher.await;
        let _ = scheduler.await;
        let _ = doctor.await;
        if let Some(web) = web {
            let _ = web.await;
        }
    };
    if tokio::time::timeout(GRACE, stopping).await.is_err() {
        tracing::warn!("not everything stopped in time; pending messages stay queued");
    }
    store.close().await;
    info!("stopped");
    Ok(())
}

/// The configured Discord server, if any.
pub fn guild_of(config: &Config) -> anyhow::Result<Option<u64>> {
    match config.discord.guild_id.trim() {
        "" => Ok(None),
        id => id
            .parse::<u64>()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("discord.guild_id: {id:?} is not a Discord server id")),
    }
}

/// Resolves on Ctrl-C or SIGTERM (what `systemctl stop` and `docker stop` send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// The engine's commands as Discord's slash commands: English names by default,
/// French ones for French clients; `/ticket` offers the categories.
pub fn slash_commands(texts: &Texts, catalog: &Catalog) -> Vec<SlashCommand> {
    /// Discord's locale for each language; English is the default, with no locale.
    fn locale(language: Language) -> &'static str {
        match language {
            Language::Fr => "fr",
            Language::En => "en-US",
        }
    }
    let english_first = |mut v: Vec<(Language, String, String)>| {
        v.sort_by_key(|(l, _, _)| *l != Language::En);
        v
    };
    let categories: Vec<(String, Vec<(String, String)>)> = catalog
        .categories()
        .map(|c| {
            let names = english_first(
                Language::ALL
                    .into_iter()
                    .map(|l| (l, c.name.get(l).to_owned(), String::new()))
                    .collect(),
            );
            let names = names
                .into_iter()
                .map(|(l, name, _)| (locale(l).to_owned(), name))
                .collect();
            (c.slug.clone(), names)
        })
        .collect();
    let localized = |v: Vec<(Language, String, String)>| -> Vec<DiscordName> {
        english_first(v)
            .into_iter()
            .map(|(l, name, description)| DiscordName {
                locale: locale(l).to_owned(),
                name,
                description,
            })
            .collect()
    };
    let option_names = |key: &str, option: &str| -> Vec<(Language, String, String)> {
        Language::ALL
            .into_iter()
            .map(|l| {
                let name = match (option, l) {
                    ("category", Language::Fr) => "categorie",
                    ("category", Language::En) => "category",
                    (_, Language::Fr) => "precisions",
                    (_, Language::En) => "details",
                };
                (l, name.to_owned(), texts.t(l, key, &[]))
            })
            .collect()
    };
    crate::engine::menus::localized(texts)
        .into_iter()
        .map(|command| SlashCommand {
            names: localized(command.names),
            option: match command.argument {
                Argument::None => None,
                Argument::Text => Some(CommandArgument {
                    names: localized(option_names("option-details", "details")),
                    required: false,
                    choices: Vec::new(),
                }),
                Argument::Category => Some(CommandArgument {
                    names: localized(option_names("option-category", "category")),
                    required: false,
                    choices: categories.clone(),
                }),
            },
        })
        .collect()
}

/// The engine's command menus, as Telegram registers them.
fn telegram_menus(texts: &Texts) -> Vec<Menu> {
    crate::engine::menus::menus(texts)
        .into_iter()
        .map(|menu| Menu {
            language: menu.language.as_str().to_owned(),
            audience: if menu.for_staff {
                Audience::Groups
            } else {
                Audience::PrivateChats
            },
            commands: menu.commands,
        })
        .collect()
}
