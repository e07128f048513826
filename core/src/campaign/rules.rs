//! What a clean-up campaign is, whoever looks at it: its phases, when its reminders ring, and
//! the distances that make two spot reports one spot and an after-photo valid.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Two spots reported closer than this are one spot: the second report joins the first.
pub const MERGE_RADIUS_M: f64 = 8.0;
/// An after-photo must be taken this close to its spot.
pub const CLEAN_RADIUS_M: f64 = 50.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Upcoming,
    Running,
    Ended,
    /// Called off by the operations centre (`Campaign::cancel_reason` says why).
    Cancelled,
}

impl Phase {
    /// Where a campaign stands at `now`: called off, over (its end passed, or it was closed
    /// early by handing its spots over), under way, or to come. The times may be any ordered
    /// kind (the server compares milliseconds, the phone `OffsetDateTime`s).
    pub fn at<T: Ord>(cancelled: bool, closed: bool, starts_at: T, ends_at: T, now: T) -> Phase {
        if cancelled {
            Phase::Cancelled
        } else if closed || now >= ends_at {
            Phase::Ended
        } else if now >= starts_at {
            Phase::Running
        } else {
            Phase::Upcoming
        }
    }
}

/// When a reminder rings before a joined campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// At 19:00 (the city's time) the evening before.
    EveningBefore,
    /// An hour before the start.
    HourBefore,
}

/// The hour (city time) of the evening-before reminder.
pub const EVENING_REMINDER_HOUR: u8 = 19;

/// The reminders still to ring for a campaign starting at `starts_at`, soonest first.
pub fn reminder_times(starts_at: OffsetDateTime, offset: time::UtcOffset, now: OffsetDateTime) -> Vec<(ReminderKind, OffsetDateTime)> {
    let local_start = starts_at.to_offset(offset);
    let evening = local_start
        .date()
        .previous_day()
        .and_then(|d| time::Time::from_hms(EVENING_REMINDER_HOUR, 0, 0).ok().map(|t| d.with_time(t).assume_offset(offset)));
    let hour = starts_at - time::Duration::hours(1);
    [(ReminderKind::EveningBefore, evening), (ReminderKind::HourBefore, Some(hour))]
        .into_iter()
        .filter_map(|(kind, at)| at.filter(|at| *at > now).map(|at| (kind, at)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_is_to_come_under_way_over_or_called_off() {
        let (starts, ends) = (100, 200);
        assert_eq!(Phase::at(false, false, starts, ends, 50), Phase::Upcoming);
        assert_eq!(Phase::at(false, false, starts, ends, 100), Phase::Running);
        assert_eq!(Phase::at(false, false, starts, ends, 200), Phase::Ended);
        assert_eq!(Phase::at(false, true, starts, ends, 150), Phase::Ended, "closed early: its spots handed over");
        assert_eq!(Phase::at(true, false, starts, ends, 150), Phase::Cancelled);
        assert_eq!(Phase::at(true, true, starts, ends, 250), Phase::Cancelled, "called off stays called off");
    }
}
