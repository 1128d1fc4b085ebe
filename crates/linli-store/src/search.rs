//! The text index of work orders: each description's terms (linli_domain::search) are
//! kept in `work_orders.search_terms`; SQLite indexes them with FTS5, PostgreSQL with a
//! GIN index over their array. A query asks the index for rows holding all of its terms
//! and confirms the phrase itself on them, so both engines find exactly the same rows.

use crate::db::{Engine, Store};
use crate::error::StoreResult;
use crate::work_orders::{ListOrder, WorkOrderFilter, WorkOrderRow};
use linli_domain::search::query_terms;

/// Rows indexed per transaction when terms are filled in after an upgrade.
const FILL_BATCH: i64 = 2000;

/// The FTS5 query for some terms: each one quoted, all required.
fn fts_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| format!("\"{}\"", term.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What PostgreSQL's GIN index holds for a work order: its terms, and the label of its
/// block of ids (`#` and the id's block number, `id >> BLOCK_BITS`), which no term can
/// equal since terms are letters and digits. Queries name the index by this very
/// expression (migration 0044).
pub(crate) const POSTGRES_INDEXED: &str =
    "(string_to_array(search_terms, ' ') || ('#' || (id >> 12)::text))";

/// Work orders per block of ids in PostgreSQL's text index: 4,096.
const BLOCK_BITS: u32 = 12;

/// The windows of blocks a PostgreSQL search in id order asks in turn before the rest
/// of the history, newest first: growing by half each time, so that a long burst of
/// other reports costs a few probes of the index. A window is never larger than what
/// the word's share says holds twice a page (see `largest_window`): every match in a
/// window is read from the table, so the window where the matches begin again must not
/// hold thousands more than the page needs (a window of 8 blocks after a burst of
/// 65,000 reports held 4,900 matches of 路灯: 440 ms at 64 clients). At most 32 windows,
/// 62 blocks (253,952 ids) in all.
const WINDOW_SIZES: [i64; 10] = [1, 1, 2, 2, 4, 4, 8, 8, 16, 16];
const MOST_WINDOWS: usize = 32;
const WINDOWED_BLOCKS: i64 = 62;

/// The largest window for a word in `share` of the reports and a page of `limit`: the
/// blocks expected to hold twice the page, at least one.
fn largest_window(share: f64, limit: i64) -> i64 {
    let per_block = share * f64::from(1_u32 << BLOCK_BITS);
    if per_block <= 0.0 {
        return WINDOWED_BLOCKS;
    }
    // Bounded above by WINDOWED_BLOCKS before the cast, so it cannot overflow.
    ((2.0 * limit as f64 / per_block)
        .floor()
        .min(WINDOWED_BLOCKS as f64) as i64)
        .max(1)
}

/// A search is read in windows only when PostgreSQL's statistics say its rarest term is
/// in at least one report in a hundred (a block then holds about forty matches, most of
/// a page) and in a thousand reports or more: then reading every match and sorting them
/// costs more than a few probes of the index. Rarer words, and a report number such as
/// 4242号 (whose triples are each in about one report in three hundred, all three
/// together in one in ten thousand), are read at once through the index.
const COMMON_SHARE: f64 = 0.01;
const COMMON_MATCHES: f64 = 1000.0;

/// How long the statistics' element frequencies are used before they are read again.
const FREQUENCIES_KEPT: std::time::Duration = std::time::Duration::from_secs(300);

/// PostgreSQL's statistics of its text index's elements (what `ANALYZE`, or autovacuum,
/// last found): how often each of the most common occurs, and the rows counted.
#[derive(Debug, Default)]
pub(crate) struct TermFrequencies {
    read: std::sync::Mutex<Option<ReadFrequencies>>,
}

#[derive(Debug, Clone)]
struct ReadFrequencies {
    at: std::time::Instant,
    shares: std::sync::Arc<std::collections::HashMap<String, f64>>,
    rows: f64,
}

impl ReadFrequencies {
    /// The share of the rows the rarest of `terms` is in (none for a term too rare to
    /// be among the most common): at most the share holding all of them.
    fn rarest_share(&self, terms: &[String]) -> f64 {
        terms
            .iter()
            .map(|term| self.shares.get(term).copied().unwrap_or(0.0))
            .fold(1.0, f64::min)
    }

    /// Whether a search for `terms` is common enough to read in windows.
    fn is_common(&self, terms: &[String]) -> bool {
        let share = self.rarest_share(terms);
        share >= COMMON_SHARE && share * self.rows >= COMMON_MATCHES
    }
}
/// Which rows a list query over the text index reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Blocks {
    /// Every row.
    #[default]
    All,
    /// The rows of blocks `first..=last` only, which PostgreSQL's index gives by their
    /// labels.
    Within { first: i64, last: i64 },
    /// The rows past a window in the list's order: ids below `bound` (newest first) or
    /// at or above it (oldest first).
    Past { bound: i64 },
}

