//! What the JSON API answers, made from the store's rows. The rows are shaped by the
//! tables; these types are the shapes the API promises, so a column can be added,
//! renamed or kept private (a channel's secret) without changing what clients read.
//! Each keeps the schema name the API document has always given it (`#[schema(as)]`),
//! so a client generated from the document sees no change.

pub mod calendar;
pub mod categories;
pub mod content;
pub mod funds;
pub mod meetings;
pub mod notifications;
pub mod people;
pub mod projects;
pub mod registry;
pub mod roster;
pub mod screens;
pub mod visits;
pub mod votes;

/// Rows as the API answers them, in the same order.
pub fn from_rows<Row, Dto: From<Row>>(rows: Vec<Row>) -> Vec<Dto> {
    rows.into_iter().map(Dto::from).collect()
}
