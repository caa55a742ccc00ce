//! How long a failed delivery waits before the next attempt.

use std::time::Duration;

use rand::Rng;

use crate::config::OutboxConfig;

/// The wait before attempt `attempts + 1`: `first_retry · 2^(attempts−1)`, capped,
/// with "equal jitter" (between half and all of it) so that many failed rows do not
/// come back at once; never shorter than what the platform asked for.
pub fn backoff(config: &OutboxConfig, attempts: u32, retry_after: Option<Duration>) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    let full = config
        .first_retry
        .0
        .saturating_mul(1 << exponent)
        .min(config.max_retry.0);
    let jittered = full / 2 + full.mul_f64(rand::rng().random_range(0.0..0.5));
    jittered.max(retry_after.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HumanDuration;

    fn config() -> OutboxConfig {
        OutboxConfig {
            max_attempts: 10,
            first_retry: HumanDuration(Duration::from_secs(2)),
            max_retry: HumanDuration(Duration::from_secs(600)),
            lease: HumanDuration(Duration::from_secs(120)),
            concurrency: 32,
            instance: String::new(),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        for attempts in 1..=12 {
            let full = Duration::from_secs(2 * (1 << (attempts - 1))).min(Duration::from_secs(600));
            for _ in 0..50 {
                let wait = backoff(&config(), attempts, None);
                assert!(
                    wait >= full / 2 && wait <= full,
                    "attempt {attempts}: {wait:?} vs {full:?}"
                );
            }
        }
    }

    #[test]
    fn the_platforms_retry_after_wins_when_longer() {
        let wait = backoff(&config(), 1, Some(Duration::from_secs(30)));
        assert_eq!(wait, Duration::from_secs(30));
    }
}
