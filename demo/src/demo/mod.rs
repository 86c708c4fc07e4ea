//! `bwx demo`: a whole market on the embedded chain, no validator needed — or on a cluster over
//! JSON-RPC (`bwx localnet`), paid for by one signer.
//!
//! A mint and a market; 3 providers and 20 buyers. Buyers stream metered traffic and sign
//! thousands of cumulative receipts off-chain (one buyer runs out of deposit and tops up);
//! providers keep them in durable receipt stores (group commits) and settle. One buyer forces
//! a close and its provider answers inside the dispute window; the others close cooperatively;
//! the forced close is finalized after the deadline (clock warp; on a cluster, whose clock
//! cannot be warped, the provider closes it instead); everyone withdraws and the fees are
//! swept. Then every balance is checked against what was signed.
//!
//! With `network`, each provider runs its node (`bwx provider serve`'s code) on loopback:
//! buyers find it at the endpoint of its on-chain Provider account and send every receipt over
//! HTTP with the SDK's `ReceiptSender`; the node looks each channel up on the chain, verifies
//! and stores the receipts, and the same final checks must pass.
//!
//! One function per phase: [`setup`] (mint, market, providers, buyers), [`traffic`] (the
//! rounds), [`closing`] (the end of the sessions, withdrawals, the sweep), [`books`] (the
//! checks and the report).
mod books;
mod closing;
mod setup;
mod traffic;

pub use books::{BuyerRow, Check, ProviderRow, RankRow, RoleRow};

use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    receipts::{meter::Meter, sender::ReceiptSender, sessions::SessionKeys, store::SharedStore},
    Chain, Client, ClientError, RpcChain,
};
use rand::{rngs::StdRng, SeedableRng};
use serde::Serialize;
use solana_keypair::Keypair;
use std::{path::Path, sync::Arc, time::Instant};

#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub providers: usize,
    pub buyers: usize,
    pub rounds: usize,
    /// A buyer signs a new receipt every `interval` bytes.
    pub interval: u64,
    pub seed: u64,
    /// Providers run their nodes on loopback and receipts travel over HTTP.
    pub network: bool,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            providers: 3,
            buyers: 20,
            rounds: 10,
            interval: 2 << 20,
            seed: 7,
            network: false,
        }
    }
}

/// What the demo needs of a chain beyond [`Chain`]: moving its clock forward, where it can.
#[async_trait::async_trait]
pub trait DemoChain: Chain {
    /// Advances the clock by `secs`; `false` where the clock cannot be moved (a real cluster).
    async fn warp(&self, secs: i64) -> Result<bool, ClientError>;
}

#[cfg(feature = "embedded")]
#[async_trait::async_trait]
impl DemoChain for bandwidth_testkit::EmbeddedChain {
    async fn warp(&self, secs: i64) -> Result<bool, ClientError> {
        self.advance_time(secs).await?;
        Ok(true)
    }
}

#[async_trait::async_trait]
impl DemoChain for RpcChain {
    async fn warp(&self, _secs: i64) -> Result<bool, ClientError> {
        Ok(false)
    }
}

const DECIMALS: u8 = 6;
const UNIT: u64 = 1_000_000;
const WALLET_TOKENS: u64 = 100 * UNIT;
const DEPOSIT: u64 = 50 * UNIT;
const FEE_BPS: u16 = 250;
const BURN_BPS: u16 = 2_000;
/// 0.1 reward token per GiB paid at least 0.5 per GiB; at most 5 a day.
const REWARD_PER_GIB: u64 = UNIT / 10;
const REWARD_EPOCH_CAP: u64 = 5 * UNIT;

#[derive(Debug, Serialize)]
pub struct DemoReport {
    pub market: String,
    pub receipts_signed: u64,
    pub receipts_stored: u64,
    /// What happened besides the routine.
    pub events: Vec<String>,
    pub fees_to_treasury: String,
    pub fees_burned: String,
    pub rewards_minted: String,
    pub seconds: f64,
    pub providers: Vec<ProviderRow>,
    pub buyers: Vec<BuyerRow>,
    pub transactions: Vec<RoleRow>,
    /// The market's providers by score at the end (`bwx provider rank`).
    pub ranking: Vec<RankRow>,
    pub checks: Vec<Check>,
}

