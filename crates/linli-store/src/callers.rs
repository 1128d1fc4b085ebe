//! This instance's copy of who is calling: the person and role grants behind a session
//! token, and a person's rooms. Nearly every request needs them and almost none changes
//! them, so a report or a page does not read them again.
//!
//! A stale copy would be a security hole (a session signed out, a role taken away), so
//! the copy is dropped whenever what it was read from changes:
//! - this instance's own writes (sign-out, password change, grants, rooms) drop it once
//!   they are over, however they end, before they answer;
//! - on PostgreSQL, triggers on those tables `NOTIFY` every instance in the writing
//!   transaction (migration 0013), and the listener drops its copy when it hears one.
//!   While the listener is not connected this instance cannot hear, so it keeps nothing
//!   and reads every time; it drops everything when it sees the connection lost. (A
//!   connection that dies silently, without the socket closing, is only bounded by
//!   [`FRESH_FOR`].) Another instance's change holds here once its notice arrives,
//!   milliseconds after the commit.
//!
//! A read that was under way when a change was heard is not kept (the generation moved
//! on), so an answer read before a change cannot be kept after it. [`FRESH_FOR`] bounds
//! what nothing announces (a hand-edited database).

use crate::people::PersonRoom;
use crate::sessions::SessionCaller;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a copy is used before it is read again, even if no change was announced.
const FRESH_FOR: Duration = Duration::from_secs(30);

/// More callers than this and the copy starts again empty (a bound on memory, far above
/// the people active in a few seconds).
const MOST_KEPT: usize = 20_000;

/// A session as this instance last read or touched it.
#[derive(Debug, Clone)]
pub(crate) struct KeptSession {
    pub(crate) caller: SessionCaller,
    pub(crate) last_seen_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
}

struct Kept<T> {
    value: T,
    read_at: Instant,
}

impl<T: Clone> Kept<T> {
    fn fresh(&self) -> Option<T> {
        (self.read_at.elapsed() < FRESH_FOR).then(|| self.value.clone())
    }
}

#[derive(Default)]
struct Copies {
    /// Moves on at every change heard: a read begun in an earlier generation is not kept.
    generation: u64,
    sessions: HashMap<String, Kept<KeptSession>>,
    rooms: HashMap<i64, Kept<Arc<Vec<PersonRoom>>>>,
}

/// Where a read began; handed back when keeping what it read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Generation(Option<u64>);

pub(crate) struct CallerCache {
    copies: Mutex<Copies>,
    /// Every change made anywhere reaches this instance: SQLite, where one process owns
    /// the file.
    hears_everything: bool,
    /// Listeners connected (PostgreSQL): while there is one, every change is heard.
    listeners: AtomicUsize,
}

impl std::fmt::Debug for CallerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallerCache")
            .field("hearing", &self.hearing())
            .finish_non_exhaustive()
    }
}

impl CallerCache {
    pub(crate) fn new(hears_everything: bool) -> Self {
        Self {
            copies: Mutex::default(),
            hears_everything,
            listeners: AtomicUsize::new(0),
        }
    }

    fn copies(&self) -> MutexGuard<'_, Copies> {
        self.copies.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn hearing(&self) -> bool {
        self.hears_everything || self.listeners.load(Ordering::Acquire) > 0
    }

    /// Call before reading what is to be kept.
    pub(crate) fn generation(&self) -> Generation {
        let generation = self.copies().generation;
        Generation(self.hearing().then_some(generation))
    }

    pub(crate) fn session(&self, token_hash: &str) -> Option<KeptSession> {
        if !self.hearing() {
            return None;
        }
        self.copies().sessions.get(token_hash)?.fresh()
    }

    pub(crate) fn keep_session(&self, since: Generation, token_hash: &str, session: KeptSession) {
        if let Some(mut copies) = self.copies_since(since) {
            keep(&mut copies.sessions, token_hash.to_owned(), session);
        }
    }

    /// Records a touch of a kept session, keeping its age (it was not read again).
    pub(crate) fn touched(
        &self,
        token_hash: &str,
        last_seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) {
        if let Some(kept) = self.copies().sessions.get_mut(token_hash) {
            kept.value.last_seen_at = last_seen_at;
            kept.value.expires_at = expires_at;
        }
    }

    pub(crate) fn forget_session(&self, token_hash: &str) {
        self.copies().sessions.remove(token_hash);
    }

    pub(crate) fn rooms(&self, person: i64) -> Option<Arc<Vec<PersonRoom>>> {
        if !self.hearing() {
            return None;
        }
        self.copies().rooms.get(&person)?.fresh()
    }

    pub(crate) fn keep_rooms(&self, since: Generation, person: i64, rooms: Arc<Vec<PersonRoom>>) {
        if let Some(mut copies) = self.copies_since(since) {
            keep(&mut copies.rooms, person, rooms);
        }
    }

    /// The copies, to add what a read begun in `since` found: `None` when a change was
    /// heard since then, or nothing can be heard now.
    fn copies_since(&self, since: Generation) -> Option<MutexGuard<'_, Copies>> {
        let copies = self.copies();
        (since.0 == Some(copies.generation) && self.hearing()).then_some(copies)
    }

    /// Something a caller is read from changed: read everything again.
    pub(crate) fn forget(&self) {
        let mut copies = self.copies();
        copies.generation += 1;
        copies.sessions.clear();
        copies.rooms.clear();
    }

    /// Forgets everything when the returned guard is dropped: create it before a write
    /// of what callers are read from, so the copy is dropped once the write is over
    /// however it ends (committed, failed, or abandoned by a request that timed out).
    pub(crate) fn forget_when_done(&self) -> ForgetWhenDone<'_> {
        ForgetWhenDone(self)
    }

    /// A listener connected: from now on every change is heard. Nothing read before can
    /// be kept (changes made before it connected were not heard).
    pub(crate) fn start_hearing(&self) {
        self.forget();
        self.listeners.fetch_add(1, Ordering::AcqRel);
    }

    /// A listener lost its connection: what changed meanwhile will not be heard.
    pub(crate) fn stop_hearing(&self) {
        self.listeners.fetch_sub(1, Ordering::AcqRel);
        self.forget();
    }
}

/// Keeps `value`, starting again empty when the copy has grown to [`MOST_KEPT`].
fn keep<K: std::hash::Hash + Eq, V>(kept: &mut HashMap<K, Kept<V>>, key: K, value: V) {
    if kept.len() >= MOST_KEPT {
        kept.clear();
    }
    kept.insert(
        key,
        Kept {
            value,
            read_at: Instant::now(),
        },
    );
}

/// See [`CallerCache::forget_when_done`].
pub(crate) struct ForgetWhenDone<'a>(&'a CallerCache);

impl Drop for ForgetWhenDone<'_> {
    fn drop(&mut self) {
        self.0.forget();
    }
}
