//! The schema as each engine reports it, in one engine-neutral form, so that a test can
//! hold the SQLite and the PostgreSQL migrations to the same tables, columns, types,
//! defaults, CHECKs, keys and indexes. [`Store::schema_outline`] reads it; two outlines
//! compare with `==`, and [`SchemaOutline::diff`] says what differs.

mod sql;

use crate::db::{Db, Engine, Store};
use crate::error::{StoreError, StoreResult};
use sqlx::{PgPool, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What a column holds, whatever the engine calls it. Each engine's declared types map
/// here through an explicit list ([`sqlite_type`], [`postgres_type`]); a type missing
/// from the lists is an error, so that a new type is a decision and not a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogicalType {
    Int,
    Real,
    Text,
    Bool,
    /// An instant: PostgreSQL `timestamptz`, SQLite RFC 3339 text in UTC.
    Time,
    /// A calendar day: PostgreSQL `date`, SQLite `YYYY-MM-DD` text.
    Date,
    Bytes,
}

impl fmt::Display for LogicalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Int => "int",
            Self::Real => "real",
            Self::Text => "text",
            Self::Bool => "bool",
            Self::Time => "time",
            Self::Date => "date",
            Self::Bytes => "bytes",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOutline {
    pub logical_type: LogicalType,
    /// Primary-key columns count as NOT NULL, as PostgreSQL makes them. SQLite refuses
    /// NULL only in an INTEGER PRIMARY KEY or where NOT NULL is written, so this does
    /// not tell apart a SQLite key column that would take a NULL (holidays.day TEXT,
    /// work_order_counters.community_id BIGINT: no code writes one).
    pub not_null: bool,
    /// The default, normalised for the column's type (`0`, `false`, `''`, `now`), or
    /// `auto` for a key the engine numbers itself (SQLite's rowid, a sequence).
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub table: String,
    pub referenced: Vec<String>,
    /// `no action`, `restrict`, `cascade`, `set null` or `set default`.
    pub on_delete: String,
    pub on_update: String,
}

impl fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "foreign key ({}) references {} ({}) on delete {} on update {}",
            self.columns.join(", "),
            self.table,
            self.referenced.join(", "),
            self.on_delete,
            self.on_update
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexOutline {
    pub unique: bool,
    /// `btree` unless PostgreSQL says otherwise (SQLite has no other kind).
    pub method: String,
    /// Columns and expressions in key order, canonical (`desc` after a descending key).
    pub keys: Vec<String>,
    /// The WHERE of a partial index, canonical.
    pub predicate: Option<String>,
}

impl fmt::Display for IndexOutline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unique {
            f.write_str("unique ")?;
        }
        write!(f, "{} ({})", self.method, self.keys.join(", "))?;
        if let Some(predicate) = &self.predicate {
            write!(f, " where {predicate}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOutline {
    pub columns: BTreeMap<String, ColumnOutline>,
    pub primary_key: Vec<String>,
    /// Every CHECK, canonical, a CHECK of several conditions joined by AND counted as
    /// one per condition.
    pub checks: BTreeSet<String>,
    pub foreign_keys: BTreeSet<ForeignKey>,
    /// By name; an index that a UNIQUE constraint made has the engine's own name, so
    /// it goes under `unique (columns)` instead. Primary keys are in `primary_key`.
    pub indexes: BTreeMap<String, IndexOutline>,
}

/// Every table of the schema (the migrator's own and SQLite's FTS5 tables left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaOutline {
    pub tables: BTreeMap<String, TableOutline>,
}

