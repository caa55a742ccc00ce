//! `guichet doctor`: checks the setup once and prints one line per check, with the
//! fix for what is wrong. Exits non-zero when something is.

use std::sync::Arc;

use guichet_chat::Outlet;

use crate::app::App;
use crate::config::Config;
use crate::doctor::{self, Check, Finding, Trouble};
use crate::domain::Language;
use crate::i18n::Texts;
use crate::mail::{self, Mailer};

#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// The language of the report: fr or en [default: company.default_language]
    #[arg(long, value_name = "LANGUAGE")]
    pub lang: Option<Language>,
}

pub async fn run(config: Config, args: DoctorArgs) -> anyhow::Result<()> {
    let texts = Texts::load().map_err(anyhow::Error::msg)?;
    let language = args.lang.unwrap_or(config.company.default_language);
    println!("{}", t!(texts, language, "setup-title"));
    let findings = match App::build(config).await {
        Ok(app) => {
            // Printed, not recorded: this shell may lack a token or a password
            // `serve` has, and what `serve` finds is what every instance shows.
            let findings = examine(&app).await?;
            app.store.close().await;
            findings
        }
        Err(e) => vec![Finding {
            check: Check::Database,
            troubles: vec![Trouble::Unreachable {
                error: format!("{:#}", anyhow::Error::from(e)),
            }],
        }],
    };
    for finding in &findings {
        println!("{}", doctor::line(&texts, language, finding));
    }
    let count = findings.len() as i64;
    let failed = findings.iter().filter(|f| !f.ok()).count() as i64;
    if failed == 0 {
        println!("{}", t!(texts, language, "setup-summary-ok", count = count));
        return Ok(());
    }
    anyhow::bail!(
        "{}",
        t!(
            texts,
            language,
            "setup-summary-failed",
            failed = failed,
            count = count
        )
    )
}

async fn examine(app: &App) -> anyhow::Result<Vec<Finding>> {
    let mailer = Mailer::from_config(&app.config.mail, std::env::var(mail::PASSWORD_VAR).ok())
        .map_err(anyhow::Error::msg)?
        .map(Arc::new);
    let outlets = outlets(&app.config, &app.texts, app.desk.catalog())?;
    Ok(app.examiner(outlets, mailer).examine().await.findings)
}

/// The platforms whose token is set, reached without receiving anything.
fn outlets(
    config: &Config,
    texts: &Texts,
    catalog: &crate::domain::Catalog,
) -> anyhow::Result<Vec<Arc<dyn Outlet>>> {
    let mut outlets: Vec<Arc<dyn Outlet>> = Vec::new();
    if let Some(token) = token("TELEGRAM_BOT_TOKEN") {
        let bot = guichet_telegram::bot(&token, config.telegram.api_url.clone());
        outlets.push(Arc::new(guichet_telegram::TelegramOutlet::new(bot)));
    }
    if let Some(token) = token("DISCORD_BOT_TOKEN") {
        let api_url = config.discord.api_url.as_ref().map(|u| u.as_str());
        let http = guichet_discord::http(&token, api_url);
        let guild = super::serve::guild_of(config)?;
        let commands = super::serve::slash_commands(texts, catalog);
        outlets.push(guichet_discord::outlet(http, guild, &commands));
    }
    Ok(outlets)
}

fn token(variable: &str) -> Option<String> {
    std::env::var(variable)
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}
