//! The `bwx` command-line tool for buyers, providers, watchers and market admins, and what it
//! adds to the SDK (`bandwidth-client`): the embedded in-process chain (a solana-program-test
//! bank with the program loaded natively and the real SPL Token programs), the demo and the
//! benches. The SDK's modules are re-exported, so `bwx`'s commands and the tests name one crate.
pub use bandwidth_client::{
    api, batch, budget, client, errors, events, ix, lookup, market, pda, receipts, reputation,
    settlement, tokens, watcher, Chain, Client, ClientError, RpcChain, TxStats, PROGRAM_ID,
};

pub mod chain {
    //! The SDK's [`Chain`](bandwidth_client::Chain) trait and its JSON-RPC implementation, and
    //! the embedded in-process chain.
    pub use bandwidth_client::chain::*;
    pub mod embedded;
}
pub mod commands;
pub mod context;
pub mod node;

pub use chain::embedded::EmbeddedChain;