impl SchemaOutline {
    /// One line for each thing that differs between the two outlines, naming the table
    /// and the column, constraint or index, with each side's version; `names` are the
    /// two sides' names for the lines. Empty exactly when the outlines are equal.
    pub fn diff(&self, other: &Self, names: [&str; 2]) -> Vec<String> {
        let [left, right] = names;
        let mut lines = Vec::new();
        for (table, only_in) in only_in_one(&self.tables, &other.tables, names) {
            lines.push(format!("table {table}: only on {only_in}"));
        }
        for (name, mine) in &self.tables {
            let Some(theirs) = other.tables.get(name) else {
                continue;
            };
            for (column, only_in) in only_in_one(&mine.columns, &theirs.columns, names) {
                lines.push(format!("column {name}.{column}: only on {only_in}"));
            }
            for (column, a) in &mine.columns {
                let Some(b) = theirs.columns.get(column) else {
                    continue;
                };
                if a.logical_type != b.logical_type {
                    lines.push(format!(
                        "column {name}.{column}: type {} on {left}, {} on {right}",
                        a.logical_type, b.logical_type
                    ));
                }
                if a.not_null != b.not_null {
                    let says = |not_null| if not_null { "not null" } else { "nullable" };
                    lines.push(format!(
                        "column {name}.{column}: {} on {left}, {} on {right}",
                        says(a.not_null),
                        says(b.not_null)
                    ));
                }
                if a.default != b.default {
                    let says = |default: &Option<String>| {
                        default.clone().unwrap_or_else(|| "none".to_owned())
                    };
                    lines.push(format!(
                        "column {name}.{column}: default {} on {left}, {} on {right}",
                        says(&a.default),
                        says(&b.default)
                    ));
                }
            }
            if mine.primary_key != theirs.primary_key {
                lines.push(format!(
                    "table {name}: primary key ({}) on {left}, ({}) on {right}",
                    mine.primary_key.join(", "),
                    theirs.primary_key.join(", ")
                ));
            }
            for check in mine.checks.symmetric_difference(&theirs.checks) {
                let only_in = if mine.checks.contains(check) {
                    left
                } else {
                    right
                };
                lines.push(format!("table {name}: check ({check}) only on {only_in}"));
            }
            for key in mine.foreign_keys.symmetric_difference(&theirs.foreign_keys) {
                let only_in = if mine.foreign_keys.contains(key) {
                    left
                } else {
                    right
                };
                lines.push(format!("table {name}: {key} only on {only_in}"));
            }
            for (index, only_in) in only_in_one(&mine.indexes, &theirs.indexes, names) {
                lines.push(format!("index {name}.{index}: only on {only_in}"));
            }
            for (index, a) in &mine.indexes {
                match theirs.indexes.get(index) {
                    Some(b) if a != b => lines.push(format!(
                        "index {name}.{index}: {a} on {left}, {b} on {right}"
                    )),
                    _ => {}
                }
            }
        }
        if lines.is_empty() && self != other {
            // Cannot happen while every field above is compared; kept so that a field
            // added later and forgotten here still fails the parity test.
            lines.push("the outlines differ in something diff does not name".to_owned());
        }
        lines
    }
}

/// Keys present on one side only, with the side's name.
fn only_in_one<'a, V>(
    left: &'a BTreeMap<String, V>,
    right: &'a BTreeMap<String, V>,
    names: [&'a str; 2],
) -> Vec<(&'a str, &'a str)> {
    let mut found: Vec<(&str, &str)> = left
        .keys()
        .filter(|key| !right.contains_key(*key))
        .map(|key| (key.as_str(), names[0]))
        .chain(
            right
                .keys()
                .filter(|key| !left.contains_key(*key))
                .map(|key| (key.as_str(), names[1])),
        )
        .collect();
    found.sort();
    found
}

/// An index that exists on purpose on one engine only: the outline of that engine
/// leaves it out, and refuses to be made if it is missing, so the list cannot go stale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OneEngineIndex {
    pub(crate) engine: Engine,
    pub(crate) table: &'static str,
    pub(crate) index: &'static str,
    /// Why the other engine has no twin; said again if the index goes missing.
    pub(crate) reason: &'static str,
}

/// Keep this list minimal: everything else must exist on both engines.
pub(crate) const ONE_ENGINE_INDEXES: &[OneEngineIndex] = &[OneEngineIndex {
    engine: Engine::Postgres,
    table: "work_orders",
    index: "work_orders_search_terms",
    reason: "PostgreSQL's text search over work orders (migration 0011) is this GIN index; \
             SQLite's is the FTS5 table work_order_search, which the outline leaves out",
}];

fn schema_error(message: String) -> StoreError {
    StoreError::Schema(message)
}

/// SQLite stores times and days as TEXT, so its declared type alone cannot say which
/// TEXT columns hold them; the migrations' names do, without exception: `at` and
/// `…_at`, `…_deadline`, `…_until` are instants, `day`, `month` and `…_on` are days. A column
/// that breaks the rule shows as a type difference, never as a pass.
fn sqlite_text_type(column: &str) -> LogicalType {
    let is_time = column == "at"
        || ["_at", "_deadline", "_until"]
            .iter()
            .any(|suffix| column.ends_with(suffix));
    if is_time {
        LogicalType::Time
    } else if column == "day" || column == "month" || column.ends_with("_on") {
        LogicalType::Date
    } else {
        LogicalType::Text
    }
}

/// SQLite's declared types as the migrations write them.
fn sqlite_type(declared: &str, column: &str) -> Option<LogicalType> {
    match declared.to_uppercase().as_str() {
        "INTEGER" | "BIGINT" => Some(LogicalType::Int),
        // Stored as 0/1; declared BOOLEAN so that it maps here and not to int.
        "BOOLEAN" => Some(LogicalType::Bool),
        "REAL" => Some(LogicalType::Real),
        "BLOB" => Some(LogicalType::Bytes),
        "TEXT" => Some(sqlite_text_type(column)),
        _ => None,
    }
}

