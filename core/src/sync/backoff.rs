//! Exponential backoff with full jitter ("AWS Architecture Blog: Exponential Backoff And
//! Jitter"): the wait is uniform in [0, min(cap, base * 2^attempt)], so a city's worth of
//! phones coming back online do not all retry at the same instant.

use std::time::Duration;

use rand::Rng;

/// How retries spread out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_secs(2), cap: Duration::from_secs(15 * 60) }
    }
}

impl Backoff {
    /// The ceiling of the wait after `attempts` failures.
    pub fn ceiling(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.min(30));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// A wait after `attempts` failures; never less than the server's `Retry-After`.
    pub fn wait(&self, attempts: u32, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.ceiling(attempts).as_millis() as u64;
        let jitter = Duration::from_millis(rand::thread_rng().gen_range(0..=ceiling));
        retry_after.map_or(jitter, |r| jitter.max(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_to_the_cap_stay_under_it_and_honour_retry_after() {
        let b = Backoff { base: Duration::from_secs(1), cap: Duration::from_secs(60) };
        assert_eq!(b.ceiling(0), Duration::from_secs(1));
        assert_eq!(b.ceiling(3), Duration::from_secs(8));
        assert_eq!(b.ceiling(40), Duration::from_secs(60));
        let waits: Vec<_> = (0..200).map(|_| b.wait(10, None)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_secs(60)));
        assert!(waits.iter().any(|w| *w < Duration::from_secs(30)), "jitter spreads the waits");
        assert!(b.wait(0, Some(Duration::from_secs(42))) >= Duration::from_secs(42));
    }
}
