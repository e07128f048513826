//! Layer: the desks, the phone's offline-first clients for what a person does beyond
//! reporting: a resident at a clean-up ([`CampaignDesk`]) and an official answering reports
//! ([`OfficialDesk`]). Each keeps actions on the phone first (`store`) and sends them, in
//! order, through its own client over the network layer (`net`): [`CampaignClient`] as this
//! device, [`OfficialClient`] as a signed-in official. Sync calls the campaign desk with
//! every round; nothing here calls sync.

mod campaign;
mod campaign_client;
mod official;

pub use campaign::*;
pub use campaign_client::CampaignClient;
pub use official::*;
