//! Linli's persistence. One repository API, [`Store`], over two engines: embedded SQLite
//! (the default, nothing to install) and PostgreSQL (several instances, one database).
//! Queries are written once with `$1` placeholders, which both engines accept; the
//! [`on_pool!`] macro runs the same code against whichever pool is configured, so the
//! two engines cannot drift apart.

#[macro_use]
mod db;
pub mod accounts;
pub mod audit;
pub mod blobs;
pub mod board;
pub mod breakdown_names;
pub mod bulk;
pub mod calendar;
mod callers;
pub mod categories;
pub mod content;
pub mod dispatch_modes;
mod error;
pub mod funds;
pub mod grids;
pub mod live;
pub mod meetings;
pub mod notifications;
pub mod open311;
pub mod outbox;
pub mod partners;
pub mod passwords;
pub mod people;
pub mod personal_data;
pub mod privacy;
pub mod projects;
mod reference;
pub mod registry;
pub mod reports;
pub mod roster;
pub mod schema;
mod search;
pub mod services;
pub mod sessions;
pub mod statistics;
pub mod visits;
pub mod volunteers;
pub mod votes;
pub mod work_orders;

pub use db::{ConnectOptions, DatabaseUrl, Engine, Store};
pub use error::StoreError;
