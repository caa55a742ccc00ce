//! Cutting texts to a platform's limits without losing any of them.

/// Splits `text` into pieces of at most `max` characters, at line breaks when it
/// can, else at spaces, else anywhere. Nothing is lost: the pieces joined with the
/// separators they were cut at give the text back.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let limit = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        let window = &rest[..limit];
        // A line break, unless it leaves a stub of a piece; else a space; else anywhere.
        let cut = window
            .rfind('\n')
            .filter(|&i| i >= window.len() / 2)
            .or_else(|| window.rfind(' ').filter(|&i| i > 0))
            .or_else(|| window.rfind('\n').filter(|&i| i > 0))
            .unwrap_or(limit);
        pieces.push(rest[..cut].to_owned());
        rest = &rest[cut..];
        rest = rest
            .strip_prefix('\n')
            .or_else(|| rest.strip_prefix(' '))
            .unwrap_or(rest);
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(rest.to_owned());
    }
    pieces
}

/// The first `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_stay_whole() {
        assert_eq!(split("Bonjour", 4096), ["Bonjour"]);
        assert_eq!(split("", 4096), [""]);
    }

    #[test]
    fn long_texts_are_cut_at_lines_then_words() {
        let text = format!("{}\n{}", "a".repeat(3000), "b ".repeat(1000));
        let pieces = split(&text, 4096);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0], "a".repeat(3000));
        assert!(pieces.iter().all(|p| p.chars().count() <= 4096));
        let words = "mot ".repeat(2000);
        let pieces = split(&words, 4096);
        assert!(
            pieces
                .iter()
                .all(|p| p.chars().count() <= 4096 && !p.starts_with(' '))
        );
        assert_eq!(pieces.concat().replace(' ', ""), words.replace(' ', ""));
    }

    #[test]
    fn a_text_without_breaks_is_cut_anywhere_counting_characters() {
        let text = "é".repeat(5000);
        let pieces = split(&text, 4096);
        assert_eq!(
            pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            [4096, 904]
        );
    }

    #[test]
    fn clipping_marks_the_cut() {
        assert_eq!(
            clip("TCK-20250214-001 · Écran", 128),
            "TCK-20250214-001 · Écran"
        );
        assert_eq!(clip(&"x".repeat(200), 128).chars().count(), 128);
    }
}