/// How a list query meets the text index.
///
/// SQLite, asked for a page in id order, walks FTS5's matches in that order (newest
/// first) and looks each up in `work_orders`, stopping at the page's end: a common word
/// costs one page, not every match.
///
/// PostgreSQL's GIN index has no order. Walking the primary key and testing each row
/// costs as many rows as stand between the newest matches and the newest row: after a
/// burst of 55,000 reports of something else, 380 ms for 路灯. Reading every match
/// through the index and sorting them costs all of a common word's matches. So a page in
/// id order asks the index for the matches in windows of blocks of ids, newest first,
/// doubling, each read and sorted on its own, until the page is full (see
/// `Store::search_in_windows`); past the windows the planner chooses as for any query.
///
/// In any other order the index is a condition: `id IN (matches)` on SQLite, the GIN
/// array test on PostgreSQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TextSearch {
    walk: bool,
    blocks: Blocks,
}

/// Whether a search asks the index for something and its page is in id order: what
/// SQLite's walk and PostgreSQL's windows are for.
fn in_id_order(text: &str, order: ListOrder) -> bool {
    !query_terms(text).is_empty() && matches!(order, ListOrder::Newest | ListOrder::Oldest)
}

impl TextSearch {
    pub(crate) fn plan(engine: Engine, text: &str, order: ListOrder, blocks: Blocks) -> Self {
        Self {
            walk: engine == Engine::Sqlite && in_id_order(text, order),
            blocks,
        }
    }

    /// Whether a search could be read in windows of blocks: PostgreSQL, in id order
    /// (and then only if its terms are common; see `Store::search_in_windows`).
    pub(crate) fn may_use_windows(engine: Engine, text: &str, order: ListOrder) -> bool {
        engine == Engine::Postgres && in_id_order(text, order)
    }

