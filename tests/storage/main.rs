//! The foundation on both backends: tickets, references, assignment, permissions in
//! queries, messages, audit, ratings, points, people and teams, statistics. Every
//! story runs on SQLite and on PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod assignment;
mod contacts;
mod records;
mod stats;
mod tickets;

use chrono::{TimeDelta, TimeZone, Utc};
use guichet::clock::Clock;
use guichet::desk::{DeskError, UserRef};
use guichet::domain::{
    Identity, NewAttachment, Platform, PointsEntry, Priority, Role, Stars, Status, Visibility,
};
use guichet::permissions::Action;
use guichet::store::audit::Origin;
use guichet::store::tickets::{TicketFilter, Viewer};
use guichet::store::{self};
use support::TestDesk;
