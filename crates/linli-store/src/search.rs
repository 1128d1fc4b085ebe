//! The text index of work orders: each description's terms (linli_domain::search) are
//! kept in `work_orders.search_terms`; SQLite indexes them with FTS5, PostgreSQL with a
//! GIN index over their array. A query asks the index for rows holding all of its terms
//! and confirms the phrase itself on them, so both engines find exactly the same rows.

use crate::db::{Engine, Store};
use crate::error::StoreResult;
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

/// How a list query meets the text index. SQLite, asked for a page in id order, walks
/// FTS5's matches in that order (newest first) and looks each up in `work_orders`,
/// stopping at the page's end: a common word costs one page, not every match. Otherwise
/// the index is a condition: `id IN (matches)` on SQLite, the GIN array test on
/// PostgreSQL, whose planner chooses between the index and the id order by itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TextSearch {
    walk: bool,
}

impl TextSearch {
    pub(crate) fn plan(engine: Engine, text: &str, order: crate::work_orders::ListOrder) -> Self {
        use crate::work_orders::ListOrder;
        Self {
            walk: engine == Engine::Sqlite
                && !query_terms(text).is_empty()
                && matches!(order, ListOrder::Newest | ListOrder::Oldest),
        }
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

    /// The column pages are ordered and cut by.
    pub(crate) fn id_column(self) -> &'static str {
        if self.walk { "s.rowid" } else { "w.id" }
    }

    /// Adds the conditions of a text search: the index narrows, the phrase decides
    /// (ASCII letters in any case).
    pub(crate) fn push_filter<DB: sqlx::Database>(
        self,
        query: &mut sqlx::QueryBuilder<DB>,
        engine: Engine,
        text: &str,
    ) where
        for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
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
                        .push(" AND string_to_array(search_terms, ' ') @> string_to_array(")
                        .push_bind(terms.join(" "))
                        .push(", ' ')");
                }
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

impl Store {
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
    fn fts_queries_quote_every_term() {
        let terms = vec!["楼道".to_owned(), "道灯".to_owned()];
        assert_eq!(fts_query(&terms), "\"楼道\" \"道灯\"");
    }
}