/// PostgreSQL's types as `format_type` names them. Only `bigint` is an int: the Rust
/// side reads and writes i64, which sqlx refuses to decode from `integer`; likewise
/// only `double precision` (f64) is a real.
fn postgres_type(formatted: &str) -> Option<LogicalType> {
    match formatted {
        "bigint" => Some(LogicalType::Int),
        "boolean" => Some(LogicalType::Bool),
        "double precision" => Some(LogicalType::Real),
        "bytea" => Some(LogicalType::Bytes),
        "text" => Some(LogicalType::Text),
        "timestamp with time zone" => Some(LogicalType::Time),
        "date" => Some(LogicalType::Date),
        _ => None,
    }
}

/// A default as both engines can spell it: SQLite's booleans are 0/1 and PostgreSQL's
/// false/true, `now()` is CURRENT_TIMESTAMP, a sequence is `auto`, casts fall away.
fn normalise_default(raw: &str, logical_type: LogicalType) -> Result<Option<String>, String> {
    use sql::Expr;
    let expr = sql::expression(raw).map_err(|error| format!("default {raw:?}: {error}"))?;
    Ok(Some(match (logical_type, expr) {
        (_, Expr::Null) => return Ok(None),
        (LogicalType::Int, Expr::Call(name, _)) if name == "nextval" => "auto".to_owned(),
        (LogicalType::Int, Expr::Str(text)) if text.parse::<i64>().is_ok() => text,
        (LogicalType::Bool, Expr::Num(number)) if number == "0" => "false".to_owned(),
        (LogicalType::Bool, Expr::Num(number)) if number == "1" => "true".to_owned(),
        // Whatever the type, so that a time declared as text differs in type only.
        (_, Expr::Special(word)) if word == "current_timestamp" => "now".to_owned(),
        (_, expr) => expr.canonical(),
    }))
}

fn mapped_type(
    table: &str,
    name: &str,
    logical_type: Option<LogicalType>,
    declared: &str,
    engine: Engine,
) -> Result<LogicalType, String> {
    logical_type.ok_or_else(|| {
        format!(
            "{table}.{name} is declared {declared:?} on {}, which maps to no logical type: \
             add it to schema::{}_type if it is meant",
            engine.as_str(),
            engine.as_str()
        )
    })
}

/// Takes the allow-listed indexes of `engine` out of `outline`, failing on any that
/// is missing.
fn leave_out_one_engine_indexes(
    outline: &mut SchemaOutline,
    engine: Engine,
    allowed: &[OneEngineIndex],
) -> Result<(), String> {
    for allowed in allowed.iter().filter(|allowed| allowed.engine == engine) {
        let removed = outline
            .tables
            .get_mut(allowed.table)
            .and_then(|table| table.indexes.remove(allowed.index));
        if removed.is_none() {
            return Err(format!(
                "index {}.{} is allow-listed for {} ({}) but does not exist: take it off \
                 schema::ONE_ENGINE_INDEXES",
                allowed.table,
                allowed.index,
                engine.as_str(),
                allowed.reason
            ));
        }
    }
    Ok(())
}

fn unique_constraint_name(columns: &[String]) -> String {
    format!("unique ({})", columns.join(", "))
}

