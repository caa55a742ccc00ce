//! The daily chart: tickets opened and resolved per day, as two lines.

use chrono::{Datelike, NaiveDate, Weekday};
use maud::{Markup, html};

use super::{Caption, GRID, INK, MUTED, color, empty_state, frame, num};
use crate::store::stats::Day;

/// Tickets opened and resolved per day.
pub struct DailyChart<'a> {
    pub caption: Caption<'a>,
    pub days: &'a [Day],
    /// The two series' names in the legend.
    pub opened: &'a str,
    pub resolved: &'a str,
    /// A day under the axis ("14 févr.").
    pub axis_date: &'a dyn Fn(NaiveDate) -> String,
    /// What hovering a day tells.
    pub tooltip: &'a dyn Fn(&Day) -> String,
    /// A count as the reader writes it.
    pub number: &'a dyn Fn(u64) -> String,
}

const DAILY_WIDTH: f64 = 960.0;
const DAILY_HEIGHT: f64 = 320.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 52.0;
const BOTTOM: f64 = 40.0;
const PLOT_WIDTH: f64 = DAILY_WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT: f64 = DAILY_HEIGHT - TOP - BOTTOM;
/// The axis: where a count of zero is drawn.
const BASE: f64 = TOP + PLOT_HEIGHT;
/// The lines of a day are grey, not the grid's.
const AXIS: &str = "#cbd5e1";

/// What one series counts on a day.
type Count = fn(&Day) -> u64;

/// The two series, each with its colour.
const SERIES: [(Count, &str); 2] = [
    (|d: &Day| d.opened, color::BLUE),
    (|d: &Day| d.resolved, color::GREEN),
];

/// Where the days and the counts fall on the drawing.
struct Plot {
    /// How many days.
    n: usize,
    /// The count at the top of the scale.
    top: u64,
}

impl Plot {
    fn x(&self, i: usize) -> f64 {
        if self.n == 1 {
            LEFT + PLOT_WIDTH / 2.0
        } else {
            LEFT + i as f64 * PLOT_WIDTH / (self.n - 1) as f64
        }
    }

    fn y(&self, value: u64) -> f64 {
        BASE - value as f64 / self.top as f64 * PLOT_HEIGHT
    }

