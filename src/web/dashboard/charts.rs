//! Small SVG charts written with maud: self-contained (no script, no stylesheet),
//! titled for screen readers, deterministic, and never drawing from a NaN: a chart
//! with nothing to show says so instead.
//!
//! Every word a chart shows comes in already translated; numbers come in already
//! written (`Bar::shown`, `DailyChart::number`), so the charts know no language.

use maud::{Markup, html};

use crate::text::clip;

mod daily;

pub use daily::{DailyChart, daily_chart, labelled, nice_scale};

/// The fills of bars and lines; text is drawn in dark ink, never in these.
pub mod color {
    pub const BLUE: &str = "#2563eb";
    pub const GREEN: &str = "#059669";
    pub const VIOLET: &str = "#7c3aed";
    pub const AMBER: &str = "#d97706";
    pub const SLATE: &str = "#64748b";
    pub const RED: &str = "#dc2626";
    pub const ORANGE: &str = "#ea580c";
    pub const YELLOW: &str = "#ca8a04";
    pub const LIME: &str = "#65a30d";
    pub const INDIGO: &str = "#4f46e5";
    pub const CYAN: &str = "#0891b2";
    pub const TEAL: &str = "#0d9488";
}

const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const INK: &str = "#0f172a";
const MUTED: &str = "#475569";
const GRID: &str = "#e2e8f0";
const TRACK: &str = "#eef2f7";

/// What names a chart.
pub struct Caption<'a> {
    /// Stable name (`backlog`), used for the element ids.
    pub name: &'a str,
    /// What the chart shows, read by screen readers.
    pub title: &'a str,
    /// What to say when there is nothing to show.
    pub empty: &'a str,
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// What the bar's length is proportional to.
    pub value: f64,
    /// The value as written at the end of the line ("12", "2 h 15 min").
    pub shown: String,
    pub color: &'static str,
}

const BAR_WIDTH: f64 = 480.0;
const BAR_ROW: f64 = 46.0;
const BAR_LABEL_CHARS: usize = 44;

/// A chart that has nothing to show.
pub fn empty_state(caption: &Caption<'_>, width: f64) -> Markup {
    let height = 140.0;
    frame(
        caption,
        width,
        height,
        html! {
            rect x="1" y="1" width=(num(width - 2.0)) height=(num(height - 2.0)) rx="10"
                fill="#f8fafc" stroke="#cbd5e1" stroke-dasharray="5 5" {}
            text x=(num(width / 2.0)) y=(num(height / 2.0 + 5.0)) text-anchor="middle"
                font-size="15" fill=(MUTED) { (caption.empty) }
        },
    )
}

/// Horizontal bars, one per line: the label above its bar, the value at the end.
/// Bars are scaled to the largest; all zero (or none) is the empty state.
pub fn bar_chart(caption: &Caption<'_>, bars: &[Bar]) -> Markup {
    let value = |bar: &Bar| {
        if bar.value.is_finite() {
            bar.value.max(0.0)
        } else {
            0.0
        }
    };
    let max = bars.iter().map(value).fold(0.0, f64::max);
    if max <= 0.0 {
        return empty_state(caption, BAR_WIDTH);
    }
    let height = bars.len() as f64 * BAR_ROW + 2.0;
    let rows = html! {
        @for (i, bar) in bars.iter().enumerate() {
            @let top = i as f64 * BAR_ROW;
            @let length = match value(bar) {
                v if v > 0.0 => (v / max * BAR_WIDTH).max(4.0),
                _ => 0.0,
            };
            g {
                title { (bar.label) " — " (bar.shown) }
                text x="0" y=(num(top + 17.0)) font-size="14" fill=(INK) {
                    (clip(&bar.label, BAR_LABEL_CHARS))
                }
                text x=(BAR_WIDTH) y=(num(top + 17.0)) text-anchor="end" font-size="14"
                    font-weight="600" fill=(INK) { (bar.shown) }
                rect x="0" y=(num(top + 25.0)) width=(BAR_WIDTH) height="12" rx="6"
                    fill=(TRACK) {}
                rect x="0" y=(num(top + 25.0)) width=(num(length)) height="12" rx="6"
                    fill=(bar.color) {}
            }
        }
    };
    frame(caption, BAR_WIDTH, height, rows)
}

