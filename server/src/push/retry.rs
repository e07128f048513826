//! When to try a message again: capped, jittered exponential back-off that honours the
//! service's `Retry-After`, until the warning's deadline or the attempts run out.
//!
//! Time comes from the server's clock and waiting from a [`Sleeper`], both injectable, so a
//! test can move a test clock on instead of waiting minutes.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use civic_core::clock::SharedClock;
use rand::Rng;
use time::OffsetDateTime;

/// What waits between attempts.
pub trait Sleeper: Send + Sync {
    /// A future that is ready after `d` (by whatever time this sleeper keeps).
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
}

/// Waits on tokio's timer: the real thing.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// How a gateway retries what failed for now (429, 5xx, a timeout, a refused connection).
#[derive(Clone)]
pub struct RetryPolicy {
    /// The first wait; each next one doubles, up to `max_delay`, and is then jittered down
    /// to between half and all of it.
    pub base: Duration,
    /// The longest wait the back-off picks (a longer `Retry-After` is still honoured).
    pub max_delay: Duration,
    /// Attempts per message, the first included.
    pub max_attempts: u32,
    /// How long to keep trying a message whose warning gives no expiry.
    pub window: Duration,
    /// What "now" is (deadlines, `Retry-After` dates, credentials' ages).
    pub clock: SharedClock,
    /// What waits.
    pub sleeper: Arc<dyn Sleeper>,
}

impl Default for RetryPolicy {
    /// Half a second, doubling up to a minute, six attempts, an hour without an expiry; the
    /// system's clock and tokio's timer.
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_attempts: 6,
            window: Duration::from_secs(3600),
            clock: civic_core::clock::system(),
            sleeper: Arc::new(TokioSleeper),
        }
    }
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("base", &self.base)
            .field("max_delay", &self.max_delay)
            .field("max_attempts", &self.max_attempts)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// The same policy reading this clock.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The deadline of a batch: the warning's expiry, or `window` from now without one.
    pub fn deadline(&self, expires: Option<OffsetDateTime>) -> OffsetDateTime {
        expires.unwrap_or_else(|| self.now() + self.window)
    }

    /// The wait before attempt `attempt + 1` (`attempt` ≥ 1 attempts made): the back-off,
    /// jittered, or the service's `Retry-After` if that is longer.
    pub fn wait(&self, attempt: u32, retry_after: Option<RetryAfter>) -> Duration {
        let doubled = self.base.saturating_mul(1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX));
        let capped = doubled.min(self.max_delay);
        let jittered = if capped.is_zero() { capped } else { rand::thread_rng().gen_range(capped / 2..=capped) };
        let asked = retry_after.map_or(Duration::ZERO, |r| r.wait_from(self.now()));
        jittered.max(asked)
    }

    /// Waits `d`.
    pub async fn sleep(&self, d: Duration) {
        self.sleeper.sleep(d).await;
    }
}

/// A `Retry-After` header: a number of seconds, or an HTTP date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    At(OffsetDateTime),
}

impl RetryAfter {
    /// Reads the header's value; None for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(RetryAfter::Seconds(seconds));
        }
        let at = httpdate::parse_http_date(value).ok()?;
        Some(RetryAfter::At(OffsetDateTime::from(at)))
    }

    /// How long from `now` it asks to wait (zero for a date already past).
    pub fn wait_from(self, now: OffsetDateTime) -> Duration {
        match self {
            RetryAfter::Seconds(s) => Duration::from_secs(s),
            RetryAfter::At(at) => Duration::try_from(at - now).unwrap_or(Duration::ZERO),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use civic_core::clock::TestClock;
    use time::macros::datetime;

    fn policy(clock: SharedClock) -> RetryPolicy {
        RetryPolicy { base: Duration::from_secs(1), max_delay: Duration::from_secs(30), ..RetryPolicy::default() }.with_clock(clock)
    }

    #[test]
    fn the_back_off_doubles_up_to_its_cap_with_jitter_below_it() {
        let p = policy(TestClock::stopped(datetime!(2026-10-20 03:00 UTC)));
        for _ in 0..50 {
            let first = p.wait(1, None);
            assert!((Duration::from_millis(500)..=Duration::from_secs(1)).contains(&first), "{first:?}");
            let third = p.wait(3, None);
            assert!((Duration::from_secs(2)..=Duration::from_secs(4)).contains(&third), "{third:?}");
            let late = p.wait(40, None);
            assert!((Duration::from_secs(15)..=Duration::from_secs(30)).contains(&late), "{late:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_as_seconds_or_a_date() {
        let now = datetime!(2015-10-21 07:28:00 UTC);
        let p = policy(TestClock::stopped(now));
        assert_eq!(RetryAfter::parse(" 120 "), Some(RetryAfter::Seconds(120)));
        assert_eq!(p.wait(1, RetryAfter::parse("120")), Duration::from_secs(120));
        let date = RetryAfter::parse("Wed, 21 Oct 2015 07:29:00 GMT").unwrap();
        assert_eq!(date, RetryAfter::At(datetime!(2015-10-21 07:29:00 UTC)));
        assert_eq!(p.wait(1, Some(date)), Duration::from_secs(60));
        // A date past, or a short one: the back-off's own wait.
        assert!(p.wait(1, RetryAfter::parse("Wed, 21 Oct 2015 07:00:00 GMT")) <= Duration::from_secs(1));
        assert_eq!(RetryAfter::parse("soon"), None);
        assert_eq!(RetryAfter::parse("-5"), None);
    }

    #[test]
    fn the_deadline_is_the_expiry_or_the_window() {
        let now = datetime!(2026-10-20 03:00 UTC);
        let p = policy(TestClock::stopped(now));
        assert_eq!(p.deadline(None), now + Duration::from_secs(3600));
        assert_eq!(p.deadline(Some(now + Duration::from_secs(60))), now + Duration::from_secs(60));
    }
}
