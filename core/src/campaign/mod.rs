//! Green Sunday ("Ngày Chủ nhật xanh"): clean-up campaigns. The operations centre announces
//! one (when, where, which categories count, a goal); residents join, alone or with a team;
//! during the morning they report litter spots with a photo and one tap, teams claim spots
//! and clean them with an after-photo taken at the spot; afterwards every spot left is
//! turned into an ordinary report for the sanitation unit.
//!
//! `rules` holds what a campaign is (its phases, the reminders, the distances that merge and
//! check spots); `wire` the types the server and the phone share (`/api/v1/campaigns…`);
//! `local` what the phone keeps of its own; `words` the domain's words in vi/en. The phone's side of a clean-up (the desk that
//! queues and sends) is `crate::desk::CampaignDesk`, a layer above.

mod local;
mod rules;
mod wire;
mod words;

pub use local::*;
pub use rules::*;
pub use wire::*;
pub use words::*;
