//! The `linli` binary's library half: configuration, start-up wiring, the registry import
//! (and the demo built on it). Kept in a library so the integration tests start the very
//! same server the binary starts.

pub mod backup;
pub mod config;
pub mod demo_content;
pub mod demo_story;
pub mod demo_votes;
pub mod holidays_file;
pub mod registry_file;
pub mod report_command;
pub mod server;
