//! The one clock every rule that depends on time reads: a warning's expiry and quiet hours,
//! a campaign's phase and reminders, the sync's back-off, a session's end, the reopen
//! window. Production reads the system's clock; a test places itself before, during and
//! after a moment by giving a [`TestClock`] and moving it.

use std::sync::{Arc, Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

/// What reads the time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// A clock shared by everything of one device or one server.
pub type SharedClock = Arc<dyn Clock>;

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The system's clock, shared.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// Now to the millisecond (what the stores keep), so a time written and read back is equal.
pub fn to_millisecond(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(t)
}

/// A clock a test moves: the system's time shifted by an offset (so it still runs, as
/// timeouts and back-offs expect), or stopped at one instant.
#[derive(Debug)]
pub struct TestClock {
    state: Mutex<TestTime>,
}

#[derive(Debug, Clone, Copy)]
enum TestTime {
    Shifted(Duration),
    Stopped(OffsetDateTime),
}

impl TestClock {
    /// The system's time, shifted by `offset` (zero: the system's time until moved).
    pub fn shifted(offset: Duration) -> Arc<Self> {
        Arc::new(TestClock { state: Mutex::new(TestTime::Shifted(offset)) })
    }

    /// Stopped at `at` until moved.
    pub fn stopped(at: OffsetDateTime) -> Arc<Self> {
        Arc::new(TestClock { state: Mutex::new(TestTime::Stopped(at)) })
    }

    /// Moves the clock on (or back, with a negative duration); a running clock keeps running.
    pub fn advance(&self, by: Duration) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        *state = match *state {
            TestTime::Shifted(offset) => TestTime::Shifted(offset + by),
            TestTime::Stopped(at) => TestTime::Stopped(at + by),
        };
    }

    /// Sets the time to `at`; a running clock runs on from there.
    pub fn set(&self, at: OffsetDateTime) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        *state = match *state {
            TestTime::Shifted(_) => TestTime::Shifted(at - OffsetDateTime::now_utc()),
            TestTime::Stopped(_) => TestTime::Stopped(at),
        };
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        match *self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            TestTime::Shifted(offset) => OffsetDateTime::now_utc() + offset,
            TestTime::Stopped(at) => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_clock_moves_where_it_is_told() {
        let start = OffsetDateTime::now_utc();
        let running = TestClock::shifted(Duration::days(400));
        assert!(running.now() - start >= Duration::days(400));
        running.advance(Duration::hours(-2));
        let t = running.now() - start;
        assert!(t >= Duration::days(400) - Duration::hours(2) && t < Duration::days(400), "{t}");

        let at = time::macros::datetime!(2031-01-01 00:05 +07:00);
        let stopped = TestClock::stopped(at);
        assert_eq!(stopped.now(), at);
        stopped.advance(Duration::minutes(10));
        assert_eq!(stopped.now(), at + Duration::minutes(10));
        running.set(at);
        assert!((running.now() - at).abs() < Duration::minutes(1));
    }

    #[test]
    fn milliseconds_round_trip() {
        let t = time::macros::datetime!(2030-05-01 01:02:03.456789 UTC);
        assert_eq!(to_millisecond(t), time::macros::datetime!(2030-05-01 01:02:03.456 UTC));
    }
}
