//! Store: the reply templates officials pick from.

use civic_core::model::Localized;
use civic_core::protocol::ReplyTemplate;

use super::{Conn, DbResult};
use crate::params;

/// Every template, oldest first.
pub fn list(c: &Conn) -> DbResult<Vec<ReplyTemplate>> {
    c.query_all("SELECT id, title_vi, title_en, text_vi, text_en FROM reply_template ORDER BY id", params![], |r| {
        Ok(ReplyTemplate {
            id: r.get(0)?,
            title: Localized { vi: r.get(1)?, en: r.get(2)? },
            text: Localized { vi: r.get(3)?, en: r.get(4)? },
        })
    })
}

/// Adds a template; its id.
pub fn insert(tx: &Conn, title: &Localized, text: &Localized) -> DbResult<i64> {
    tx.query_row(
        "INSERT INTO reply_template (title_vi, title_en, text_vi, text_en) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![title.vi, title.en, text.vi, text.en],
        |r| r.get(0),
    )
}

/// How many templates there are.
pub fn count(c: &Conn) -> DbResult<i64> {
    c.query_row("SELECT COUNT(*) FROM reply_template", params![], |r| r.get(0))
}
