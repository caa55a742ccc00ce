//! The language a response is written in: `?lang=`, else the one picked earlier
//! (a cookie), else the caller's own, else `Accept-Language`, else the company's.

use std::sync::{Arc, OnceLock};

use axum::http::{HeaderMap, HeaderValue, Uri, header};

use super::auth;
use crate::domain::Language;

/// Remembers the language a reader picked with `?lang=`.
const LANGUAGE_COOKIE: &str = "guichet_lang";

/// The language of one response, settled while the request is served.
#[derive(Clone)]
pub struct ReaderLanguage {
    chosen: Arc<OnceLock<Language>>,
    /// `Accept-Language`, else the company's.
    fallback: Language,
}

impl ReaderLanguage {
    /// The first choice made stands: `?lang=` is set before the caller is known.
    pub fn set(&self, language: Language) {
        let _ = self.chosen.set(language);
    }

    pub fn get(&self) -> Language {
        self.chosen.get().copied().unwrap_or(self.fallback)
    }
}

/// What a request says of its reader's language.
pub struct LanguageChoice {
    pub reader: ReaderLanguage,
    /// `?lang=`, this time.
    asked: Option<Language>,
    /// The cookie of an earlier `?lang=`.
    kept: Option<Language>,
}

impl LanguageChoice {
    pub fn of(uri: &Uri, headers: &HeaderMap, company: Language) -> LanguageChoice {
        let asked = uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| *k == "lang")
                .and_then(|(_, v)| v.parse::<Language>().ok())
        });
        let accepted = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .filter_map(|tag| {
                        Language::from_locale(tag.split(';').next().unwrap_or("").trim())
                    })
                    .next()
            });
        let reader = ReaderLanguage {
            chosen: Arc::default(),
            fallback: accepted.unwrap_or(company),
        };
        let kept = auth::cookie(headers, LANGUAGE_COOKIE).and_then(|v| v.parse().ok());
        if let Some(language) = asked.or(kept) {
            reader.set(language);
        }
        LanguageChoice {
            reader,
            asked,
            kept,
        }
    }

    /// A language newly chosen on a page (`?lang=`) stays chosen, in a cookie.
    pub fn remember(&self, headers: &mut HeaderMap) {
        let Some(language) = self.asked.filter(|l| Some(*l) != self.kept) else {
            return;
        };
        let cookie =
            format!("{LANGUAGE_COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
}
