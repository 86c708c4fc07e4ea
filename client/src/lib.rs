//! The SDK for the bandwidth settlement program, for a provider's node or a buyer's app:
//! addresses (with bumps, for any deployment of the program), one builder per instruction,
//! receipts (signing, metering, session keys, the provider's durable store), transaction
//! assembly with any [`Signer`](solana_signer::Signer), batch settlement and the watcher, event
//! decoding, and the [`Chain`] trait with its JSON-RPC implementation.
//!
//! No validator, runtime or OpenSSL in its dependency tree: the `bwx` CLI (crate
//! `bandwidth-cli`) adds the embedded chain, the demo and the benches.
pub use bandwidth_settlement as program;
pub use bandwidth_settlement::ID as PROGRAM_ID;

pub mod api;
pub mod batch;
pub mod budget;
pub mod chain;
pub mod client;
pub mod errors;
pub mod events;
pub mod ix;
pub mod lookup;
pub mod market;
pub mod pda;
pub mod receipts;
pub mod reputation;
pub mod settlement;
pub mod tokens;
pub mod watcher;

pub use chain::{rpc::RpcChain, Chain};
pub use client::{Client, TxStats};
pub use errors::ClientError;
