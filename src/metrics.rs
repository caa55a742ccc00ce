//! What this process measures for `/metrics`, in the OpenMetrics text format through
//! `prometheus-client`: counters and latency histograms of inbound events, deliveries,
//! HTTP requests and scheduled jobs. They start at zero with the process, as
//! Prometheus counters do. The figures held in the database (tickets, outbox backlog,
//! scheduler lag) are the same for every instance; they are read when the metrics are
//! scraped and given to [`Metrics::render`] as [`Stock`].
//!
//! One `Metrics` belongs to one application (`crate::app::App`): no global recorder,
//! so two applications in one process (tests, benchmarks) count apart.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// What happened to one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DeliveryLabels {
    channel: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ChannelLabels {
    channel: &'static str,
}

/// One HTTP request, by the route that served it (its template, not the path, so
/// ticket references do not make a series each).
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RequestKey {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct PlatformLabels {
    platform: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RuleLabels {
    rule: &'static str,
}

type Latencies<L> = Family<L, Histogram, fn() -> Histogram>;

/// From 1 ms to about 33 s, doubling: a chat event takes milliseconds, a delivery
/// behind a platform's rate limit or a slow SMTP server takes seconds.
fn seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

pub struct Metrics {
    registry: Registry,
    deliveries: Family<DeliveryLabels, Counter>,
    delivery_seconds: Latencies<ChannelLabels>,
    requests: Family<RequestKey, Counter>,
    request_seconds: Latencies<RouteLabels>,
    event_seconds: Latencies<PlatformLabels>,
    job_seconds: Latencies<RuleLabels>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("guichet");
        let deliveries = Family::default();
        registry.register(
            "deliveries",
            "Delivery attempts by channel and outcome, since this process started.",
            deliveries.clone(),
        );
        let delivery_seconds: Latencies<ChannelLabels> = Family::new_with_constructor(seconds);
        registry.register_with_unit(
            "delivery",
            "How long one delivery attempt took, by channel.",
            Unit::Seconds,
            delivery_seconds.clone(),
        );
        let requests = Family::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status, since this process started.",
            requests.clone(),
        );
        let request_seconds: Latencies<RouteLabels> = Family::new_with_constructor(seconds);
        registry.register_with_unit(
            "http_request",
            "How long the web endpoint took to answer, by method and route.",
            Unit::Seconds,
            request_seconds.clone(),
        );
        let event_seconds: Latencies<PlatformLabels> = Family::new_with_constructor(seconds);
        registry.register_with_unit(
            "event_handling",
            "How long the engine took over one inbound chat event, by platform.",
            Unit::Seconds,
            event_seconds.clone(),
        );
        let job_seconds: Latencies<RuleLabels> = Family::new_with_constructor(seconds);
        registry.register_with_unit(
            "job_run",
            "How long one scheduled step took to run, by rule.",
            Unit::Seconds,
            job_seconds.clone(),
        );
        Metrics {
            registry,
            deliveries,
            delivery_seconds,
            requests,
            request_seconds,
            event_seconds,
            job_seconds,
        }
    }
}

/// The figures read from the database when the metrics are scraped.
#[derive(Debug, Clone, Default)]
pub struct Stock {
    /// `(status, team, count)`.
    pub tickets: Vec<(String, String, i64)>,
    pub outbox_pending: u64,
    pub outbox_dead: u64,
    pub setup_problems: u64,
    pub due_jobs: u64,
    pub scheduler_lag: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct TicketLabels {
    status: String,
    team: String,
}

impl Metrics {
    /// One delivery attempt on `channel` (`discord`, `telegram`, `email`).
    pub fn delivery(&self, channel: &'static str, outcome: DeliveryOutcome, took: Duration) {
        self.deliveries
            .get_or_create(&DeliveryLabels {
                channel,
                outcome: outcome.as_str(),
            })
            .inc();
        self.delivery_seconds
            .get_or_create(&ChannelLabels { channel })
            .observe(took.as_secs_f64());
    }

    pub fn request(&self, key: RequestKey, took: Duration) {
        let route = RouteLabels {
            method: key.method.clone(),
            route: key.route.clone(),
        };
        self.requests.get_or_create(&key).inc();
        self.request_seconds
            .get_or_create(&route)
            .observe(took.as_secs_f64());
    }

    /// One inbound chat event handled by the engine.
    pub fn event(&self, platform: &'static str, took: Duration) {
        self.event_seconds
            .get_or_create(&PlatformLabels { platform })
            .observe(took.as_secs_f64());
    }

    /// One scheduled step run, by its rule (`reminder`, `escalation`…).
    pub fn job(&self, rule: &'static str, took: Duration) {
        self.job_seconds
            .get_or_create(&RuleLabels { rule })
            .observe(took.as_secs_f64());
    }

    /// The whole exposition: the database's figures, then this process's.
    pub fn render(&self, stock: &Stock) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode_registry(&mut out, &stock_registry(stock));
        let _ = encode_registry(&mut out, &self.registry);
        let _ = encode_eof(&mut out);
        out
    }
}

/// The database's figures as gauges, in a registry of their own made per scrape.
fn stock_registry(stock: &Stock) -> Registry {
    let mut registry = Registry::with_prefix("guichet");
    let tickets = Family::<TicketLabels, Gauge>::default();
    for (status, team, n) in &stock.tickets {
        tickets
            .get_or_create(&TicketLabels {
                status: status.clone(),
                team: team.clone(),
            })
            .set(*n);
    }
    registry.register("tickets", "Tickets by status and team.", tickets);
    let gauge = |value: u64| {
        let g = Gauge::<i64>::default();
        g.set(i64::try_from(value).unwrap_or(i64::MAX));
        g
    };
    registry.register(
        "outbox_pending",
        "Messages waiting to be delivered.",
        gauge(stock.outbox_pending),
    );
    registry.register(
        "outbox_dead",
        "Messages set aside after failing for good.",
        gauge(stock.outbox_dead),
    );
    registry.register(
        "setup_problems",
        "Setup checks failing now (guichet doctor).",
        gauge(stock.setup_problems),
    );
    registry.register(
        "scheduler_due_jobs",
        "Scheduled steps due now.",
        gauge(stock.due_jobs),
    );
    let lag = Gauge::<f64, AtomicU64>::default();
    lag.set(stock.scheduler_lag.as_secs_f64());
    registry.register_with_unit(
        "scheduler_lag",
        "How late the oldest due step is.",
        Unit::Seconds,
        lag,
    );
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_are_histograms_and_the_text_ends_as_openmetrics_requires() {
        let metrics = Metrics::default();
        metrics.delivery(
            "telegram",
            DeliveryOutcome::Delivered,
            Duration::from_millis(30),
        );
        metrics.event("discord", Duration::from_millis(2));
        metrics.job("reminder", Duration::from_millis(5));
        let text = metrics.render(&Stock {
            tickets: vec![("open".into(), "it".into(), 3)],
            ..Stock::default()
        });
        for line in [
            "guichet_tickets{status=\"open\",team=\"it\"} 3",
            "guichet_deliveries_total{channel=\"telegram\",outcome=\"delivered\"} 1",
            "# TYPE guichet_delivery_seconds histogram",
            "guichet_delivery_seconds_bucket{le=\"0.032\",channel=\"telegram\"} 1",
            "guichet_event_handling_seconds_count{platform=\"discord\"} 1",
            "guichet_job_run_seconds_count{rule=\"reminder\"} 1",
            "guichet_scheduler_lag_seconds 0.0",
        ] {
            assert!(text.contains(line), "{line} missing from:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
