//! Linli's rules, free of I/O: identifiers, validated registry values, roles and who may
//! do what, and the clock that every time-dependent rule reads.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod board;
pub mod calendar;
pub mod categories;
pub mod clock;
pub mod content;
pub mod dispatch_modes;
pub mod duplicates;
pub mod error;
pub mod funds;
pub mod grids;
pub mod highlight;
pub mod ids;
pub mod initials;
pub mod meetings;
pub mod money;
pub mod notifications;
pub mod open311;
pub mod partners;
pub mod permissions;
pub mod privacy;
pub mod projects;
pub mod registry;
pub mod roles;
pub mod roster;
pub mod search;
pub mod services;
pub mod statistics;
pub mod volunteers;
pub mod votes;
pub mod work_orders;

pub use error::{DomainError, ValidationError};
