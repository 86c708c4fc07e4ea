//! Transaction assembly: compute-budget instructions, signing with any
//! [`Signer`] (a keypair, a hardware wallet, a remote signer), one retry with a fresh
//! blockhash for a resent transaction, decoded errors, and counters of what was spent.
use crate::{chain::Chain, chain::Sent, errors::ClientError};
use anchor_lang::{prelude::Pubkey, AccountDeserialize};
use serde::Serialize;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_instruction::Instruction;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_signer::Signer;
use solana_transaction::{versioned::VersionedTransaction, Transaction};
use solana_transaction_error::TransactionError;
use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Mutex,
};

/// The priority fee a client adds to its transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriorityFee {
    /// This many micro-lamports per compute unit (0: no price instruction).
    Fixed(u64),
    /// What recent transactions writing the same accounts paid (`getRecentPrioritizationFees`,
    /// 75th percentile), looked up before each transaction.
    Auto,
}

impl std::str::FromStr for PriorityFee {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "auto" {
            return Ok(PriorityFee::Auto);
        }
        s.parse().map(PriorityFee::Fixed).map_err(|_| {
            format!("{s:?} is not a priority fee: micro-lamports per compute unit, or auto")
        })
    }
}

/// A signer a client can hold and share across tasks.
pub type SharedSigner = Arc<dyn Signer + Send + Sync>;

/// Base fee per signature, in lamports.
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

/// What a client has sent so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TxStats {
    pub transactions: u64,
    pub signatures: u64,
    /// Base fees plus priority fees, in lamports.
    pub fee_lamports: u64,
    /// Serialized size of all transactions sent.
    pub bytes: u64,
}

/// A chain and, unless read-only, a fee payer: every operation runs against one of these.
pub struct Client<C: Chain> {
    pub chain: C,
    /// The settlement program's id [default: the one this SDK was built with]: the builders
    /// ([`ix`](Self::ix)), the addresses ([`pda`](Self::pda)) and the events read back follow
    /// it, so a devnet deployment or a fork works by setting it.
    pub program_id: Pubkey,
    payer: Option<SharedSigner>,
    /// Priority fee in micro-lamports per compute unit; 0 adds no price instruction.
    pub priority_fee: PriorityFee,
    /// The fee `Auto` last found.
    auto_fee: AtomicU64,
    stats: Mutex<TxStats>,
}

impl<C: Chain> Client<C> {
    /// A client paying with `payer` (a `Keypair`, or any other [`Signer`]).
    pub fn new(chain: C, payer: impl Signer + Send + Sync + 'static) -> Self {
        Self::with_signer(chain, Some(Arc::new(payer)))
    }

    /// A client paying with a shared signer, or a read-only one (`None`).
    pub fn with_signer(chain: C, payer: Option<SharedSigner>) -> Self {
        Client {
            chain,
            program_id: crate::PROGRAM_ID,
            payer,
            priority_fee: PriorityFee::Fixed(0),
            auto_fee: AtomicU64::new(0),
            stats: Mutex::new(TxStats::default()),
        }
    }

    /// A client that only reads: sending fails with [`ClientError::NoSigner`].
    pub fn read_only(chain: C) -> Self {
        Self::with_signer(chain, None)
    }

    /// The fee payer, or why there is none.
    pub fn try_payer(&self) -> Result<&(dyn Signer + Send + Sync), ClientError> {
        self.payer.as_deref().ok_or(ClientError::NoSigner)
    }

    /// The fee payer. Panics on a read-only client: call it only where a signer is required
    /// (and use [`try_payer`](Self::try_payer) where one is optional).
    pub fn payer(&self) -> &(dyn Signer + Send + Sync) {
        self.try_payer()
            .expect("a signing operation on a read-only client")
    }

    /// The instruction builders for this client's program.
    pub fn ix(&self) -> crate::ix::Ix {
        crate::ix::Ix::new(self.program_id)
    }

    /// The program's addresses for this client's program.
    pub fn pda(&self) -> crate::pda::Pda {
        crate::pda::Pda::new(self.program_id)
    }

    /// [`send`](Self::send), and the program's events read back from the log.
    pub async fn land(
        &self,
        ixs: &[Instruction],
        signers: &[&(dyn Signer + Sync)],
        compute_units: u32,
    ) -> Result<crate::ops::Landed, ClientError> {
        let sent = self.send(ixs, signers, compute_units).await?;
        Ok(crate::ops::Landed::new(sent, &self.program_id))
    }

    pub fn stats(&self) -> TxStats {
        *self.stats.lock().unwrap()
    }