    /// The tables the list reads (as `w`).
    pub(crate) fn from(self) -> &'static str {
        if self.walk {
            // CROSS JOIN keeps the index the outer loop: SQLite never reorders it.
            "work_order_search s CROSS JOIN work_orders w ON w.id = s.rowid"
        } else {
            "work_orders w"
        }
    }

    /// The column pages are cut by.
    pub(crate) fn id_column(self) -> &'static str {
        if self.walk { "s.rowid" } else { "w.id" }
    }

    /// The expression pages are ordered by: the id, except within a window, where
    /// `+ 0` keeps the planner from walking the primary key in its order (and testing
    /// every newer row) instead of taking the window's matches from the index.
    pub(crate) fn order_column(self) -> &'static str {
        match self.blocks {
            Blocks::Within { .. } => "(w.id + 0)",
            Blocks::All | Blocks::Past { .. } => self.id_column(),
        }
    }

    /// Adds the conditions of a text search: the index narrows, the phrase decides
    /// (ASCII letters in any case).
    pub(crate) fn push_filter<DB: sqlx::Database>(
        self,
        query: &mut sqlx::QueryBuilder<DB>,
        engine: Engine,
        text: &str,
        order: ListOrder,
    ) where
        for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        let terms = query_terms(text);
        if self.walk {
            query
                .push(" AND work_order_search MATCH ")
                .push_bind(fts_query(&terms));
        } else if !terms.is_empty() {
            match engine {
                Engine::Sqlite => {
                    query
                        .push(" AND id IN (SELECT rowid FROM work_order_search WHERE work_order_search MATCH ")
                        .push_bind(fts_query(&terms))
                        .push(")");
                }
                Engine::Postgres => {
                    query
                        .push(format!(" AND {POSTGRES_INDEXED} @> string_to_array("))
                        .push_bind(terms.join(" "))
                        .push(", ' ')");
                }
            }
        }
        match self.blocks {
            Blocks::All => {}
            Blocks::Within { first, last } => {
                let labels: Vec<String> = (first..=last).map(|block| format!("#{block}")).collect();
                query
                    .push(format!(" AND {POSTGRES_INDEXED} && string_to_array("))
                    .push_bind(labels.join(" "))
                    .push(", ' ')");
            }
            Blocks::Past { bound } => {
                let comparison = if order == ListOrder::Oldest {
                    " AND w.id >= "
                } else {
                    " AND w.id < "
                };
                query.push(comparison).push_bind(bound);
            }
        }
        // The phrase as a plain substring test: a function call rather than LIKE, whose
        // selectivity PostgreSQL's planner guesses far too low for a common word (it then
        // reads every match through the index and sorts them instead of walking the id
        // order to the first page).
        let function = match engine {
            Engine::Sqlite => "instr",
            Engine::Postgres => "strpos",
        };
        query
            .push(format!(" AND {function}(LOWER(description), "))
            .push_bind(text.to_ascii_lowercase())
            .push(") > 0");
    }
}

/// The windows of blocks a search in id order reads, in that order, from the block it
/// starts in, newest (or oldest) first, none larger than `largest` blocks, none below
/// block 0.
pub(crate) fn windows(start: i64, newest_first: bool, largest: i64) -> Vec<(i64, i64)> {
    let mut windows = Vec::new();
    let mut next = start;
    let mut covered = 0;
    while covered < WINDOWED_BLOCKS && windows.len() < MOST_WINDOWS {
        if newest_first && next < 0 {
            break;
        }
        let grown = WINDOW_SIZES
            .get(windows.len())
            .copied()
            .unwrap_or(WINDOW_SIZES[WINDOW_SIZES.len() - 1]);
        let size = grown.min(largest).max(1);
        if newest_first {
            windows.push(((next - size + 1).max(0), next));
            next -= size;
        } else {
            windows.push((next, next + size - 1));
            next += size;
        }
        covered += size;
    }
    windows
}

/// The block an id is in.
pub(crate) fn block_of(id: i64) -> i64 {
    id >> BLOCK_BITS
}

/// The first id of a block.
pub(crate) fn first_id_of(block: i64) -> i64 {
    block << BLOCK_BITS
}

