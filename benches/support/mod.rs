//! What several benchmarks share.

/// A new database on the throwaway cluster for one role of a benchmark run.
pub async fn fresh_pg_database(admin: &str, role: &str) -> String {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin)
        .await
        .expect("the cluster");
    let name = format!("guichet_bench_{role}_{}", std::process::id());
    conn.execute(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .await
    .unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    format!("{base}/{name}")
}
