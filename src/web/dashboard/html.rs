//! What both pages share: the document around the body, the language switch.
//!
//! Pages are written with maud, which escapes every string put in them; only
//! markup built here (the stylesheet, the charts) goes in as `PreEscaped`.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::style::STYLE;
use crate::domain::Language;
use crate::i18n::Texts;

/// The tab's icon, inline: the page loads nothing from elsewhere, not even
/// `/favicon.ico`.
pub(in crate::web::dashboard) const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%232f5d8a'/%3E%3Ctext x='8' y='12' font-size='11' text-anchor='middle' fill='white' font-family='sans-serif'%3Eg%3C/text%3E%3C/svg%3E";

/// A complete HTML5 document: the style is inline and nothing is loaded from elsewhere.
pub fn document(language: Language, title: &str, body_class: &str, body: Markup) -> String {
    html! {
        (DOCTYPE) "\n"
        html lang=(language.as_str()) {
            "\n"
            head {
                "\n" meta charset="utf-8";
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                "\n" meta name="robots" content="noindex, nofollow";
                "\n" meta name="referrer" content="same-origin";
                "\n" link rel="icon" href=(FAVICON);
                "\n" title { (title) }
                "\n" style { (PreEscaped(STYLE)) }
                "\n"
            }
            "\n"
            body class=(body_class) { "\n" (body) }
            "\n"
        }
        "\n"
    }
    .into_string()
}

/// Links to the same page in each language; `query` gives a language's query
/// string (URL-encoded, without the `?`).
pub fn language_switch(
    texts: &Texts,
    language: Language,
    query: impl Fn(Language) -> String,
) -> Markup {
    html! {
        nav class="languages" aria-label=(t!(texts, language, "dashboard-language")) {
            @for other in Language::ALL {
                @let current = other == language;
                @let name = match other {
                    Language::Fr => key!("dashboard-language-fr"),
                    Language::En => key!("dashboard-language-en"),
                };
                a href={ "?" (query(other)) } hreflang=(other.as_str()) lang=(other.as_str())
                    aria-current=[current.then_some("true")]
                    class=[current.then_some("is-current")] {
                    (texts.t(other, name, &[]))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_switch_marks_the_current_language_and_keeps_the_query() {
        let texts = Texts::load().unwrap();
        let nav = language_switch(&texts, Language::En, |l| {
            format!("lang={}&days=30", l.as_str())
        })
        .into_string();
        assert!(nav.contains("href=\"?lang=fr&amp;days=30\""), "{nav}");
        assert!(nav.contains(">Français</a>"), "{nav}");
        assert!(
            nav.contains("hreflang=\"en\" lang=\"en\" aria-current=\"true\""),
            "{nav}"
        );
    }

    #[test]
    fn markup_in_data_is_shown_not_run() {
        let html = document(
            Language::Fr,
            "<script>alert('1')</script> & \"x\"",
            "page\"><script>",
            html! { p { "Éloïse Durand" } },
        );
        assert!(
            html.contains(
                "<title>&lt;script&gt;alert('1')&lt;/script&gt; &amp; &quot;x&quot;</title>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<body class=\"page&quot;&gt;&lt;script&gt;\">"),
            "{html}"
        );
        assert!(html.contains("<p>Éloïse Durand</p>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }
}
