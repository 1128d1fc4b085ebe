use crate::helpers::{Engine, TestDatabase};

/// The two engines' migrations must describe the same tables with the same columns (and
/// the same NOT NULLs): a migration added on one side only fails here.
#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = TestDatabase::new(Engine::Sqlite).await;
    let postgres = TestDatabase::new(Engine::Postgres).await;
    let sqlite_outline = sqlite.store().await.schema_outline().await.unwrap();
    let postgres_outline = postgres.store().await.schema_outline().await.unwrap();
    postgres.drop_database().await;
    assert!(sqlite_outline.len() >= 11, "{sqlite_outline:?}");
    assert_eq!(sqlite_outline, postgres_outline);
}

#[test]
fn migration_folders_have_the_same_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../linli-store/migrations");
    let names = |engine: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(engine))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert!(!names("sqlite").is_empty());
    assert_eq!(names("sqlite"), names("postgres"));
}