impl Store {
    /// A PostgreSQL text search in id order: the matches of each window of blocks in
    /// turn, then of the rest, until the page is full (see `TextSearch`).
    pub(crate) async fn search_in_windows(
        &self,
        filter: &WorkOrderFilter,
        text: &str,
    ) -> StoreResult<Vec<WorkOrderRow>> {
        let frequencies = self.term_frequencies().await?;
        let terms = query_terms(text);
        if !frequencies.is_common(&terms) {
            // Few matches: read them all through the index and sort them.
            return self.read_list_page(filter, Blocks::All).await;
        }
        let largest = largest_window(frequencies.rarest_share(&terms), filter.limit);
        let newest_first = filter.order != ListOrder::Oldest;
        let start = match filter.after {
            Some(after) if newest_first => block_of(after.id - 1),
            Some(after) => block_of(after.id + 1),
            None => {
                let edge: Option<i64> = on_pool!(&self.db, |pool| {
                    sqlx::query_scalar(if newest_first {
                        "SELECT MAX(id) FROM work_orders"
                    } else {
                        "SELECT MIN(id) FROM work_orders"
                    })
                    .fetch_one(pool)
                    .await
                })?;
                match edge {
                    Some(id) => block_of(id),
                    None => return Ok(Vec::new()),
                }
            }
        };
        // Each window in turn, then the rest of the history past the last one (none
        // below block 0 when newest first).
        let windows = windows(start, newest_first, largest);
        let past = match (windows.last(), newest_first) {
            (Some(&(first, _)), true) => first_id_of(first),
            (Some(&(_, last)), false) => first_id_of(last + 1),
            (None, true) => first_id_of(start + 1),
            (None, false) => first_id_of(start),
        };
        let mut reads: Vec<Blocks> = windows
            .into_iter()
            .map(|(first, last)| Blocks::Within { first, last })
            .collect();
        if !newest_first || past > 0 {
            reads.push(Blocks::Past { bound: past });
        }
        let mut rows: Vec<WorkOrderRow> = Vec::new();
        for blocks in reads {
            let wanted = WorkOrderFilter {
                limit: filter.limit - rows.len() as i64,
                ..filter.clone()
            };
            rows.extend(self.read_list_page(&wanted, blocks).await?);
            if rows.len() as i64 >= filter.limit {
                break;
            }
        }
        Ok(rows)
    }

    /// The statistics' frequencies of the text index's elements, read again once they
    /// are older than `FREQUENCIES_KEPT`. None known (never analysed): every search
    /// counts as rare and is read through the index at once, as PostgreSQL would plan it.
    async fn term_frequencies(&self) -> StoreResult<ReadFrequencies> {
        if let Ok(read) = self.term_frequencies.read.lock()
            && let Some(read) = read.as_ref()
            && read.at.elapsed() < FREQUENCIES_KEPT
        {
            return Ok(read.clone());
        }
        let crate::db::Db::Postgres(pool) = &self.db else {
            return Ok(ReadFrequencies {
                at: std::time::Instant::now(),
                shares: std::sync::Arc::default(),
                rows: 0.0,
            });
        };
        let (elements, shares, rows): (Option<Vec<String>>, Option<Vec<f32>>, f32) = {
            sqlx::query_as(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples
                     FROM pg_class c
                     LEFT JOIN pg_stats s ON s.schemaname = current_schema()
                         AND s.tablename = 'work_orders_search_terms' AND s.attname = 'expr'
                     WHERE c.oid = 'work_orders'::regclass",
            )
            .fetch_one(pool)
            .await?
        };
        // The shares run parallel to the elements (three more figures follow them).
        let shares = elements
            .unwrap_or_default()
            .into_iter()
            .zip(shares.unwrap_or_default().into_iter().map(f64::from))
            .collect();
        let read = ReadFrequencies {
            at: std::time::Instant::now(),
            shares: std::sync::Arc::new(shares),
            rows: f64::from(rows).max(0.0),
        };
        if let Ok(mut kept) = self.term_frequencies.read.lock() {
            *kept = Some(read.clone());
        }
        Ok(read)
    }

