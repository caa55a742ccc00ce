//! The admin web endpoint over real HTTP: the axum server on a 127.0.0.1 port, a
//! reqwest client, the helpdesk behind it wired to fake chat platforms. Every
//! story runs on SQLite and PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod api;
mod bodies;
mod browser;
mod openapi;
mod outbox;
mod security;
mod setup;

use guichet::domain::{Role, TicketReference};
use guichet::permissions::Actor;
use guichet::store;
use guichet::web;
use guichet_chat::{Connected, Platform};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::chat::ChatDesk;
use support::{Harness, TestDb};

use Platform::Telegram;

pub const IHEB: &str = "2001";
pub const SAMI: &str = "1001";
pub const PASSWORD: &str = "correct horse battery staple";
pub const SCREEN: &str =
    "Mon écran ne s'allume plus\nJ'ai essayé de le redémarrer et de vérifier les branchements.";

/// A helpdesk with its web endpoint listening.
pub struct WebDesk {
    pub c: ChatDesk,
    pub base: String,
    pub http: reqwest::Client,
    /// The Telegram connection `/readyz` reports on.
    pub telegram_up: Connected,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Harness for WebDesk {
    async fn sqlite() -> Self {
        Self::on(TestDb::sqlite()).await
    }

    async fn postgres() -> Option<Self> {
        Some(Self::on(TestDb::postgres().await?).await)
    }
}

impl WebDesk {
    pub async fn on(db: TestDb) -> WebDesk {
        let c = ChatDesk::on(db).await;
        let telegram_up = Connected::default();
        let state = c.d.app.web(vec![(Platform::Telegram, telegram_up.clone())]);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(web::serve(listener, web::router(state), async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        WebDesk {
            c,
            base,
            http,
            telegram_up,
            _stop: stop,
        }
    }

    /// A user with an e-mail address and [`PASSWORD`]; staff join `team`.
    pub async fn account(&self, name: &str, email: &str, role: Role, team: Option<&str>) -> Actor {
        let actor = self.c.d.person(name, role, team, &[]).await;
        let mut tx = self.c.d.store.begin().await.unwrap();
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(actor.user.0)
            .execute(&mut *tx)
            .await
            .unwrap();
        let hash = web::hash_password(PASSWORD).unwrap();
        store::accounts::set_password(&mut tx, actor.user, &hash, self.c.d.clock_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        actor
    }

    /// An API token acting as `who`.
    pub async fn token(&self, who: &Actor) -> String {
        let secret = web::new_secret();
        let mut tx = self.c.d.store.begin().await.unwrap();
        store::accounts::create_token(
            &mut tx,
            who.user,
            "tests",
            &web::secret_hash(&secret),
            self.c.d.clock_now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        secret
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with a bearer token (or none).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// Logs in through the form; returns the session cookie (`name=value`).
    pub async fn login(&self, email: &str, password: &str) -> Result<String, StatusCode> {
        let response = self
            .http
            .post(self.url("/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::SEE_OTHER {
            return Err(response.status());
        }
        let cookie = response
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        Ok(cookie.split(';').next().unwrap().to_owned())
    }

    /// An employee's DM opening the screen ticket, delivered; its reference.
    pub async fn screen_ticket(&self) -> TicketReference {
        self.c.dm(Telegram, IHEB, "Iheb Issaoui", SCREEN).await;
        self.c.deliver().await;
        let mut conn = self.c.d.store.pool().acquire().await.unwrap();
        let filter = store::tickets::TicketFilter {
            limit: 1,
            ..Default::default()
        };
        store::tickets::list(&mut conn, &filter, store::tickets::Viewer::Operator)
            .await
            .unwrap()
            .remove(0)
            .reference
    }
}

trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl ClockNow for support::TestDesk {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.desk.now()
    }
}

/// Sami, IT agent on Discord.
pub async fn sami(w: &WebDesk) -> Actor {
    let sami = w
        .account("Sami Ben Ali", "sami@example.com", Role::Agent, Some("it"))
        .await;
    w.c.d.link(&sami, &format!("discord:{SAMI}")).await;
    sami
}

pub fn items(body: &Value) -> Vec<Value> {
    body["items"].as_array().cloned().unwrap_or_default()
}

pub fn references(body: &Value) -> Vec<String> {
    items(body)
        .iter()
        .map(|t| t["reference"].as_str().unwrap().to_owned())
        .collect()
}
