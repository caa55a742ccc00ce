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
use crate::i18n::Key;
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
    let (stop, stopped) = watch::channel(false);
    let stop_signal = Stop(stopped);

    // Each chat adapter gives the dispatcher an outlet and hands its events to the engine.
    let mut chats = Vec::new();
    match env_token("TELEGRAM_BOT_TOKEN") {
        Some(token) => chats.push(telegram(&app, &token, &stop_signal).await?),
        None => info!("Telegram is off: set TELEGRAM_BOT_TOKEN to connect it"),
    }
    match env_token("DISCORD_BOT_TOKEN") {
        Some(token) => chats.push(discord(&app, &token, &stop_signal).await?),
        None => info!("Discord is off: set DISCORD_BOT_TOKEN to connect it"),
    }
    let outlets: Vec<Arc<dyn Outlet>> = chats.iter().map(|c| c.outlet.clone()).collect();
    let bots = chats
        .iter()
        .map(|c| (c.platform, c.connected.clone()))
        .collect();

    let mailer = mailer(&app.config)?;
    let examiner = app.examiner(outlets.clone(), mailer.clone());
    let mut parts = vec![tokio::spawn(crate::doctor::watch::run(
        examiner,
        app.store.clone(),
        app.texts.clone(),
        app.clock.clone(),
        app.config.doctor.every.0,
        stop_signal.wait(),
    ))];
    let mut dispatcher = app.dispatcher(outlets, mailer);
    for chat in chats {
        if let Some(held) = chat.lease {
            dispatcher = dispatcher.only_while(chat.platform, held);
        }
        parts.push(chat.task);
    }
    parts.push(tokio::spawn(dispatcher.run(stop_signal.wait())));
    parts.push(tokio::spawn(app.scheduler().run(stop_signal.wait())));
    if let Some(web) = web(&app, bots, &stop_signal).await? {
        parts.push(web);
    }
    info!(
        database = %redact_url(&app.config.database.url),
        teams = app.config.teams.len(),
        categories = app.config.categories.len(),
        "guichet is ready"
    );
    shutdown_signal().await;
    info!("shutting down");
    let _ = stop.send(true);
    let stopping = async {
        for part in parts {
            let _ = part.await;
        }
    };
    if tokio::time::timeout(GRACE, stopping).await.is_err() {
        tracing::warn!("not everything stopped in time; pending messages stay queued");
    }
    app.store.close().await;
    info!("stopped");
    Ok(())
}

/// Resolves when `serve` is asked to stop; cloned into every long-running part.
#[derive(Clone)]
struct Stop(watch::Receiver<bool>);

impl Stop {
    fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.0.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }
}

/// A chat platform connected: where the dispatcher sends, whether it is up, the
/// task that receives its events, and the lease this instance must hold to send.
struct Chat {
    platform: Platform,
    outlet: Arc<dyn Outlet>,
    connected: Connected,
    task: tokio::task::JoinHandle<()>,
    lease: Option<watch::Receiver<bool>>,
}

