//! The provider's receipt store: the best (highest) receipt of every channel, kept durably.
//!
//! - A receipt is accepted only after its signature, channel and monotonicity are checked, with
//!   the same verification code the program runs on-chain.
//! - "Accepted" means on disk: SQLite in WAL mode with `synchronous = FULL`, one fsync per
//!   commit. [`ReceiptStore::accept_batch`] commits many receipts at once (group commit), and
//!   [`GroupCommitter`] batches receipts arriving concurrently from many connections.
//! - A crash mid-write rolls back to the previous commit (SQLite's atomic commit), so the
//!   previous best is never lost. Opening a store runs SQLite's `quick_check`, re-verifies every
//!   stored receipt and checks a checksum of every row: a damaged store is refused, never
//!   silently used.
use crate::errors::ClientError;
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::receipt::{Receipt, SignedReceipt};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::{collections::HashMap, path::Path};

// What the settlement code reads and writes (`Book`), and the group committer of a node, are
// modules of their own; their names stay reachable from here.
pub use super::book::{Book, SharedStore};
pub use super::committer::{CommitStats, GroupCommitter, GroupHandle};

/// What the provider knows of a channel when it starts serving it (from the chain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelTerms {
    pub channel: Pubkey,
    pub market: Pubkey,
    /// The channel's receipt signer.
    pub signer: Pubkey,
    pub deposit: u64,
}

/// A channel as the store keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredChannel {
    pub terms: ChannelTerms,
    /// Highest valid receipt received.
    pub best: Option<SignedReceipt>,
    /// What the chain has settled (as last recorded).
    pub settled_amount: u64,
    pub settled_bytes: u64,
    /// Set when the buyer started a close.
    pub close_deadline: Option<i64>,
    pub closed: bool,
    /// Chain time since which an unsettled amount has been waiting (set by a watcher, cleared
    /// when everything is settled): drives "settle when it has waited long enough" policies
    /// across restarts.
    pub pending_since: Option<i64>,
}

impl StoredChannel {
    /// Amount received but not yet settled on-chain.
    pub fn unsettled(&self) -> u64 {
        self.best
            .map(|b| b.receipt.amount.saturating_sub(self.settled_amount))
            .unwrap_or(0)
    }
}

/// A receipt that was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// New best for its channel; `previous` is the amount of the best it replaced.
    New { previous: u64 },
    /// The exact receipt already stored: nothing to do.
    Duplicate,
}

/// Why a receipt was refused. The store is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("unknown channel: the provider does not serve {0}")]
    UnknownChannel(Pubkey),
    #[error("channel {0} is closed")]
    ChannelClosed(Pubkey),
    #[error("signature is not the channel signer's over this receipt")]
    InvalidSignature,
    #[error("amount {amount} is not above the best receipt's {best}")]
    NotAboveBest { amount: u64, best: u64 },
    #[error("amount {amount} exceeds the channel deposit {deposit}")]
    ExceedsDeposit { amount: u64, deposit: u64 },
}

pub type Verdict = Result<Accepted, Rejected>;

pub struct ReceiptStore {
    conn: Connection,
    /// Every channel, mirrored in memory: the single writer keeps it equal to the database.
    channels: HashMap<Pubkey, StoredChannel>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS channels (
    channel        BLOB PRIMARY KEY NOT NULL,
    market         BLOB NOT NULL,
    signer         BLOB NOT NULL,
    deposit        INTEGER NOT NULL,
    best_amount    INTEGER,
    best_bytes     INTEGER,
    best_signature BLOB,
    settled_amount INTEGER NOT NULL,
    settled_bytes  INTEGER NOT NULL,
    close_deadline INTEGER,
    closed         INTEGER NOT NULL,
    pending_since  INTEGER,
    checksum       BLOB NOT NULL
) WITHOUT ROWID;
PRAGMA user_version = 1;
";

fn store_err(e: impl std::fmt::Display) -> ClientError {
    ClientError::Store(e.to_string())
}

// SQLite integers are signed: u64 values are stored bit for bit as i64.
fn to_sql(v: u64) -> i64 {
    v as i64
}
fn from_sql(v: i64) -> u64 {
    v as u64
}

/// A checksum over every field of a row, so that damage a signature does not cover (deposit,
/// settled amounts, flags) is detected too.
fn checksum(c: &StoredChannel) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"bwx-store-v1");
    h.update(c.terms.channel.as_ref());
    h.update(c.terms.market.as_ref());
    h.update(c.terms.signer.as_ref());
    h.update(c.terms.deposit.to_le_bytes());
    match c.best {
        Some(b) => {
            h.update([1]);
            h.update(b.receipt.amount.to_le_bytes());
            h.update(b.receipt.bytes.to_le_bytes());
            h.update(b.signature);
        }
        None => h.update([0]),
    }
    h.update(c.settled_amount.to_le_bytes());
    h.update(c.settled_bytes.to_le_bytes());
    h.update(c.close_deadline.unwrap_or(i64::MIN).to_le_bytes());
    h.update([c.closed as u8]);
    h.update(c.pending_since.unwrap_or(i64::MIN).to_le_bytes());
    h.finalize().into()
}