    /// The priority fee now: the fixed one, or what `Auto` last found.
    pub fn current_priority_fee(&self) -> u64 {
        match self.priority_fee {
            PriorityFee::Fixed(fee) => fee,
            PriorityFee::Auto => self.auto_fee.load(Ordering::Relaxed),
        }
    }

    /// With `PriorityFee::Auto`, looks up what recent transactions writing `writable` paid.
    pub async fn refresh_priority_fee(&self, writable: &[Pubkey]) -> Result<(), ClientError> {
        if self.priority_fee == PriorityFee::Auto {
            let fee = self.chain.prioritization_fee(writable).await?;
            self.auto_fee.store(fee, Ordering::Relaxed);
        }
        Ok(())
    }

    /// The compute-budget instructions prepended to every transaction.
    pub fn compute_budget(&self, compute_units: u32) -> Vec<Instruction> {
        let mut ixs = vec![ComputeBudgetInstruction::set_compute_unit_limit(
            compute_units,
        )];
        let fee = self.current_priority_fee();
        if fee > 0 {
            ixs.push(ComputeBudgetInstruction::set_compute_unit_price(fee));
        }
        ixs
    }

    /// Sends `ixs` in one legacy transaction paid by the client's payer and signed by it and
    /// `signers`, with a compute-unit limit of `compute_units`.
    pub async fn send(
        &self,
        ixs: &[Instruction],
        signers: &[&(dyn Signer + Sync)],
        compute_units: u32,
    ) -> Result<Sent, ClientError> {
        self.send_with_tables(ixs, signers, compute_units, &[])
            .await
    }

    /// Like [`send`](Self::send), as a v0 transaction resolving accounts through `tables` when
    /// any are given (legacy otherwise).
    pub async fn send_with_tables(
        &self,
        ixs: &[Instruction],
        signers: &[&(dyn Signer + Sync)],
        compute_units: u32,
        tables: &[AddressLookupTableAccount],
    ) -> Result<Sent, ClientError> {
        if self.priority_fee == PriorityFee::Auto {
            let writable: Vec<Pubkey> = ixs
                .iter()
                .flat_map(|ix| ix.accounts.iter())
                .filter(|m| m.is_writable)
                .map(|m| m.pubkey)
                .collect();
            self.refresh_priority_fee(&writable).await?;
        }
        let mut all = self.compute_budget(compute_units);
        all.extend_from_slice(ixs);
        self.send_assembled(&all, signers, tables, compute_units)
            .await
    }

    /// Sends instructions that already start with their compute-budget instructions (as the
    /// packer builds them, to measure the exact transaction).
    pub async fn send_prebudgeted(
        &self,
        ixs: &[Instruction],
        signers: &[&(dyn Signer + Sync)],
        tables: &[AddressLookupTableAccount],
    ) -> Result<Sent, ClientError> {
        let units = ixs
            .iter()
            .filter(|ix| ix.program_id == solana_sdk_ids::compute_budget::ID)
            .find_map(|ix| match ix.data.split_first() {
                Some((2, rest)) => rest.try_into().ok().map(u32::from_le_bytes),
                _ => None,
            })
            .unwrap_or(200_000);
        self.send_assembled(ixs, signers, tables, units).await
    }

    async fn send_assembled(
        &self,
        all: &[Instruction],
        signers: &[&(dyn Signer + Sync)],
        tables: &[AddressLookupTableAccount],
        compute_units: u32,
    ) -> Result<Sent, ClientError> {
        let prepended = all
            .iter()
            .take_while(|ix| ix.program_id == solana_sdk_ids::compute_budget::ID)
            .count() as u8;
        let payer = self.try_payer()?;
        let mut keys: Vec<&(dyn Signer + Sync)> = vec![payer];
        for s in signers {
            if !keys.iter().any(|k| k.pubkey() == s.pubkey()) {
                keys.push(*s);
            }
        }
        for attempt in 0..2 {
            let blockhash = self.chain.blockhash(attempt > 0).await?;
            let tx = build_transaction(&payer.pubkey(), all, &keys, blockhash, tables)?;
            let size = bincode::serialize(&tx).map(|b| b.len()).unwrap_or(0) as u64;
            let signatures = tx.signatures.len() as u64;
            match self.chain.send(tx).await {
                Ok(sent) => {
                    let mut stats = self.stats.lock().unwrap();
                    stats.transactions += 1;
                    stats.signatures += signatures;
                    stats.fee_lamports += signatures * LAMPORTS_PER_SIGNATURE
                        + (u64::from(compute_units) * self.current_priority_fee())
                            .div_ceil(1_000_000);
                    stats.bytes += size;
                    return Ok(sent);
                }
                // An identical transaction went through already (the embedded chain hands out
                // few distinct blockhashes), or the blockhash expired before the transaction
                // was processed: sign again with a new blockhash.
                Err(ClientError::Transaction {
                    error: TransactionError::AlreadyProcessed | TransactionError::BlockhashNotFound,
                    ..
                }) if attempt == 0 => continue,
                Err(e) => return Err(shift_instruction(e, prepended)),
            }
        }
        unreachable!("the second attempt returns")
    }

