//! Settings, layered: built-in defaults, then an optional TOML file, then environment
//! variables and command-line flags (clap reads both; a flag beats its variable).

use clap::{Args, ValueEnum};
use linli_store::blobs::{BlobLocation, Blobs};
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Flags and environment variables shared by every command. Each is optional here so
/// that an unset flag lets the file's value through.
#[derive(Debug, Clone, Default, Args)]
pub struct SettingsArgs {
    /// TOML configuration file (`linli config example` prints one).
    #[arg(long, short = 'c', env = "LINLI_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "LINLI_BIND", global = true)]
    pub bind: Option<SocketAddr>,
    /// Directory for the embedded database and uploaded files [default: ./linli-data].
    #[arg(long, env = "LINLI_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: `postgres://user:pass@host/db`, or `sqlite:PATH`; unset means
    /// `DATA_DIR/linli.db`.
    #[arg(
        long = "database",
        env = "LINLI_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Most database connections this instance opens [default: 10].
    #[arg(long, env = "LINLI_DATABASE_MAX_CONNECTIONS", global = true)]
    pub database_max_connections: Option<u32>,
    /// Log lines as text or JSON [default: text].
    #[arg(long, env = "LINLI_LOG_FORMAT", value_enum, global = true)]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `linli=debug,tower_http=info` [default: info].
    #[arg(long, env = "LINLI_LOG", global = true)]
    pub log: Option<String>,
    /// Days a session lasts without use [default: 14].
    #[arg(long, env = "LINLI_SESSION_IDLE_DAYS", global = true)]
    pub session_idle_days: Option<i64>,
    /// Trust `X-Forwarded-For` for the client address (only behind your own proxy).
    #[arg(long, env = "LINLI_TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: Option<bool>,
    /// Mark the pages' cookies `Secure` (set when people reach Linli over HTTPS).
    #[arg(long, env = "LINLI_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,
    /// Mail relay for email channels: `smtps://user:pass@host:465` or
    /// `smtp://user:pass@host:587?tls=required` [default: none, email channels off].
    #[arg(long, env = "LINLI_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of the emails, e.g. `城上城邻里 <linli@example.cn>` (needed with smtp_url).
    #[arg(long, env = "LINLI_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Where photos and other uploads are kept: a directory, or shared object storage
    /// for several instances (`s3://KEY:SECRET@BUCKET/PREFIX?endpoint=…`, `oss://…`,
    /// `cos://…`) [default: DATA_DIR/files].
    #[arg(long, env = "LINLI_BLOB_STORE", global = true, hide_env_values = true)]
    pub blob_store: Option<String>,
}

/// The same settings as they may appear in the TOML file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    pub bind: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub database_max_connections: Option<u32>,
    pub log_format: Option<LogFormat>,
    pub log: Option<String>,
    pub session_idle_days: Option<i64>,
    pub trust_forwarded_for: Option<bool>,
    pub secure_cookies: Option<bool>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub blob_store: Option<String>,
}

/// The settings in force.
#[derive(Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub database_max_connections: u32,
    pub log_format: LogFormat,
    pub log: String,
    pub session_idle_days: i64,
    pub trust_forwarded_for: bool,
    pub secure_cookies: bool,
    /// The mail relay, when email channels are wanted.
    pub mail: Option<linli_web::mail::MailRelay>,
    /// Where uploads are kept (its `Debug` hides credentials).
    pub blob_store: BlobLocation,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "<hidden>"),
            )
            .field("database_max_connections", &self.database_max_connections)
            .field("log_format", &self.log_format)
            .field("log", &self.log)
            .field("session_idle_days", &self.session_idle_days)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("secure_cookies", &self.secure_cookies)
            .field("mail", &self.mail)
            .field("blob_store", &self.blob_store)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is invalid: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("{0}")]
    Invalid(String),
}

pub const EXAMPLE: &str = include_str!("../../../linli.example.toml");

impl Settings {
    pub fn load(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => SettingsFile::default(),
        };
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("linli-data"));
        let blob_store = match args.blob_store.clone().or(file.blob_store) {
            Some(address) => address.parse().map_err(ConfigError::Invalid)?,
            None => BlobLocation::Directory(data_dir.join("files")),
        };
        let settings = Self {
            bind: args
                .bind
                .or(file.bind)
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir,
            database_url: args.database_url.clone().or(file.database_url),
            database_max_connections: args
                .database_max_connections
                .or(file.database_max_connections)
                .unwrap_or(10),
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            log: args
                .log
                .clone()
                .or(file.log)
                .unwrap_or_else(|| "info".to_owned()),
            session_idle_days: args
                .session_idle_days
                .or(file.session_idle_days)
                .unwrap_or(14),
            trust_forwarded_for: args
                .trust_forwarded_for
                .or(file.trust_forwarded_for)
                .unwrap_or(false),
            secure_cookies: args.secure_cookies.or(file.secure_cookies).unwrap_or(false),
            mail: match (
                args.smtp_url.clone().or(file.smtp_url),
                args.mail_from.clone().or(file.mail_from),
            ) {
                (None, None) => None,
                (Some(url), Some(from)) => Some(linli_web::mail::MailRelay { url, from }),
                _ => {
                    return Err(ConfigError::Invalid(
                        "smtp_url and mail_from go together: set both or neither".to_owned(),
                    ));
                }
            },
            blob_store,
        };
        if let Some(relay) = &settings.mail {
            linli_web::mail::SmtpMailer::new(relay, std::time::Duration::from_secs(5))
                .map_err(ConfigError::Invalid)?;
        }
        if !(1..=1000).contains(&settings.database_max_connections) {
            return Err(ConfigError::Invalid(
                "database_max_connections must be between 1 and 1000".to_owned(),
            ));
        }
        if !(1..=365).contains(&settings.session_idle_days) {
            return Err(ConfigError::Invalid(
                "session_idle_days must be between 1 and 365".to_owned(),
            ));
        }
        Ok(settings)
    }
}