/// SQLite's schema: tables from `sqlite_master`, columns, keys and indexes from the
/// pragmas, CHECKs and index expressions from the stored `CREATE` text.
pub(crate) async fn sqlite_outline(
    pool: &SqlitePool,
    allowed: &[OneEngineIndex],
) -> StoreResult<SchemaOutline> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        r"SELECT name, sql FROM sqlite_master
          WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
            AND name NOT LIKE '\_sqlx%' ESCAPE '\'
          ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let mut definitions = BTreeMap::new();
    for (name, create) in &tables {
        let definition = sql::create_table(create)
            .map_err(|error| schema_error(format!("sqlite table {name}: {error}")))?;
        definitions.insert(name.clone(), definition);
    }
    // FTS5 tables and their shadow tables: PostgreSQL's text search is a GIN index
    // (see ONE_ENGINE_INDEXES), not a table.
    let mut text_search: BTreeSet<String> = BTreeSet::new();
    for (name, definition) in &definitions {
        if definition.fts5 {
            text_search.insert(name.clone());
            for shadow in ["data", "idx", "content", "docsize", "config"] {
                text_search.insert(format!("{name}_{shadow}"));
            }
        }
    }
    let mut outline = SchemaOutline::default();
    for (name, definition) in &definitions {
        if text_search.contains(name) {
            continue;
        }
        let mut table = TableOutline::default();
        let columns: Vec<(String, String, bool, Option<String>, i64)> = sqlx::query_as(
            r#"SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid"#,
        )
        .bind(name)
        .fetch_all(pool)
        .await?;
        let mut key: Vec<(i64, String, String)> = columns
            .iter()
            .filter(|column| column.4 > 0)
            .map(|(column, declared, _, _, position)| (*position, column.clone(), declared.clone()))
            .collect();
        key.sort();
        // A lone INTEGER PRIMARY KEY is the rowid, which SQLite numbers itself.
        let rowid = match key.as_slice() {
            [(_, column, declared)] if declared.eq_ignore_ascii_case("INTEGER") => {
                (!definition.without_rowid).then_some(column.clone())
            }
            _ => None,
        };
        table.primary_key = key.into_iter().map(|(_, column, _)| column).collect();
        for (column_name, declared, not_null, default, position) in columns {
            let logical_type = mapped_type(
                name,
                &column_name,
                sqlite_type(&declared, &column_name),
                &declared,
                Engine::Sqlite,
            )
            .map_err(schema_error)?;
            let default = if rowid.as_deref() == Some(column_name.as_str()) {
                Some("auto".to_owned())
            } else {
                match default {
                    Some(raw) => normalise_default(&raw, logical_type).map_err(|error| {
                        schema_error(format!("sqlite {name}.{column_name}: {error}"))
                    })?,
                    None => None,
                }
            };
            table.columns.insert(
                column_name,
                ColumnOutline {
                    logical_type,
                    not_null: not_null || position > 0,
                    default,
                },
            );
        }
        for check in &definition.checks {
            for condition in check.clone().conjuncts() {
                table.checks.insert(condition.canonical());
            }
        }
        let references: Vec<(i64, String, String, Option<String>, String, String)> =
            sqlx::query_as(
                r#"SELECT id, "table", "from", "to", on_delete, on_update
                   FROM pragma_foreign_key_list($1) ORDER BY id, seq"#,
            )
            .bind(name)
            .fetch_all(pool)
            .await?;
        let mut keys: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, referenced_table, from, to, on_delete, on_update) in references {
            let key = keys.entry(id).or_insert_with(|| ForeignKey {
                columns: Vec::new(),
                table: referenced_table.clone(),
                referenced: Vec::new(),
                on_delete: on_delete.to_lowercase(),
                on_update: on_update.to_lowercase(),
            });
            key.columns.push(from);
            if let Some(to) = to {
                key.referenced.push(to);
            }
        }
        for mut key in keys.into_values() {
            // `REFERENCES t` without columns means t's primary key.
            if key.referenced.is_empty() {
                key.referenced = sqlx::query_scalar(
                    "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
                )
                .bind(&key.table)
                .fetch_all(pool)
                .await?;
            }
            table.foreign_keys.insert(key);
        }
        let indexes: Vec<(String, bool, String)> = sqlx::query_as(
            r#"SELECT name, "unique", origin FROM pragma_index_list($1) ORDER BY name"#,
        )
        .bind(name)
        .fetch_all(pool)
        .await?;
        for (index, unique, origin) in indexes {
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    let keys: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                            .bind(&index)
                            .fetch_all(pool)
                            .await?;
                    table.indexes.insert(
                        unique_constraint_name(&keys),
                        IndexOutline {
                            unique,
                            method: "btree".to_owned(),
                            keys,
                            predicate: None,
                        },
                    );
                }
                _ => {
                    let create: Option<String> = sqlx::query_scalar(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1",
                    )
                    .bind(&index)
                    .fetch_one(pool)
                    .await?;
                    let create = create.ok_or_else(|| {
                        schema_error(format!("sqlite index {index} has no CREATE text"))
                    })?;
                    let parsed = sql::create_index(&create)
                        .map_err(|error| schema_error(format!("sqlite index {index}: {error}")))?;
                    table.indexes.insert(
                        index,
                        IndexOutline {
                            unique: parsed.unique,
                            method: parsed.method,
                            keys: parsed.keys,
                            predicate: parsed.predicate,
                        },
                    );
                }
            }
        }
        outline.tables.insert(name.clone(), table);
    }
    leave_out_one_engine_indexes(&mut outline, Engine::Sqlite, allowed).map_err(schema_error)?;
    Ok(outline)
}

/// The current schema's tables, as every PostgreSQL query below picks them.
const POSTGRES_TABLES: &str = r"
    t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
    AND t.relkind IN ('r', 'p') AND t.relname NOT LIKE '\_sqlx%'";

/// A primary key, CHECK or foreign key as `pg_constraint` has it.
#[derive(sqlx::FromRow)]
struct PostgresConstraint {
    table_name: String,
    /// `p`, `c` or `f`.
    kind: String,
    columns: Vec<String>,
    referenced_table: String,
    referenced: Vec<String>,
    on_delete: String,
    on_update: String,
    check_expr: String,
}

