//! Linli's API tests: every test starts the real server on a random port over a fresh
//! database and talks HTTP to it. Each test runs twice, on SQLite and on PostgreSQL
//! (`both_engines!`). The PostgreSQL runs are `#[ignore]`d for a plain `cargo test` on a
//! machine without a database; `scripts/test.sh` (the README's test command, and CI)
//! runs them, and there a PostgreSQL that cannot be reached fails the test. The browser
//! tests (`browser`) drive the pages in headless Chromium.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod helpers;
mod accounts;
mod audit;
mod backup;
mod blob_store;
mod board;
mod browser;
mod cli;
mod content;
mod content_pages;
mod demo_story;
mod dispatch_modes;
mod duplicates;
mod email_and_rules;
mod forms;
mod fund_pages;
mod funds;
mod grids;
mod hardening;
mod health;
mod inbox;
mod install;
mod lists;
mod live;
mod meeting_pages;
mod meetings;
mod notifications;
mod open311;
mod outage;
mod pages;
mod partners;
mod people;
mod personal_data;
mod photos;
mod posters;
mod privacy;
mod project_help;
mod projects;
mod registry;
mod reports;
mod roster;
mod schema;
mod search;
mod search_everywhere;
mod services;
mod sessions;
mod slip;
mod statistics;
mod triage;
mod volunteer_pages;
mod volunteers;
mod vote_pages;
mod votes;
mod work_orders;
