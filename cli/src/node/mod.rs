//! The provider's node (`bwx provider serve`): receipts arrive over HTTP and are acknowledged
//! once durable; the settlement policy (the SDK's watcher, the same code path as `bwx watch`)
//! settles them, withdraws earnings and claims rewards, without a human.
//!
//! One process per provider and market: the HTTP API of [`bandwidth_client::api`], a
//! [`ReceiptStore`] shared between the group committer of the receipts arriving and the
//! settlement policy, signature verification on its own threads. SIGTERM stops accepting,
//! finishes the requests in flight, lets the last commit land and exits 0: every receipt
//! acknowledged is on disk, and a restart resumes settling from the store.
pub mod http;
pub mod ingest;
pub mod metrics;
pub mod policy;

use crate::{errors::ClientError, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    api::{Terms, U64},
    client::SharedSigner,
    market::{load_market, MarketInfo},
    pda,
    receipts::store::{Book, CommitStats, GroupCommitter, GroupHandle, ReceiptStore, SharedStore},
};
use bandwidth_settlement::state::{Provider, ProviderMarket};
use ingest::{Entry, VerifierPool};
use metrics::Metrics;
use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{atomic::AtomicBool, Arc, Mutex, RwLock},
    time::Duration,
};

/// Limits on what one client can make the node do.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body accepted (bytes).
    pub max_body_bytes: usize,
    /// Most receipts in one `POST /v1/receipts`.
    pub max_receipts_per_request: usize,
    /// Connections served at once; more wait to be accepted.
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
    pub limits: Limits,
    /// Signature verification threads (default: one per core).
    pub verify_threads: usize,
    /// Most receipts in one group commit.
    pub commit_batch: usize,
    /// Verify signatures in batches (default); `false`: one at a time, for comparison.
    pub batch_verify: bool,
    /// The priority fee of the node's transactions (settlements, withdrawals, claims).
    pub priority_fee: bandwidth_client::client::PriorityFee,
    pub policy: policy::PolicyConfig,
    /// Seconds between settlement policy rounds; `None`: rounds only when asked
    /// ([`Node::policy_round`], tests).
    pub policy_interval: Option<Duration>,
}

impl NodeConfig {
    pub fn new(market: Pubkey) -> NodeConfig {
        NodeConfig {
            market,
            limits: Limits::default(),
            verify_threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            commit_batch: 8_192,
            batch_verify: true,
            priority_fee: bandwidth_client::client::PriorityFee::Fixed(0),
            policy: policy::PolicyConfig::default(),
            policy_interval: Some(Duration::from_secs(10)),
        }
    }
}

/// What the request handlers share.
pub struct Shared {
    pub market: MarketInfo,
    /// The provider account (PDA) channels name.
    pub provider: Pubkey,
    pub terms: Terms,
    pub limits: Limits,
    /// Reads the chain (channel lookups); never signs.
    pub reader: Client<Arc<dyn Chain>>,
    pub cache: RwLock<HashMap<Pubkey, Entry>>,
    committer: Mutex<Option<GroupHandle>>,
    pub commit_stats: Arc<CommitStats>,
    pub verifier: VerifierPool,
    pub metrics: Arc<Metrics>,
    pub store: SharedStore,
    pub lookups: tokio::sync::Semaphore,
    pub shutting_down: AtomicBool,
}

