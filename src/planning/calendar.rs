//! The clock SLA and reminder delays are counted on: either around the clock, or only
//! during the company's working hours, in its own time zone.

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

/// How many consecutive days without any working window `add` scans before deciding the
/// configuration has none (no working day, or every day a holiday) and falling back to
/// plain addition. A year, so that long closures (a summer break listed as holidays)
/// are still skipped correctly.
const MAX_IDLE_DAYS: u32 = 366;

/// How far past a local time that does not exist (a daylight-saving gap) we look for
/// the first one that does.
const MAX_GAP_MINUTES: i64 = 120;

/// Working days and hours in the company's time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    pub time_zone: Tz,
    /// The working days of the week (e.g. Monday to Friday).
    pub days: Vec<Weekday>,
    /// Local opening and closing times; start < end (same day).
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// Local dates that are not worked (public holidays).
    pub holidays: Vec<NaiveDate>,
}

/// How delays are counted: around the clock, or in working time only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Calendar {
    Always,
    Business(BusinessHours),
}

impl Calendar {
    /// The instant when `delay` of counted time has passed since `start`.
    ///
    /// `Always` gives `start + delay`. `Business` counts only time inside working hours:
    /// a start outside them begins counting at the next opening. A zero (or negative)
    /// delay returns `start` unchanged, even outside working hours.
    pub fn add(&self, start: DateTime<Utc>, delay: TimeDelta) -> DateTime<Utc> {
        let delay = delay.max(TimeDelta::zero());
        match self {
            Calendar::Always => start + delay,
            Calendar::Business(hours) => hours.add(start, delay),
        }
    }

    /// Counted time between two instants (zero when `to <= from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        match self {
            Calendar::Always => to - from,
            Calendar::Business(hours) => hours.between(from, to),
        }
    }
}

impl BusinessHours {
    /// Walks the working windows forward from `start` until `delay` (not negative) is
    /// used up.
    fn add(&self, start: DateTime<Utc>, delay: TimeDelta) -> DateTime<Utc> {
        if delay.is_zero() {
            return start;
        }
        let mut remaining = delay;
        let mut idle_days = 0;
        // The day before too, in case its window reaches past local midnight in UTC.
        let mut date = self.local_date(start).pred_opt();
        while let Some(day) = date
            && idle_days < MAX_IDLE_DAYS
        {
            match self.window(day) {
                Some((open, close)) if close > start => {
                    idle_days = 0;
                    let from = open.max(start);
                    if remaining <= close - from {
                        return from + remaining;
                    }
                    remaining -= close - from;
                }
                _ => idle_days += 1,
            }
            date = day.succ_opt();
        }
        start + delay
    }

