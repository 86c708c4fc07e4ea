//! Packing settlements into as few transactions as fit: each `settle_many` carries as many
//! channels as the transaction size (1,232 bytes) and account-lock (64) limits allow, in a
//! legacy transaction or a v0 one with address lookup tables.
use crate::{errors::ClientError, ix};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::instructions::ReceiptArgs;
use solana_hash::Hash;
use solana_instruction::Instruction;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;

/// Largest serialized transaction a validator accepts.
pub const PACKET_DATA_SIZE: usize = 1_232;
/// Most accounts a transaction may lock.
pub const MAX_ACCOUNT_LOCKS: usize = 64;

/// Compute units requested for a `settle_many` of `k` receipts: the in-program Ed25519 check
/// costs ~11.4k CU per receipt (~3.9k with the sha512 syscall); loading, checking and writing
/// back a channel and emitting its event are budgeted at ~8.6k more.
pub fn settle_many_units(k: usize) -> u32 {
    30_000 + 20_000 * k as u32
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
    pub payer: Pubkey,
    pub settler: Pubkey,
    pub market: Pubkey,
    /// The Provider account.
    pub provider: Pubkey,
    pub bounty: Option<ix::Bounty<'a>>,
    /// Compute-budget instructions for a given unit limit (the client's).
    pub compute_budget: &'a dyn Fn(u32) -> Vec<Instruction>,
}

impl SettleGroup<'_> {
    /// The instructions of one transaction settling `entries`.
    pub fn instructions(&self, entries: &[(Pubkey, ReceiptArgs)]) -> Vec<Instruction> {
        let mut ixs = (self.compute_budget)(settle_many_units(entries.len()));
        ixs.push(ix::settle_many(
            self.settler,
            self.market,
            self.provider,
            entries,
            self.bounty,
        ));
        ixs
    }

    /// Splits `entries` into consecutive batches, each as large as one transaction allows.
    pub fn pack(
        &self,
        entries: &[(Pubkey, ReceiptArgs)],
        tables: &[AddressLookupTableAccount],
    ) -> Result<Vec<Vec<(Pubkey, ReceiptArgs)>>, ClientError> {
        let mut batches: Vec<Vec<(Pubkey, ReceiptArgs)>> = vec![];
        let mut current: Vec<(Pubkey, ReceiptArgs)> = vec![];
        for entry in entries {
            current.push(*entry);
            if fits(measure(&self.payer, &self.instructions(&current), tables)?) {
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
