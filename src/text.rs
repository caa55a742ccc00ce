//! Small text helpers shared by the chat and the terminal.

/// The first line of `text`, shortened to `max` characters with an ellipsis when
/// anything was left out.
pub fn clip(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max && !text.trim_end().contains('\n') {
        return line.to_owned();
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// `text` cut to `max` characters with an ellipsis when longer; line breaks kept.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::{clip, shorten};

    #[test]
    fn long_text_is_shortened_with_its_lines() {
        assert_eq!(shorten("Ligne 1\nLigne 2", 20), "Ligne 1\nLigne 2");
        assert_eq!(shorten("Ligne 1\nLigne 2", 10), "Ligne 1\nL…");
    }

    #[test]
    fn long_or_multiline_text_is_clipped() {
        assert_eq!(clip("Écran noir", 20), "Écran noir");
        assert_eq!(clip("Écran noir depuis ce matin", 10), "Écran noi…");
        assert_eq!(clip("Ligne 1\nLigne 2", 20), "Ligne 1…");
    }
}
