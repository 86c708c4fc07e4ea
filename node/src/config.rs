//! What a node is told: the market, its limits, its verification and commit settings, its
//! settlement policy.
use crate::policy::PolicyConfig;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::client::PriorityFee;
use std::time::Duration;

/// Limits on what one client can make the node do.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body accepted (bytes).
    pub max_body_bytes: usize,
    /// Most receipts in one `POST /v1/receipts`.
    pub max_receipts_per_request: usize,
    /// Connections served at once; more wait in the kernel's backlog to be accepted.
    pub max_connections: usize,
    /// Chain lookups of unknown channels in flight at once (each reads all of a request's
    /// unknown channels in one call).
    pub max_lookups: usize,
    /// An address with no channel behind it is refused this long without looking again.
    pub unknown_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 2 << 20,
            max_receipts_per_request: 4_096,
            max_connections: 1_024,
            max_lookups: 4,
            unknown_ttl: Duration::from_secs(10),
        }
    }
}

#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub market: Pubkey,
    /// The settlement program's id [default: the one this SDK was built with].
    pub program_id: Pubkey,
    pub limits: Limits,
    /// Signature verification threads [default: one per core].
    pub verify_threads: usize,
    /// Most receipts in one group commit.
    pub commit_batch: usize,
    /// Verify signatures in batches (default); `false`: one at a time, for comparison.
    pub batch_verify: bool,
    /// The priority fee of the node's transactions (settlements, withdrawals, claims).
    pub priority_fee: PriorityFee,
    pub policy: PolicyConfig,
    /// Between settlement policy rounds; `None`: rounds only when asked
    /// ([`Node::policy_round`](crate::Node::policy_round): tests, the demo).
    pub policy_interval: Option<Duration>,
}

impl NodeConfig {
    pub fn new(market: Pubkey) -> NodeConfig {
        NodeConfig {
            market,
            program_id: bandwidth_client::PROGRAM_ID,
            limits: Limits::default(),
            verify_threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            commit_batch: 8_192,
            batch_verify: true,
            priority_fee: PriorityFee::Fixed(0),
            policy: PolicyConfig::default(),
            policy_interval: Some(Duration::from_secs(10)),
        }
    }
}
