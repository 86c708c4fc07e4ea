//! Client library for the bandwidth settlement program: addresses, one builder per
//! instruction, receipts (signing, metering, durable storage), event decoding, and one
//! [`Chain`](chain::Chain) trait with two implementations (the embedded in-process chain and
//! JSON-RPC) behind every command of the `bwx` CLI.
pub use bandwidth_settlement as program;
pub use bandwidth_settlement::ID as PROGRAM_ID;

pub mod batch;
pub mod chain;
pub mod client;
pub mod commands;
pub mod errors;
pub mod events;
pub mod ix;
pub mod lookup;
pub mod pda;
pub mod receipts;
pub mod reputation;
pub mod tokens;
pub mod watcher;

pub use chain::{embedded::EmbeddedChain, rpc::RpcChain, Chain};
pub use client::{Client, TxStats};
pub use errors::ClientError;
