//! Email deliveries. The mail relay is the deployment's (`smtp_url`, `mail_from`); a
//! community's `email` channel names the mailboxes that hear of its topics — the
//! property company's service desk, the street office — as a `mailto:` list.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use linli_domain::ValidationError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// At most this many addresses on one channel.
const MAX_ADDRESSES: usize = 20;

/// The server's mail relay, from its configuration.
#[derive(Clone)]
pub struct MailRelay {
    /// `smtps://user:pass@host:465`, `smtp://user:pass@host:587?tls=required`, or (for
    /// a relay on the same host only) plain `smtp://127.0.0.1:25`.
    pub url: String,
    /// The sender, e.g. `城上城邻里 <linli@example.cn>`.
    pub from: String,
}

impl fmt::Debug for MailRelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL carries the relay's password.
        f.debug_struct("MailRelay")
            .field("url", &"<hidden>")
            .field("from", &self.from)
            .finish()
    }
}

type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Sends one plain-text email to several addresses.
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, to: &'a [String], subject: &'a str, body: &'a str) -> Sending<'a>;
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Checks the relay's URL and sender; connects only when the first mail is sent.
    pub fn new(relay: &MailRelay, timeout: Duration) -> Result<Self, String> {
        let from: Mailbox = relay
            .from
            .parse()
            .map_err(|error| format!("mail_from is not a mailbox: {error}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&relay.url)
            .map_err(|error| format!("smtp_url is invalid: {error}"))?
            .timeout(Some(timeout))
            .build();
        Ok(Self { transport, from })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, to: &'a [String], subject: &'a str, body: &'a str) -> Sending<'a> {
        Box::pin(async move {
            let mut message = Message::builder().from(self.from.clone()).subject(subject);
            for address in to {
                let address: Address = address.parse().map_err(|error| format!("{error}"))?;
                message = message.to(Mailbox::new(None, address));
            }
            let message = message
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        // Chinese text: base64 passes every relay, 8-bit not all of them.
                        .header(ContentTransferEncoding::Base64)
                        .body(body.to_owned()),
                )
                .map_err(|error| error.to_string())?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| error.to_string())
        })
    }
}

/// Reads a channel's addresses: `mailto:a@example.cn,b@example.cn` or the bare list
/// (commas, semicolons or spaces between). Answers the addresses and the `mailto:` URL
/// kept for them.
pub fn parse_addresses(text: &str) -> Result<(Vec<String>, String), ValidationError> {
    let invalid = || ValidationError::new("channel.email_invalid", "url");
    let list = text.trim();
    let list = list
        .strip_prefix("mailto:")
        .or_else(|| list.strip_prefix("MAILTO:"))
        .unwrap_or(list);
    let mut addresses = Vec::new();
    for part in list
        .split([',', ';', ' ', '\n'])
        .filter(|part| !part.is_empty())
    {
        let address: Address = part.parse().map_err(|_| invalid())?;
        let address = address.to_string();
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    if addresses.is_empty() || addresses.len() > MAX_ADDRESSES {
        return Err(invalid());
    }
    let url = format!("mailto:{}", addresses.join(","));
    Ok((addresses, url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_lists_are_read_in_either_form() {
        let (addresses, url) =
            parse_addresses("mailto:wuye@example.cn, office@example.cn").unwrap_or_default();
        assert_eq!(addresses, ["wuye@example.cn", "office@example.cn"]);
        assert_eq!(url, "mailto:wuye@example.cn,office@example.cn");
        let (again, _) = parse_addresses("wuye@example.cn;wuye@example.cn").unwrap_or_default();
        assert_eq!(again, ["wuye@example.cn"]);
        for bad in [
            "",
            "mailto:",
            "not an address",
            "wuye@",
            "https://example.cn",
        ] {
            assert_eq!(
                parse_addresses(bad).map_err(|error| error.code),
                Err("channel.email_invalid"),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_relay_url_is_checked_and_hidden() {
        let relay = MailRelay {
            url: "smtps://linli:hunter2@smtp.example.cn".to_owned(),
            from: "城上城邻里 <linli@example.cn>".to_owned(),
        };
        assert!(!format!("{relay:?}").contains("hunter2"));
        assert!(SmtpMailer::new(&relay, Duration::from_secs(5)).is_ok());
        let wrong_scheme = MailRelay {
            url: "http://smtp.example.cn".to_owned(),
            ..relay.clone()
        };
        assert!(SmtpMailer::new(&wrong_scheme, Duration::from_secs(5)).is_err());
        let wrong_sender = MailRelay {
            from: "nobody".to_owned(),
            ..relay
        };
        assert!(SmtpMailer::new(&wrong_sender, Duration::from_secs(5)).is_err());
    }
}
