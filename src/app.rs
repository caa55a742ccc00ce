//! Bringing the service's state up: the database connected, migrated and holding
//! the configuration's teams and categories.

use crate::config::Config;
use crate::domain::Catalog;
use crate::store::{self, Store, StoreError};

/// Connects, applies pending migrations and synchronises teams and categories from
/// the configuration, in one transaction.
pub async fn prepare_store(config: &Config) -> Result<Store, StoreError> {
    let store = Store::connect(&config.database.url, config.database.max_connections).await?;
    store.migrate().await?;
    let mut tx = store.begin().await?;
    store::catalog::sync(&mut tx, &config.catalog_declaration()).await?;
    tx.commit().await?;
    Ok(store)
}

/// The teams and categories in force, read once after [`prepare_store`].
pub async fn load_catalog(store: &Store) -> Result<Catalog, StoreError> {
    let mut conn = store.pool().acquire().await?;
    store::catalog::load(&mut conn).await
}
