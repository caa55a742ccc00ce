//! The admin web endpoint: health and metrics, the JSON API under `/api/v1`, the
//! dashboard page, and the login that guards them.

pub mod dashboard;
