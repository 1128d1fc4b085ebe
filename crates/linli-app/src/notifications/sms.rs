//! Text messages. A deployment plugs in its operator's API (阿里云, 腾讯云 …) behind
//! [`SmsProvider`]; [`LoggingSms`] only writes them to the log, for development.

use std::future::Future;
use std::pin::Pin;

/// Sends text messages.
pub trait SmsProvider: Send + Sync {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Writes each message to the log instead of sending it (phone numbers masked).
pub struct LoggingSms;

impl SmsProvider for LoggingSms {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let masked = linli_domain::registry::Phone::masked(phone);
            tracing::info!(phone = %masked, %text, "SMS (logging provider: not sent)");
            Ok(())
        })
    }
}
