use crate::helpers::{Engine, TestDatabase};

/// The two engines' migrations must describe the same schema: tables, columns with
/// their logical types, NOT NULLs and defaults, primary keys, CHECKs, foreign keys and
/// indexes (linli_store::schema says how each engine's spelling is read). A migration
/// added on one side only, or written differently on each, fails here with the list
/// of what differs.
#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = TestDatabase::new(Engine::Sqlite).await;
    let postgres = TestDatabase::new(Engine::Postgres).await;
    let sqlite_outline = sqlite.store().await.schema_outline().await;
    let postgres_outline = postgres.store().await.schema_outline().await;
    postgres.drop_database().await;
    let (sqlite_outline, postgres_outline) = (sqlite_outline.unwrap(), postgres_outline.unwrap());
    assert!(
        sqlite_outline.tables.len() >= 11,
        "{:?}",
        sqlite_outline.tables.keys()
    );
    let diff = sqlite_outline.diff(&postgres_outline, ["sqlite", "postgres"]);
    assert!(
        diff.is_empty(),
        "the engines' schemas differ:\n  {}",
        diff.join("\n  ")
    );
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

/// A database made before email channels existed keeps its channels and their delivery
/// log when SQLite's channel table is rebuilt to admit the new kind.
#[tokio::test]
async fn upgrading_sqlite_keeps_channels_and_deliveries() {
    use linli_store::{ConnectOptions, DatabaseUrl, Store};
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before-0009");
    std::fs::create_dir(&before).unwrap();
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../linli-store/migrations/sqlite");
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.as_str() < "0009" {
            std::fs::copy(entry.path(), before.join(&name)).unwrap();
        }
    }
    let file = dir.path().join("linli.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(before.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for statement in [
        "INSERT INTO streets (id, name, created_at) VALUES (1, '芷江西路街道', '2026-10-01T00:00:00Z')",
        "INSERT INTO communities (id, street_id, name, created_at) VALUES (1, 1, '城上城居民区', '2026-10-01T00:00:00Z')",
        "INSERT INTO notification_channels (id, community_id, kind, name, url, topics, created_at)
         VALUES (7, 1, 'wecom', '物业群', 'https://qyapi.weixin.qq.com/x', 'work_order.dispatched', '2026-10-01T00:00:00Z')",
        "INSERT INTO outbox (id, topic, community_id, payload, created_at, next_attempt_at)
         VALUES (3, 'work_order.dispatched', 1, '{}', '2026-10-27T01:30:00Z', '2026-10-27T01:30:00Z')",
        "INSERT INTO deliveries (id, outbox_id, channel_id, body, status, attempts, next_attempt_at, created_at)
         VALUES (1, 3, 7, '{}', 'delivered', 1, '2026-10-27T01:30:00Z', '2026-10-27T01:30:00Z')",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let store = Store::connect(&DatabaseUrl::Sqlite(file), &ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let channels = store
        .channels(linli_domain::ids::CommunityId(1))
        .await
        .unwrap();
    assert_eq!(channels.len(), 1);
    assert_eq!(
        (
            channels[0].id,
            channels[0].name.as_str(),
            channels[0].topics.as_str()
        ),
        (7, "物业群", "work_order.dispatched")
    );
    let log = store
        .deliveries(linli_domain::ids::CommunityId(1), 10)
        .await
        .unwrap();
    assert_eq!(
        (log.len(), log[0].channel_id, log[0].status.as_str()),
        (1, 7, "delivered")
    );
    store.close().await;
}
