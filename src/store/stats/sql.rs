//! The statements behind [`summary`](super::summary), each in its two forms: over
//! every team, and over some teams.

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use super::Scope;
use crate::domain::TeamId;
use crate::store::{Conn, Result};

/// What every statement is limited to: the period in epoch milliseconds, and the
/// teams (`None`: every team).
pub(super) struct Filter<'a> {
    pub from: i64,
    pub to: i64,
    pub teams: Option<&'a [TeamId]>,
}

/// One statement in its two forms: over every team (`all`), and over some teams
/// (`head`, the list of team ids, `tail`). The ids are bound after the statement's
/// own `params` parameters, as placeholders numbered here: the only text ever
/// generated.
pub(super) struct Scoped {
    params: usize,
    all: &'static str,
    head: &'static str,
    tail: &'static str,
}

impl Scoped {
    fn sql(&self, teams: Option<&[TeamId]>) -> SqlStr {
        let Some(teams) = teams else {
            return self.all.into_sql_str();
        };
        let list: Vec<String> = (1..=teams.len())
            .map(|k| format!("${}", self.params + k))
            .collect();
        AssertSqlSafe(format!("{}{}{}", self.head, list.join(", "), self.tail)).into_sql_str()
    }

    /// Runs the statement with its own parameters, then the teams'.
    pub(super) async fn fetch(
        &self,
        conn: &mut Conn,
        f: &Filter<'_>,
        params: &[i64],
    ) -> Result<Vec<AnyRow>> {
        debug_assert_eq!(params.len(), self.params);
        let mut query = sqlx::query(self.sql(f.teams));
        for value in params {
            query = query.bind(*value);
        }
        for team in f.teams.unwrap_or_default() {
            query = query.bind(team.0);
        }
        Ok(query.fetch_all(&mut *conn).await?)
    }
}

/// A statement over tickets `t` whose scope is one more condition: `$head` ends in
/// the WHERE clause, `$tail` follows it.
///
/// The condition on the team is written `+t.team_id`: SQLite then does not pick the
/// team's index (it would, without statistics, and read every ticket the team ever
/// had) but the period's, and filters on the team from that index. PostgreSQL reads
/// it as the plain column.
macro_rules! tickets_scoped {
    ($params:literal, $head:expr, $tail:expr $(,)?) => {
        Scoped {
            params: $params,
            all: concat!($head, " ", $tail),
            head: concat!($head, " AND +t.team_id IN ("),
            tail: concat!(") ", $tail),
        }
    };
}

/// The width of the time buckets per-day counts are read in: every time zone in use
/// today is a whole number of quarter hours off UTC, so a bucket never straddles
/// two local days, daylight saving included.
macro_rules! bucket_ms {
    () => {
        900000
    };
}
pub(super) const BUCKET_MS: i64 = bucket_ms!();

/// Tickets created in the period by status, category, priority and team, with the
/// sums the duration means and the SLA rate need.
pub(super) const CREATED: Scoped = tickets_scoped!(
    2,
    "SELECT t.status, t.category_id, t.priority, t.team_id, COUNT(*) AS n, \
     COUNT(t.first_response_at) AS answered, \
     CAST(COALESCE(SUM(t.first_response_at - t.created_at), 0) AS BIGINT) AS answer_ms, \
     COUNT(t.resolved_at) AS resolutions, \
     CAST(COALESCE(SUM(t.resolved_at - t.created_at), 0) AS BIGINT) AS resolution_ms, \
     CAST(SUM(CASE WHEN t.first_response_due_at IS NOT NULL OR t.resolution_due_at IS NOT NULL \
       THEN 1 ELSE 0 END) AS BIGINT) AS with_target, \
     CAST(SUM(CASE WHEN (t.first_response_due_at IS NOT NULL OR t.resolution_due_at IS NOT NULL) \
       AND (t.first_response_breached_at IS NOT NULL OR t.resolution_breached_at IS NOT NULL) \
       THEN 1 ELSE 0 END) AS BIGINT) AS missed \
     FROM tickets t WHERE t.created_at >= $1 AND t.created_at < $2",
    "GROUP BY t.status, t.category_id, t.priority, t.team_id",
);

/// The middle one or two first-response times (`LIMIT $3 OFFSET $4`), in ms.
pub(super) const FIRST_RESPONSE_ORDERED: Scoped = tickets_scoped!(
    4,
    "SELECT t.first_response_at - t.created_at AS d FROM tickets t \
     WHERE t.created_at >= $1 AND t.created_at < $2 AND t.first_response_at IS NOT NULL",
    "ORDER BY d LIMIT $3 OFFSET $4",
);

/// The middle one or two resolution times (`LIMIT $3 OFFSET $4`), in ms.
pub(super) const RESOLUTION_ORDERED: Scoped = tickets_scoped!(
    4,
    "SELECT t.resolved_at - t.created_at AS d FROM tickets t \
     WHERE t.created_at >= $1 AND t.created_at < $2 AND t.resolved_at IS NOT NULL",
    "ORDER BY d LIMIT $3 OFFSET $4",
);

