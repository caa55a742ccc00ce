//! The company-local days of a period, and the per-day counts folded into them.

use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use sqlx::Row;

use super::sql::{BUCKET_MS, Filter, OPENED_BUCKETS, RESOLVED_BUCKETS};
use super::{Day, Period, count};
use crate::store::{Conn, Result, StoreError, from_millis};

/// Every company-local day the period overlaps, oldest first.
pub(super) fn local_days(period: Period, tz: Tz) -> Vec<NaiveDate> {
    if period.to <= period.from {
        return Vec::new();
    }
    let first = period.from.with_timezone(&tz).date_naive();
    let last = (period.to - TimeDelta::milliseconds(1))
        .with_timezone(&tz)
        .date_naive();
    first.iter_days().take_while(|d| *d <= last).collect()
}

pub(super) fn zero_days(days: &[NaiveDate]) -> Vec<Day> {
    days.iter()
        .map(|&day| Day {
            day,
            opened: 0,
            resolved: 0,
        })
        .collect()
}

/// Openings and resolutions per quarter hour, added up into the local day each
/// quarter hour falls in.
pub(super) async fn per_day(
    conn: &mut Conn,
    f: &Filter<'_>,
    days: &[NaiveDate],
    tz: Tz,
) -> Result<Vec<Day>> {
    let mut per_day = zero_days(days);
    let Some(first) = days.first() else {
        return Ok(per_day);
    };
    for (statement, resolved) in [(&OPENED_BUCKETS, false), (&RESOLVED_BUCKETS, true)] {
        for row in statement.fetch(conn, f, &[f.from, f.to]).await? {
            let bucket: i64 = row.try_get("b")?;
            let at = from_millis("bucket", bucket * BUCKET_MS)?;
            let index = (at.with_timezone(&tz).date_naive() - *first).num_days();
            let day = usize::try_from(index)
                .ok()
                .and_then(|k| per_day.get_mut(k))
                .ok_or_else(|| {
                    StoreError::Unexpected(format!("bucket {bucket} outside the period"))
                })?;
            let n = count(&row, "n")?;
            if resolved {
                day.resolved += n;
            } else {
                day.opened += n;
            }
        }
    }
    Ok(per_day)
}
