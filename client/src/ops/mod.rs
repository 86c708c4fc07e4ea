//! The workflows, one type per actor: [`Buyer`], [`Provider`], [`MarketAdmin`] (and the
//! [`Watcher`](crate::watcher::Watcher)), over any [`Chain`](crate::Chain) and any signer.
//!
//! Every operation takes amounts in base units, checks what it is asked against the chain
//! before anything is sent (an [`InputError`](crate::errors::InputError) otherwise), sends one
//! transaction, and returns what changed: the signature and the program's events read back
//! from the transaction's log ([`Landed`]), plus what the operation itself knows (the channel
//! opened, the amount withdrawn...). The `bwx` CLI, the provider's node, the demo and the tests
//! all run these; none of them holds a workflow of its own.
pub mod admin;
pub mod buyer;
pub mod provider;
pub mod views;

pub use admin::MarketAdmin;
pub use buyer::Buyer;
pub use provider::Provider;

use crate::{chain::Sent, events::ProgramEvent};
use anchor_lang::prelude::Pubkey;
use solana_signature::Signature;

/// A transaction that landed, and the program's events in its log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landed {
    pub signature: Signature,
    /// The program's events, in order. Empty when the chain returned no log (or the runtime
    /// truncated it: read the accounts then).
    pub events: Vec<ProgramEvent>,
}

impl Landed {
    pub fn new(sent: Sent, program_id: &Pubkey) -> Landed {
        Landed {
            signature: sent.signature,
            events: crate::events::parse_logs_of(program_id, &sent.logs).unwrap_or_default(),
        }
    }

    /// The first event of this kind, e.g. `landed.event(|e| match e { ChannelOpened(o) =>
    /// Some(o), _ => None })`.
    pub fn event<T>(&self, pick: impl Fn(&ProgramEvent) -> Option<&T>) -> Option<&T> {
        self.events.iter().find_map(pick)
    }
}

/// Moved tokens: how much, where to, and the transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    pub amount: u64,
    /// The token account credited.
    pub to: Pubkey,
    pub landed: Landed,
}
