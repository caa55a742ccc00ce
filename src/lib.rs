//! guichet: a helpdesk that lives in Discord and Telegram.
//!
//! The core knows nothing of the chat platforms: [`domain`] holds the vocabulary,
//! [`permissions`] and [`assignment`] the rules, [`store`] the durable state and
//! [`desk`] the operations that combine them in one transaction each.

// First, so that `key!` and `t!` are in scope in every module below.
#[macro_use]
pub mod i18n;

pub mod app;
#[cfg(test)]
mod architecture;
pub mod assignment;
pub mod cli;
pub mod clock;
pub mod config;
pub mod desk;
pub mod doctor;
pub mod domain;
pub mod engine;
pub mod lease;
pub mod mail;
pub mod metrics;
pub mod outbox;
pub mod permissions;
pub mod planning;
pub mod present;
pub mod retry;
pub mod scheduler;
pub mod store;
pub mod text;
pub mod web;
