//! What the bot guesses from a new request's words: its category (configured
//! keywords) and whether it is critical or urgent (configured words).

use super::Engine;
use crate::domain::{CategoryId, Priority};

/// The category whose keywords the text mentions most, if one clearly does.
pub(super) fn category(engine: &Engine, text: &str) -> Option<CategoryId> {
    let words = normalize(text);
    let mut best: Option<(&str, usize)> = None;
    let mut tie = false;
    for (slug, category) in &engine.config().categories {
        let hits = category
            .keywords
            .iter()
            .filter(|k| words.contains(&normalize(k)))
            .count();
        match best {
            _ if hits == 0 => {}
            Some((_, n)) if hits == n => tie = true,
            Some((_, n)) if hits < n => {}
            _ => {
                best = Some((slug, hits));
                tie = false;
            }
        }
    }
    let (slug, _) = best.filter(|_| !tie)?;
    engine.desk().catalog().category_by_slug(slug).map(|c| c.id)
}

/// P0 or P1 when the text says so; otherwise the category's default.
pub(super) fn priority(engine: &Engine, text: &str) -> Option<Priority> {
    let words = normalize(text);
    let says = |list: &[String]| list.iter().any(|w| words.contains(&normalize(w)));
    let tickets = &engine.config().tickets;
    if says(&tickets.critical_words) {
        Some(Priority::P0)
    } else if says(&tickets.urgent_words) {
        Some(Priority::P1)
    } else {
        None
    }
}

/// Lower case, no accents, words separated by single spaces and padded, so that
/// `" ecran "` is found in `" mon ecran est noir "` but `" pc "` not in `" pcs "`.
fn normalize(text: &str) -> String {
    let folded: String = text
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    format!(
        " {} ",
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn keywords_match_whole_words_without_accents() {
        let text = normalize("Mon ÉCRAN ne s'allume plus, j'ai vérifié les branchements.");
        assert!(text.contains(&normalize("écran")));
        assert!(text.contains(&normalize("s'allume")));
        assert!(!normalize("trois pcs").contains(&normalize("pc")));
        assert!(normalize("Le Wi-Fi est coupé").contains(&normalize("wi-fi")));
        assert!(normalize("mot  de\npasse oublié").contains(&normalize("mot de passe")));
    }
}
