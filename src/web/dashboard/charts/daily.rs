//! The daily chart: tickets opened and resolved per day, as two lines.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate, Weekday};

use super::{Caption, GRID, INK, MUTED, color, empty_state, num, open};
use crate::store::stats::Day;
use crate::web::dashboard::html::escape;

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

/// Two lines, tickets opened and resolved per day, with a legend, a scale and a
/// few dates under the axis. Hovering a day tells its figures.
pub fn daily_chart(chart: &DailyChart<'_>) -> String {
    let days = chart.days;
    let max = days
        .iter()
        .map(|d| d.opened.max(d.resolved))
        .max()
        .unwrap_or(0);
    if max == 0 {
        return empty_state(&chart.caption, DAILY_WIDTH);
    }
    let (step, top) = nice_scale(max);
    let plot_width = DAILY_WIDTH - LEFT - RIGHT;
    let plot_height = DAILY_HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_height;
    let n = days.len();
    let x = |i: usize| {
        if n == 1 {
            LEFT + plot_width / 2.0
        } else {
            LEFT + i as f64 * plot_width / (n - 1) as f64
        }
    };
    let y = |v: u64| base - v as f64 / top as f64 * plot_height;
    let mut svg = open(&chart.caption, DAILY_WIDTH, DAILY_HEIGHT);

    // Legend, with each series' total.
    let total = |f: fn(&Day) -> u64| (chart.number)(days.iter().map(f).sum());
    let mut legend_x = LEFT;
    for (name, total, color) in [
        (chart.opened, total(|d| d.opened), color::BLUE),
        (chart.resolved, total(|d| d.resolved), color::GREEN),
    ] {
        let text = format!("{name} ({total})");
        let _ = write!(
            svg,
            "<rect x=\"{sx}\" y=\"12\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{color}\"/>\
             <text x=\"{tx}\" y=\"24\" font-size=\"14\" fill=\"{INK}\">{text}</text>",
            sx = num(legend_x),
            tx = num(legend_x + 20.0),
            text = escape(&text),
        );
        legend_x += 20.0 + text.chars().count() as f64 * 8.0 + 28.0;
    }

    // Scale.
    let mut value = 0;
    while value <= top {
        let line_y = num(y(value));
        let stroke = if value == 0 { "#cbd5e1" } else { GRID };
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{line_y}\" x2=\"{x2}\" y2=\"{line_y}\" stroke=\"{stroke}\"/>\
             <text x=\"{lx}\" y=\"{ly}\" text-anchor=\"end\" font-size=\"12\" fill=\"{MUTED}\">{label}</text>",
            x2 = num(DAILY_WIDTH - RIGHT),
            lx = num(LEFT - 8.0),
            ly = num(y(value) + 4.0),
            label = escape(&(chart.number)(value)),
        );
        match value.checked_add(step) {
            Some(next) => value = next,
            None => break,
        }
    }

    // Dates under the axis.
    for i in labelled(days) {
        let at = x(i);
        let anchor = if at < LEFT + 30.0 {
            "start"
        } else if at > DAILY_WIDTH - RIGHT - 30.0 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            svg,
            "<line x1=\"{at}\" y1=\"{base}\" x2=\"{at}\" y2=\"{tick}\" stroke=\"#cbd5e1\"/>\
             <text x=\"{at}\" y=\"{ty}\" text-anchor=\"{anchor}\" font-size=\"12\" fill=\"{MUTED}\">{label}</text>",
            at = num(at),
            base = num(base),
            tick = num(base + 5.0),
            ty = num(base + 22.0),
            label = escape(&(chart.axis_date)(days[i].day)),
        );
    }

    // The series: an area under the opened line, then both lines.
    let points = |f: fn(&Day) -> u64| {
        days.iter()
            .enumerate()
            .map(|(i, d)| format!("{},{}", num(x(i)), num(y(f(d)))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = write!(
        svg,
        "<polygon points=\"{first},{base} {line} {last},{base}\" fill=\"{blue}\" fill-opacity=\"0.08\"/>",
        first = num(x(0)),
        last = num(x(n - 1)),
        base = num(base),
        line = points(|d| d.opened),
        blue = color::BLUE,
    );
    // Thinner lines when the days are packed together.
    let stroke = if n > 92 { "1.5" } else { "2.5" };
    for (f, color) in [
        ((|d: &Day| d.opened) as fn(&Day) -> u64, color::BLUE),
        (|d: &Day| d.resolved, color::GREEN),
    ] {
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{stroke}\" \
             stroke-linejoin=\"round\" stroke-linecap=\"round\"/>",
            points(f)
        );
        if n <= 31 {
            for (i, day) in days.iter().enumerate() {
                let _ = write!(
                    svg,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{color}\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
                    num(x(i)),
                    num(y(f(day))),
                );
            }
        }
    }

    // One invisible column per day, on top, carrying the day's figures.
    let half = if n == 1 {
        plot_width / 2.0
    } else {
        plot_width / (n - 1) as f64 / 2.0
    };
    for (i, day) in days.iter().enumerate() {
        let from = (x(i) - half).max(LEFT);
        let to = (x(i) + half).min(DAILY_WIDTH - RIGHT);
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{TOP}\" width=\"{}\" height=\"{}\" fill=\"#000\" fill-opacity=\"0\">\
             <title>{}</title></rect>",
            num(from),
            num(to - from),
            num(plot_height),
            escape(&(chart.tooltip)(day)),
        );
    }
    svg.push_str("</svg>");
    svg
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
