//! Packing settlements into as few transactions as fit: each `settle_many` carries as many
//! channels as the transaction size (1,232 bytes) and account-lock (64) limits allow, in a
//! legacy transaction or a v0 one with address lookup tables.
use crate::{errors::ClientError, ix};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    halfagg, instructions::AggregatedReceipts, receipt::SignedReceipt, state::Channel, ReceiptArgs,
};
use solana_hash::Hash;
use solana_instruction::Instruction;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;

/// Largest serialized transaction a validator accepts.
pub const PACKET_DATA_SIZE: usize = 1_232;
/// Most accounts a transaction may lock.
pub const MAX_ACCOUNT_LOCKS: usize = 64;

pub use crate::budget::{settle_many_agg_units, settle_many_units, MAX_UNITS};

/// One channel of an aggregated batch: its receipt, its signer, and what the compact encoding
/// is relative to (the channel's settled amount, deposit and price, as last read from the
/// chain).
#[derive(Clone, Copy, Debug)]
pub struct AggEntry {
    pub channel: Pubkey,
    pub signer: Pubkey,
    pub receipt: SignedReceipt,
    pub settled: u64,
    pub deposit: u64,
    pub price_per_gib: u64,
}

impl AggEntry {
    pub fn new(channel: Pubkey, on_chain: &Channel, receipt: SignedReceipt) -> Self {
        AggEntry {
            channel,
            signer: on_chain.receipt_signer,
            receipt,
            settled: on_chain.settled,
            deposit: on_chain.deposit,
            price_per_gib: on_chain.price_per_gib,
        }
    }
}

/// The aggregated form of `entries`' receipts: `S`, and each channel's `R ‖ amount ‖ bytes`.
pub fn aggregate(entries: &[AggEntry]) -> Result<AggregatedReceipts, ClientError> {
    let signers: Vec<[u8; 32]> = entries.iter().map(|e| e.signer.to_bytes()).collect();
    let messages: Vec<[u8; 52]> = entries
        .iter()
        .map(|e| e.receipt.receipt.message())
        .collect();
    let rs: Vec<[u8; 32]> = entries
        .iter()
        .map(|e| e.receipt.signature[..32].try_into().expect("32 bytes"))
        .collect();
    let s_values: Vec<[u8; 32]> = entries
        .iter()
        .map(|e| e.receipt.signature[32..].try_into().expect("32 bytes"))
        .collect();
    let items: Vec<halfagg::Item> = (0..entries.len())
        .map(|i| halfagg::Item {
            signer: &signers[i],
            r: &rs[i],
            message: &messages[i],
        })
        .collect();
    let s = halfagg::aggregate(&items, &s_values).ok_or_else(|| {
        ClientError::Invalid(format!(
            "cannot aggregate {} receipts: 1 to {} receipts with canonical signatures",
            entries.len(),
            halfagg::MAX_BATCH
        ))
    })?;
    let mut data = vec![];
    for (e, r) in entries.iter().zip(&rs) {
        let rc = &e.receipt.receipt;
        halfagg::encode_entry(
            &mut data,
            r,
            rc.amount,
            rc.bytes,
            e.settled,
            e.deposit,
            e.price_per_gib,
        );
    }
    Ok(AggregatedReceipts { s, entries: data })
}

/// Splits `entries` into consecutive batches, each as large as `fits` allows.
fn pack_by<T: Copy>(
    entries: &[T],
    mut fits: impl FnMut(&[T]) -> Result<bool, ClientError>,
) -> Result<Vec<Vec<T>>, ClientError> {
    let mut batches: Vec<Vec<T>> = vec![];
    let mut current: Vec<T> = vec![];
    for entry in entries {
        current.push(*entry);
        if fits(&current)? {
            continue;
        }
        current.pop();
        if current.is_empty() {
            return Err(ClientError::Invalid(
                "a single settlement does not fit a transaction".into(),
            ));
        }
        batches.push(std::mem::take(&mut current));
        current.push(*entry);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    Ok(batches)
}

/// Serialized size and account count of the transaction carrying `ixs`, paid by `payer`.
pub fn measure(
    payer: &Pubkey,
    ixs: &[Instruction],
    tables: &[AddressLookupTableAccount],
) -> Result<(usize, usize), ClientError> {
    let message = if tables.is_empty() {
        VersionedMessage::Legacy(Message::new_with_blockhash(
            ixs,
            Some(payer),
            &Hash::default(),
        ))
    } else {
        VersionedMessage::V0(
            v0::Message::try_compile(payer, ixs, tables, Hash::default())
                .map_err(|e| ClientError::Invalid(format!("cannot compile: {e}")))?,
        )
    };
    let accounts = match &message {
        VersionedMessage::Legacy(m) => m.account_keys.len(),
        VersionedMessage::V0(m) => {
            m.account_keys.len()
                + m.address_table_lookups
                    .iter()
                    .map(|l| l.writable_indexes.len() + l.readonly_indexes.len())
                    .sum::<usize>()
        }
    };
    let tx = VersionedTransaction {
        signatures: vec![
            Signature::default();
            usize::from(message.header().num_required_signatures)
        ],
        message,
    };
    let size =
        bincode::serialized_size(&tx).map_err(|e| ClientError::Invalid(e.to_string()))? as usize;
    Ok((size, accounts))
}

pub fn fits((size, accounts): (usize, usize)) -> bool {
    size <= PACKET_DATA_SIZE && accounts <= MAX_ACCOUNT_LOCKS
}

/// One `settle_many` group: the provider's channels in one market.
pub struct SettleGroup<'a> {
    /// The program's builders (its id).
    pub ix: ix::Ix,
    pub payer: Pubkey,
    pub settler: Pubkey,
    pub market: Pubkey,
    /// The Provider account.
    pub provider: Pubkey,
    pub bounty: Option<ix::Bounty<'a>>,
    /// Compute-budget instructions for a given unit limit (the client's).
    pub compute_budget: &'a (dyn Fn(u32) -> Vec<Instruction> + Sync),
}

