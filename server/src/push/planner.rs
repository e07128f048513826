//! The planner: which devices a warning's cells wake, from an in-memory index by cell.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use civic_core::protocol::{PushProvider, PushRegistration};
use civic_core::warning::cells::{self, CellCover};
use civic_core::warning::{Area, Severity};

use super::{PushMessage, RegistrationError, WebPushKeys, check};

struct Slot {
    device_id: Arc<str>,
    token: Arc<str>,
    keys: Option<Arc<WebPushKeys>>,
    /// Cell keys (`Cell::key`), sorted; empty for an `anywhere` device (it is in no cell list).
    cells: Box<[u32]>,
    provider: PushProvider,
    min_severity: Severity,
    anywhere: bool,
}

/// Which devices to wake for a warning: an in-memory index of push registrations by cell.
///
/// Devices are numbered (slots, reused after removal); each cell lists the numbers of the
/// devices that registered it, and `anywhere` devices sit in their own list. Planning a
/// warning reads only the lists of the warning's cells: about 10 ms per 100,000 devices
/// woken (`benches/push.rs`). Re-registering with the same cells touches no list; moving or removing
/// a device scans the lists of its cells (about 100 µs per cell of 400,000 devices).
///
/// Not synchronised: keep it in a `std::sync::RwLock` (`plan` takes `&self`) and do not hold
/// the lock across the sending.
#[derive(Default)]
pub struct PushPlanner {
    ids: HashMap<Arc<str>, u32>,
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    by_cell: HashMap<u32, Vec<u32>>,
    anywhere: Vec<u32>,
}