impl Shared {
    fn committer(&self) -> Option<GroupHandle> {
        self.committer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Shared {
    /// Queues receipts for the group commit; fails once the node is stopping.
    pub async fn submit(
        &self,
        receipts: Vec<bandwidth_settlement::receipt::SignedReceipt>,
        checked: Vec<Option<bandwidth_client::receipts::store::Checked>>,
    ) -> Result<Vec<bandwidth_client::receipts::store::Verdict>, ClientError> {
        let handle = self
            .committer()
            .ok_or_else(|| ClientError::Store("the node is shutting down".into()))?;
        handle.submit(receipts, checked).await
    }
}

/// A running node.
pub struct Node {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    runner: Arc<tokio::sync::Mutex<policy::PolicyRunner>>,
    stop: tokio::sync::watch::Sender<bool>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    policy_loop: Option<tokio::task::JoinHandle<()>>,
    committer: GroupCommitter,
}

/// What a node did before it stopped.
#[derive(Debug, serde::Serialize)]
pub struct NodeReport {
    pub receipts_accepted: u64,
    pub receipts_refused: u64,
    pub channels: usize,
    pub unsettled: u64,
    pub policy_rounds: u64,
}

impl Node {
    /// Starts serving on `listener`: reads the market and the provider (`signer` is its
    /// authority), warms the channel cache from `store`, starts the verifier threads, the
    /// group committer, the HTTP server and (with an interval) the settlement loop.
    pub async fn start(
        chain: Arc<dyn Chain>,
        signer: SharedSigner,
        store: ReceiptStore,
        listener: tokio::net::TcpListener,
        config: NodeConfig,
    ) -> Result<Node, ClientError> {
        Self::start_shared(chain, signer, Arc::new(Mutex::new(store)), listener, config).await
    }

    /// [`start`](Self::start) with a store shared with the caller (the demo settles and closes
    /// channels itself while the node takes receipts).
    pub async fn start_shared(
        chain: Arc<dyn Chain>,
        signer: SharedSigner,
        shared_store: SharedStore,
        listener: tokio::net::TcpListener,
        config: NodeConfig,
    ) -> Result<Node, ClientError> {
        let reader = Client::read_only(chain.clone());
        let market = load_market(&reader, &config.market).await?;
        let authority = signer.pubkey();
        let provider = pda::provider(&authority);
        let p: Provider = reader.require(&provider, "provider").await.map_err(|e| {
            ClientError::Invalid(format!(
                "{e}: register the provider (bwx provider register) before serving"
            ))
        })?;
        let pm: ProviderMarket = reader
            .require(
                &pda::provider_market(&config.market, &provider),
                "provider account in this market",
            )
            .await
            .map_err(|e| {
                ClientError::Invalid(format!(
                    "{e}: join the market (bwx provider register --market) before serving it"
                ))
            })?;
        let terms = Terms {
            market: config.market.to_string(),
            mint: market.keys.mint.to_string(),
            decimals: market.decimals,
            provider: provider.to_string(),
            authority: authority.to_string(),
            payout: p.payout.to_string(),
            price_per_gib: U64(pm.price_per_gib),
            min_dispute_window_secs: p.min_dispute_window_secs,
            watcher_bounty_bps: p.bounty_bps,
            endpoint: p.endpoint.clone(),
            max_receipts_per_request: config.limits.max_receipts_per_request,
        };
        let metrics = Arc::new(Metrics::default());
        let cache = ingest::warm_cache(&Book::channels(&shared_store));
        let committer = GroupCommitter::start_shared(shared_store.clone(), config.commit_batch);
        let shared = Arc::new(Shared {
            market: market.clone(),
            provider,
            terms,
            limits: config.limits,
            reader,
            cache: RwLock::new(cache),
            committer: Mutex::new(Some(committer.handle())),
            commit_stats: committer.stats(),
            verifier: VerifierPool::start(
                config.verify_threads,
                config.batch_verify,
                metrics.clone(),
            ),
            metrics: metrics.clone(),
            store: shared_store.clone(),
            lookups: tokio::sync::Semaphore::new(config.limits.max_lookups.max(1)),
            shutting_down: AtomicBool::new(false),
        });
        let mut payer = Client::with_signer(chain, Some(signer));
        payer.priority_fee = config.priority_fee;
        let runner = policy::PolicyRunner::new(
            payer,
            shared_store,
            market,
            config.policy.clone(),
            metrics,
            Some(shared.clone()),
        )
        .await?;
        let runner = Arc::new(tokio::sync::Mutex::new(runner));
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(http::serve(listener, shared.clone(), stopped.clone()));
        let policy_loop = config
            .policy_interval
            .map(|interval| tokio::spawn(policy::run_loop(runner.clone(), interval, stopped)));
        tracing::info!(%addr, market = %config.market, %provider, "provider node serving");
        Ok(Node {
            addr,
            shared,
            runner,
            stop,
            server,
            policy_loop,
            committer,
        })
    }

    /// The node's URL (`http://addr`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// One settlement policy round now.
    pub async fn policy_round(&self) -> Result<policy::PolicyReport, ClientError> {
        self.runner.lock().await.round().await
    }

    /// The node's Prometheus page.
    pub fn metrics(&self) -> String {
        http::render_metrics(&self.shared)
    }

    /// Stops accepting requests, finishes those in flight, ends the settlement loop after its
    /// current round, lets the last group commit land, and returns the store.
    pub async fn shutdown(self) -> Result<(SharedStore, NodeReport), ClientError> {
        self.shared
            .shutting_down
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.stop.send(true);
        match self.server.await {
            Ok(r) => r?,
            Err(e) => return Err(ClientError::Invalid(format!("HTTP server task: {e}"))),
        }
        if let Some(l) = self.policy_loop {
            let _ = l.await;
        }
        self.shared.verifier.stop();
        self.shared
            .committer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        drop(self.runner);
        let store = tokio::task::spawn_blocking(move || self.committer.stop())
            .await
            .map_err(|e| ClientError::Store(e.to_string()))?;
        let m = &self.shared.metrics;
        let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
        let channels = Book::channels(&store);
        let report = NodeReport {
            receipts_accepted: load(&m.accepted),
            receipts_refused: m.refused.iter().map(load).sum(),
            channels: channels.len(),
            unsettled: channels.iter().map(|c| c.unsettled()).sum(),
            policy_rounds: load(&m.policy_rounds),
        };
        tracing::info!(?report, "provider node stopped");
        Ok((store, report))
    }
}
