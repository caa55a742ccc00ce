//! Numbers, dates and durations as each language writes them: "1 234", "12,5 %",
//! "3 j 4 h" in French; "1,234", "12.5%", "3 d 4 h" in English.

use chrono::{Datelike, NaiveDate};

use crate::domain::Language;
use crate::i18n::Key;
use crate::i18n::Texts;

/// Shown where a figure cannot be computed (nothing to measure in the period).
pub const NO_VALUE: &str = "—";

/// French groups thousands with a narrow no-break space and writes a no-break
/// space before `%`, so a number never wraps away from its sign.
const FR_THOUSANDS: &str = "\u{202f}";
const FR_PERCENT: &str = "\u{a0}%";

/// A whole number with thousands grouped: "12 345" / "12,345".
pub fn integer(language: Language, n: i64) -> String {
    let grouped = group(&n.unsigned_abs().to_string(), language);
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A count: "12 345" / "12,345".
pub fn count(language: Language, n: u64) -> String {
    group(&n.to_string(), language)
}

/// One decimal place: "4,2" / "4.2". `None` for a value that is not a number.
pub fn decimal(language: Language, value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let written = format!("{:.1}", value.abs());
    let (whole, fraction) = written.split_once('.').unwrap_or((&written, "0"));
    let separator = match language {
        Language::Fr => ",",
        Language::En => ".",
    };
    // A value that rounds to zero is written without a sign.
    let sign = if value < 0.0 && written != "0.0" {
        "-"
    } else {
        ""
    };
    Some(format!(
        "{sign}{}{separator}{fraction}",
        group(whole, language)
    ))
}

/// A percentage with one decimal place: "12,5 %" / "12.5%".
pub fn percent(language: Language, value: f64) -> Option<String> {
    let number = decimal(language, value)?;
    Some(match language {
        Language::Fr => format!("{number}{FR_PERCENT}"),
        Language::En => format!("{number}%"),
    })
}

/// A length of time rounded to what matters at its scale: "< 1 min", "45 min",
/// "2 h 15 min", "3 j 4 h". `None` for a value that is not a number.
pub fn duration(texts: &Texts, language: Language, seconds: f64) -> Option<String> {
    if !seconds.is_finite() {
        return None;
    }
    let seconds = seconds.max(0.0);
    // `as` saturates: an absurdly long duration is shown as a very large one.
    let minutes = (seconds / 60.0).round() as u64;
    let text = if minutes == 0 {
        t!(texts, language, "dashboard-duration-under-a-minute")
    } else if minutes < 60 {
        t!(
            texts,
            language,
            "dashboard-duration-minutes",
            minutes = minutes.to_string()
        )
    } else if minutes < 24 * 60 {
        let (hours, minutes) = (minutes / 60, minutes % 60);
        if minutes == 0 {
            t!(
                texts,
                language,
                "dashboard-duration-hours",
                hours = hours.to_string()
            )
        } else {
            t!(
                texts,
                language,
                "dashboard-duration-hours-minutes",
                hours = hours.to_string(),
                minutes = minutes.to_string()
            )
        }
    } else {
        let hours = (seconds / 3600.0).round() as u64;
        let (days, hours) = (hours / 24, hours % 24);
        let days = count(language, days);
        if hours == 0 {
            t!(texts, language, "dashboard-duration-days", days = days)
        } else {
            t!(
                texts,
                language,
                "dashboard-duration-days-hours",
                days = days,
                hours = hours.to_string()
            )
        }
    };
    Some(text)
}

/// A day on a chart's axis: "14 févr." / "Feb 14".
pub fn short_date(texts: &Texts, language: Language, date: NaiveDate) -> String {
    t!(
        texts,
        language,
        "dashboard-date-short",
        day = date.day().to_string(),
        month = month(texts, language, date)
    )
}

/// A day in full: "14 févr. 2025" / "Feb 14, 2025".
pub fn long_date(texts: &Texts, language: Language, date: NaiveDate) -> String {
    t!(
        texts,
        language,
        "dashboard-date-long",
        day = date.day().to_string(),
        month = month(texts, language, date),
        year = date.year().to_string()
    )
}

fn month(texts: &Texts, language: Language, date: NaiveDate) -> String {
    const KEYS: [Key; 12] = [
        key!("dashboard-month-1"),
        key!("dashboard-month-2"),
        key!("dashboard-month-3"),
        key!("dashboard-month-4"),
        key!("dashboard-month-5"),
        key!("dashboard-month-6"),
        key!("dashboard-month-7"),
        key!("dashboard-month-8"),
        key!("dashboard-month-9"),
        key!("dashboard-month-10"),
        key!("dashboard-month-11"),
        key!("dashboard-month-12"),
    ];
    texts.t(language, KEYS[date.month0() as usize], &[])
}

fn group(digits: &str, language: Language) -> String {
    let separator = match language {
        Language::Fr => FR_THOUSANDS,
        Language::En => ",",
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len());
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        Texts::load().unwrap()
    }

    #[test]
    fn numbers_are_written_the_way_each_language_writes_them() {
        assert_eq!(count(Language::Fr, 1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(count(Language::En, 1_234_567), "1,234,567");
        assert_eq!(count(Language::En, 999), "999");
        assert_eq!(integer(Language::En, -1_500), "-1,500");
        assert_eq!(decimal(Language::Fr, 4.25).unwrap(), "4,2");
        assert_eq!(decimal(Language::En, 4.0).unwrap(), "4.0");
        assert_eq!(decimal(Language::En, -0.01).unwrap(), "0.0");
        assert_eq!(percent(Language::Fr, 12.5).unwrap(), "12,5\u{a0}%");
        assert_eq!(percent(Language::En, 12.5).unwrap(), "12.5%");
        assert_eq!(percent(Language::En, 1234.5).unwrap(), "1,234.5%");
    }

    #[test]
    fn what_is_not_a_number_is_not_written_as_one() {
        assert_eq!(decimal(Language::Fr, f64::NAN), None);
        assert_eq!(percent(Language::En, f64::INFINITY), None);
        assert_eq!(duration(&texts(), Language::Fr, f64::NAN), None);
    }

    #[test]
    fn durations_are_rounded_to_what_matters_at_their_scale() {
        let texts = texts();
        let fr = |s: f64| duration(&texts, Language::Fr, s).unwrap();
        let en = |s: f64| duration(&texts, Language::En, s).unwrap();
        assert_eq!(fr(-5.0), "< 1 min");
        assert_eq!(fr(29.0), "< 1 min");
        assert_eq!(fr(45.0 * 60.0), "45 min");
        assert_eq!(fr(2.0 * 3600.0 + 15.0 * 60.0 + 10.0), "2 h 15 min");
        assert_eq!(en(2.0 * 3600.0 + 15.0 * 60.0), "2 h 15 min");
        assert_eq!(fr(3.0 * 3600.0), "3 h");
        assert_eq!(fr(3.0 * 86_400.0 + 4.0 * 3600.0 + 600.0), "3 j 4 h");
        assert_eq!(en(3.0 * 86_400.0 + 4.0 * 3600.0), "3 d 4 h");
        assert_eq!(en(86_400.0 - 10.0), "1 d");
    }

    #[test]
    fn dates_are_written_the_way_each_language_writes_them() {
        let texts = texts();
        let day = NaiveDate::from_ymd_opt(2025, 2, 14).unwrap();
        assert_eq!(short_date(&texts, Language::Fr, day), "14 févr.");
        assert_eq!(short_date(&texts, Language::En, day), "Feb 14");
        assert_eq!(long_date(&texts, Language::Fr, day), "14 févr. 2025");
        assert_eq!(long_date(&texts, Language::En, day), "Feb 14, 2025");
    }
}