fn key(bytes: Vec<u8>) -> Result<Pubkey, ClientError> {
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| ClientError::Store("damaged store: a key is not 32 bytes".into()))?;
    Ok(Pubkey::new_from_array(arr))
}

impl ReceiptStore {
    /// Opens (or creates) the store at `path`, refusing a damaged one.
    pub fn open(path: impl AsRef<Path>) -> Result<ReceiptStore, ClientError> {
        let conn = Connection::open(path.as_ref()).map_err(store_err)?;
        Self::with_connection(conn)
    }

    /// A store in memory, for tests and the demo's throw-away providers.
    pub fn in_memory() -> Result<ReceiptStore, ClientError> {
        Self::with_connection(Connection::open_in_memory().map_err(store_err)?)
    }

    fn with_connection(conn: Connection) -> Result<ReceiptStore, ClientError> {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(store_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(store_err)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| ClientError::Store(format!("damaged store: {e}")))?;
        if check != "ok" {
            return Err(ClientError::Store(format!("damaged store: {check}")));
        }
        conn.execute_batch(SCHEMA).map_err(store_err)?;
        let mut store = ReceiptStore {
            conn,
            channels: HashMap::new(),
        };
        store.load()?;
        Ok(store)
    }

    fn load(&mut self) -> Result<(), ClientError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT channel, market, signer, deposit, best_amount, best_bytes, best_signature,
                        settled_amount, settled_bytes, close_deadline, closed, pending_since, checksum
                 FROM channels",
            )
            .map_err(store_err)?;
        type Row = (
            Vec<u8>,
            Vec<u8>,
            Vec<u8>,
            i64,
            Option<i64>,
            Option<i64>,
            Option<Vec<u8>>,
            i64,
            i64,
            Option<i64>,
            i64,
            Option<i64>,
            Vec<u8>,
        );
        let rows: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                    r.get(12)?,
                ))
            })
            .map_err(store_err)?
            .collect::<Result<_, _>>()
            .map_err(|e| ClientError::Store(format!("damaged store: {e}")))?;
        drop(stmt);
        for (
            ch,
            market,
            signer,
            deposit,
            amount,
            bytes,
            sig,
            sa,
            sb,
            deadline,
            closed,
            pending,
            sum,
        ) in rows
        {
            let channel = key(ch)?;
            let best = match (amount, bytes, sig) {
                (Some(a), Some(b), Some(sig)) => Some(SignedReceipt {
                    receipt: Receipt {
                        channel,
                        amount: from_sql(a),
                        bytes: from_sql(b),
                    },
                    signature: sig.try_into().map_err(|_| {
                        ClientError::Store(format!(
                            "damaged store: bad signature length for {channel}"
                        ))
                    })?,
                }),
                (None, None, None) => None,
                _ => {
                    return Err(ClientError::Store(format!(
                        "damaged store: partial receipt for {channel}"
                    )))
                }
            };
            let stored = StoredChannel {
                terms: ChannelTerms {
                    channel,
                    market: key(market)?,
                    signer: key(signer)?,
                    deposit: from_sql(deposit),
                },
                best,
                settled_amount: from_sql(sa),
                settled_bytes: from_sql(sb),
                close_deadline: deadline,
                closed: closed != 0,
                pending_since: pending,
            };
            if sum.as_slice() != checksum(&stored).as_slice() {
                return Err(ClientError::Store(format!(
                    "damaged store: checksum mismatch for channel {channel}"
                )));
            }
            if let Some(b) = best {
                if !b.verify(&stored.terms.signer) {
                    return Err(ClientError::Store(format!(
                        "damaged store: the receipt stored for {channel} does not verify"
                    )));
                }
            }
            self.channels.insert(channel, stored);
        }
        Ok(())
    }

    fn write(tx: &rusqlite::Transaction, c: &StoredChannel) -> Result<(), ClientError> {
        tx.execute(
            "INSERT INTO channels (channel, market, signer, deposit, best_amount, best_bytes,
                 best_signature, settled_amount, settled_bytes, close_deadline, closed,
                 pending_since, checksum)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT(channel) DO UPDATE SET market = ?2, signer = ?3, deposit = ?4,
                 best_amount = ?5, best_bytes = ?6, best_signature = ?7, settled_amount = ?8,
                 settled_bytes = ?9, close_deadline = ?10, closed = ?11, pending_since = ?12,
                 checksum = ?13",
            params![
                c.terms.channel.as_ref(),
                c.terms.market.as_ref(),
                c.terms.signer.as_ref(),
                to_sql(c.terms.deposit),
                c.best.map(|b| to_sql(b.receipt.amount)),
                c.best.map(|b| to_sql(b.receipt.bytes)),
                c.best.map(|b| b.signature.to_vec()),
                to_sql(c.settled_amount),
                to_sql(c.settled_bytes),
                c.close_deadline,
                c.closed as i64,
                c.pending_since,
                checksum(c).to_vec(),
            ],
        )
        .map_err(store_err)?;
        Ok(())
    }

    /// Writes `changed` in one durable transaction, then mirrors it in memory.
    fn commit(&mut self, changed: Vec<StoredChannel>) -> Result<(), ClientError> {
        if changed.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction().map_err(store_err)?;
        for c in &changed {
            Self::write(&tx, c)?;
        }
        tx.commit().map_err(store_err)?;
        for c in changed {
            self.channels.insert(c.terms.channel, c);
        }
        Ok(())
    }

    /// Starts serving a channel, or updates its deposit after a top-up (a deposit never
    /// shrinks; the receipts kept are untouched).
    pub fn add_channel(&mut self, terms: ChannelTerms) -> Result<(), ClientError> {
        self.add_channels(&[terms])
    }

    /// [`add_channel`](Self::add_channel) for many channels, in one commit.
    pub fn add_channels(&mut self, all: &[ChannelTerms]) -> Result<(), ClientError> {
        let mut next = Vec::with_capacity(all.len());
        for terms in all {
            if let Some(c) = self.next_terms(*terms)? {
                next.push(c);
            }
        }
        self.commit(next)
    }

    fn next_terms(&self, terms: ChannelTerms) -> Result<Option<StoredChannel>, ClientError> {
        if !bandwidth_settlement::receipt::is_usable_signer(&terms.signer) {
            return Err(ClientError::Invalid(format!(
                "channel {} has receipt signer {} that can never sign a valid receipt: do not serve it",
                terms.channel, terms.signer
            )));
        }
        let next = match self.channels.get(&terms.channel) {
            Some(existing) => {
                if existing.terms.signer != terms.signer || existing.terms.market != terms.market {
                    return Err(ClientError::Invalid(format!(
                        "channel {} is already stored with another signer or market",
                        terms.channel
                    )));
                }
                StoredChannel {
                    terms: ChannelTerms {
                        deposit: existing.terms.deposit.max(terms.deposit),
                        ..terms
                    },
                    ..*existing
                }
            }
            None => StoredChannel {
                terms,
                best: None,
                settled_amount: 0,
                settled_bytes: 0,
                close_deadline: None,
                closed: false,
                pending_since: None,
            },
        };
        Ok((self.channels.get(&terms.channel) != Some(&next)).then_some(next))
    }

    /// Checks one receipt against `current` (the channel as it stands in this batch); the
    /// signature last, and only when everything else would take it.
    fn judge(
        current: &StoredChannel,
        r: &SignedReceipt,
        signature_ok: impl FnOnce(&Pubkey) -> bool,
    ) -> Verdict {
        let channel = current.terms.channel;
        if current.closed {
            return Err(Rejected::ChannelClosed(channel));
        }
        let amount = r.receipt.amount;
        if let Some(best) = current.best {
            if best == *r {
                return Ok(Accepted::Duplicate);
            }
        }
        // The amount alone decides, as on-chain (PROTOCOL §4): bytes are information.
        let best_amount = current
            .best
            .map(|b| b.receipt.amount)
            .unwrap_or(current.settled_amount);
        if amount <= best_amount {
            return Err(Rejected::NotAboveBest {
                amount,
                best: best_amount,
            });
        }
        if amount > current.terms.deposit {
            return Err(Rejected::ExceedsDeposit {
                amount,
                deposit: current.terms.deposit,
            });
        }
        // Last, the expensive part: the same verification the program runs.
        if !signature_ok(&current.terms.signer) {
            return Err(Rejected::InvalidSignature);
        }
        Ok(Accepted::New {
            previous: best_amount,
        })
    }

    /// Accepts one receipt; when this returns `Ok(Ok(_))` the receipt is on disk.
    pub fn accept(&mut self, r: &SignedReceipt) -> Result<Verdict, ClientError> {
        Ok(self.accept_batch(std::slice::from_ref(r))?.remove(0))
    }

    /// Accepts many receipts in one durable commit (group commit): one verdict per receipt,
    /// in order. Receipts of the same channel are judged one after the other.
    pub fn accept_batch(
        &mut self,
        receipts: &[SignedReceipt],
    ) -> Result<Vec<Verdict>, ClientError> {
        self.accept_checked(receipts, &[])
    }

    /// [`accept_batch`](Self::accept_batch) with signatures already verified off the commit
    /// path: `checked[i]`, when present, is the verdict of
    /// [`verify_one`](super::verify::verify_one) for receipt `i` under the key it names. It
    /// is used only where that key is the channel's signer in this store; anything else is
    /// verified here, so a wrong or missing verdict can never let an invalid receipt in.
    pub fn accept_checked(
        &mut self,
        receipts: &[SignedReceipt],
        checked: &[Option<Checked>],
    ) -> Result<Vec<Verdict>, ClientError> {
        let mut working: HashMap<Pubkey, StoredChannel> = HashMap::new();
        let mut verdicts = Vec::with_capacity(receipts.len());
        for (i, r) in receipts.iter().enumerate() {
            let channel = r.receipt.channel;
            let Some(current) = working
                .get(&channel)
                .or_else(|| self.channels.get(&channel))
                .copied()
            else {
                verdicts.push(Err(Rejected::UnknownChannel(channel)));
                continue;
            };
            let pre = checked.get(i).copied().flatten();
            let verdict = Self::judge(&current, r, |signer| match pre {
                Some(c) if c.signer == *signer => c.valid,
                _ => r.verify(signer),
            });
            if let Ok(Accepted::New { .. }) = verdict {
                working.insert(
                    channel,
                    StoredChannel {
                        best: Some(*r),
                        ..current
                    },
                );
            }
            verdicts.push(verdict);
        }
        self.commit(working.into_values().collect())?;
        Ok(verdicts)
    }

    /// Records what the chain has settled on a channel (clearing `pending_since` once
    /// nothing received is left unsettled).
    pub fn record_settled(
        &mut self,
        channel: &Pubkey,
        amount: u64,
        bytes: u64,
    ) -> Result<(), ClientError> {
        let c = self.get(channel)?;
        let next = StoredChannel {
            settled_amount: c.settled_amount.max(amount),
            settled_bytes: c.settled_bytes.max(bytes),
            ..c
        };
        let next = StoredChannel {
            pending_since: if next.unsettled() == 0 {
                None
            } else {
                c.pending_since
            },
            ..next
        };
        if next == c {
            return Ok(());
        }
        self.commit(vec![next])
    }

    /// Records, once, the chain time at which an unsettled amount was first seen waiting.
    pub fn mark_pending(&mut self, channel: &Pubkey, now: i64) -> Result<i64, ClientError> {
        let c = self.get(channel)?;
        if let Some(since) = c.pending_since {
            return Ok(since);
        }
        self.commit(vec![StoredChannel {
            pending_since: Some(now),
            ..c
        }])?;
        Ok(now)
    }

    /// Records that the buyer started a close ending at `deadline`.
    pub fn record_closing(&mut self, channel: &Pubkey, deadline: i64) -> Result<(), ClientError> {
        let c = self.get(channel)?;
        self.commit(vec![StoredChannel {
            close_deadline: Some(deadline),
            ..c
        }])
    }

    /// Records that the channel no longer exists on-chain.
    pub fn record_closed(&mut self, channel: &Pubkey) -> Result<(), ClientError> {
        let c = self.get(channel)?;
        self.commit(vec![StoredChannel { closed: true, ..c }])
    }

    fn get(&self, channel: &Pubkey) -> Result<StoredChannel, ClientError> {
        self.channels.get(channel).copied().ok_or_else(|| {
            ClientError::Invalid(format!("channel {channel} is not in the receipt store"))
        })
    }

    pub fn channel(&self, channel: &Pubkey) -> Option<StoredChannel> {
        self.channels.get(channel).copied()
    }

    pub fn best(&self, channel: &Pubkey) -> Option<SignedReceipt> {
        self.channels.get(channel).and_then(|c| c.best)
    }

    /// Every channel, ordered by address.
    pub fn channels(&self) -> Vec<StoredChannel> {
        let mut all: Vec<_> = self.channels.values().copied().collect();
        all.sort_by_key(|c| c.terms.channel);
        all
    }

    /// Reads the best receipt straight from disk (bypassing the in-memory mirror).
    pub fn best_on_disk(&self, channel: &Pubkey) -> Result<Option<(u64, u64)>, ClientError> {
        self.conn
            .query_row(
                "SELECT best_amount, best_bytes FROM channels WHERE channel = ?1 AND best_amount IS NOT NULL",
                params![channel.as_ref()],
                |r| Ok((from_sql(r.get(0)?), from_sql(r.get(1)?))),
            )
            .optional()
            .map_err(store_err)
    }
}

/// A signature verified before the commit: the verdict of
/// [`verify_one`](super::verify::verify_one) under `signer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    pub signer: Pubkey,
    pub valid: bool,
}