impl DemoReport {
    pub fn all_ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

struct DemoBuyer<'a, C: Chain> {
    client: Client<&'a C>,
    provider: usize,
    channel: Pubkey,
    meter: Meter,
    /// With `network`: to the provider's node, found on-chain.
    sender: Option<ReceiptSender>,
}

struct DemoProvider<'a, C: Chain> {
    client: Client<&'a C>,
    /// The provider's receipts: its own, or (with `network`) its node's.
    store: SharedStore,
    node: Option<bandwidth_node::Node>,
    price: u64,
    received: u64,
}

/// Everything the phases share.
struct Demo<'a, C: DemoChain> {
    chain: &'a C,
    config: DemoConfig,
    dir: &'a Path,
    rng: StdRng,
    /// With `network`: the chain the providers' nodes read (the same one, shareable).
    nodes: Option<Arc<dyn Chain>>,
    faucet: Client<&'a C>,
    admin: Client<&'a C>,
    /// Finalizes the forced close: anyone may.
    finalizer: Client<&'a C>,
    mint: Pubkey,
    market: Pubkey,
    reward_mint: Pubkey,
    sessions: SessionKeys,
    providers: Vec<DemoProvider<'a, C>>,
    buyers: Vec<DemoBuyer<'a, C>>,
    /// The buyer that forces a close, and its channel's deadline once it has.
    forced: usize,
    forced_deadline: i64,
    events: Vec<String>,
}

fn log(step: &str) {
    eprintln!("  {step}");
}

/// The demo on a new embedded chain.
#[cfg(feature = "embedded")]
pub async fn run(config: &DemoConfig, data_dir: &Path) -> Result<DemoReport, ClientError> {
    let chain = Arc::new(bandwidth_testkit::EmbeddedChain::start().await);
    let faucet = chain.faucet().insecure_clone();
    let nodes: Arc<dyn Chain> = chain.clone();
    run_with_nodes(&*chain, faucet, config, data_dir, Some(nodes)).await
}

/// The demo on `chain`, every wallet funded by `faucet` (which also creates the mint).
pub async fn run_on<C: DemoChain>(
    chain: &C,
    faucet: Keypair,
    config: &DemoConfig,
    data_dir: &Path,
) -> Result<DemoReport, ClientError> {
    run_with_nodes(chain, faucet, config, data_dir, None).await
}

/// [`run_on`]; with `config.network`, the providers' nodes read `nodes` (the same cluster,
/// shared with their tasks).
pub async fn run_with_nodes<C: DemoChain>(
    chain: &C,
    faucet: Keypair,
    config: &DemoConfig,
    data_dir: &Path,
    nodes: Option<Arc<dyn Chain>>,
) -> Result<DemoReport, ClientError> {
    let nodes = match (config.network, nodes) {
        (true, None) => {
            let m = "the network demo needs a chain the providers' nodes can share";
            return Err(ClientError::Invalid(m.into()));
        }
        (network, nodes) => nodes.filter(|_| network),
    };
    if config.rounds < 4 || config.buyers < 2 || config.providers == 0 {
        let m = "the demo needs at least 4 rounds, 2 buyers and 1 provider";
        return Err(ClientError::Invalid(m.into()));
    }
    let started = Instant::now();
    let mut demo = setup::market(chain, faucet, config, data_dir, nodes).await?;
    setup::providers(&mut demo).await?;
    setup::buyers(&mut demo).await?;
    for round in 0..demo.config.rounds {
        traffic::round(&mut demo, round).await?;
    }
    closing::end_sessions(&mut demo).await?;
    let swept = closing::withdraw_and_sweep(&mut demo).await?;
    let mut report = books::report(&mut demo, swept).await?;
    report.seconds = (started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
    Ok(report)
}
