//! Who is calling: an API token (`Authorization: Bearer …`, for scripts) or a
//! browser session (the `guichet_session` cookie, from the login page).
//!
//! Secrets are 32 random bytes in hex; the database keeps their SHA-256 only.
//! Passwords are hashed with argon2id. A request that changes something
//! (anything but GET/HEAD/OPTIONS) made with the session cookie must carry the
//! session's CSRF token in `X-CSRF-Token` (forms: a `csrf` field), and a request
//! whose `Origin` is another site is refused whatever it carries.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use chrono::TimeDelta;
use rand::Rng;
use sha2::{Digest, Sha256};

use super::WebState;
use super::error::{ApiError, ApiResult};
use crate::domain::User;
use crate::permissions::Actor;
use crate::store;

pub const SESSION_COOKIE: &str = "guichet_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A new random secret, as 64 hex characters.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

/// What the database keeps of a secret.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An argon2id PHC string (salt and parameters included).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The shortest password `guichet user add --password-stdin` accepts.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Compares without telling, by its duration, how much of the secret was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    Token,
    /// The session cookie; `secret_hash` names the session, `csrf` is its token.
    Session {
        secret_hash: String,
        csrf: String,
    },
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub actor: Actor,
    pub via: Via,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.actor.may_administer()
    }

    pub fn require_admin(&self) -> ApiResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::refused(crate::refusal!(
                Forbidden,
                "error-admin-only"
            )))
        }
    }

    pub fn require_staff(&self) -> ApiResult<()> {
        if self.user.role.is_staff() || self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// For forms posted from the session's pages: the `csrf` field.
    pub fn check_csrf(&self, given: Option<&str>) -> ApiResult<()> {
        match &self.via {
            Via::Token => Ok(()),
            Via::Session { csrf, .. } => match given {
                Some(given) if constant_time_eq(given.as_bytes(), csrf.as_bytes()) => Ok(()),
                _ => Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    key!("web-error-csrf"),
                )),
            },
        }
    }
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the request changes something.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a request sent from another site: its `Origin` (browsers send it with
/// every cross-site request that changes something) must name this host.
pub fn check_origin(headers: &HeaderMap) -> ApiResult<()> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    if !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            key!("web-error-cross-site"),
        ))
    }
}

impl FromRequestParts<WebState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> ApiResult<Caller> {
        let now = state.desk().now();
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let mut conn = state.store().pool().acquire().await?;
        let (user_id, via) = if let Some(token) = bearer {
            let found = store::accounts::live_token(&mut conn, &secret_hash(token))
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            // Noted once a minute at most: a script's every call is not a write.
            if found
                .last_used_at
                .is_none_or(|at| now - at > TimeDelta::minutes(1))
            {
                let mut tx = state.store().begin().await?;
                store::accounts::token_used(&mut tx, found.id, now).await?;
                tx.commit().await?;
            }
            (found.user, Via::Token)
        } else if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) {
            let hash = secret_hash(secret);
            let session = store::accounts::session(&mut conn, &hash, now)
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            let via = Via::Session {
                secret_hash: hash,
                csrf: session.csrf,
            };
            (session.user, via)
        } else {
            return Err(ApiError::unauthenticated());
        };
        let user = store::users::get(&mut conn, user_id)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let actor = state.desk().actor_of(&mut conn, &user).await?;
        if let Some(slot) = parts.extensions.get::<super::ReaderLanguage>() {
            slot.set(user.language);
        }
        let caller = Caller { user, actor, via };
        if is_unsafe(&parts.method) {
            check_origin(&parts.headers)?;
            // Forms check their own `csrf` field; API calls send the header.
            let is_form = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            if !is_form {
                let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                caller.check_csrf(given)?;
            }
        }
        Ok(caller)
    }
}
