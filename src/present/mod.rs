//! How the helpdesk shows itself in a chat: the ticket card, the buttons' payloads and
//! the words for statuses and priorities. Pure (values in, words and cards out), so
//! both the engine, which says things, and the dispatcher, which draws a card when it
//! sends it, use it without depending on each other.

pub mod card;
pub mod labels;
pub mod payload;

pub(crate) use payload::Payload;
pub use payload::rating_payloads;