impl SettleGroup<'_> {
    /// The instructions of one transaction settling `entries`.
    pub fn instructions(&self, entries: &[(Pubkey, ReceiptArgs)]) -> Vec<Instruction> {
        let mut ixs = (self.compute_budget)(settle_many_units(entries.len()));
        ixs.push(self.ix.settle_many(
            self.settler,
            self.market,
            self.provider,
            entries,
            self.bounty,
        ));
        ixs
    }

    /// Splits `entries` into consecutive batches, each as large as one transaction (its bytes,
    /// accounts and compute units) allows.
    pub fn pack(
        &self,
        entries: &[(Pubkey, ReceiptArgs)],
        tables: &[AddressLookupTableAccount],
    ) -> Result<Vec<Vec<(Pubkey, ReceiptArgs)>>, ClientError> {
        pack_by(entries, |batch| {
            Ok(settle_many_units(batch.len()) <= MAX_UNITS
                && fits(measure(&self.payer, &self.instructions(batch), tables)?))
        })
    }

    /// The instructions of one transaction settling `entries` with half-aggregated receipts.
    pub fn instructions_aggregated(
        &self,
        entries: &[AggEntry],
    ) -> Result<Vec<Instruction>, ClientError> {
        let mut ixs = (self.compute_budget)(settle_many_agg_units(entries.len()));
        let channels: Vec<Pubkey> = entries.iter().map(|e| e.channel).collect();
        ixs.push(self.ix.settle_many_agg(
            self.settler,
            self.market,
            self.provider,
            &channels,
            aggregate(entries)?,
            self.bounty,
        ));
        Ok(ixs)
    }

    /// Splits `entries` into aggregated batches, each as large as one transaction (its bytes,
    /// accounts and compute units) and the program's batch limit allow.
    pub fn pack_aggregated(
        &self,
        entries: &[AggEntry],
        tables: &[AddressLookupTableAccount],
    ) -> Result<Vec<Vec<AggEntry>>, ClientError> {
        pack_by(entries, |batch| {
            Ok(batch.len() <= halfagg::MAX_BATCH
                && settle_many_agg_units(batch.len()) <= MAX_UNITS
                && fits(measure(
                    &self.payer,
                    &self.instructions_aggregated(batch)?,
                    tables,
                )?))
        })
    }

    /// How many of `channels` (in order) one transaction carries with these tables.
    pub fn capacity(
        &self,
        channels: &[Pubkey],
        tables: &[AddressLookupTableAccount],
    ) -> Result<usize, ClientError> {
        let widest = ReceiptArgs {
            amount: u64::MAX,
            bytes: u64::MAX,
            signature: [0xff; 64],
        };
        let mut k = 0;
        while k < channels.len() {
            let entries: Vec<_> = channels[..=k].iter().map(|c| (*c, widest)).collect();
            if !fits(measure(&self.payer, &self.instructions(&entries), tables)?) {
                break;
            }
            k += 1;
        }
        Ok(k)
    }

    /// The transaction-size model of this layout: (bytes without channels, bytes per
    /// channel), from the exact sizes with two and three channels (with one, the instruction
    /// data is still short enough for a one-byte length prefix, which would skew the slope).
    pub fn size_model(
        &self,
        channels: &[Pubkey; 3],
        tables: &[AddressLookupTableAccount],
    ) -> Result<(usize, usize), ClientError> {
        let widest = ReceiptArgs {
            amount: u64::MAX,
            bytes: u64::MAX,
            signature: [0xff; 64],
        };
        let size = |k: usize| -> Result<usize, ClientError> {
            let entries: Vec<_> = channels[..k].iter().map(|c| (*c, widest)).collect();
            Ok(measure(&self.payer, &self.instructions(&entries), tables)?.0)
        };
        let (two, three) = (size(2)?, size(3)?);
        let per_channel = three - two;
        Ok((two - 2 * per_channel, per_channel))
    }
}
