//! Bringing the service's state up: the database connected, migrated and holding
//! the configuration's teams and categories.

use crate::config::Config;
use crate::store::{self, Store, StoreError};

/// Connects, applies pending migrations and synchronises teams and categories from
/// the configuration, in one transaction.
pub async fn prepare_store(config: &Config) -> Result<Store, StoreError> {
    let store = Store::connect(&config.database.url, config.database.max_connections).await?;
    store.migrate().await?;
    let mut tx = store.begin().await?;
    store::catalog::sync(&mut tx, &config.teams, &config.categories).await?;
    tx.commit().await?;
    Ok(store)
}
