//! Creator records: what changes on a creator outside a thread.

use crate::db::{exec, Db, DbError};
use app::model::{Channel, Consent};
use serde_json::json;

/// Sets the consent of the creator's identity `address` on `channel`, in one statement (so a
/// concurrent change to another identity is never undone).
pub async fn set_consent(
    db: &Db,
    creator: &str,
    channel: Channel,
    address: &str,
    consent: Consent,
) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('creator', $c) SET identities = identities.map(|$i|
             IF $i.channel = $channel AND $i.address = $address {
                 object::extend($i, { consent: $consent })
             } ELSE { $i });",
        json!({ "c": creator, "channel": channel, "address": address, "consent": consent }),
    )
    .await?;
    Ok(())
}
