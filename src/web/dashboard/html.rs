//! What both pages share: escaping, the document around the body, the language switch.

use std::fmt::Write;

use super::style::STYLE;
use crate::domain::Language;
use crate::i18n::Texts;

/// `text` made safe to put in HTML or SVG, in content or in a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The tab's icon, inline: the page loads nothing from elsewhere, not even
/// `/favicon.ico`.
pub(in crate::web::dashboard) const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%232f5d8a'/%3E%3Ctext x='8' y='12' font-size='11' text-anchor='middle' fill='white' font-family='sans-serif'%3Eg%3C/text%3E%3C/svg%3E";

/// A complete HTML5 document: the style is inline and nothing is loaded from elsewhere.
/// `title` and `body` are already escaped HTML.
pub fn document(language: Language, title: &str, body_class: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex, nofollow\">\n\
         <meta name=\"referrer\" content=\"same-origin\">\n\
         <link rel=\"icon\" href=\"{FAVICON}\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n\
         <body class=\"{body_class}\">\n{body}</body>\n</html>\n",
        lang = language.as_str(),
    )
}

/// Links to the same page in each language; `query` gives a language's query
/// string (already URL-encoded, without the `?`).
pub fn language_switch(
    texts: &Texts,
    language: Language,
    query: impl Fn(Language) -> String,
) -> String {
    let mut out = format!(
        "<nav class=\"languages\" aria-label=\"{}\">",
        escape(&texts.t(language, "dashboard-language", &[]))
    );
    for other in Language::ALL {
        let name = match other {
            Language::Fr => "dashboard-language-fr",
            Language::En => "dashboard-language-en",
        };
        let current = if other == language {
            " aria-current=\"true\" class=\"is-current\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<a href=\"?{query}\" hreflang=\"{code}\" lang=\"{code}\"{current}>{name}</a>",
            query = escape(&query(other)),
            code = other.as_str(),
            name = escape(&texts.t(other, name, &[])),
        );
    }
    out.push_str("</nav>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_shown_not_run() {
        assert_eq!(
            escape("<script>alert('1')</script> & \"x\""),
            "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; &amp; &quot;x&quot;"
        );
        assert_eq!(escape("Éloïse Durand"), "Éloïse Durand");
    }

    #[test]
    fn the_language_switch_marks_the_current_language_and_keeps_the_query() {
        let texts = Texts::load().unwrap();
        let nav = language_switch(&texts, Language::En, |l| {
            format!("lang={}&days=30", l.as_str())
        });
        assert!(nav.contains("href=\"?lang=fr&amp;days=30\""), "{nav}");
        assert!(nav.contains(">Français</a>"), "{nav}");
        assert!(
            nav.contains("hreflang=\"en\" lang=\"en\" aria-current=\"true\""),
            "{nav}"
        );
    }
}
