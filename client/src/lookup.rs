//! Address lookup tables: a provider puts its Provider, ProviderMarket and channel accounts in a
//! table so that each channel costs one byte, not 32, in a v0 settlement transaction.
use crate::{errors::ClientError, Chain, Client};
use anchor_lang::prelude::Pubkey;
use solana_address_lookup_table_interface::{
    instruction::{create_lookup_table, extend_lookup_table},
    state::{AddressLookupTable, LookupTableMeta},
};
use solana_message::AddressLookupTableAccount;

/// Addresses added per extend transaction: keeps each well under the size limit.
pub const ADDRESSES_PER_EXTEND: usize = 20;

/// Reads the lookup table at `address`: its state, and the addresses a transaction can use.
async fn read<C: Chain>(
    chain: &C,
    address: &Pubkey,
) -> Result<(LookupTableMeta, AddressLookupTableAccount), ClientError> {
    let account = chain.account(address).await?.ok_or(ClientError::NotFound {
        what: "lookup table",
        address: *address,
    })?;
    let table = AddressLookupTable::deserialize(&account.data)
        .map_err(|e| ClientError::Invalid(format!("{address} is not a lookup table: {e}")))?;
    let usable = AddressLookupTableAccount {
        key: *address,
        addresses: table.addresses.to_vec(),
    };
    Ok((table.meta, usable))
}

/// Reads a lookup table.
pub async fn fetch<C: Chain>(
    chain: &C,
    address: &Pubkey,
) -> Result<AddressLookupTableAccount, ClientError> {
    Ok(read(chain, address).await?.1)
}

/// Reads a lookup table that transactions can use now: not deactivated, and not extended in
/// the current slot (addresses added in a slot resolve only from the next one).
pub async fn fetch_active<C: Chain>(
    chain: &C,
    address: &Pubkey,
) -> Result<AddressLookupTableAccount, ClientError> {
    let (meta, table) = read(chain, address).await?;
    if meta.deactivation_slot != u64::MAX {
        return Err(ClientError::Invalid(format!(
            "lookup table {address} is deactivated: create another (bwx lookup-table create)"
        )));
    }
    let slot = chain.clock().await?.slot;
    if meta.last_extended_slot >= slot {
        return Err(ClientError::Chain(format!(
            "lookup table {address} was extended in slot {}: usable from the next slot",
            meta.last_extended_slot
        )));
    }
    Ok(table)
}

/// Creates a lookup table owned by the client's payer holding `addresses`. The addresses are
/// usable from the slot after the last extension.
pub async fn create<C: Chain>(
    client: &Client<C>,
    addresses: &[Pubkey],
) -> Result<Pubkey, ClientError> {
    let me = client.payer().pubkey();
    // The derivation slot must be a recent slot the cluster has a hash for.
    let slot = client.chain.clock().await?.slot.saturating_sub(1);
    let (ix, table) = create_lookup_table(me, me, slot);
    client.send(&[ix], &[], 20_000).await?;
    extend(client, &table, addresses).await?;
    Ok(table)
}

/// Adds to a table the `addresses` it does not hold yet.
pub async fn extend<C: Chain>(
    client: &Client<C>,
    table: &Pubkey,
    addresses: &[Pubkey],
) -> Result<(), ClientError> {
    let me = client.payer().pubkey();
    let known = fetch(&client.chain, table).await?.addresses;
    let new: Vec<Pubkey> = addresses
        .iter()
        .filter(|a| !known.contains(a))
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in new.chunks(ADDRESSES_PER_EXTEND) {
        let ix = extend_lookup_table(*table, me, Some(me), chunk.to_vec());
        client.send(&[ix], &[], 20_000).await?;
    }
    Ok(())
}