/// The `<svg>` element around a chart's `content`, titled for screen readers.
fn frame(caption: &Caption<'_>, width: f64, height: f64, content: Markup) -> Markup {
    let title_id = format!("chart-{}-title", caption.name);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (num(width)) " " (num(height)) }
            role="img" aria-labelledby=(title_id) font-family=(FONT) class="chart-svg" {
            title id=(title_id) { (caption.title) }
            (content)
        }
    }
}

/// A coordinate: at most one decimal, no trailing `.0`.
fn num(value: f64) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption(name: &'static str) -> Caption<'static> {
        Caption {
            name,
            title: "Tickets par catégorie",
            empty: "Aucune donnée pour cette période",
        }
    }

    /// Balanced, titled, and free of anything a bad division could write.
    pub(super) fn well_formed(svg: &str) {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        assert!(svg.contains("role=\"img\""), "{svg}");
        assert!(svg.ends_with("</svg>"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), svg.matches("</svg>").count());
        assert_eq!(
            svg.matches("<title").count(),
            svg.matches("</title>").count()
        );
        assert_eq!(svg.matches("<g>").count(), svg.matches("</g>").count());
        for bad in ["NaN", "inf", "undefined"] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
    }

    fn bar(label: &str, value: f64) -> Bar {
        Bar {
            label: label.to_owned(),
            value,
            shown: value.to_string(),
            color: color::BLUE,
        }
    }

    #[test]
    fn bars_are_scaled_to_the_largest_and_labelled() {
        let svg = bar_chart(
            &caption("categories"),
            &[
                bar("Matériel", 10.0),
                bar("Logiciel", 5.0),
                bar("Accès", 0.0),
            ],
        )
        .into_string();
        well_formed(&svg);
        assert!(svg.contains("viewBox=\"0 0 480 140\""), "{svg}");
        assert!(svg.contains("<title id=\"chart-categories-title\">Tickets par catégorie</title>"));
        assert!(svg.contains(">Matériel</text>"), "{svg}");
        assert!(svg.contains("width=\"480\" height=\"12\" rx=\"6\" fill=\"#2563eb\""));
        assert!(svg.contains("width=\"240\" height=\"12\" rx=\"6\" fill=\"#2563eb\""));
        assert!(svg.contains("width=\"0\" height=\"12\" rx=\"6\" fill=\"#2563eb\""));
        assert!(!svg.contains("Aucune donnée"), "{svg}");
    }

    #[test]
    fn bars_with_nothing_to_show_say_so() {
        for bars in [
            vec![],
            vec![bar("Matériel", 0.0)],
            vec![bar("NaN", f64::NAN)],
        ] {
            let svg = bar_chart(&caption("categories"), &bars).into_string();
            well_formed(&svg);
            assert!(
                svg.contains(">Aucune donnée pour cette période</text>"),
                "{svg}"
            );
        }
    }

    #[test]
    fn labels_from_data_are_escaped_and_long_ones_clipped() {
        let long = "Une catégorie au nom vraiment très long qui déborderait du graphique";
        let svg = bar_chart(
            &caption("teams"),
            &[bar("<script>alert(1)</script>", 1.0), bar(long, 2.0)],
        )
        .into_string();
        well_formed(&svg);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(
            svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{svg}"
        );
        assert!(
            svg.contains("Une catégorie au nom vraiment très long qui…</text>"),
            "{svg}"
        );
        assert!(svg.contains(&format!("<title>{long} — 2</title>")), "{svg}");
    }
}
