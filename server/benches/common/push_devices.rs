//! The registered devices of the push benches: the same 1,000,000 (or any number) every
//! run, spread over Huế and its region. Shared by `benches/push.rs` (in process) and
//! `examples/seed_push.rs` (a data directory for `bench/push.sh`).

// Each user takes what it needs of this file.
#![allow(dead_code)]

use civic_core::protocol::{PushProvider, PushRegistration};
use civic_core::warning::Severity;
use civic_core::warning::cells::cells_for_place;

/// xorshift64: the same devices every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n).map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char).collect()
    }
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8] = b"0123456789abcdef";

/// RFC 8291's example subscription keys, given by every UnifiedPush device here.
pub const P256DH: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
pub const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

/// The region the devices' places are in: lat 16.0–16.8, lon 107.0–108.0.
pub const REGION: (f64, f64, f64, f64) = (16.0, 107.0, 16.8, 108.0);

/// A place: 60% in and around the city (16.46, 107.59), the rest anywhere in the region.
fn place(rng: &mut Rng) -> (f64, f64, f64) {
    let radius = 200.0 + rng.unit() * 1800.0;
    if rng.below(10) < 6 {
        let spread = |rng: &mut Rng| rng.unit() + rng.unit() - 1.0;
        let lat = (16.46 + spread(rng) * 0.08).clamp(REGION.0, REGION.2);
        let lon = (107.59 + spread(rng) * 0.09).clamp(REGION.1, REGION.3);
        (lat, lon, radius)
    } else {
        (REGION.0 + rng.unit() * (REGION.2 - REGION.0), REGION.1 + rng.unit() * (REGION.3 - REGION.1), radius)
    }
}

/// `n` devices (id, registration): 70% FCM, 25% APNs, 5% UnifiedPush at
/// `{unified_push}/up…` (`None`: those are FCM devices too); 1 place (55%), 2 (30%) or 3
/// (15%); 5% `anywhere`; minimum severities Unknown 40%, Minor 10%, Moderate 25%, Severe
/// 20%, Extreme 5%.
pub fn registrations(n: usize, unified_push: Option<&str>) -> impl Iterator<Item = (String, PushRegistration)> + '_ {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let fcm_token = |rng: &mut Rng| format!("{}:APA91b{}", rng.chars(22, B64), rng.chars(134, B64));
    (0..n).map(move |i| {
        let (provider, token) = match rng.below(100) {
            0..70 => (PushProvider::Fcm, fcm_token(&mut rng)),
            70..95 => (PushProvider::Apns, rng.chars(64, HEX)),
            _ => {
                let path = rng.chars(12, B64);
                match unified_push {
                    Some(base) => (PushProvider::UnifiedPush, format!("{base}/up{path}?up=1")),
                    None => (PushProvider::Fcm, fcm_token(&mut rng)),
                }
            }
        };
        let places = match rng.below(100) {
            0..55 => 1,
            55..85 => 2,
            _ => 3,
        };
        let mut cells = Vec::new();
        for _ in 0..places {
            let (lat, lon, r) = place(&mut rng);
            cells.extend(cells_for_place(lat, lon, r));
        }
        let min_severity = match rng.below(100) {
            0..40 => Severity::Unknown,
            40..50 => Severity::Minor,
            50..75 => Severity::Moderate,
            75..95 => Severity::Severe,
            _ => Severity::Extreme,
        };
        let anywhere = rng.below(100) < 5;
        // A UUID-sized device id, as the server's are.
        let id = format!("{:08x}-0000-7000-8000-{:012x}", i, rng.next() & 0xffff_ffff_ffff);
        let (p256dh, auth) = match provider {
            PushProvider::UnifiedPush => (Some(P256DH.to_owned()), Some(AUTH.to_owned())),
            _ => (None, None),
        };
        (id, PushRegistration { provider, token, cells, anywhere, min_severity, p256dh, auth })
    })
}