    /// Every program account of type `T` whose 32 bytes at `offset` equal `key`, decoded, in
    /// one request (getProgramAccounts over JSON-RPC).
    pub async fn accounts_of<T: AccountDeserialize + anchor_lang::Discriminator>(
        &self,
        offset: usize,
        key: &Pubkey,
    ) -> Result<Vec<(Pubkey, T)>, ClientError> {
        let found = self
            .chain
            .program_accounts(T::DISCRIMINATOR, offset, key)
            .await?;
        found
            .into_iter()
            .map(|(address, account)| {
                T::try_deserialize(&mut account.data.as_slice())
                    .map(|t| (address, t))
                    .map_err(|e| {
                        ClientError::Invalid(format!("{address} is not the expected account: {e}"))
                    })
            })
            .collect()
    }

    /// Reads and decodes several program accounts in one request; `None` where there is none.
    pub async fn get_many<T: AccountDeserialize>(
        &self,
        addresses: &[Pubkey],
    ) -> Result<Vec<Option<T>>, ClientError> {
        let accounts = self.chain.accounts(addresses).await?;
        addresses
            .iter()
            .zip(accounts)
            .map(|(address, account)| match account {
                None => Ok(None),
                Some(a) => T::try_deserialize(&mut a.data.as_slice())
                    .map(Some)
                    .map_err(|e| {
                        ClientError::Invalid(format!("{address} is not the expected account: {e}"))
                    }),
            })
            .collect()
    }

    /// Reads and decodes a program account, `None` if it does not exist.
    pub async fn get<T: AccountDeserialize>(
        &self,
        address: &Pubkey,
    ) -> Result<Option<T>, ClientError> {
        let Some(account) = self.chain.account(address).await? else {
            return Ok(None);
        };
        T::try_deserialize(&mut account.data.as_slice())
            .map(Some)
            .map_err(|e| {
                ClientError::Invalid(format!("{address} is not the expected account: {e}"))
            })
    }

    /// Like [`get`](Self::get), but a missing account is an error naming `what`.
    pub async fn require<T: AccountDeserialize>(
        &self,
        address: &Pubkey,
        what: &'static str,
    ) -> Result<T, ClientError> {
        self.get(address).await?.ok_or(ClientError::NotFound {
            what,
            address: *address,
        })
    }
}

/// Compiles and signs a legacy transaction, or a v0 one when lookup tables are given.
pub fn build_transaction(
    payer: &Pubkey,
    ixs: &[Instruction],
    signers: &[&(dyn Signer + Sync)],
    blockhash: solana_hash::Hash,
    tables: &[AddressLookupTableAccount],
) -> Result<VersionedTransaction, ClientError> {
    if tables.is_empty() {
        let message = Message::new_with_blockhash(ixs, Some(payer), &blockhash);
        let mut tx = Transaction::new_unsigned(message);
        tx.try_sign(signers, blockhash)
            .map_err(|e| ClientError::Invalid(format!("cannot sign the transaction: {e}")))?;
        return Ok(VersionedTransaction::from(tx));
    }
    let message = v0::Message::try_compile(payer, ixs, tables, blockhash)
        .map_err(|e| ClientError::Invalid(format!("cannot compile the transaction: {e}")))?;
    VersionedTransaction::try_new(VersionedMessage::V0(message), signers)
        .map_err(|e| ClientError::Invalid(format!("cannot sign the transaction: {e}")))
}

/// Reports instruction indexes as the caller numbered them, without the compute-budget ones.
fn shift_instruction(e: ClientError, prepended: u8) -> ClientError {
    match e {
        ClientError::Program {
            program,
            instruction,
            code,
            name,
            message,
            logs,
        } => ClientError::Program {
            program,
            instruction: instruction.saturating_sub(prepended),
            code,
            name,
            message,
            logs,
        },
        ClientError::Transaction {
            error: TransactionError::InstructionError(i, err),
            logs,
        } => ClientError::Transaction {
            error: TransactionError::InstructionError(i.saturating_sub(prepended), err),
            logs,
        },
        other => other,
    }
}
