//! Text messages. A deployment plugs in its operator's API (阿里云, 腾讯云 …) behind
//! [`SmsProvider`]; [`LoggingSms`] only writes them to the log, for development, and
//! remembers the last ones so that tests (and a developer) can read a sign-in code.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

/// A message as a provider was given it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSms {
    pub phone: String,
    pub text: String,
}

/// Sends text messages.
pub trait SmsProvider: Send + Sync {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

    /// The last messages this provider was given, oldest first: only the logging
    /// provider remembers any (a real one keeps nothing).
    fn recent(&self) -> Vec<SentSms> {
        Vec::new()
    }
}

/// How many messages the logging provider remembers.
pub const REMEMBERED: usize = 100;

/// Writes each message to the log instead of sending it (phone numbers masked), and
/// remembers the last [`REMEMBERED`] in memory.
#[derive(Default)]
pub struct LoggingSms {
    recent: Mutex<VecDeque<SentSms>>,
}

impl SmsProvider for LoggingSms {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let masked = linli_domain::registry::Phone::masked(phone);
            tracing::info!(phone = %masked, %text, "SMS (logging provider: not sent)");
            if let Ok(mut recent) = self.recent.lock() {
                if recent.len() >= REMEMBERED {
                    recent.pop_front();
                }
                recent.push_back(SentSms {
                    phone: phone.to_owned(),
                    text: text.to_owned(),
                });
            }
            Ok(())
        })
    }

    fn recent(&self) -> Vec<SentSms> {
        self.recent
            .lock()
            .map(|recent| recent.iter().cloned().collect())
            .unwrap_or_default()
    }
}
