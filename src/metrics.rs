//! Counters this process keeps for `/metrics`: deliveries by channel and HTTP
//! requests. They start at zero with the process, as Prometheus counters do; the
//! figures held in the database (tickets, outbox backlog, scheduler lag) are read
//! when the metrics are scraped.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// What happened to one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeliveryOutcome {
    Delivered,
    /// Failed, to be tried again.
    Retried,
    /// Failed for good: a dead letter.
    Dead,
}

impl DeliveryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Retried => "retried",
            DeliveryOutcome::Dead => "dead",
        }
    }
}

/// One HTTP request, by the route that served it (its template, not the path, so
/// ticket references do not make a series each).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RequestKey {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Default)]
pub struct Metrics {
    deliveries: Mutex<BTreeMap<(&'static str, DeliveryOutcome), u64>>,
    requests: Mutex<BTreeMap<RequestKey, u64>>,
}

impl Metrics {
    pub fn delivery(&self, channel: &'static str, outcome: DeliveryOutcome) {
        let mut map = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry((channel, outcome)).or_default() += 1;
    }

    pub fn request(&self, key: RequestKey) {
        let mut map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry(key).or_default() += 1;
    }

    /// `((channel, outcome), count)`, sorted.
    pub fn deliveries(&self) -> Vec<((&'static str, DeliveryOutcome), u64)> {
        let map = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        map.iter().map(|(k, v)| (*k, *v)).collect()
    }

    pub fn requests(&self) -> Vec<(RequestKey, u64)> {
        let map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        map.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }
}
