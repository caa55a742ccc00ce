//! `/leaderboard [week|month]`: the agents' points since the start of the company's
//! week (Monday) or month, from the ledger. For staff; answered privately.

use chrono::{Datelike, NaiveDate, TimeDelta};
use guichet_chat::Interaction;

use super::{Ctx, Result};
use crate::i18n::arg;
use crate::store;

/// How many agents the board shows.
const SHOWN: u32 = 10;

/// The period the board counts: `/classement [semaine|mois]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Span {
    Week,
    Month,
}

impl Span {
    pub(super) fn parse(args: &str) -> Option<Span> {
        match args.trim().to_lowercase().as_str() {
            "" | "semaine" | "week" => Some(Span::Week),
            "mois" | "month" => Some(Span::Month),
            _ => None,
        }
    }

    /// The first day of the span that holds `today`.
    fn start(self, today: NaiveDate) -> NaiveDate {
        match self {
            Span::Week => {
                today - TimeDelta::days(i64::from(today.weekday().num_days_from_monday()))
            }
            Span::Month => today.with_day(1).unwrap_or(today),
        }
    }
}

/// The board, for the one who asked only: in answer to their interaction, or
/// privately.
pub(super) async fn show(
    cx: &mut Ctx<'_>,
    span: Span,
    interaction: Option<&Interaction>,
) -> Result<()> {
    let (engine, who) = (cx.engine, cx.who);
    let language = who.language();
    let desk = engine.desk();
    let tz = desk.time_zone();
    let first_day = span.start(desk.now().with_timezone(&tz).date_naive());
    let since = first_day
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(tz).earliest())
        .map_or_else(|| desk.now(), |t| t.to_utc());
    let board = store::points::leaderboard(cx.conn, since, SHOWN).await?;
    let key = match span {
        Span::Week => key!("leaderboard-week"),
        Span::Month => key!("leaderboard-month"),
    };
    let mut text = engine.t(
        language,
        key,
        &[arg(
            "since",
            match language {
                crate::domain::Language::Fr => first_day.format("%d/%m/%Y").to_string(),
                crate::domain::Language::En => first_day.format("%Y-%m-%d").to_string(),
            },
        )],
    );
    if board.is_empty() {
        text.push('\n');
        text.push_str(&t!(engine, language, "leaderboard-empty"));
    }
    for (rank, row) in board.iter().enumerate() {
        let medal = ["🥇", "🥈", "🥉"].get(rank).copied().unwrap_or("▫️");
        text.push('\n');
        text.push_str(&t!(
            engine,
            language,
            "leaderboard-line",
            medal = medal,
            rank = rank + 1,
            name = row.name.clone(),
            points = row.points
        ));
    }
    if who.actor.role.is_staff() && !board.iter().any(|r| r.agent == who.user.id) {
        let mine = store::points::total_since(cx.conn, who.user.id, since).await?;
        text.push('\n');
        text.push_str(&t!(engine, language, "leaderboard-yours", points = mine));
    }
    match interaction {
        Some(_) => cx.answer(interaction, text).await,
        // In a ticket's thread or a staff room, the board is for the one who asked.
        None => cx.tell(text, Vec::new(), None).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let sunday = NaiveDate::from_ymd_opt(2025, 3, 23).unwrap();
        assert_eq!(
            Span::Week.start(sunday),
            NaiveDate::from_ymd_opt(2025, 3, 17).unwrap()
        );
        let monday = NaiveDate::from_ymd_opt(2025, 3, 17).unwrap();
        assert_eq!(Span::Week.start(monday), monday);
        assert_eq!(
            Span::Month.start(sunday),
            NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()
        );
        assert_eq!(Span::parse("MOIS"), Some(Span::Month));
        assert_eq!(Span::parse(""), Some(Span::Week));
        assert_eq!(Span::parse("year"), None);
    }
}
