//! The binary itself: its commands, run as an administrator would run them.

use std::io::Write;
use std::process::{Command, Stdio};

fn linli(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_linli"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .arg("--data-dir")
        .arg(data_dir);
    command
}

fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn import_a_registry_file_twice_and_add_an_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/registry.example.toml");

    let (ok, out, err) = run(linli(dir.path())
        .args(["community", "import"])
        .arg(&example));
    assert!(ok, "{err}");
    assert!(
        out.contains("1 communities, 10 buildings, 2160 rooms, 2 organisations, 3 people created"),
        "{out}"
    );
    assert_eq!(out.matches("first password for").count(), 3, "{out}");

    let (ok, out, err) = run(linli(dir.path())
        .args(["community", "import"])
        .arg(&example));
    assert!(ok, "{err}");
    assert!(out.contains("0 communities, 0 buildings, 0 rooms, 0 organisations, 0 people created (3 already there)"), "{out}");

    let mut add = linli(dir.path())
        .args([
            "user",
            "add",
            "--login",
            "root",
            "--name",
            "管理员",
            "--role",
            "admin",
            "--global",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let output = add.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("created root"));

    let (ok, _, err) =
        run(linli(dir.path()).args(["user", "add", "--login", "root", "--name", "又一个"]));
    assert!(!ok);
    assert!(err.contains("person.login_taken"), "{err}");

    let (ok, _, err) = run(linli(dir.path()).args([
        "user", "add", "--login", "x1", "--name", "某人", "--role", "resident", "--global",
    ]));
    assert!(!ok);
    assert!(err.contains("role.scope_mismatch"), "{err}");
}

#[test]
fn refuses_an_unknown_database_scheme_and_a_bad_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) =
        run(linli(dir.path()).args(["--database", "mysql://localhost/linli", "migrate"]));
    assert!(!ok);
    assert!(err.contains("unknown scheme"), "{err}");
    assert!(
        !dir.path().join("linli.db").exists(),
        "no database was created on the side"
    );

    let config = dir.path().join("linli.toml");
    std::fs::write(&config, "bind = 8080\n").unwrap();
    let (ok, _, err) = run(linli(dir.path())
        .arg("--config")
        .arg(&config)
        .arg("migrate"));
    assert!(!ok);
    assert!(err.contains("is invalid"), "{err}");
}

#[test]
fn migrate_creates_the_embedded_database_and_config_example_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(linli(dir.path()).arg("migrate"));
    assert!(ok, "{err}");
    assert!(out.contains("up to date (sqlite)"));
    assert!(dir.path().join("linli.db").exists());
    let (ok, out, _) = run(linli(dir.path()).args(["config", "example"]));
    assert!(ok);
    assert!(out.contains("database_url"));
}

#[test]
fn the_monthly_report_is_written_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/registry.example.toml");
    let (ok, _, err) = run(linli(dir.path())
        .args(["community", "import"])
        .arg(&example));
    assert!(ok, "{err}");
    let month = chrono::Utc::now()
        .with_timezone(&linli_domain::calendar::shanghai())
        .format("%Y-%m")
        .to_string();
    let output = dir.path().join("report.xlsx");
    let (ok, out, err) = run(linli(dir.path())
        .args(["report", "--community", "1", "--month", &month, "-o"])
        .arg(&output));
    assert!(ok, "{err}");
    assert!(out.contains("0 件受理"), "{out}");
    let workbook: calamine::Xlsx<_> = calamine::open_workbook(&output).unwrap();
    use calamine::Reader;
    assert_eq!(workbook.sheet_names().len(), 9);

    // A month to come is refused with its code, and nothing is written.
    let (ok, _, err) = run(linli(dir.path())
        .args(["report", "--community", "1", "--month", "2999-01", "-o"])
        .arg(dir.path().join("never.xlsx")));
    assert!(!ok && err.contains("report.month_in_future"), "{err}");
    assert!(!dir.path().join("never.xlsx").exists());
}

#[test]
fn back_up_and_restore_into_a_new_data_directory() {
    let (dir, copy, archive) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/registry.example.toml");
    let (ok, _, err) = run(linli(dir.path())
        .args(["community", "import"])
        .arg(&example));
    assert!(ok, "{err}");
    let file = archive.path().join("linli.backup");
    let (ok, out, err) = run(linli(dir.path()).arg("backup").arg("--to").arg(&file));
    assert!(ok, "{err}");
    assert!(out.contains("backup of the sqlite database"), "{out}");

    let (ok, out, err) = run(linli(copy.path()).arg("restore").arg("--from").arg(&file));
    assert!(ok, "{err}");
    assert!(out.contains("restored the sqlite backup"), "{out}");
    // The copy holds what was imported: importing again creates nothing.
    let (ok, out, err) = run(linli(copy.path())
        .args(["community", "import"])
        .arg(&example));
    assert!(ok, "{err}");
    assert!(out.contains("0 communities, 0 buildings, 0 rooms"), "{out}");
    // Never over existing data, never from something that is not a backup.
    let (ok, _, err) = run(linli(copy.path()).arg("restore").arg("--from").arg(&file));
    assert!(!ok && err.contains("exists"), "{err}");
    let (ok, _, err) = run(linli(tempfile::tempdir().unwrap().path())
        .arg("restore")
        .arg("--from")
        .arg(&example));
    assert!(!ok && err.contains("not a Linli backup"), "{err}");
}

#[test]
fn seal_and_verify_the_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(linli(dir.path()).args(["audit", "seal"]));
    assert!(ok, "{err}");
    assert!(out.contains("0 rows sealed"), "{out}");
    let (ok, out, err) = run(linli(dir.path()).args(["audit", "verify"]));
    assert!(ok, "{err}");
    assert!(out.contains("every chain holds"), "{out}");
}