    /// The points of one series' line.
    fn points(&self, days: &[Day], series: Count) -> String {
        days.iter()
            .enumerate()
            .map(|(i, d)| format!("{},{}", num(self.x(i)), num(self.y(series(d)))))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Two lines, tickets opened and resolved per day, with a legend, a scale and a
/// few dates under the axis. Hovering a day tells its figures.
pub fn daily_chart(chart: &DailyChart<'_>) -> Markup {
    let max = chart
        .days
        .iter()
        .map(|d| d.opened.max(d.resolved))
        .max()
        .unwrap_or(0);
    if max == 0 {
        return empty_state(&chart.caption, DAILY_WIDTH);
    }
    let (step, top) = nice_scale(max);
    let plot = Plot {
        n: chart.days.len(),
        top,
    };
    let content = html! {
        (legend(chart))
        (scale(chart, &plot, step))
        (dates(chart, &plot))
        (series(chart.days, &plot))
        (hover(chart, &plot))
    };
    frame(&chart.caption, DAILY_WIDTH, DAILY_HEIGHT, content)
}

/// Each series' name and total, by its colour.
fn legend(chart: &DailyChart<'_>) -> Markup {
    let total = |f: Count| (chart.number)(chart.days.iter().map(f).sum());
    let mut at = LEFT;
    let entries = [chart.opened, chart.resolved]
        .into_iter()
        .zip(SERIES)
        .map(|(name, (series, color))| {
            let text = format!("{name} ({})", total(series));
            let x = at;
            at += 20.0 + text.chars().count() as f64 * 8.0 + 28.0;
            (x, text, color)
        })
        .collect::<Vec<_>>();
    html! {
        @for (x, text, color) in entries {
            rect x=(num(x)) y="12" width="14" height="14" rx="3" fill=(color) {}
            text x=(num(x + 20.0)) y="24" font-size="14" fill=(INK) { (text) }
        }
    }
}

/// The horizontal lines of the scale, every `step`, with their counts.
fn scale(chart: &DailyChart<'_>, plot: &Plot, step: u64) -> Markup {
    let mut values = vec![0];
    while let Some(next) = values.last().and_then(|v: &u64| v.checked_add(step)) {
        if next > plot.top {
            break;
        }
        values.push(next);
    }
    html! {
        @for value in values {
            @let line_y = num(plot.y(value));
            line x1=(LEFT) y1=(line_y) x2=(num(DAILY_WIDTH - RIGHT)) y2=(line_y)
                stroke=(if value == 0 { AXIS } else { GRID }) {}
            text x=(num(LEFT - 8.0)) y=(num(plot.y(value) + 4.0)) text-anchor="end"
                font-size="12" fill=(MUTED) { ((chart.number)(value)) }
        }
    }
}

/// A few days under the axis, each with its tick.
fn dates(chart: &DailyChart<'_>, plot: &Plot) -> Markup {
    html! {
        @for i in labelled(chart.days) {
            @let at = plot.x(i);
            @let anchor = if at < LEFT + 30.0 {
                "start"
            } else if at > DAILY_WIDTH - RIGHT - 30.0 {
                "end"
            } else {
                "middle"
            };
            line x1=(num(at)) y1=(num(BASE)) x2=(num(at)) y2=(num(BASE + 5.0)) stroke=(AXIS) {}
            text x=(num(at)) y=(num(BASE + 22.0)) text-anchor=(anchor) font-size="12"
                fill=(MUTED) { ((chart.axis_date)(chart.days[i].day)) }
        }
    }
}

/// An area under the opened line, then both lines; dots on each day when the days
/// are few enough to tell apart.
fn series(days: &[Day], plot: &Plot) -> Markup {
    let area = format!(
        "{first},{base} {line} {last},{base}",
        first = num(plot.x(0)),
        last = num(plot.x(plot.n - 1)),
        base = num(BASE),
        line = plot.points(days, SERIES[0].0),
    );
    // Thinner lines when the days are packed together.
    let stroke = if plot.n > 92 { "1.5" } else { "2.5" };
    html! {
        polygon points=(area) fill=(color::BLUE) fill-opacity="0.08" {}
        @for (f, color) in SERIES {
            polyline points=(plot.points(days, f)) fill="none" stroke=(color)
                stroke-width=(stroke) stroke-linejoin="round" stroke-linecap="round" {}
            @if plot.n <= 31 {
                @for (i, day) in days.iter().enumerate() {
                    circle cx=(num(plot.x(i))) cy=(num(plot.y(f(day)))) r="3.5" fill=(color)
                        stroke="#fff" stroke-width="1.5" {}
                }
            }
        }
    }
}

/// One invisible column per day, on top, carrying the day's figures.
fn hover(chart: &DailyChart<'_>, plot: &Plot) -> Markup {
    let half = if plot.n == 1 {
        PLOT_WIDTH / 2.0
    } else {
        PLOT_WIDTH / (plot.n - 1) as f64 / 2.0
    };
    html! {
        @for (i, day) in chart.days.iter().enumerate() {
            @let from = (plot.x(i) - half).max(LEFT);
            @let to = (plot.x(i) + half).min(DAILY_WIDTH - RIGHT);
            rect x=(num(from)) y=(TOP) width=(num(to - from)) height=(num(PLOT_HEIGHT))
                fill="#000" fill-opacity="0" {
                title { ((chart.tooltip)(day)) }
            }
        }
    }
}

/// The days written under the axis: all of them for a short period, Mondays up to
/// four months, then the first of each month.
pub fn labelled(days: &[Day]) -> Vec<usize> {
    let keep: fn(NaiveDate) -> bool = match days.len() {
        0..=16 => |_| true,
        17..=120 => |d| d.weekday() == Weekday::Mon,
        _ => |d| d.day() == 1,
    };
    days.iter()
        .enumerate()
        .filter(|(_, d)| keep(d.day))
        .map(|(i, _)| i)
        .collect()
}

/// A step of 1, 2 or 5 times a power of ten giving at most five intervals up to
/// `max`, and the top of the scale (a multiple of the step, at least `max`).
pub fn nice_scale(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut power: u64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = power.saturating_mul(m);
            if step.saturating_mul(5) >= max {
                return (step, max.div_ceil(step).saturating_mul(step));
            }
        }
        power = power.saturating_mul(10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::dashboard::charts::tests::well_formed;

    fn days(n: u32, f: impl Fn(u32) -> (u64, u64)) -> Vec<Day> {
        let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        (0..n)
            .map(|i| {
                let (opened, resolved) = f(i);
                Day {
                    day: first + chrono::Days::new(i.into()),
                    opened,
                    resolved,
                }
            })
            .collect()
    }

    fn daily(days: &[Day]) -> String {
        daily_chart(&DailyChart {
            caption: Caption {
                name: "opened-resolved",
                title: "Ouverts et résolus",
                empty: "Aucune donnée pour cette période",
            },
            days,
            opened: "Ouverts",
            resolved: "Résolus",
            axis_date: &|d| d.format("%d/%m").to_string(),
            tooltip: &|d| format!("{} — {} / {}", d.day, d.opened, d.resolved),
            number: &|n| n.to_string(),
        })
        .into_string()
    }

    #[test]
    fn days_draw_two_lines_a_legend_and_a_scale() {
        let svg = daily(&days(7, |i| (u64::from(i) * 3, u64::from(i))));
        well_formed(&svg);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(">Ouverts (63)</text>"), "{svg}");
        assert!(svg.contains(">Résolus (21)</text>"), "{svg}");
        // 18 at most: steps of 5 up to 20.
        for label in [">0</text>", ">5</text>", ">20</text>"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert_eq!(svg.matches("r=\"3.5\"").count(), 14);
        assert!(svg.contains("<title>2025-01-07 — 18 / 6</title>"), "{svg}");
        assert!(svg.contains(">07/01</text>"), "{svg}");
    }

    #[test]
    fn a_single_day_or_a_quiet_period_draws_without_dividing_by_zero() {
        let svg = daily(&days(1, |_| (2, 1)));
        well_formed(&svg);
        assert!(svg.contains("<circle cx=\"496\""), "{svg}");

        for quiet in [days(0, |_| (0, 0)), days(30, |_| (0, 0))] {
            let svg = daily(&quiet);
            well_formed(&svg);
            assert!(svg.contains("viewBox=\"0 0 960 140\""), "{svg}");
            assert!(
                svg.contains(">Aucune donnée pour cette période</text>"),
                "{svg}"
            );
        }
    }

    #[test]
    fn a_long_period_labels_a_few_days_only() {
        assert_eq!(labelled(&days(7, |_| (1, 1))).len(), 7);
        // 2025-01-06 is a Monday.
        let month = days(30, |_| (1, 1));
        let mondays = labelled(&month);
        assert_eq!(mondays, vec![5, 12, 19, 26]);
        let year = days(365, |_| (1, 1));
        let firsts = labelled(&year);
        assert_eq!(firsts.len(), 12);
        assert!(firsts.iter().all(|&i| year[i].day.day() == 1));
        let svg = daily(&year);
        well_formed(&svg);
        assert!(!svg.contains("<circle"), "no dots on a year");
    }

    #[test]
    fn the_scale_uses_round_steps() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(1), (1, 1));
        assert_eq!(nice_scale(4), (1, 4));
        assert_eq!(nice_scale(7), (2, 8));
        assert_eq!(nice_scale(18), (5, 20));
        assert_eq!(nice_scale(99), (20, 100));
        assert_eq!(nice_scale(1234), (500, 1500));
        assert_eq!(nice_scale(u64::MAX).1, u64::MAX);
    }
}