/// `confdeltype`/`confupdtype` letters in SQLite's words.
fn postgres_action(letter: &str) -> Result<String, String> {
    Ok(match letter {
        "a" => "no action",
        "r" => "restrict",
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        other => return Err(format!("unknown foreign key action {other:?}")),
    }
    .to_owned())
}

/// PostgreSQL's schema, from the catalogue: `format_type`, `pg_get_expr` for defaults
/// and CHECKs, `pg_get_indexdef` for indexes.
pub(crate) async fn postgres_outline(
    pool: &PgPool,
    allowed: &[OneEngineIndex],
) -> StoreResult<SchemaOutline> {
    let mut outline = SchemaOutline::default();
    let columns: Vec<(String, String, String, bool, Option<String>, bool)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT t.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
                    a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity IN ('a', 'd')
             FROM pg_class t
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
             LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
             WHERE {POSTGRES_TABLES}
             ORDER BY 1, a.attnum"
        )))
        .fetch_all(pool)
        .await?;
    for (table, name, formatted, not_null, default, identity) in columns {
        let logical_type = mapped_type(
            &table,
            &name,
            postgres_type(&formatted),
            &formatted,
            Engine::Postgres,
        )
        .map_err(schema_error)?;
        let default = if identity {
            Some("auto".to_owned())
        } else {
            match default {
                Some(raw) => normalise_default(&raw, logical_type)
                    .map_err(|error| schema_error(format!("postgres {table}.{name}: {error}")))?,
                None => None,
            }
        };
        outline.tables.entry(table).or_default().columns.insert(
            name,
            ColumnOutline {
                logical_type,
                not_null,
                default,
            },
        );
    }
    let constraints: Vec<PostgresConstraint> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT t.relname::text AS table_name, c.contype::text AS kind,
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                      ORDER BY k.i) AS columns,
                COALESCE(r.relname::text, '') AS referenced_table,
                ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                      ORDER BY k.i) AS referenced,
                c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update,
                COALESCE(pg_get_expr(c.conbin, c.conrelid), '') AS check_expr
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         LEFT JOIN pg_class r ON r.oid = c.confrelid
         WHERE {POSTGRES_TABLES} AND c.contype IN ('p', 'c', 'f')
         ORDER BY 1, c.conname"
    )))
    .fetch_all(pool)
    .await?;
    for PostgresConstraint {
        table_name: table,
        kind,
        columns,
        referenced_table,
        referenced,
        on_delete,
        on_update,
        check_expr: check,
    } in constraints
    {
        let outline_table = outline.tables.entry(table.clone()).or_default();
        match kind.as_str() {
            "p" => outline_table.primary_key = columns,
            "c" => {
                let expr = sql::expression(&check)
                    .map_err(|error| schema_error(format!("postgres check on {table}: {error}")))?;
                for condition in expr.conjuncts() {
                    outline_table.checks.insert(condition.canonical());
                }
            }
            _ => {
                let action = |letter: &str| {
                    postgres_action(letter).map_err(|error| {
                        schema_error(format!("postgres foreign key on {table}: {error}"))
                    })
                };
                outline_table.foreign_keys.insert(ForeignKey {
                    columns,
                    table: referenced_table,
                    referenced,
                    on_delete: action(&on_delete)?,
                    on_update: action(&on_update)?,
                });
            }
        }
    }
    let indexes: Vec<(String, String, bool, bool, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT t.relname::text, i.relname::text, x.indisprimary,
                    EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid
                              AND c.contype = 'u'),
                    pg_get_indexdef(x.indexrelid)
             FROM pg_index x
             JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_class t ON t.oid = x.indrelid
             WHERE {POSTGRES_TABLES}
             ORDER BY 1, 2"
        )))
        .fetch_all(pool)
        .await?;
    for (table, index, primary, unique_constraint, create) in indexes {
        if primary {
            continue;
        }
        let parsed = sql::create_index(&create)
            .map_err(|error| schema_error(format!("postgres index {index}: {error}")))?;
        // Named after the constraint's columns, as SQLite's are: the names the
        // engines make up for them differ.
        let name = if unique_constraint {
            unique_constraint_name(&parsed.keys)
        } else {
            index
        };
        outline.tables.entry(table).or_default().indexes.insert(
            name,
            IndexOutline {
                unique: parsed.unique,
                method: parsed.method,
                keys: parsed.keys,
                predicate: parsed.predicate,
            },
        );
    }
    leave_out_one_engine_indexes(&mut outline, Engine::Postgres, allowed).map_err(schema_error)?;
    Ok(outline)
}

