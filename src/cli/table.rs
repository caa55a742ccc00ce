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

pub use crate::text::clip;