impl PushPlanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty planner with room for `devices` (no growing while the stored ones load).
    pub fn with_capacity(devices: usize) -> Self {
        PushPlanner { ids: HashMap::with_capacity(devices), slots: Vec::with_capacity(devices), ..Self::default() }
    }

    /// Adds or replaces a device's registration. A refused registration (see
    /// [`super::check_registration`]) leaves the device's previous one in place.
    pub fn upsert(&mut self, device_id: &str, reg: PushRegistration) -> Result<(), RegistrationError> {
        let (keys, web_push) = check(&reg)?;
        let web_push = web_push.map(Arc::new);
        // The usual re-registration (a new token, the same cells): no list to touch.
        if let Some(&n) = self.ids.get(device_id) {
            if let Some(slot) = self.slots[n as usize].as_mut() {
                if slot.anywhere == reg.anywhere && (reg.anywhere || *slot.cells == *keys) {
                    if *slot.token != *reg.token {
                        slot.token = reg.token.into();
                    }
                    slot.provider = reg.provider;
                    slot.min_severity = reg.min_severity;
                    slot.keys = web_push;
                    return Ok(());
                }
            }
        }
        let (n, device_id) = match self.ids.get_key_value(device_id) {
            Some((id, &n)) => {
                let id = id.clone();
                self.unlink(n);
                (n, id)
            }
            None => {
                let id: Arc<str> = device_id.into();
                let n = match self.free.pop() {
                    Some(n) => n,
                    None => {
                        self.slots.push(None);
                        u32::try_from(self.slots.len() - 1).expect("fewer than 4 billion devices")
                    }
                };
                self.ids.insert(id.clone(), n);
                (n, id)
            }
        };
        let slot = Slot {
            device_id,
            token: reg.token.into(),
            keys: web_push,
            cells: if reg.anywhere { Box::default() } else { keys.into_boxed_slice() },
            provider: reg.provider,
            min_severity: reg.min_severity,
            anywhere: reg.anywhere,
        };
        if slot.anywhere {
            self.anywhere.push(n);
        }
        for key in &slot.cells {
            self.by_cell.entry(*key).or_default().push(n);
        }
        self.slots[n as usize] = Some(slot);
        Ok(())
    }

    /// Forgets a device; whether it was known.
    pub fn remove(&mut self, device_id: &str) -> bool {
        let Some(n) = self.ids.remove(device_id) else { return false };
        self.unlink(n);
        self.slots[n as usize] = None;
        self.free.push(n);
        true
    }

    /// Takes slot `n` out of the cell and anywhere lists.
    fn unlink(&mut self, n: u32) {
        let Some(slot) = self.slots.get(n as usize).and_then(Option::as_ref) else { return };
        if slot.anywhere {
            drop_from(&mut self.anywhere, n);
        }
        for key in &slot.cells {
            if let Some(list) = self.by_cell.get_mut(key) {
                drop_from(list, n);
                if list.is_empty() {
                    self.by_cell.remove(key);
                }
            }
        }
    }

    /// The devices registered.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether this device is registered.
    pub fn contains(&self, device_id: &str) -> bool {
        self.ids.contains_key(device_id)
    }

    /// The wake-ups for a warning: every device with a cell the warning's areas touch (or
    /// every device, for areas wider than `cells::MAX_CELLS`) and every `anywhere` device,
    /// whose `min_severity` the warning reaches; each device once.
    ///
    /// For an Update or a Cancel, pass the areas of the warning as it was and as it is, so
    /// the devices that were woken for it hear of the change.
    pub fn plan(&self, alert_id: &str, areas: &[Area], severity: Severity) -> Vec<PushMessage> {
        let planned = self.plan_devices(alert_id, areas, severity);
        self.messages(&planned, 0..planned.len())
    }

    /// [`PushPlanner::plan`]'s devices, by their number in the index (4 bytes each), for
    /// making the wake-ups a batch at a time with [`PushPlanner::messages`]: a warning for a
    /// million devices never holds a million messages.
    pub fn plan_devices(&self, alert_id: &str, areas: &[Area], severity: Severity) -> Planned {
        let cover = cells::cells_for_areas(areas);
        let most = match &cover {
            CellCover::All => self.ids.len(),
            CellCover::Cells(cells) => {
                self.anywhere.len() + cells.iter().filter_map(|c| self.by_cell.get(&c.key())).map(Vec::len).sum::<usize>()
            }
        };
        let mut slots = Vec::with_capacity(most);
        let reached = |n: u32| self.slots[n as usize].as_ref().is_some_and(|slot| severity >= slot.min_severity);
        match cover {
            CellCover::All => slots.extend((0..self.slots.len() as u32).filter(|&n| reached(n))),
            CellCover::Cells(cells) => {
                slots.extend(self.anywhere.iter().copied().filter(|&n| reached(n)));
                // A device in several of the cells is woken once: `seen` has a bit per slot.
                let mut seen = vec![0u64; self.slots.len().div_ceil(64)];
                for cell in cells {
                    let Some(list) = self.by_cell.get(&cell.key()) else { continue };
                    for &n in list {
                        let (word, bit) = (n as usize / 64, 1u64 << (n % 64));
                        if seen[word] & bit != 0 {
                            continue;
                        }
                        seen[word] |= bit;
                        if reached(n) {
                            slots.push(n);
                        }
                    }
                }
            }
        }
        Planned { alert_id: alert_id.into(), severity, slots }
    }

    /// The wake-ups of the planned devices in `range` (of `0..planned.len()`), as they are
    /// registered now: a device gone since the plan is left out (and one that took its
    /// number since is woken in its place: a wake-up for nothing it ignores).
    pub fn messages(&self, planned: &Planned, range: Range<usize>) -> Vec<PushMessage> {
        let end = range.end.min(planned.slots.len());
        let numbers = &planned.slots[range.start.min(end)..end];
        let slots = numbers.iter().filter_map(|&n| self.slots.get(n as usize).and_then(Option::as_ref));
        slots
            .map(|slot| PushMessage {
                provider: slot.provider,
                token: slot.token.clone(),
                alert_id: planned.alert_id.clone(),
                severity: planned.severity,
                device_id: slot.device_id.clone(),
                keys: slot.keys.clone(),
                ttl_s: None,
            })
            .collect()
    }

    /// Roughly the heap bytes the index holds (capacities, token and id strings; not the
    /// allocator's overhead).
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let arc_str = |s: &Arc<str>| 2 * size_of::<usize>() + s.len();
        let ids = self.ids.capacity() * (size_of::<(Arc<str>, u32)>() + 1);
        let slots = self.slots.capacity() * size_of::<Option<Slot>>()
            + self
                .slots
                .iter()
                .flatten()
                .map(|s| {
                    let keys = s.keys.as_ref().map_or(0, |_| 2 * size_of::<usize>() + size_of::<WebPushKeys>());
                    arc_str(&s.device_id) + arc_str(&s.token) + keys + s.cells.len() * size_of::<u32>()
                })
                .sum::<usize>();
        let lists = self.by_cell.capacity() * (size_of::<(u32, Vec<u32>)>() + 1)
            + self.by_cell.values().map(|l| l.capacity() * size_of::<u32>()).sum::<usize>();
        ids + slots + lists + (self.free.capacity() + self.anywhere.capacity()) * size_of::<u32>()
    }
}

