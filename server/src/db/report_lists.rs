//! Store: the queries that list reports: a device's own, an official's inbox, the public
//! list and its filters, the open ones near a point, those under a warning, and Open311's.
//! Each returns up to the rows asked for; paging and views are the services' business.

use civic_core::model::Status;

use super::reports::{COLUMNS, Stored};
use super::{Conn, DbResult, Value, to_ms};
use crate::params;

/// A page position: the sort key (milliseconds) and id of the last report shown.
pub type After = (i64, String);

/// A device's reports, newest first, after `after`: at most `limit` rows.
pub fn of_device(c: &Conn, device: &str, after: Option<After>, limit: u32) -> DbResult<Vec<Stored>> {
    let (ms, id) = after.unwrap_or((i64::MAX, String::new()));
    let sql = format!(
        "SELECT {COLUMNS} FROM report WHERE device_id = ?1 AND (received_at, id) < (?2, ?3)
         ORDER BY received_at DESC, id DESC LIMIT ?4"
    );
    c.query_all(&sql, params![device, ms, if id.is_empty() { "~".to_owned() } else { id }, limit], Stored::from_row)
}

/// What an official's inbox shows.
pub struct Inbox<'a> {
    /// Every unit's reports (an operator), or only those of `units`.
    pub all_units: bool,
    pub units: &'a [String],
    /// Only this status; by default every open one.
    pub status: Option<Status>,
    pub ward: Option<&'a str>,
}

/// Reports of an inbox, the soonest due first, after `after`: at most `limit` rows.
pub fn inbox(c: &Conn, q: &Inbox, after: Option<After>, limit: u32) -> DbResult<Vec<Stored>> {
    let (ms, id) = after.unwrap_or((i64::MIN, String::new()));
    let sql = format!(
        "SELECT {COLUMNS} FROM report
         WHERE (?1 OR (',' || CAST(?2 AS TEXT) || ',') LIKE ('%,' || unit || ',%'))
           AND (CASE WHEN CAST(?3 AS TEXT) IS NULL THEN status IN ('received','assigned','in_progress','reopened') ELSE status = ?3 END)
           AND (due_at, id) > (?4, ?5)
           AND (CAST(?7 AS TEXT) IS NULL OR ward_code = ?7)
         ORDER BY due_at, id LIMIT ?6"
    );
    c.query_all(&sql, params![q.all_units, q.units.join(","), q.status.map(Status::as_str), ms, id, limit, q.ward], Stored::from_row)
}

/// The public list's filters; none set means every report.
#[derive(Debug, Default, Clone)]
pub struct PublicFilter {
    /// `(min_lon, min_lat, max_lon, max_lat)`
    pub bbox: Option<(f64, f64, f64, f64)>,
    pub category: Option<String>,
    pub ward: Option<String>,
    pub status: Option<Status>,
    /// Received at or after.
    pub from: Option<time::OffsetDateTime>,
    /// Received before.
    pub to: Option<time::OffsetDateTime>,
}

/// Reports matching the filters, newest first, after `after`: at most `limit` rows.
pub fn public(c: &Conn, f: &PublicFilter, after: Option<After>, limit: u32) -> DbResult<Vec<Stored>> {
    let mut sql = format!("SELECT {COLUMNS} FROM report WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if let Some((min_lon, min_lat, max_lon, max_lat)) = f.bbox {
        sql.push_str(" AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?");
        args.extend([min_lon, max_lon, min_lat, max_lat].map(Into::into));
    }
    if let Some(c) = &f.category {
        sql.push_str(" AND category = ?");
        args.push(c.clone().into());
    }
    if let Some(w) = &f.ward {
        sql.push_str(" AND ward_code = ?");
        args.push(w.clone().into());
    }
    if let Some(s) = f.status {
        sql.push_str(" AND status = ?");
        args.push(s.as_str().to_owned().into());
    }
    if let Some(from) = f.from {
        sql.push_str(" AND received_at >= ?");
        args.push(to_ms(from).into());
    }
    if let Some(to) = f.to {
        sql.push_str(" AND received_at < ?");
        args.push(to_ms(to).into());
    }
    if let Some((ms, id)) = after {
        sql.push_str(" AND (received_at, id) < (?, ?)");
        args.push(ms.into());
        args.push(id.into());
    }
    sql.push_str(" ORDER BY received_at DESC, id DESC LIMIT ?");
    args.push(i64::from(limit).into());
    c.query_all(&sql, args, Stored::from_row)
}

/// Open reports of a category inside a box of latitudes and longitudes.
pub fn open_in_box(c: &Conn, category: &str, lat: (f64, f64), lon: (f64, f64)) -> DbResult<Vec<Stored>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM report WHERE category = ?1 AND lat BETWEEN ?2 AND ?3 AND lon BETWEEN ?4 AND ?5
         AND status IN ('received','assigned','in_progress','reopened')"
    );
    c.query_all(&sql, params![category, lat.0, lat.1, lon.0, lon.1], Stored::from_row)
}

/// Reports tagged with a warning, newest first, before `after` (every one of them: whose
/// an official may see is the service's rule).
pub fn tagged(c: &Conn, alert: &str, after: Option<After>) -> DbResult<Vec<Stored>> {
    let (ms, rid) = after.unwrap_or((i64::MAX, "~".to_owned()));
    let sql = format!(
        "SELECT {} FROM report r JOIN report_alert t ON t.report_id = r.id
         WHERE t.alert_id = ?1 AND (r.received_at, r.id) < (?2, ?3)
         ORDER BY r.received_at DESC, r.id DESC",
        COLUMNS.split(", ").map(|col| format!("r.{col}")).collect::<Vec<_>>().join(", ")
    );
    c.query_all(&sql, params![alert, ms, rid], Stored::from_row)
}

/// What Open311's `GET requests` asks for.
pub enum Open311Query {
    /// These public numbers (a list of ids overrides every other filter).
    Numbers(Vec<String>),
    /// Received in this window, of these categories and statuses (none: any).
    Window { start: time::OffsetDateTime, end: time::OffsetDateTime, categories: Option<Vec<String>>, statuses: Option<Vec<Status>> },
}

/// Reports for Open311, newest first: at most `limit`.
pub fn open311(c: &Conn, q: &Open311Query, limit: usize) -> DbResult<Vec<Stored>> {
    let mut sql = format!("SELECT {COLUMNS} FROM report WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    let placeholders = |n: usize| vec!["?"; n].join(",");
    match q {
        Open311Query::Numbers(ids) => {
            sql.push_str(&format!(" AND public_number IN ({})", placeholders(ids.len())));
            args.extend(ids.iter().map(|i| i.clone().into()));
        }
        Open311Query::Window { start, end, categories, statuses } => {
            sql.push_str(" AND received_at >= ? AND received_at <= ?");
            args.extend([to_ms(*start).into(), to_ms(*end).into()]);
            if let Some(categories) = categories {
                sql.push_str(&format!(" AND category IN ({})", placeholders(categories.len())));
                args.extend(categories.iter().map(|c| c.clone().into()));
            }
            if let Some(statuses) = statuses {
                sql.push_str(&format!(" AND status IN ({})", placeholders(statuses.len())));
                args.extend(statuses.iter().map(|s| s.as_str().to_owned().into()));
            }
        }
    }
    sql.push_str(&format!(" ORDER BY received_at DESC, id DESC LIMIT {limit}"));
    c.query_all(&sql, args, Stored::from_row)
}