impl Store {
    /// The schema as this engine reports it, in the form the parity test compares
    /// between the engines (see [`SchemaOutline::diff`]).
    pub async fn schema_outline(&self) -> StoreResult<SchemaOutline> {
        match &self.db {
            Db::Sqlite(pool) => sqlite_outline(pool, ONE_ENGINE_INDEXES).await,
            Db::Postgres(pool) => postgres_outline(pool, ONE_ENGINE_INDEXES).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;
    use std::error::Error;

    type TestResult<T = ()> = Result<T, Box<dyn Error>>;

    /// One schema written for each engine: every kind of thing the outline compares,
    /// spelled the way each engine's migrations spell it.
    const SQLITE: &str = "
        CREATE TABLE shops (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            opened_on   TEXT,
            day         TEXT NOT NULL
        );
        CREATE TABLE orders (
            id          INTEGER PRIMARY KEY,
            shop_id     BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
            kind        TEXT NOT NULL CHECK (kind IN ('repair', 'complaint')),
            status      TEXT NOT NULL DEFAULT 'new',
            is_public   BOOLEAN NOT NULL DEFAULT 0,
            attempts    BIGINT NOT NULL DEFAULT 0,
            weight      REAL,
            photo       BLOB,
            created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
            UNIQUE (shop_id, kind)
        );
        CREATE INDEX orders_open ON orders (shop_id, id DESC) WHERE status IN ('new', 'open');
        CREATE UNIQUE INDEX orders_kind ON orders (kind, COALESCE(weight, 0));
    ";

    const POSTGRES: &str = "
        CREATE TABLE shops (
            id          BIGSERIAL PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            opened_on   DATE,
            day         DATE NOT NULL
        );
        CREATE TABLE orders (
            id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            shop_id     BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
            kind        TEXT NOT NULL CHECK (kind IN ('repair', 'complaint')),
            status      TEXT NOT NULL DEFAULT 'new',
            is_public   BOOLEAN NOT NULL DEFAULT FALSE,
            attempts    BIGINT NOT NULL DEFAULT 0,
            weight      DOUBLE PRECISION,
            photo       BYTEA,
            created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
            UNIQUE (shop_id, kind)
        );
        CREATE INDEX orders_open ON orders (shop_id, id DESC) WHERE status IN ('new', 'open');
        CREATE UNIQUE INDEX orders_kind ON orders (kind, COALESCE(weight, 0));
    ";

    /// `text` with `from` replaced by `to` once, failing if `from` is not there (a
    /// drift that changes nothing would prove nothing).
    fn drift(text: &str, from: &str, to: &str) -> TestResult<String> {
        if text.matches(from).count() != 1 {
            return Err(format!("{from:?} is not in the schema exactly once").into());
        }
        Ok(text.replacen(from, to, 1))
    }

    async fn sqlite_outline_of(
        schema: &str,
        allowed: &[OneEngineIndex],
    ) -> TestResult<SchemaOutline> {
        // One connection, never closed: each connection to :memory: is a database.
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(schema.to_owned()))
            .execute(&pool)
            .await?;
        let outline = sqlite_outline(&pool, allowed).await;
        pool.close().await;
        Ok(outline?)
    }

    /// The schema's outline in a database of its own on the test server, dropped after.
    /// An unreachable server fails the test: CI runs these with PostgreSQL up.
    async fn postgres_outline_of(schema: &str) -> TestResult<StoreResult<SchemaOutline>> {
        let admin_url = std::env::var("LINLI_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .map_err(|error| {
                format!("PostgreSQL at {admin_url} is needed for this test: {error}")
            })?;
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)?;
        // linli_test_ so that scripts/test.sh drops it if this test dies half-way.
        let name = format!("linli_test_schema_{}", hex::encode(random));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        let (server, _) = admin_url
            .rsplit_once('/')
            .ok_or("LINLI_TEST_POSTGRES_URL has no database path")?;
        let outline = async {
            let pool = PgPool::connect(&format!("{server}/{name}")).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(schema.to_owned()))
                .execute(&pool)
                .await?;
            let outline = postgres_outline(&pool, &[]).await;
            pool.close().await;
            Ok::<_, sqlx::Error>(outline)
        }
        .await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await?;
        admin.close().await?;
        Ok(outline?)
    }

    async fn diff_of(sqlite: &str, postgres: &str) -> TestResult<Vec<String>> {
        let sqlite = sqlite_outline_of(sqlite, &[]).await?;
        let postgres = postgres_outline_of(postgres).await??;
        let diff = sqlite.diff(&postgres, ["sqlite", "postgres"]);
        assert_eq!(diff.is_empty(), sqlite == postgres, "{diff:#?}");
        Ok(diff)
    }

    /// The drifted pair differs, and in exactly one line that says `expected`.
    async fn assert_drift_named(postgres: String, expected: &str) -> TestResult {
        let diff = diff_of(SQLITE, &postgres).await?;
        assert_eq!(diff.len(), 1, "{diff:#?}");
        assert!(
            diff[0].contains(expected),
            "{diff:#?} should say {expected:?}"
        );
        Ok(())
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
    async fn the_same_schema_in_each_dialect_compares_equal() -> TestResult {
        let diff = diff_of(SQLITE, POSTGRES).await?;
        assert_eq!(diff, Vec::<String>::new());
        let outline = sqlite_outline_of(SQLITE, &[]).await?;
        let orders = &outline.tables["orders"];
        assert_eq!(orders.columns["id"].default.as_deref(), Some("auto"));
        assert_eq!(orders.columns["created_at"].logical_type, LogicalType::Time);
        assert_eq!(
            outline.tables["shops"].columns["day"].logical_type,
            LogicalType::Date
        );
        assert_eq!(
            orders.checks.iter().collect::<Vec<_>>(),
            ["kind in ('complaint', 'repair')"]
        );
        assert_eq!(
            orders.indexes["orders_open"].predicate.as_deref(),
            Some("status in ('new', 'open')")
        );
        assert!(orders.indexes.contains_key("unique (shop_id, kind)"));
        Ok(())
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
    async fn a_drifted_type_is_named() -> TestResult {
        let postgres = drift(
            POSTGRES,
            "weight      DOUBLE PRECISION",
            "weight      BIGINT",
        )?;
        assert_drift_named(
            postgres,
            "column orders.weight: type real on sqlite, int on postgres",
        )
        .await?;
        // A time kept as text on PostgreSQL.
        let postgres = drift(
            POSTGRES,
            "created_at  TIMESTAMPTZ NOT NULL DEFAULT now()",
            "created_at  TEXT NOT NULL DEFAULT now()",
        )?;
        assert_drift_named(
            postgres,
            "column orders.created_at: type time on sqlite, text on postgres",
        )
        .await
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
    async fn a_drifted_check_is_named() -> TestResult {
        let postgres = drift(
            POSTGRES,
            "('repair', 'complaint')",
            "('repair', 'complaint', 'praise')",
        )?;
        let diff = diff_of(SQLITE, &postgres).await?;
        assert_eq!(
            diff,
            [
                "table orders: check (kind in ('complaint', 'praise', 'repair')) only on postgres",
                "table orders: check (kind in ('complaint', 'repair')) only on sqlite",
            ]
        );
        Ok(())
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
    async fn a_drifted_default_is_named() -> TestResult {
        let postgres = drift(POSTGRES, "DEFAULT FALSE", "DEFAULT TRUE")?;
        assert_drift_named(
            postgres,
            "column orders.is_public: default false on sqlite, true on postgres",
        )
        .await?;
        let postgres = drift(POSTGRES, "DEFAULT 'new'", "")?;
        assert_drift_named(
            postgres,
            "column orders.status: default 'new' on sqlite, none on postgres",
        )
        .await
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
    async fn a_drifted_foreign_key_is_named() -> TestResult {
        let postgres = drift(POSTGRES, " ON DELETE CASCADE", "")?;
        let diff = diff_of(SQLITE, &postgres).await?;
        assert_eq!(
            diff,
            [
                "table orders: foreign key (shop_id) references shops (id) on delete cascade \
                 on update no action only on sqlite",
                "table orders: foreign key (shop_id) references shops (id) on delete no action \
                 on update no action only on postgres",
            ]
        );
        Ok(())
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
    async fn a_drifted_index_is_named() -> TestResult {
        let open = "CREATE INDEX orders_open ON orders (shop_id, id DESC) WHERE status IN ('new', 'open');";
        for (drifted, expected) in [
            (
                "CREATE INDEX orders_open ON orders (shop_id, id DESC) WHERE status IN ('new');",
                "index orders.orders_open: btree (shop_id, id desc) where status in ('new', 'open') \
                 on sqlite, btree (shop_id, id desc) where status = 'new' on postgres",
            ),
            (
                "CREATE INDEX orders_open ON orders (id DESC, shop_id) WHERE status IN ('new', 'open');",
                "index orders.orders_open: btree (shop_id, id desc) where status in ('new', 'open') \
                 on sqlite, btree (id desc, shop_id) where status in ('new', 'open') on postgres",
            ),
            (
                "CREATE UNIQUE INDEX orders_open ON orders (shop_id, id DESC) WHERE status IN ('new', 'open');",
                "index orders.orders_open: btree (shop_id, id desc) where status in ('new', 'open') \
                 on sqlite, unique btree",
            ),
            (
                "CREATE INDEX orders_open_by_shop ON orders (shop_id, id DESC) WHERE status IN ('new', 'open');",
                "index orders.orders_open: only on sqlite",
            ),
        ] {
            let diff = diff_of(SQLITE, &drift(POSTGRES, open, drifted)?).await?;
            assert!(
                diff.first().is_some_and(|line| line.starts_with(expected)),
                "{diff:#?} should begin with {expected:?}"
            );
        }
        // A UNIQUE constraint is an index too.
        let postgres = drift(POSTGRES, "UNIQUE (shop_id, kind)", "UNIQUE (kind, shop_id)")?;
        let diff = diff_of(SQLITE, &postgres).await?;
        assert_eq!(
            diff,
            [
                "index orders.unique (kind, shop_id): only on postgres",
                "index orders.unique (shop_id, kind): only on sqlite",
            ]
        );
        Ok(())
    }

    #[tokio::test]
    #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
    async fn a_postgresql_type_without_a_logical_type_is_an_error() -> TestResult {
        // integer, not bigint: the Rust side's i64 would not decode from it.
        let postgres = drift(POSTGRES, "attempts    BIGINT", "attempts    INTEGER")?;
        let error = postgres_outline_of(&postgres)
            .await?
            .err()
            .ok_or("no error")?;
        assert!(
            error
                .to_string()
                .contains("orders.attempts is declared \"integer\""),
            "{error}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_sqlite_type_without_a_logical_type_is_an_error() -> TestResult {
        let sqlite = drift(SQLITE, "weight      REAL", "weight      FLOAT")?;
        let error = sqlite_outline_of(&sqlite, &[])
            .await
            .err()
            .ok_or("no error")?;
        assert!(
            error
                .to_string()
                .contains("orders.weight is declared \"FLOAT\""),
            "{error}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn fts5_tables_are_left_out_and_allow_listed_indexes_must_exist() -> TestResult {
        let schema = format!(
            "{SQLITE}
            CREATE VIRTUAL TABLE order_search USING fts5(kind, content = 'orders', content_rowid = 'id');"
        );
        let plain = sqlite_outline_of(&schema, &[]).await?;
        assert_eq!(plain.tables.keys().collect::<Vec<_>>(), ["orders", "shops"]);
        let allowed = |index| OneEngineIndex {
            engine: Engine::Sqlite,
            table: "orders",
            index,
            reason: "a test",
        };
        let outline = sqlite_outline_of(&schema, &[allowed("orders_kind")]).await?;
        assert!(!outline.tables["orders"].indexes.contains_key("orders_kind"));
        assert_eq!(
            plain.diff(&outline, ["all", "allowed"]),
            ["index orders.orders_kind: only on all"]
        );
        let error = sqlite_outline_of(&schema, &[allowed("orders_gone")])
            .await
            .err()
            .ok_or("no error")?;
        assert!(
            error
                .to_string()
                .contains("orders.orders_gone is allow-listed"),
            "{error}"
        );
        Ok(())
    }

    #[test]
    fn the_allow_list_says_why() {
        assert!(
            ONE_ENGINE_INDEXES
                .iter()
                .all(|index| index.reason.len() > 20)
        );
    }

    #[test]
    fn sqlite_text_holds_times_and_days_by_name() {
        assert_eq!(sqlite_text_type("created_at"), LogicalType::Time);
        assert_eq!(sqlite_text_type("at"), LogicalType::Time);
        assert_eq!(sqlite_text_type("sign_deadline"), LogicalType::Time);
        assert_eq!(
            sqlite_text_type("extension_requested_until"),
            LogicalType::Time
        );
        assert_eq!(sqlite_text_type("month"), LogicalType::Date);
        assert_eq!(sqlite_text_type("held_on"), LogicalType::Date);
        assert_eq!(sqlite_text_type("status"), LogicalType::Text);
        assert_eq!(sqlite_text_type("category"), LogicalType::Text);
    }

    #[test]
    fn defaults_read_the_same_on_both_engines() -> Result<(), String> {
        let both = |sqlite: &str, postgres: &str, logical_type| -> Result<(), String> {
            let (a, b) = (
                normalise_default(sqlite, logical_type)?,
                normalise_default(postgres, logical_type)?,
            );
            if a == b {
                Ok(())
            } else {
                Err(format!("{a:?} ≠ {b:?}"))
            }
        };
        both("0", "false", LogicalType::Bool)?;
        both("1", "true", LogicalType::Bool)?;
        both("''", "''::text", LogicalType::Text)?;
        both("CURRENT_TIMESTAMP", "now()", LogicalType::Time)?;
        both("-1", "'-1'::integer", LogicalType::Int)?;
        both("NULL", "NULL::text", LogicalType::Text)?;
        assert_eq!(
            normalise_default("nextval('streets_id_seq'::regclass)", LogicalType::Int)?,
            Some("auto".to_owned())
        );
        assert!(both("0", "1", LogicalType::Int).is_err());
        Ok(())
    }
}
