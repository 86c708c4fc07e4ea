//! The SDK for the bandwidth settlement program, for a provider's node or a buyer's app:
//! the workflows of each actor ([`ops`]: [`Buyer`], [`Provider`], [`MarketAdmin`], and the
//! [`watcher`]), over the [`Chain`] trait (JSON-RPC: [`RpcChain`]) and any
//! [`Signer`](solana_signer::Signer); underneath, one builder per instruction ([`ix`], for any
//! deployment of the program), addresses ([`pda`]), receipts (signing, metering, session keys,
//! the provider's durable store), transaction assembly, batch settlement and event decoding.
//!
//! No validator, runtime or OpenSSL in its dependency tree (CI checks it): the embedded chain
//! is `bandwidth-testkit`'s, the provider's node `bandwidth-node`'s, the CLI `bandwidth-cli`'s.
#![warn(clippy::too_many_lines)]

pub use bandwidth_settlement as program;
pub use bandwidth_settlement::ID as PROGRAM_ID;

pub mod api;
pub mod batch;
pub mod budget;
pub mod chain;
pub mod client;
mod display;
pub mod errors;
pub mod events;
pub mod ix;
pub mod lookup;
pub mod market;
pub mod ops;
pub mod pda;
pub mod receipts;
pub mod reputation;
pub mod settlement;
pub mod tokens;
pub mod watcher;

pub use chain::{rpc::RpcChain, Chain};
pub use client::{Client, TxStats};
pub use errors::{ClientError, InputError};
pub use ops::{Buyer, MarketAdmin, Provider};