/// The devices a warning wakes, from [`PushPlanner::plan_devices`].
pub struct Planned {
    alert_id: Arc<str>,
    severity: Severity,
    slots: Vec<u32>,
}

impl Planned {
    /// How many devices.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

fn drop_from(list: &mut Vec<u32>, n: u32) {
    if let Some(i) = list.iter().position(|&x| x == n) {
        list.swap_remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::{MAX_CELLS_PER_DEVICE, MAX_TOKEN_BYTES, webpush};
    use civic_core::warning::cells::Cell;
    use civic_core::warning::cells::cells_for_place;

    const CITADEL: (f64, f64) = (16.4698, 107.5786);
    /// Thuận An beach, two cells east of the citadel.
    const THUAN_AN: (f64, f64) = (16.5560, 107.6420);
    /// A Lưới, far to the west.
    const A_LUOI: (f64, f64) = (16.2530, 107.2330);

    fn reg(provider: PushProvider, token: &str, places: &[(f64, f64)], min: Severity) -> PushRegistration {
        PushRegistration {
            provider,
            token: token.into(),
            cells: places.iter().flat_map(|&(lat, lon)| cells_for_place(lat, lon, 500.0)).collect(),
            anywhere: false,
            min_severity: min,
            p256dh: None,
            auth: None,
        }
    }

    /// RFC 8291 Appendix A's receiver.
    const P256DH: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn unified_push(endpoint: &str) -> PushRegistration {
        let mut r = reg(PushProvider::UnifiedPush, endpoint, &[CITADEL], Severity::Unknown);
        (r.p256dh, r.auth) = (Some(P256DH.into()), Some(AUTH.into()));
        r
    }

    fn fcm(token: &str, places: &[(f64, f64)]) -> PushRegistration {
        reg(PushProvider::Fcm, token, places, Severity::Unknown)
    }

    fn circle((lat, lon): (f64, f64), radius_m: f64) -> Area {
        Area::Circle { lat, lon, radius_m }
    }

    fn woken(plan: &[PushMessage]) -> Vec<&str> {
        let mut ids: Vec<&str> = plan.iter().map(|m| &*m.device_id).collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn devices_in_the_alert_cells_are_woken_and_the_others_not() {
        let mut p = PushPlanner::new();
        p.upsert("near", fcm("t-near", &[CITADEL])).unwrap();
        p.upsert("beach", fcm("t-beach", &[THUAN_AN])).unwrap();
        p.upsert("both", fcm("t-both", &[CITADEL, THUAN_AN])).unwrap();
        p.upsert("far", fcm("t-far", &[A_LUOI])).unwrap();
        p.upsert("nowhere", fcm("t-nowhere", &[])).unwrap();

        let plan = p.plan("flood-1", &[circle(CITADEL, 2000.0)], Severity::Severe);
        assert_eq!(woken(&plan), ["both", "near"]);
        let m = plan.iter().find(|m| &*m.device_id == "near").unwrap();
        assert_eq!((m.provider, &*m.token, &*m.alert_id, m.severity), (PushProvider::Fcm, "t-near", "flood-1", Severity::Severe));

        // Two areas, overlapping cells: the device in both is still woken once.
        let plan = p.plan("flood-2", &[circle(CITADEL, 2000.0), circle(THUAN_AN, 2000.0), circle(CITADEL, 500.0)], Severity::Severe);
        assert_eq!(woken(&plan), ["beach", "both", "near"]);

        // An alert without areas wakes nobody but the `anywhere` devices (none here).
        assert!(p.plan("empty", &[], Severity::Extreme).is_empty());
    }

    #[test]
    fn a_plan_made_a_batch_at_a_time_wakes_the_same_devices_and_not_those_gone_since() {
        let mut p = PushPlanner::with_capacity(8);
        for (id, cells) in [("a", &[CITADEL][..]), ("b", &[CITADEL, THUAN_AN]), ("c", &[THUAN_AN]), ("d", &[A_LUOI])] {
            p.upsert(id, fcm(&format!("t-{id}"), cells)).unwrap();
        }
        let areas = [circle(CITADEL, 2000.0), circle(THUAN_AN, 2000.0)];
        let planned = p.plan_devices("flood-1", &areas, Severity::Severe);
        assert_eq!(planned.len(), 3);
        let mut batches = p.messages(&planned, 0..2);
        batches.extend(p.messages(&planned, 2..3));
        assert_eq!(woken(&batches), woken(&p.plan("flood-1", &areas, Severity::Severe)));
        assert!(batches.iter().all(|m| &*m.alert_id == "flood-1" && m.severity == Severity::Severe));
        // A device that left between the batches is not woken; a range past the end is empty.
        assert!(p.remove("b"));
        assert_eq!(woken(&p.messages(&planned, 0..3)), ["a", "c"]);
        assert!(p.messages(&planned, 3..10).is_empty());
    }

    #[test]
    fn anywhere_devices_are_woken_for_every_alert() {
        let mut p = PushPlanner::new();
        p.upsert("near", fcm("t-near", &[CITADEL])).unwrap();
        let mut roaming = fcm("t-roam", &[A_LUOI]);
        roaming.anywhere = true;
        p.upsert("roaming", roaming).unwrap();
        assert_eq!(woken(&p.plan("a", &[circle(CITADEL, 100.0)], Severity::Minor)), ["near", "roaming"]);
        assert_eq!(woken(&p.plan("b", &[circle(THUAN_AN, 100.0)], Severity::Minor)), ["roaming"]);
        assert_eq!(woken(&p.plan("c", &[], Severity::Minor)), ["roaming"]);
        // Once, even where its own cells are hit.
        assert_eq!(woken(&p.plan("d", &[circle(A_LUOI, 100.0)], Severity::Minor)), ["roaming"]);
    }

    #[test]
    fn severity_below_a_device_minimum_does_not_wake_it() {
        let mut p = PushPlanner::new();
        p.upsert("all", reg(PushProvider::Fcm, "t1", &[CITADEL], Severity::Unknown)).unwrap();
        p.upsert("severe", reg(PushProvider::Apns, "abcdef01", &[CITADEL], Severity::Severe)).unwrap();
        let mut extreme = reg(PushProvider::Fcm, "t3", &[], Severity::Extreme);
        extreme.anywhere = true;
        p.upsert("extreme", extreme).unwrap();
        let area = [circle(CITADEL, 1000.0)];
        assert_eq!(woken(&p.plan("a", &area, Severity::Unknown)), ["all"]);
        assert_eq!(woken(&p.plan("a", &area, Severity::Moderate)), ["all"]);
        assert_eq!(woken(&p.plan("a", &area, Severity::Severe)), ["all", "severe"]);
        assert_eq!(woken(&p.plan("a", &area, Severity::Extreme)), ["all", "extreme", "severe"]);
    }

    #[test]
    fn a_country_wide_alert_wakes_every_device_once() {
        let mut p = PushPlanner::new();
        p.upsert("near", fcm("t1", &[CITADEL, THUAN_AN])).unwrap();
        p.upsert("far", fcm("t2", &[A_LUOI])).unwrap();
        p.upsert("nowhere", fcm("t3", &[])).unwrap();
        let mut roaming = fcm("t4", &[]);
        roaming.anywhere = true;
        p.upsert("roaming", roaming).unwrap();
        let vietnam = Area::Polygon { points: vec![(8.5, 102.1), (8.5, 109.5), (23.4, 109.5), (23.4, 102.1), (8.5, 102.1)] };
        assert_eq!(woken(&p.plan("typhoon", &[vietnam], Severity::Extreme)), ["far", "near", "nowhere", "roaming"]);
    }

    #[test]
    fn re_registering_replaces_and_removing_forgets() {
        let mut p = PushPlanner::new();
        p.upsert("a", fcm("old", &[CITADEL])).unwrap();
        p.upsert("b", fcm("tb", &[CITADEL])).unwrap();
        let here = [circle(CITADEL, 500.0)];
        let there = [circle(A_LUOI, 500.0)];
        // Moved to A Lưới with a new token: woken there, not here.
        p.upsert("a", fcm("new", &[A_LUOI])).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(woken(&p.plan("x", &here, Severity::Minor)), ["b"]);
        let plan = p.plan("x", &there, Severity::Minor);
        assert_eq!((woken(&plan), &*plan[0].token), (vec!["a"], "new"));
        // Now anywhere, then back to cells: in exactly one list each time.
        let mut any = fcm("new", &[A_LUOI]);
        any.anywhere = true;
        p.upsert("a", any).unwrap();
        assert_eq!(woken(&p.plan("x", &here, Severity::Minor)), ["a", "b"]);
        p.upsert("a", fcm("new", &[A_LUOI])).unwrap();
        assert_eq!(woken(&p.plan("x", &here, Severity::Minor)), ["b"]);

        // Same cells, new token and minimum: changed in place.
        p.upsert("b", reg(PushProvider::Apns, "beef", &[CITADEL], Severity::Severe)).unwrap();
        let plan = p.plan("x", &here, Severity::Severe);
        assert_eq!((plan.len(), plan[0].provider, &*plan[0].token), (1, PushProvider::Apns, "beef"));
        assert!(p.plan("x", &here, Severity::Moderate).is_empty());

        assert!(p.remove("a"));
        assert!(!p.remove("a"));
        assert!(!p.contains("a") && p.contains("b"));
        assert!(p.plan("x", &there, Severity::Minor).is_empty());
        // The freed slot is reused by the next device, which does not inherit anything.
        p.upsert("c", fcm("tc", &[THUAN_AN])).unwrap();
        assert_eq!(p.slots.len(), 2);
        assert!(p.plan("x", &there, Severity::Minor).is_empty());
        assert_eq!(woken(&p.plan("x", &[circle(THUAN_AN, 10.0)], Severity::Minor)), ["c"]);
        assert!(p.remove("b") && p.remove("c"));
        assert!(p.is_empty() && p.by_cell.is_empty() && p.anywhere.is_empty());
    }

    #[test]
    fn junk_registrations_are_refused_and_leave_the_previous_one() {
        let mut p = PushPlanner::new();
        p.upsert("a", fcm("good", &[CITADEL])).unwrap();
        let bad = |f: &dyn Fn(&mut PushRegistration)| {
            let mut r = fcm("token", &[CITADEL]);
            f(&mut r);
            r
        };
        let cases: Vec<(PushRegistration, RegistrationError)> = vec![
            (bad(&|r| r.token.clear()), RegistrationError::EmptyToken),
            (bad(&|r| r.token = "x".repeat(MAX_TOKEN_BYTES + 1)), RegistrationError::TokenTooLong),
            (bad(&|r| r.token = "has space".into()), RegistrationError::BadToken),
            (bad(&|r| r.token = "tô".into()), RegistrationError::BadToken),
            (bad(&|r| r.token = "line\nbreak".into()), RegistrationError::BadToken),
            (bad(&|r| (r.provider, r.token) = (PushProvider::Apns, "../../x".into())), RegistrationError::BadToken),
            (bad(&|r| (r.provider, r.token) = (PushProvider::UnifiedPush, "not a url".into())), RegistrationError::BadToken),
            (bad(&|r| (r.provider, r.token) = (PushProvider::UnifiedPush, "file:///etc/passwd".into())), RegistrationError::BadToken),
            (bad(&|r| r.cells.push("c:999:0".into())), RegistrationError::BadCell("c:999:0".into())),
            (bad(&|r| r.cells.push("16.4,107.5".into())), RegistrationError::BadCell("16.4,107.5".into())),
            (bad(&|r| r.cells = vec!["c:164:1075".into(); MAX_CELLS_PER_DEVICE + 1]), RegistrationError::TooManyCells),
            // UnifiedPush without its Web Push keys, or with keys that cannot be.
            (
                bad(&|r| (r.provider, r.token) = (PushProvider::UnifiedPush, "https://ntfy.example/up".into())),
                RegistrationError::MissingKeys,
            ),
            (bad(&|r| *r = PushRegistration { auth: None, ..unified_push("https://ntfy.example/up") }), RegistrationError::MissingKeys),
            (bad(&|r| *r = PushRegistration { p256dh: None, ..unified_push("https://ntfy.example/up") }), RegistrationError::MissingKeys),
            (
                bad(&|r| *r = PushRegistration { p256dh: Some(AUTH.into()), ..unified_push("https://ntfy.example/up") }),
                RegistrationError::BadKeys(webpush::KeyError::BadP256dh),
            ),
            (
                bad(&|r| *r = PushRegistration { auth: Some(P256DH.into()), ..unified_push("https://ntfy.example/up") }),
                RegistrationError::BadKeys(webpush::KeyError::BadAuth),
            ),
            // Keys given to another provider are checked too, and go in pairs.
            (bad(&|r| r.auth = Some(AUTH.into())), RegistrationError::MissingKeys),
            (
                bad(&|r| (r.p256dh, r.auth) = (Some("x".into()), Some(AUTH.into()))),
                RegistrationError::BadKeys(webpush::KeyError::BadP256dh),
            ),
        ];
        for (r, expected) in cases {
            assert_eq!(p.upsert("a", r.clone()), Err(expected), "{r:?}");
        }
        let plan = p.plan("x", &[circle(CITADEL, 10.0)], Severity::Minor);
        assert_eq!(plan.iter().map(|m| &*m.token).collect::<Vec<_>>(), ["good"]);
        // Duplicated cells are kept once.
        p.upsert("a", PushRegistration { cells: vec!["c:164:1075".into(); 3], ..fcm("good", &[]) }).unwrap();
        assert_eq!(p.by_cell[&Cell::new(164, 1075).unwrap().key()], [0]);
        assert_eq!(p.upsert("up", unified_push("https://ntfy.example/upAbC?up=1")), Ok(()));
        assert!(p.approx_bytes() > 0);
        // The keys reach the wake-up; FCM's has none.
        let plan = p.plan("x", &[circle(CITADEL, 10.0)], Severity::Minor);
        let up = plan.iter().find(|m| &*m.device_id == "up").unwrap();
        assert_eq!(up.keys.as_deref(), Some(&WebPushKeys::from_base64url(P256DH, AUTH).unwrap()));
        assert!(plan.iter().find(|m| &*m.device_id == "a").unwrap().keys.is_none());
    }
}