impl Settings {
    /// The blob store these settings name (a local directory is created if missing).
    pub fn open_blobs(&self) -> Result<Blobs, ConfigError> {
        Blobs::open(&self.blob_store)
            .map_err(|error| ConfigError::Invalid(format!("blob_store: {error}")))
    }
}

fn read_file(path: &Path) -> Result<SettingsFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source: Box::new(source),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_safe() -> Result<(), ConfigError> {
        let settings = Settings::load(&SettingsArgs::default())?;
        assert_eq!(settings.bind, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(settings.data_dir, PathBuf::from("linli-data"));
        assert_eq!(settings.database_url, None);
        assert!(!settings.trust_forwarded_for);
        Ok(())
    }

    #[test]
    fn the_example_file_parses_and_flags_beat_the_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("linli-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("linli.toml");
        std::fs::write(&path, EXAMPLE)?;
        let from_file = Settings::load(&SettingsArgs {
            config: Some(path.clone()),
            ..SettingsArgs::default()
        })?;
        assert_eq!(from_file.bind, SocketAddr::from(([127, 0, 0, 1], 8080)));
        let overridden = Settings::load(&SettingsArgs {
            config: Some(path.clone()),
            bind: Some(SocketAddr::from(([0, 0, 0, 0], 9000))),
            ..SettingsArgs::default()
        })?;
        assert_eq!(overridden.bind, SocketAddr::from(([0, 0, 0, 0], 9000)));
        std::fs::write(&path, "bind = \"127.0.0.1:1\"\nunknown_setting = 1\n")?;
        assert!(matches!(
            Settings::load(&SettingsArgs {
                config: Some(path),
                ..SettingsArgs::default()
            }),
            Err(ConfigError::Parse { .. })
        ));
        std::fs::remove_dir_all(dir)?;
        Ok(())
    }

    #[test]
    fn secrets_stay_out_of_debug_output() -> Result<(), ConfigError> {
        let settings = Settings::load(&SettingsArgs {
            database_url: Some("postgres://linli:hunter2@db/linli".to_owned()),
            ..SettingsArgs::default()
        })?;
        assert!(!format!("{settings:?}").contains("hunter2"));
        let with_mail = Settings::load(&SettingsArgs {
            smtp_url: Some("smtps://linli:hunter2@smtp.example.cn".to_owned()),
            mail_from: Some("城上城邻里 <linli@example.cn>".to_owned()),
            ..SettingsArgs::default()
        })?;
        assert!(with_mail.mail.is_some());
        assert!(!format!("{with_mail:?}").contains("hunter2"));
        let with_bucket = Settings::load(&SettingsArgs {
            blob_store: Some(
                "s3://AKID:hunter2@linli/photos?endpoint=http://127.0.0.1:9000".to_owned(),
            ),
            ..SettingsArgs::default()
        })?;
        let shown = format!("{with_bucket:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("AKID"),
            "{shown}"
        );
        assert!(shown.contains("s3://<hidden>@linli/photos"), "{shown}");
        Ok(())
    }

    #[test]
    fn a_mail_relay_needs_a_sender_and_a_valid_url() {
        let without_sender = Settings::load(&SettingsArgs {
            smtp_url: Some("smtps://smtp.example.cn".to_owned()),
            ..SettingsArgs::default()
        });
        assert!(matches!(without_sender, Err(ConfigError::Invalid(_))));
        let wrong_scheme = Settings::load(&SettingsArgs {
            smtp_url: Some("imap://mail.example.cn".to_owned()),
            mail_from: Some("linli@example.cn".to_owned()),
            ..SettingsArgs::default()
        });
        assert!(matches!(wrong_scheme, Err(ConfigError::Invalid(_))));
        let unknown_store = Settings::load(&SettingsArgs {
            blob_store: Some("ftp://files.example.cn/linli".to_owned()),
            ..SettingsArgs::default()
        });
        assert!(matches!(unknown_store, Err(ConfigError::Invalid(_))));
    }
}