    /// Sums the overlap of `[from, to)` with the working windows; `from < to`.
    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        let last = self.local_date(to);
        let mut total = TimeDelta::zero();
        let mut date = self.local_date(from).pred_opt();
        while let Some(day) = date
            && day <= last
        {
            if let Some((open, close)) = self.window(day) {
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    total += b - a;
                }
            }
            date = day.succ_opt();
        }
        total
    }

    /// The working window `[opening, closing)` of a local date in UTC, or `None` when
    /// the date is not worked.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.days.contains(&date.weekday()) || self.holidays.contains(&date) {
            return None;
        }
        let open = self.instant(date.and_time(self.start))?;
        let close = self.instant(date.and_time(self.end))?;
        (open < close).then_some((open, close))
    }

    /// The instant of a local time: the earliest one when the clocks go back, the first
    /// valid local time after it when the clocks go forward over it.
    fn instant(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        (0..=MAX_GAP_MINUTES).find_map(|minutes| {
            let shifted = local + TimeDelta::minutes(minutes);
            let instant = self.time_zone.from_local_datetime(&shifted).earliest()?;
            Some(instant.with_timezone(&Utc))
        })
    }

    fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.time_zone).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn paris_hours(holidays: Vec<NaiveDate>) -> Calendar {
        Calendar::Business(BusinessHours {
            time_zone: Paris,
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            holidays,
        })
    }

    /// A Paris local time (which must exist and be unambiguous) as UTC.
    fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn always_adds_plainly() {
        let start = paris(2026, 3, 7, 23, 0); // a Saturday night
        let delay = TimeDelta::hours(30) + TimeDelta::milliseconds(250);
        assert_eq!(Calendar::Always.add(start, delay), start + delay);
        assert_eq!(Calendar::Always.between(start, start + delay), delay);
        assert_eq!(
            Calendar::Always.between(start + delay, start),
            TimeDelta::zero()
        );
    }

    #[test]
    fn start_inside_hours_ends_the_same_day() {
        let start = paris(2026, 3, 10, 10, 0); // Tuesday
        let delay = TimeDelta::minutes(210) + TimeDelta::milliseconds(500);
        let expected = paris(2026, 3, 10, 13, 30) + TimeDelta::milliseconds(500);
        assert_eq!(paris_hours(vec![]).add(start, delay), expected);
    }

    #[test]
    fn delay_crosses_the_evening_and_the_weekend() {
        let friday = paris(2026, 3, 6, 17, 0);
        let monday = paris(2026, 3, 9, 10, 0);
        assert_eq!(paris_hours(vec![]).add(friday, TimeDelta::hours(2)), monday);
    }

    #[test]
    fn start_on_saturday_counts_from_monday_opening() {
        let calendar = paris_hours(vec![]);
        let saturday = paris(2026, 3, 7, 11, 0);
        let ms = TimeDelta::milliseconds(1);
        assert_eq!(calendar.add(saturday, ms), paris(2026, 3, 9, 9, 0) + ms);
        assert_eq!(calendar.add(saturday, TimeDelta::zero()), saturday);
    }

    #[test]
    fn negative_delay_counts_as_zero() {
        let saturday = paris(2026, 3, 7, 11, 0);
        let calendar = paris_hours(vec![]);
        assert_eq!(calendar.add(saturday, TimeDelta::hours(-3)), saturday);
        assert_eq!(
            Calendar::Always.add(saturday, TimeDelta::hours(-3)),
            saturday
        );
    }

    #[test]
    fn holiday_is_skipped() {
        let calendar = paris_hours(vec![date(2026, 5, 1)]); // Friday, Labour Day
        let thursday = paris(2026, 4, 30, 17, 0);
        let monday = paris(2026, 5, 4, 10, 0);
        assert_eq!(calendar.add(thursday, TimeDelta::hours(2)), monday);
        assert_eq!(calendar.between(thursday, monday), TimeDelta::hours(2));
    }

    #[test]
    fn spring_daylight_saving_keeps_the_local_opening() {
        let calendar = paris_hours(vec![]);
        // Friday 27 March 2026 closes at 18:00 CET = 17:00 UTC; the clocks go forward on
        // Sunday 29, so Monday 30 opens at 09:00 CEST = 07:00 UTC.
        let friday_close = utc(2026, 3, 27, 17, 0);
        let ms = TimeDelta::milliseconds(1);
        assert_eq!(calendar.add(friday_close, ms), utc(2026, 3, 30, 7, 0) + ms);
        assert_eq!(
            calendar.add(paris(2026, 3, 27, 17, 0), TimeDelta::hours(2)),
            utc(2026, 3, 30, 8, 0)
        );
    }

    #[test]
    fn nonexistent_and_ambiguous_local_times() {
        let night = Calendar::Business(BusinessHours {
            time_zone: Paris,
            days: vec![Weekday::Sun],
            start: NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
            end: NaiveTime::from_hms_opt(5, 0, 0).unwrap(),
            holidays: vec![],
        });
        // 29 March 2026: 02:30 does not exist, the window opens at 03:00 CEST.
        let (from, to) = (utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 12, 0));
        assert_eq!(night.between(from, to), TimeDelta::hours(2));
        assert_eq!(
            night.add(from, TimeDelta::minutes(1)),
            utc(2026, 3, 29, 1, 1)
        );
        // 25 October 2026: 02:30 happens twice, the window opens at the first (CEST).
        let (from, to) = (utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0));
        assert_eq!(night.between(from, to), TimeDelta::minutes(210));
        assert_eq!(
            night.add(from, TimeDelta::minutes(1)),
            utc(2026, 10, 25, 0, 31)
        );
    }

    #[test]
    fn three_working_days() {
        let calendar = paris_hours(vec![]);
        // Wednesday 14:00: 4 h on Wednesday, 9 on Thursday, 9 on Friday, 5 on Monday.
        let wednesday = paris(2026, 3, 11, 14, 0);
        let monday = paris(2026, 3, 16, 14, 0);
        assert_eq!(calendar.add(wednesday, TimeDelta::hours(27)), monday);
    }

    #[test]
    fn three_weeks_of_working_time() {
        let calendar = paris_hours(vec![]);
        let monday = paris(2026, 3, 2, 9, 0);
        let friday = paris(2026, 3, 20, 18, 0);
        assert_eq!(calendar.add(monday, TimeDelta::hours(15 * 9)), friday);
    }

    #[test]
    fn between_over_a_weekend() {
        let calendar = paris_hours(vec![]);
        let friday = paris(2026, 3, 6, 16, 0);
        let monday = paris(2026, 3, 9, 11, 0);
        assert_eq!(calendar.between(friday, monday), TimeDelta::hours(4));
        assert_eq!(calendar.between(monday, friday), TimeDelta::zero());
        let weekend = (paris(2026, 3, 6, 18, 0), paris(2026, 3, 9, 9, 0));
        assert_eq!(calendar.between(weekend.0, weekend.1), TimeDelta::zero());
    }

    #[test]
    fn between_undoes_add() {
        let calendar = paris_hours(vec![date(2026, 5, 1), date(2026, 5, 8)]);
        let starts = [
            paris(2026, 3, 10, 10, 0) + TimeDelta::milliseconds(123),
            paris(2026, 3, 6, 17, 59),
            paris(2026, 3, 7, 11, 0),
            paris(2026, 3, 27, 18, 0),
            paris(2026, 4, 30, 8, 0),
            paris(2026, 10, 23, 20, 0),
        ];
        let delays = [
            TimeDelta::milliseconds(1),
            TimeDelta::minutes(45),
            TimeDelta::hours(9),
            TimeDelta::hours(27) + TimeDelta::milliseconds(7),
            TimeDelta::weeks(3),
        ];
        for start in starts {
            for delay in delays {
                let end = calendar.add(start, delay);
                assert_eq!(calendar.between(start, end), delay, "{start} + {delay}");
            }
        }
    }

    #[test]
    fn no_working_day_falls_back_to_plain_addition() {
        let calendar = Calendar::Business(BusinessHours {
            time_zone: Paris,
            days: vec![],
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            holidays: vec![],
        });
        let start = paris(2026, 3, 7, 11, 0);
        let delay = TimeDelta::hours(5);
        assert_eq!(calendar.add(start, delay), start + delay);
    }
}