    /// Gives every work order written before the text index existed its terms; runs
    /// when the store starts, in batches, and does nothing once all are indexed.
    pub(crate) async fn fill_missing_search_terms(&self) -> StoreResult<u64> {
        let mut filled = 0;
        loop {
            let rows: Vec<(i64, String)> = on_pool!(&self.db, |pool| {
                sqlx::query_as(
                    "SELECT id, description FROM work_orders WHERE search_terms IS NULL ORDER BY id LIMIT $1",
                )
                .bind(FILL_BATCH)
                .fetch_all(pool)
                .await
            })?;
            if rows.is_empty() {
                return Ok(filled);
            }
            let sqlite = self.engine() == Engine::Sqlite;
            on_pool!(&self.db, |pool| {
                let mut tx = pool.begin().await?;
                for (id, description) in &rows {
                    let terms = linli_domain::search::index_text(description);
                    sqlx::query("UPDATE work_orders SET search_terms = $1 WHERE id = $2")
                        .bind(&terms)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    if sqlite {
                        sqlx::query(
                            "INSERT INTO work_order_search (rowid, search_terms) VALUES ($1, $2)",
                        )
                        .bind(id)
                        .bind(&terms)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                tx.commit().await
            })?;
            filled += rows.len() as u64;
            tracing::info!(filled, "indexed the text of earlier work orders");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_grow_from_the_start_and_stop_at_block_zero() {
        assert_eq!(
            windows(100, true, 62),
            [
                (100, 100),
                (99, 99),
                (97, 98),
                (95, 96),
                (91, 94),
                (87, 90),
                (79, 86),
                (71, 78),
                (55, 70),
                (39, 54)
            ]
        );
        assert_eq!(windows(5, true, 62), [(5, 5), (4, 4), (2, 3), (0, 1)]);
        assert_eq!(
            windows(7, false, 62)[..4],
            [(7, 7), (8, 8), (9, 10), (11, 12)]
        );
        assert_eq!(windows(7, false, 62).last(), Some(&(53, 68)));
        // A common word's windows stay small: 32 of at most two blocks.
        let small = windows(100, true, 2);
        assert_eq!(small.len(), 32);
        assert_eq!(small[..4], [(100, 100), (99, 99), (97, 98), (95, 96)]);
        assert_eq!(small.last(), Some(&(39, 40)));
        assert_eq!((block_of(4095), block_of(4096)), (0, 1));
        assert_eq!(first_id_of(block_of(8191) + 1), 8192);
    }

    #[test]
    fn the_largest_window_holds_about_two_pages() {
        // 路灯, in a fifth of the reports: 819 a block, one block is plenty.
        assert_eq!(largest_window(0.2, 50), 1);
        // One report in a hundred: 41 a block, two blocks for twice a page of 50.
        assert_eq!(largest_window(0.01, 50), 2);
        assert_eq!(largest_window(0.01, 200), 9);
        assert_eq!(largest_window(0.0, 50), 62);
        assert_eq!(largest_window(1e-9, i64::MAX), 62);
    }

    #[test]
    fn common_searches_are_those_whose_rarest_term_is_common() {
        let read = |rows: f64| ReadFrequencies {
            at: std::time::Instant::now(),
            shares: std::sync::Arc::new(
                [("路灯", 0.2), ("42号", 0.0106), ("242", 0.0037)]
                    .into_iter()
                    .map(|(term, share)| (term.to_owned(), share))
                    .collect(),
            ),
            rows,
        };
        let terms = |terms: &[&str]| {
            terms
                .iter()
                .map(|term| (*term).to_owned())
                .collect::<Vec<_>>()
        };
        let street = read(1_000_000.0);
        assert_eq!(street.rarest_share(&terms(&["路灯"])), 0.2);
        assert_eq!(street.rarest_share(&terms(&["42号", "路灯"])), 0.0106);
        assert!(street.is_common(&terms(&["路灯"])));
        assert!(street.is_common(&terms(&["42号"])));
        // 4242号: one triple below one in a hundred, one not among the common at all.
        assert!(!street.is_common(&terms(&["424", "242", "42号"])));
        assert!(!street.is_common(&terms(&["242", "42号"])));
        // A small history: every match read at once costs little.
        assert!(!read(2_000.0).is_common(&terms(&["路灯"])));
        assert!(read(5_000.0).is_common(&terms(&["路灯"])));
    }

    #[test]
    fn the_index_expression_labels_blocks_of_the_same_size() {
        assert!(POSTGRES_INDEXED.contains(&format!("(id >> {BLOCK_BITS})")));
        let migration = include_str!("../migrations/postgres/0044_search_blocks.sql");
        let expression = POSTGRES_INDEXED
            .trim_start_matches('(')
            .trim_end_matches(')');
        assert!(
            migration.contains(expression),
            "migration 0044 indexes {expression}"
        );
    }

    #[test]
    fn fts_queries_quote_every_term() {
        let terms = vec!["楼道".to_owned(), "道灯".to_owned()];
        assert_eq!(fts_query(&terms), "\"楼道\" \"道灯\"");
    }
}
