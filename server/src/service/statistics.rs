//! Service layer: the transparency figures: per category, per unit and per ward or commune,
//! how many reports were received, resolved, are open and overdue, how long resolving took
//! and how satisfied citizens were.

use civic_core::protocol::{Figures, Transparency};

use super::{AppState, ServiceResult};
use crate::db::stats::{self, StatRow};
use crate::db::to_ms;

/// The figures as they stand now.
pub async fn transparency(st: &AppState) -> ServiceResult<Transparency> {
    let now = to_ms(st.now());
    let rows = st.db.read(stats::rows).await?;
    let placed: Vec<StatRow> = rows.iter().filter(|r| !r.ward.is_empty()).cloned().collect();
    Ok(Transparency {
        by_category: figures(&rows, |r| &r.category, now),
        by_unit: figures(&rows, |r| &r.unit, now),
        by_ward: figures(&placed, |r| &r.ward, now),
    })
}

fn figures(rows: &[StatRow], key: impl Fn(&StatRow) -> &String, now: i64) -> Vec<Figures> {
    let mut groups: std::collections::BTreeMap<&String, Vec<&StatRow>> = Default::default();
    for r in rows {
        groups.entry(key(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(k, rs)| {
            let resolved: Vec<f64> = rs
                .iter()
                .filter(|r| r.status == "resolved")
                .filter_map(|r| r.outcome.map(|o| (o - r.received) as f64 / 3_600_000.0))
                .collect();
            let open: Vec<&&StatRow> = rs.iter().filter(|r| r.outcome.is_none()).collect();
            let stars: Vec<f64> = rs.iter().filter_map(|r| r.stars.map(f64::from)).collect();
            Figures {
                key: k.clone(),
                received: rs.len() as u64,
                resolved: resolved.len() as u64,
                open: open.len() as u64,
                overdue: open.iter().filter(|r| r.due < now).count() as u64,
                median_hours_to_resolve: percentile(&resolved, 0.5),
                p90_hours_to_resolve: percentile(&resolved, 0.9),
                satisfaction: (!stars.is_empty()).then(|| stars.iter().sum::<f64>() / stars.len() as f64),
                ratings: stars.len() as u64,
            }
        })
        .collect()
}

/// The `p` quantile by the nearest-rank method.
fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v = [5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(&v, 0.5), Some(3.0));
        assert_eq!(percentile(&v, 0.9), Some(5.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
