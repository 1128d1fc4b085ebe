//! `linli`: the community co-governance server and its administration commands.

use clap::{Args, Parser, Subcommand};
use linli::config::{EXAMPLE, Settings, SettingsArgs};
use linli::registry_file;
use linli::server;
use linli_domain::clock::{Clock, SystemClock};
use linli_domain::ids::{CommunityId, OrganisationId, StreetId};
use linli_domain::registry::{Login, Name, Password, Phone};
use linli_domain::roles::{Grant, Role, Scope};
use linli_store::people::{NewPerson, Registration};
use std::io::BufRead;
use std::process::ExitCode;

/// glibc's allocator kept ~19 MiB per password check (argon2's aligned working memory
/// fell below its self-raising mmap threshold): 355 MiB after 64 sign-ins. mimalloc
/// reuses that memory and gives it back.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "linli",
    version,
    about = "Linli 邻里 — community co-governance platform"
)]
struct Cli {
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application and API.
    Serve {
        /// Load the 城上城 demo data and accept the demo password (never in production).
        #[arg(long)]
        demo: bool,
    },
    /// Load the 城上城 demo data (safe to repeat) and serve it; same flags as `serve`.
    Demo,
    /// Create or update the database schema, then exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Set up communities.
    #[command(subcommand)]
    Community(CommunityCommand),
    /// Show configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Write the monthly report of a community or a street as an Excel workbook.
    Report(ReportArgs),
    /// Copy the database and every file into one archive, while the server keeps serving.
    Backup {
        /// The archive to write (a new file).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// The tamper-evident record: seal new rows now, or walk every chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Put a backup back into an empty data directory or database.
    Restore {
        /// The archive `linli backup` wrote.
        #[arg(long)]
        from: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Seal the settled rows not sealed yet (the server does this every minute).
    Seal,
    /// Walk every community's chain against the rows as they are now; name the first
    /// row edited, deleted or inserted behind its back, and print each chain's head to
    /// publish. Exits with 1 when anything is wrong.
    Verify,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// The community (by id).
    #[arg(long, conflicts_with = "street", required_unless_present = "street")]
    community: Option<i64>,
    /// The street (by id): its communities side by side.
    #[arg(long)]
    street: Option<i64>,
    /// The month, `2026-11`.
    #[arg(long)]
    month: String,
    /// Where to write the workbook.
    #[arg(short, long)]
    output: std::path::PathBuf,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account with one role, e.g. the first administrator:
    /// `linli user add --login admin --name 管理员 --role admin --global`.
    Add(UserAdd),
}

#[derive(Debug, Args)]
struct UserAdd {
    #[arg(long)]
    login: String,
    /// The name shown to people.
    #[arg(long)]
    name: String,
    #[arg(long)]
    phone: Option<String>,
    /// Read the password from the first line of standard input; otherwise a random one
    /// is generated and printed.
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    role: Option<String>,
    /// The role applies everywhere (system administrator).
    #[arg(long, conflicts_with_all = ["street", "community"])]
    global: bool,
    /// The role applies to this street (by id).
    #[arg(long, conflicts_with = "community")]
    street: Option<i64>,
    /// The role applies to this community (by id).
    #[arg(long)]
    community: Option<i64>,
    /// For handlers: their organisation (by id).
    #[arg(long)]
    organisation: Option<i64>,
}

#[derive(Debug, Subcommand)]
enum CommunityCommand {
    /// Import a registry file (TOML; see docs/registry.example.toml). Idempotent.
    Import { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print an example configuration file with every setting and its default.
    Example,
    /// Print the settings in force (secrets hidden).
    Show,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Config(ConfigCommand::Example) = cli.command {
        print!("{EXAMPLE}");
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(&cli.settings) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("linli: {error}");
            return ExitCode::from(2);
        }
    };
    server::init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("linli: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("linli: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo } => server::serve(&settings, demo).await,
        Command::Demo => server::serve(&settings, true).await,
        Command::Migrate => {
            let store = server::open_store(&settings).await?;
            println!(
                "database schema is up to date ({})",
                store.engine().as_str()
            );
            Ok(())
        }
        Command::User(UserCommand::Add(add)) => add_user(&settings, add).await,
        Command::Community(CommunityCommand::Import { file }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
            let registry = registry_file::parse(&text)?;
            let store = server::open_store(&settings).await?;
            let report = registry_file::import(&store, &registry, false, SystemClock.now()).await?;
            println!(
                "imported: {} communities, {} buildings, {} rooms, {} organisations, {} people created ({} already there)",
                report.communities_created,
                report.buildings_created,
                report.rooms_created,
                report.organisations_created,
                report.people_created,
                report.people_kept
            );
            for (login, password) in report.generated_passwords {
                println!("first password for {login}: {password}");
            }
            Ok(())
        }
        Command::Config(ConfigCommand::Show) => {
            println!("{settings:#?}");
            Ok(())
        }
        Command::Config(ConfigCommand::Example) => Ok(()),
        Command::Report(args) => {
            let request = linli_app::reports::MonthlyRequest {
                community_id: args.community,
                street_id: args.street,
                month: args.month,
            };
            linli::report_command::write_monthly(&settings, &request, &args.output).await
        }
        Command::Backup { to } => {
            let store = server::open_store(&settings).await?;
            let url = linli_store::DatabaseUrl::parse(
                settings.database_url.as_deref(),
                &settings.data_dir,
            )?;
            let started = std::time::Instant::now();
            let blobs = settings.open_blobs()?;
            let manifest = linli::backup::write(&store, &url, &blobs, &to).await?;
            println!(
                "backup of the {} database and {} files ({} bytes) written to {} in {:.1} s",
                manifest.engine,
                manifest.files,
                manifest.file_bytes,
                to.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Audit(AuditCommand::Seal) => {
            let store = server::open_store(&settings).await?;
            let sealed = store.seal_audit_chain(chrono::Utc::now(), i64::MAX).await?;
            println!("{sealed} rows sealed");
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = server::open_store(&settings).await?;
            let verification = store.verify_audit_chain().await?;
            for (community, length, head) in &verification.heads {
                println!("community {community}: {length} entries, head {head}");
            }
            for (community, finding) in &verification.findings {
                println!("community {community}: {}", serde_json::to_string(finding)?);
            }
            if verification.findings.is_empty() {
                println!("every chain holds");
                Ok(())
            } else {
                anyhow::bail!("{} chains do not hold", verification.findings.len())
            }
        }
        Command::Restore { from } => {
            let url = linli_store::DatabaseUrl::parse(
                settings.database_url.as_deref(),
                &settings.data_dir,
            )?;
            let started = std::time::Instant::now();
            let blobs = settings.open_blobs()?;
            let manifest = linli::backup::restore(&url, &blobs, &from).await?;
            println!(
                "restored the {} backup of {} ({} files) in {:.1} s",
                manifest.engine,
                manifest.created_at.to_rfc3339(),
                manifest.files,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

async fn add_user(settings: &Settings, add: UserAdd) -> anyhow::Result<()> {
    let login = Login::parse(&add.login)?;
    let name = Name::parse(&add.name, "name", 40)?;
    let phone = add.phone.as_deref().map(Phone::parse).transpose()?;
    let grants = match add.role.as_deref() {
        None => Vec::new(),
        Some(role) => {
            let scope = match (add.global, add.street, add.community) {
                (true, None, None) => Scope::Global,
                (false, Some(street), None) => Scope::Street(StreetId(street)),
                (false, None, Some(community)) => Scope::Community(CommunityId(community)),
                _ => anyhow::bail!(
                    "say where the role applies: --global, --street ID or --community ID"
                ),
            };
            vec![Grant::new(
                Role::parse(role)?,
                scope,
                add.organisation.map(OrganisationId),
            )?]
        }
    };
    let (password, generated) = if add.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (linli_store::passwords::new_initial_password()?, true)
    };
    let password = Password::parse(&password, false)?;
    let password_hash = linli_store::passwords::hash_password(password.expose())?;
    let store = server::open_store(settings).await?;
    let registration = Registration {
        person: NewPerson {
            login: &login,
            display_name: &name,
            phone: phone.as_ref(),
            password_hash: &password_hash,
        },
        community: None,
        grants,
        rooms: Vec::new(),
        registered_by: None,
    };
    let person = store
        .register_person(registration, SystemClock.now())
        .await?;
    println!("created {} (id {})", person.login, person.id);
    if generated {
        println!("first password: {}", password.expose());
    }
    Ok(())
}
