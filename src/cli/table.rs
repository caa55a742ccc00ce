//! Readable tables for the terminal.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

pub fn new(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    table
}

/// A time in the company's zone, to the minute.
pub fn when(at: Option<DateTime<Utc>>, tz: Tz) -> String {
    at.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".into())
}

/// Shortens text to `max` characters for a cell.
pub fn clip(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max && !text.contains('\n') {
        return line.to_owned();
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_or_multiline_text_is_clipped() {
        assert_eq!(clip("Écran noir", 20), "Écran noir");
        assert_eq!(clip("Écran noir depuis ce matin", 10), "Écran noi…");
        assert_eq!(clip("Ligne 1\nLigne 2", 20), "Ligne 1…");
    }
}