/// An environment variable holding a token, when it is set and not blank.
fn env_token(var: &str) -> Option<String> {
    std::env::var(var)
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

async fn telegram(app: &App, token: &str, stop: &Stop) -> anyhow::Result<Chat> {
    let held = lease::keep(
        app.store.clone(),
        TELEGRAM_LEASE,
        // This process alone: two instances given one name must not both poll.
        format!(
            "{}/{}",
            app.config.outbox.instance_name(),
            std::process::id()
        ),
        stop.wait(),
    );
    let bot = guichet_telegram::bot(token, app.config.telegram.api_url.clone());
    if let Err(e) = commands::register(&bot, &telegram_menus(&app.texts)).await {
        let error = guichet_telegram::redact_token(&e.to_string());
        tracing::warn!(%error, "Telegram: the command menus were not registered");
    }
    let connected = Connected::default();
    let sink: Arc<dyn InboundSink> = Arc::new(app.engine.clone());
    let telegram = &app.config.telegram;
    let task = match (telegram.mode, &telegram.webhook_url) {
        (TelegramMode::Webhook, Some(url)) => {
            let secret = match env_token("TELEGRAM_WEBHOOK_SECRET") {
                Some(secret) => secret,
                None => {
                    tracing::warn!(
                        "Telegram: no TELEGRAM_WEBHOOK_SECRET; using one drawn now (set it when several instances share the bot)"
                    );
                    guichet_telegram::webhook::new_secret()
                }
            };
            let listen = telegram.webhook_listen;
            let served = guichet_telegram::webhook::start(
                &bot,
                url.clone(),
                listen,
                &secret,
                sink,
                stop.wait(),
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
            tokio::spawn(poll_while_leased(
                bot.clone(),
                sink,
                connected.clone(),
                held.clone(),
                stop.clone(),
            ))
        }
    };
    Ok(Chat {
        platform: Platform::Telegram,
        outlet: Arc::new(TelegramOutlet::new(bot)),
        connected,
        task,
        lease: Some(held),
    })
}

/// Stands by, ready, and polls Telegram whenever this instance holds the bot's
/// lease: it takes over when the poller dies.
async fn poll_while_leased(
    bot: guichet_telegram::Bot,
    sink: Arc<dyn InboundSink>,
    connected: Connected,
    mut held: watch::Receiver<bool>,
    stop: Stop,
) {
    loop {
        connected.set(true);
        tokio::select! {
            biased;
            () = stop.wait() => return,
            () = lease::taken(&mut held) => {}
        }
        info!("Telegram: this instance polls the bot now");
        let (stopped, lost) = (stop.wait(), lease::lost(held.clone()));
        guichet_telegram::run_polling(bot.clone(), sink.clone(), connected.clone(), async move {
            tokio::select! {
                () = stopped => {}
                () = lost => {}
            }
        })
        .await;
    }
}

async fn discord(app: &App, token: &str, stop: &Stop) -> anyhow::Result<Chat> {
    let api_url = app.config.discord.api_url.as_ref().map(|u| u.as_str());
    let http = guichet_discord::http(token, api_url);
    let guild = guild_of(&app.config)?;
    if guild.is_none() {
        tracing::warn!("Discord: no discord.guild_id; the slash commands are not registered");
    }
    let connection = guichet_discord::connect(
        http,
        guild,
        slash_commands(&app.texts, app.desk.catalog()),
        Arc::new(app.engine.clone()),
        stop.wait(),
    )
    .await
    .context("cannot start the Discord client")?;
    info!(
        proxy = api_url.is_some(),
        "Discord: connecting to the gateway"
    );
    Ok(Chat {
        platform: Platform::Discord,
        outlet: connection.outlet,
        connected: connection.connected,
        task: connection.task,
        lease: None,
    })
}

fn mailer(config: &Config) -> anyhow::Result<Option<Arc<Mailer>>> {
    let password = std::env::var(mail::PASSWORD_VAR).ok();
    let mailer = Mailer::from_config(&config.mail, password)
        .map_err(anyhow::Error::msg)?
        .map(Arc::new);
    match &mailer {
        Some(_) => info!(host = %config.mail.host, "e-mail: overdue tickets are e-mailed"),
        None => info!("e-mail is off: set mail.host to e-mail overdue tickets"),
    }
    Ok(mailer)
}

/// Serves the dashboard and the API when `web.enabled`.
async fn web(
    app: &App,
    bots: Vec<(Platform, Connected)>,
    stop: &Stop,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    if !app.config.web.enabled {
        info!("web is off (web.enabled = false)");
        return Ok(None);
    }
    let listen = app.config.web.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("web.listen: cannot listen on {listen}"))?;
    let listen = listener.local_addr().unwrap_or(listen);
    let router = web::router(app.web(bots));
    info!(%listen, "web: the dashboard and API are served at http://{listen}/");
    let stop_serving = stop.wait();
    Ok(Some(tokio::spawn(async move {
        if let Err(e) = web::serve(listener, router, stop_serving).await {
            tracing::error!(error = %e, "web: the endpoint stopped");
        }
    })))
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
    let option_names = |key: Key, option: &str| -> Vec<(Language, String, String)> {
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
                    names: localized(option_names(key!("option-details"), "details")),
                    required: false,
                    choices: Vec::new(),
                }),
                Argument::Category => Some(CommandArgument {
                    names: localized(option_names(key!("option-category"), "category")),
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