/// Tickets resolved in the period by assignee: how many, how many at first
/// contact, and the stars of their ratings; the names joined once per assignee.
pub(super) const RESOLVED: Scoped = tickets_scoped!(
    2,
    "SELECT a.assignee_id, u.display_name, a.n, a.first_contact, a.rated, a.stars FROM (\
     SELECT t.assignee_id, COUNT(*) AS n, \
     CAST(SUM(CASE WHEN (SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id \
       AND m.internal = 0 AND m.author_id <> t.requester_id) <= 1 THEN 1 ELSE 0 END) AS BIGINT) \
       AS first_contact, \
     COUNT(r.stars) AS rated, CAST(COALESCE(SUM(r.stars), 0) AS BIGINT) AS stars \
     FROM tickets t LEFT JOIN ratings r ON r.ticket_id = t.id \
     WHERE t.resolved_at >= $1 AND t.resolved_at < $2",
    "GROUP BY t.assignee_id) a LEFT JOIN users u ON u.id = a.assignee_id",
);

/// Ratings given in the period, by stars.
pub(super) const RATINGS: Scoped = Scoped {
    params: 2,
    all: "SELECT r.stars, COUNT(*) AS n FROM ratings r \
          WHERE r.created_at >= $1 AND r.created_at < $2 GROUP BY r.stars",
    head: "SELECT r.stars, COUNT(*) AS n FROM ratings r JOIN tickets t ON t.id = r.ticket_id \
           WHERE r.created_at >= $1 AND r.created_at < $2 AND +t.team_id IN (",
    tail: ") GROUP BY r.stars",
};

/// Tickets still to deal with, whenever created, by status. The condition is the
/// one of the `tickets_backlog` partial index, word for word.
pub(super) const BACKLOG: Scoped = tickets_scoped!(
    0,
    "SELECT t.status, COUNT(*) AS n FROM tickets t \
     WHERE t.status IN ('open', 'in_progress', 'waiting_on_user')",
    "GROUP BY t.status",
);

/// Tickets created in the period, by quarter hour.
pub(super) const OPENED_BUCKETS: Scoped = tickets_scoped!(
    2,
    concat!(
        "SELECT t.created_at / ",
        bucket_ms!(),
        " AS b, COUNT(*) AS n FROM tickets t WHERE t.created_at >= $1 AND t.created_at < $2"
    ),
    concat!("GROUP BY t.created_at / ", bucket_ms!()),
);

/// Tickets resolved in the period, by quarter hour.
pub(super) const RESOLVED_BUCKETS: Scoped = tickets_scoped!(
    2,
    concat!(
        "SELECT t.resolved_at / ",
        bucket_ms!(),
        " AS b, COUNT(*) AS n FROM tickets t WHERE t.resolved_at >= $1 AND t.resolved_at < $2"
    ),
    concat!("GROUP BY t.resolved_at / ", bucket_ms!()),
);

/// Points earned in the period, by agent (reversals included); the names joined
/// once per agent.
pub(super) const POINTS: Scoped = Scoped {
    params: 2,
    all: "SELECT p.agent_id, u.display_name, p.points FROM (\
          SELECT l.agent_id, CAST(SUM(l.points) AS BIGINT) AS points FROM points_ledger l \
          WHERE l.at >= $1 AND l.at < $2 GROUP BY l.agent_id) p \
          JOIN users u ON u.id = p.agent_id",
    head: "SELECT p.agent_id, u.display_name, p.points FROM (\
           SELECT l.agent_id, CAST(SUM(l.points) AS BIGINT) AS points FROM points_ledger l \
           JOIN tickets t ON t.id = l.ticket_id \
           WHERE l.at >= $1 AND l.at < $2 AND +t.team_id IN (",
    tail: ") GROUP BY l.agent_id) p JOIN users u ON u.id = p.agent_id",
};

/// A statement [`summary`] runs, as the database receives it: what `EXPLAIN` needs.
#[derive(Debug, Clone)]
pub struct Statement {
    pub name: &'static str,
    pub sql: String,
    /// Its own parameters, all BIGINT (`$1`…), before the scope's team ids.
    pub params: usize,
}

/// Every statement [`summary`] runs, in the form it takes for `scope`.
pub fn statements(scope: &Scope) -> Vec<Statement> {
    let teams = match scope {
        Scope::All => None,
        Scope::Teams(ids) => Some(ids.as_slice()),
    };
    [
        ("created", &CREATED),
        ("first response median", &FIRST_RESPONSE_ORDERED),
        ("resolution median", &RESOLUTION_ORDERED),
        ("resolved", &RESOLVED),
        ("ratings", &RATINGS),
        ("backlog", &BACKLOG),
        ("opened per day", &OPENED_BUCKETS),
        ("resolved per day", &RESOLVED_BUCKETS),
        ("points", &POINTS),
    ]
    .into_iter()
    .map(|(name, s)| Statement {
        name,
        sql: s.sql(teams).as_str().to_owned(),
        params: s.params,
    })
    .collect()
}
