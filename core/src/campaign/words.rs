//! Green Sunday's domain words in Vietnamese and English: phases, spot states, reminders,
//! notices and the summary's lines. The apps show them as they are; screen text (buttons,
//! titles) stays in the platforms' own resources.

use super::{Campaign, Phase, Reminder, ReminderKind, SpotStatus};
use crate::model::Lang;

fn pick(lang: Lang, vi: String, en: String) -> String {
    if lang == Lang::Vi { vi } else { en }
}

impl Phase {
    /// "Sắp diễn ra" / "Upcoming"…
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Phase::Upcoming, Lang::Vi) => "Sắp diễn ra",
            (Phase::Upcoming, Lang::En) => "Upcoming",
            (Phase::Running, Lang::Vi) => "Đang diễn ra",
            (Phase::Running, Lang::En) => "Under way",
            (Phase::Ended, Lang::Vi) => "Đã kết thúc",
            (Phase::Ended, Lang::En) => "Ended",
            (Phase::Cancelled, Lang::Vi) => "Đã huỷ",
            (Phase::Cancelled, Lang::En) => "Called off",
        }
    }
}

impl SpotStatus {
    /// "Chưa dọn" / "Not cleaned yet"…
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (SpotStatus::Reported, Lang::Vi) => "Chưa dọn",
            (SpotStatus::Reported, Lang::En) => "Not cleaned yet",
            (SpotStatus::Claimed, Lang::Vi) => "Đang dọn",
            (SpotStatus::Claimed, Lang::En) => "Being cleaned",
            (SpotStatus::Cleaned, Lang::Vi) => "Đã dọn",
            (SpotStatus::Cleaned, Lang::En) => "Cleaned",
            (SpotStatus::HandedOver, Lang::Vi) => "Đã chuyển thành phản ánh",
            (SpotStatus::HandedOver, Lang::En) => "Handed to the city",
        }
    }
}

impl Reminder {
    /// The notification's title: "Ngày mai: …" / "Tomorrow: …".
    pub fn title(&self, lang: Lang) -> String {
        let name = self.campaign.name.get(lang);
        match self.kind {
            ReminderKind::EveningBefore => pick(lang, format!("Ngày mai: {name}"), format!("Tomorrow: {name}")),
            ReminderKind::HourBefore => pick(lang, format!("1 giờ nữa: {name}"), format!("In an hour: {name}")),
        }
    }

    /// The notification's text: when and where it starts (in the city's time), the team, and
    /// the evening before what to bring.
    pub fn body(&self, lang: Lang, offset: time::UtcOffset) -> String {
        let start = self.campaign.starts_at.to_offset(offset);
        let hhmm = format!("{:02}:{:02}", start.hour(), start.minute());
        let mut body = match self.campaign.meeting_points.first() {
            Some(m) => pick(lang, format!("Bắt đầu lúc {hhmm} tại {}.", m.name), format!("Starts at {hhmm} at {}.", m.name)),
            None => pick(lang, format!("Bắt đầu lúc {hhmm}."), format!("Starts at {hhmm}.")),
        };
        if let Some(team) = &self.team_name {
            body.push_str(&pick(lang, format!(" Đội: {team}."), format!(" Team: {team}.")));
        }
        if self.kind == ReminderKind::EveningBefore {
            body.push_str(&pick(lang, " Nhớ mang găng tay và túi đựng rác.".into(), " Bring gloves and bags.".into()));
        }
        body
    }
}

/// The notice for a campaign the resident joined that was called off: title and text.
pub fn called_off_notice(c: &Campaign, lang: Lang) -> (String, String) {
    let name = c.name.get(lang);
    let title = pick(lang, format!("Đã huỷ: {name}"), format!("Called off: {name}"));
    let body =
        c.cancel_reason.clone().unwrap_or_else(|| pick(lang, "Chiến dịch đã được huỷ.".into(), "The campaign was called off.".into()));
    (title, body)
}

/// Kilograms with one decimal, as each language writes it: "1,5" / "1.5".
pub fn kg_text(kg: f64, lang: Lang) -> String {
    let s = format!("{kg:.1}");
    if lang == Lang::Vi { s.replace('.', ",") } else { s }
}

/// The summary's headline: spots cleaned of those reported, and the weight when weighed.
pub fn summary_headline(cleaned: u32, reported: u32, kg: f64, lang: Lang) -> String {
    if kg > 0.0 {
        let w = kg_text(kg, lang);
        pick(lang, format!("Đã dọn {cleaned}/{reported} điểm · {w} kg"), format!("{cleaned} of {reported} spots cleaned · {w} kg"))
    } else {
        pick(lang, format!("Đã dọn {cleaned}/{reported} điểm"), format!("{cleaned} of {reported} spots cleaned"))
    }
}

/// The resident's part: "Bạn đã báo 3 điểm, 2 điểm đã được dọn."
pub fn my_part(reported: usize, cleaned: usize, lang: Lang) -> String {
    pick(
        lang,
        format!("Bạn đã báo {reported} điểm, {cleaned} điểm đã được dọn."),
        format!("You reported {reported} spots; {cleaned} were cleaned."),
    )
}
