//! The login page: e-mail and password, posted to `/login`.

use maud::html;
use url::form_urlencoded;

use super::html::{document, language_switch};
use crate::domain::Language;
use crate::i18n::Key;
use crate::i18n::Texts;

pub struct LoginPage<'a> {
    pub texts: &'a Texts,
    pub language: Language,
    /// Why the last attempt failed, already translated.
    pub error: Option<&'a str>,
    /// Where to go once signed in; sent back with the form.
    pub next: Option<&'a str>,
}

/// The whole login document.
pub fn render_login(page: &LoginPage<'_>) -> String {
    let t = |key: Key| page.texts.t(page.language, key, &[]);
    let languages = language_switch(page.texts, page.language, |language| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("lang", language.as_str());
        if let Some(next) = page.next {
            query.append_pair("next", next);
        }
        query.finish()
    });
    let body = html! {
        main class="login" {
            (languages)
            div class="card signin" {
                span class="brand" { "guichet" }
                h1 { (t(key!("login-heading"))) }
                p class="intro" { (t(key!("login-intro"))) }
                @if let Some(error) = page.error {
                    p class="alert" role="alert" { (error) }
                }
                form method="post" action="/login" {
                    @if let Some(next) = page.next {
                        input type="hidden" name="next" value=(next);
                    }
                    div class="field" {
                        label for="email" { (t(key!("login-email"))) }
                        input id="email" name="email" type="email" autocomplete="username"
                            required autofocus;
                    }
                    div class="field" {
                        label for="password" { (t(key!("login-password"))) }
                        input id="password" name="password" type="password"
                            autocomplete="current-password" required;
                    }
                    button class="primary" type="submit" { (t(key!("login-submit"))) }
                }
            }
        }
        "\n"
    };
    document(
        page.language,
        &t(key!("login-page-title")),
        "signin-page",
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(language: Language, error: Option<&str>, next: Option<&str>) -> String {
        let texts = Texts::load().unwrap();
        render_login(&LoginPage {
            texts: &texts,
            language,
            error,
            next,
        })
    }

    fn no_leftover_key(html: &str) {
        for key in ["login-", "dashboard-"] {
            assert!(!html.contains(key), "{key} in {html}");
        }
    }

    #[test]
    fn the_french_login_page_asks_for_an_address_and_a_password() {
        let html = render(Language::Fr, None, None);
        no_leftover_key(&html);
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(html.contains("<form method=\"post\" action=\"/login\">"));
        assert!(html.contains("<label for=\"email\">Adresse e-mail</label>"));
        assert!(html.contains("<label for=\"password\">Mot de passe</label>"));
        assert!(html.contains("name=\"email\" type=\"email\" autocomplete=\"username\""));
        assert!(html.contains("autocomplete=\"current-password\""));
        assert!(html.contains(">Se connecter</button>"));
        assert!(!html.contains("role=\"alert\""));
        assert!(!html.contains("name=\"next\""));
        assert!(html.contains("href=\"?lang=en\""), "{html}");
    }

    #[test]
    fn the_english_login_page_is_in_english() {
        let html = render(Language::En, None, None);
        no_leftover_key(&html);
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains(">Email address</label>"));
        assert!(html.contains(">Sign in</button>"));
    }

    #[test]
    fn a_failed_attempt_is_explained_and_the_destination_kept() {
        let html = render(
            Language::Fr,
            Some("Adresse ou mot de passe incorrect <b>"),
            Some("/dashboard?days=7&lang=fr\""),
        );
        no_leftover_key(&html);
        assert!(html.contains(
            "<p class=\"alert\" role=\"alert\">Adresse ou mot de passe incorrect &lt;b&gt;</p>"
        ));
        assert!(html.contains(
            "<input type=\"hidden\" name=\"next\" value=\"/dashboard?days=7&amp;lang=fr&quot;\">"
        ));
        // The language switch keeps the destination, URL-encoded.
        assert!(
            html.contains("href=\"?lang=en&amp;next=%2Fdashboard%3Fdays%3D7%26lang%3Dfr%22\""),
            "{html}"
        );
    }
}
