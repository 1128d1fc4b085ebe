//! The tamper-evident record: how a row's content becomes a digest, how entries link
//! into a community's chain, and how a walk of the chain names the first thing wrong.
//! Pure: the store reads rows and entries, this decides.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What the chain covers: the work-order timeline, the money ledger, ballots,
/// corrections of meeting minutes, and changes of roles and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Timeline,
    Ledger,
    Ballots,
    Minutes,
    /// Grants and revocations of roles, and changes of settings (categories, their
    /// handlers, retention periods): `settings_changes`.
    Settings,
}

impl Source {
    pub const ALL: [Self; 5] = [
        Self::Timeline,
        Self::Ledger,
        Self::Ballots,
        Self::Minutes,
        Self::Settings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timeline => "timeline",
            Self::Ledger => "ledger",
            Self::Ballots => "ballots",
            Self::Minutes => "minutes",
            Self::Settings => "settings",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|source| source.as_str() == raw)
    }
}

/// One value of a row, as read from either engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
}

impl Field {
    fn canonical(&self) -> String {
        const NONE: &str = "\u{2205}";
        match self {
            Self::Int(value) => value.map_or_else(|| NONE.to_owned(), |value| value.to_string()),
            Self::Text(value) => value.clone().unwrap_or_else(|| NONE.to_owned()),
            Self::Bool(value) => value.to_string(),
            Self::Time(value) => value.map_or_else(
                || NONE.to_owned(),
                |at| at.to_rfc3339_opts(SecondsFormat::Micros, true),
            ),
        }
    }
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The digest of a row: SHA-256 of its source, id and values, each value written the
/// same way whichever engine it came from, separated by a character no text holds
/// unescaped (its own occurrences are doubled).
pub fn digest(source: Source, row_id: i64, fields: &[Field]) -> String {
    let mut text = format!("{}\u{1f}{row_id}", source.as_str());
    for field in fields {
        text.push('\u{1f}');
        text.push_str(&field.canonical().replace('\u{1f}', "\u{1f}\u{1f}"));
    }
    sha256_hex(&text)
}

/// The hash before a community's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry's hash: it covers the previous hash, so changing, removing or moving any
/// earlier entry changes every later hash.
pub fn link(prev_hash: &str, seq: i64, source: Source, row_id: i64, digest: &str) -> String {
    sha256_hex(&format!(
        "{prev_hash}|{seq}|{}|{row_id}|{digest}",
        source.as_str()
    ))
}

/// An entry of the chain as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub source: Source,
    pub row_id: i64,
    pub digest: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What a walk found wrong, at the first place it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum Finding {
    /// The entry itself was changed, removed or moved: its hash or place does not follow.
    ChainBroken { seq: i64 },
    /// The row the entry seals is there, with other content.
    Edited {
        seq: i64,
        source: Source,
        row_id: i64,
    },
    /// The row the entry seals is gone.
    Deleted {
        seq: i64,
        source: Source,
        row_id: i64,
    },
    /// A row below the sealed mark that the chain never saw.
    Inserted { source: Source, row_id: i64 },
    /// The head published on `day` is not in the chain any more: the chain was rewritten
    /// after it was published, however consistent it now looks.
    AnchorMismatch { day: chrono::NaiveDate, length: i64 },
}

/// Where a walk of a chain stands: the next place expected and the hash before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub next_seq: i64,
    pub prev_hash: String,
}

impl Position {
    pub fn start() -> Self {
        Self {
            next_seq: 0,
            prev_hash: GENESIS.to_owned(),
        }
    }
}

/// Checks entries of one community, in their order, from `position` on — against each
/// other, and each against the digest of its row now (`None`: the row is gone). The
/// first problem, or where the walk got to (so that a long chain is walked a page at a
/// time).
pub fn walk_from<'a>(
    position: Position,
    entries: impl IntoIterator<Item = (&'a Entry, Option<String>)>,
) -> Result<Position, Finding> {
    let Position {
        mut next_seq,
        mut prev_hash,
    } = position;
    for (entry, current) in entries {
        let linked = link(
            &entry.prev_hash,
            entry.seq,
            entry.source,
            entry.row_id,
            &entry.digest,
        );
        if entry.seq != next_seq || entry.prev_hash != prev_hash || entry.hash != linked {
            return Err(Finding::ChainBroken { seq: next_seq });
        }
        match current {
            None => {
                return Err(Finding::Deleted {
                    seq: entry.seq,
                    source: entry.source,
                    row_id: entry.row_id,
                });
            }
            Some(digest) if digest != entry.digest => {
                return Err(Finding::Edited {
                    seq: entry.seq,
                    source: entry.source,
                    row_id: entry.row_id,
                });
            }
            Some(_) => {}
        }
        prev_hash.clone_from(&entry.hash);
        next_seq += 1;
    }
    Ok(Position {
        next_seq,
        prev_hash,
    })
}

/// [`walk_from`] the start of a chain: the first problem, if any.
pub fn walk<'a>(entries: impl IntoIterator<Item = (&'a Entry, Option<String>)>) -> Option<Finding> {
    walk_from(Position::start(), entries).err()
}

#[cfg(test)]
mod tests;
