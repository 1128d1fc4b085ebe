//! Password hashing (argon2id, the crate's recommended parameters) and session tokens.

use crate::error::StoreError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};

type HashingJob = Box<dyn FnOnce() + Send>;

/// Hashes are computed on a few dedicated threads, one per core. Each argon2 hash takes
/// ~19 MiB and tens of milliseconds of CPU on purpose. On tokio's blocking pool a burst
/// of sign-ins would spread over many threads, and the allocator would keep ~19 MiB per
/// thread afterwards (measured: 355 MiB after 64 sign-ins); on a fixed set of threads the
/// memory is reused and the CPU they take is bounded.
fn hashing_threads() -> Option<&'static mpsc::Sender<HashingJob>> {
    static THREADS: OnceLock<Option<mpsc::Sender<HashingJob>>> = OnceLock::new();
    THREADS
        .get_or_init(|| {
            let (sender, receiver) = mpsc::channel::<HashingJob>();
            let receiver = Arc::new(Mutex::new(receiver));
            let count = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
            let started = (0..count)
                .filter(|index| {
                    let receiver = Arc::clone(&receiver);
                    std::thread::Builder::new()
                        .name(format!("linli-hashing-{index}"))
                        .spawn(move || {
                            loop {
                                let next = receiver
                                    .lock()
                                    .unwrap_or_else(PoisonError::into_inner)
                                    .recv();
                                match next {
                                    Ok(job) => job(),
                                    Err(_) => break,
                                }
                            }
                        })
                        .is_ok()
                })
                .count();
            (started > 0).then_some(sender)
        })
        .as_ref()
}

async fn off_the_async_threads<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let failed = |error: &dyn std::fmt::Display| StoreError::PasswordHash(error.to_string());
    let Some(threads) = hashing_threads() else {
        return tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| failed(&error));
    };
    let (done, result) = tokio::sync::oneshot::channel();
    threads
        .send(Box::new(move || {
            let _ = done.send(work());
        }))
        .map_err(|error| failed(&error))?;
    result.await.map_err(|error| failed(&error))
}

/// [`hash_password`] on the hashing threads.
pub async fn hash_password_async(password: String) -> Result<String, StoreError> {
    off_the_async_threads(move || hash_password(&password)).await?
}

/// [`verify_password`] on the hashing threads.
pub async fn verify_password_async(
    password: String,
    stored_hash: String,
) -> Result<bool, StoreError> {
    off_the_async_threads(move || verify_password(&password, &stored_hash)).await
}

pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| StoreError::PasswordHash(error.to_string()))
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash of a fixed password, verified against when the login does not exist so that a
/// wrong login takes as long as a wrong password and does not reveal who has an account.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password for timing").unwrap_or_default())
}

/// A new session token: 32 random bytes, hex-encoded. Only its SHA-256 is stored, so a
/// copy of the database does not let anyone sign in.
pub fn new_session_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::PasswordHash(error.to_string()))?;
    Ok(hex::encode(bytes))
}

/// A first password for an account created by an import or the command line, to be
/// handed to its owner and changed at first sign-in: 12 characters without look-alikes.
pub fn new_initial_password() -> Result<String, StoreError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    // Bytes at or above the largest multiple of the alphabet's size are thrown away, so
    // every character is equally likely.
    let unbiased_below = 256 - 256 % ALPHABET.len();
    let mut password = String::with_capacity(12);
    while password.len() < 12 {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| StoreError::PasswordHash(error.to_string()))?;
        for byte in bytes
            .iter()
            .map(|byte| usize::from(*byte))
            .filter(|byte| *byte < unbiased_below)
        {
            if password.len() < 12 {
                password.push(char::from(ALPHABET[byte % ALPHABET.len()]));
            }
        }
    }
    Ok(password)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() -> Result<(), StoreError> {
        let first = hash_password("城上城 2026")?;
        let second = hash_password("城上城 2026")?;
        assert_ne!(first, second, "salted");
        assert!(first.starts_with("$argon2id$"));
        assert!(verify_password("城上城 2026", &first));
        assert!(!verify_password("城上城 2025", &first));
        assert!(!verify_password("anything", "not a hash"));
        Ok(())
    }

    #[test]
    fn tokens_are_random_and_hashed() -> Result<(), StoreError> {
        let token = new_session_token()?;
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_session_token()?);
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(token_hash(&token), token);
        Ok(())
    }
}
