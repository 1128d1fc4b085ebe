// `sqlx::migrate!` embeds the migration files when this crate compiles, but cargo only
// rebuilds it for a changed file it already knew: a new migration would be left out of an
// incremental build until something else changed. Watching the folders fixes that.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
