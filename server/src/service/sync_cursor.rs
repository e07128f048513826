//! Service layer: the sync cursor as devices hold it: an opaque string naming a place in the
//! change log's order (`db::changes::Position`).
//!
//! - `c<seq>`: after change `seq` of transaction 0: every SQLite cursor, and PostgreSQL's
//!   from before schema 12 (which phones may still hold) or still among those changes.
//! - `p<tx>.<seq>`: after change (tx, seq), tx > 0: PostgreSQL's, since schema 12.
//!
//! Phones store and send it back as it came; only this server reads it.

use crate::db::changes::Position;

/// The cursor a position is given as.
pub fn format(p: Position) -> String {
    if p.tx == 0 { format!("c{}", p.seq) } else { format!("p{}.{}", p.tx, p.seq) }
}

/// The position a cursor names; None when it is not one `format` makes.
pub fn parse(cursor: &str) -> Option<Position> {
    let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<i64>().ok()).flatten();
    if let Some(seq) = cursor.strip_prefix('c') {
        return Some(Position { tx: 0, seq: number(seq)? });
    }
    let (tx, seq) = cursor.strip_prefix('p')?.split_once('.')?;
    let p = Position { tx: number(tx)?, seq: number(seq)? };
    (p.tx > 0).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_as_the_position_they_were_made_from() {
        for p in [Position { tx: 0, seq: 0 }, Position { tx: 0, seq: 42 }, Position { tx: 7_301, seq: 0 }, Position { tx: 7_301, seq: 9 }] {
            assert_eq!(parse(&format(p)), Some(p), "{}", format(p));
        }
    }

    #[test]
    fn a_cursor_from_before_transactions_were_named_is_a_sequence_number() {
        // What a phone synced before schema 12 holds, and what SQLite still gives.
        assert_eq!(parse("c1234"), Some(Position { tx: 0, seq: 1234 }));
        assert_eq!(format(Position { tx: 0, seq: 1234 }), "c1234");
        // Every change of a transaction comes after every change written before.
        assert!(parse("c99999").unwrap() < parse("p5.1").unwrap());
    }

    #[test]
    fn anything_else_is_not_a_cursor() {
        for bad in
            ["", "c", "c-1", "c+1", "c1.5", "p", "p5", "p0.3", "p5.", "p.5", "p5.-1", "p5.1.2", "x5.1", "c99999999999999999999", " c1"]
        {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
