//! `[points]`: what agents earn, for the leaderboards (`/leaderboard` in chat, the
//! dashboard's ranking).

use serde::Deserialize;

use crate::domain::{Priority, Stars};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsConfig {
    /// For resolving a ticket, by its priority; taken back if it is reopened.
    pub resolved: PointsPerPriority,
    /// For a first answer within the ticket's first-response target.
    pub first_response_in_time: i64,
    /// For a 4-star rating of a ticket one resolved…
    pub rating_4: i64,
    /// …and for a 5-star one.
    pub rating_5: i64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsPerPriority {
    pub p0: i64,
    pub p1: i64,
    pub p2: i64,
    pub p3: i64,
}

impl PointsConfig {
    pub fn for_resolution(&self, priority: Priority) -> i64 {
        let r = &self.resolved;
        match priority {
            Priority::P0 => r.p0,
            Priority::P1 => r.p1,
            Priority::P2 => r.p2,
            Priority::P3 => r.p3,
        }
    }

    /// Points for a rating: none below 4 stars.
    pub fn for_rating(&self, stars: Stars) -> i64 {
        match stars.get() {
            5 => self.rating_5,
            4 => self.rating_4,
            _ => 0,
        }
    }

    /// Every amount, named as in the file, for the start-up checks.
    pub fn amounts(&self) -> [(&'static str, i64); 7] {
        let r = &self.resolved;
        [
            ("points.resolved.p0", r.p0),
            ("points.resolved.p1", r.p1),
            ("points.resolved.p2", r.p2),
            ("points.resolved.p3", r.p3),
            ("points.first_response_in_time", self.first_response_in_time),
            ("points.rating_4", self.rating_4),
            ("points.rating_5", self.rating_5),
        ]
    }
}
