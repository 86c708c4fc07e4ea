//! The provider's node (`bwx provider serve`), as a library: receipts arrive over HTTP
//! ([`bandwidth_client::api`]) and are acknowledged once durable; the settlement policy (the
//! SDK's watcher, the same code as `bwx watch`) settles them, withdraws the earnings and claims
//! the rewards, without a human.
//!
//! ```no_run
//! # async fn run(chain: std::sync::Arc<dyn bandwidth_client::Chain>, key: solana_keypair::Keypair,
//! #              market: anchor_lang::prelude::Pubkey) -> Result<(), bandwidth_client::ClientError> {
//! use bandwidth_client::receipts::store::ReceiptStore;
//! let node = bandwidth_node::Node::builder(market)
//!     .chain(chain)
//!     .signer(key)
//!     .store(ReceiptStore::open("receipts.sqlite")?)
//!     .listen("127.0.0.1:8910")
//!     .start()
//!     .await?;
//! // ... until a signal:
//! let (_store, report) = node.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! One node per provider and market: a [`ReceiptStore`] shared by the group committer of the
//! receipts arriving and the settlement policy, signature verification on threads of its own.
//! [`Node::shutdown`] stops accepting, finishes the requests in flight, lets the last commit
//! land: every receipt acknowledged is on disk, and a restart resumes from the store.
#![warn(clippy::too_many_lines)]

mod cache;
pub mod config;
mod http;
mod ingest;
pub mod metrics;
pub mod policy;
mod state;
mod verifier;

pub use config::{Limits, NodeConfig};
pub use policy::{PolicyConfig, PolicyReport};

use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    client::{PriorityFee, SharedSigner},
    receipts::store::{Book, GroupCommitter, ReceiptStore, SharedStore},
    Chain, ClientError,
};
use solana_signer::Signer;
use state::Shared;
use std::{
    net::SocketAddr,
    sync::{atomic::Ordering, Arc, Mutex},
    time::Duration,
};

/// A running node.
pub struct Node {
    addr: SocketAddr,
    shared: Arc<Shared>,
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

/// What a node has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeStats {
    pub accepted: u64,
    /// Group commits (one fsync each).
    pub commits: u64,
    pub verify_batches: u64,
}

/// How a node is started: [`Node::builder`].
pub struct NodeBuilder {
    config: NodeConfig,
    chain: Option<Arc<dyn Chain>>,
    signer: Option<SharedSigner>,
    store: Option<SharedStore>,
    listener: Option<tokio::net::TcpListener>,
    listen: Option<String>,
}

impl NodeBuilder {
    /// All the settings at once (the market included).
    pub fn config(mut self, config: NodeConfig) -> Self {
        self.config = config;
        self
    }

    /// The cluster the node reads channels from and settles on.
    pub fn chain(mut self, chain: Arc<dyn Chain>) -> Self {
        self.chain = Some(chain);
        self
    }

    /// The provider's authority: it signs settlements, closes, withdrawals and claims.
    pub fn signer(self, signer: impl Signer + Send + Sync + 'static) -> Self {
        self.shared_signer(Arc::new(signer))
    }

    pub fn shared_signer(mut self, signer: SharedSigner) -> Self {
        self.signer = Some(signer);
        self
    }

    /// The receipt store the node owns.
    pub fn store(self, store: ReceiptStore) -> Self {
        self.shared_store(Arc::new(Mutex::new(store)))
    }

    /// A store shared with the caller (the demo settles and closes channels itself while the
    /// node takes receipts).
    pub fn shared_store(mut self, store: SharedStore) -> Self {
        self.store = Some(store);
        self
    }

    /// Serve on a listener already bound.
    pub fn listener(mut self, listener: tokio::net::TcpListener) -> Self {
        self.listener = Some(listener);
        self
    }

    /// Serve on `addr` ("127.0.0.1:8910"), bound at start.
    pub fn listen(mut self, addr: &str) -> Self {
        self.listen = Some(addr.to_string());
        self
    }

    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    pub fn policy(mut self, policy: PolicyConfig) -> Self {
        self.config.policy = policy;
        self
    }

    /// Between settlement rounds; `None`: only when asked ([`Node::policy_round`]).
    pub fn policy_interval(mut self, interval: Option<Duration>) -> Self {
        self.config.policy_interval = interval;
        self
    }

    pub fn verify_threads(mut self, threads: usize) -> Self {
        self.config.verify_threads = threads;
        self
    }

    /// Verify signatures one at a time instead of in batches (for comparison).
    pub fn batch_verify(mut self, batch: bool) -> Self {
        self.config.batch_verify = batch;
        self
    }

    pub fn commit_batch(mut self, receipts: usize) -> Self {
        self.config.commit_batch = receipts;
        self
    }

    pub fn priority_fee(mut self, fee: PriorityFee) -> Self {
        self.config.priority_fee = fee;
        self
    }

    /// A deployment of the program at another address.
    pub fn program_id(mut self, program_id: Pubkey) -> Self {
        self.config.program_id = program_id;
        self
    }

    /// Reads the market and the provider (the signer is its authority), warms the channel
    /// cache from the store, starts the verifier threads, the group committer, the HTTP
    /// server and (with an interval) the settlement loop.
    pub async fn start(self) -> Result<Node, ClientError> {
        let missing = |what: &str| ClientError::Invalid(format!("Node::builder(): set {what}"));
        let chain = self.chain.ok_or_else(|| missing("the chain"))?;
        let signer = self.signer.ok_or_else(|| missing("the signer"))?;
        let store = self.store.ok_or_else(|| missing("the receipt store"))?;
        let listener = match (self.listener, self.listen) {
            (Some(l), _) => l,
            (None, Some(addr)) => tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|e| ClientError::Invalid(format!("cannot listen on {addr}: {e}")))?,
            (None, None) => return Err(missing("a listener or an address to listen on")),
        };
        Node::start(chain, signer, store, listener, self.config).await
    }
}

impl Node {
    /// A node for `market`: set the chain, the signer, the store and where to listen, then
    /// [`start`](NodeBuilder::start).
    pub fn builder(market: Pubkey) -> NodeBuilder {
        NodeBuilder {
            config: NodeConfig::new(market),
            chain: None,
            signer: None,
            store: None,
            listener: None,
            listen: None,
        }
    }

    async fn start(
        chain: Arc<dyn Chain>,
        signer: SharedSigner,
        store: SharedStore,
        listener: tokio::net::TcpListener,
        config: NodeConfig,
    ) -> Result<Node, ClientError> {
        let metrics = Arc::new(metrics::Metrics::default());
        let observed = metrics.clone();
        let committer =
            GroupCommitter::start_observed(store.clone(), config.commit_batch, move |n, took| {
                observed.committed(n, took.as_secs_f64())
            });
        let shared = Arc::new(
            Shared::new(
                chain.clone(),
                &signer,
                store.clone(),
                &config,
                &committer,
                metrics,
            )
            .await?,
        );
        let runner =
            policy::PolicyRunner::new(chain, signer, store, &config, shared.clone()).await?;
        let runner = Arc::new(tokio::sync::Mutex::new(runner));
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(http::serve(listener, shared.clone(), stopped.clone()));
        let policy_loop = config
            .policy_interval
            .map(|interval| tokio::spawn(policy::run_loop(runner.clone(), interval, stopped)));
        tracing::info!(%addr, market = %config.market, provider = %shared.provider, "provider node serving");
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

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The node's URL (`http://addr`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The provider account (PDA) the node serves.
    pub fn provider(&self) -> Pubkey {
        self.shared.provider
    }

    /// The receipt store the node commits into (shared: reading it never blocks a commit for
    /// long).
    pub fn store(&self) -> &SharedStore {
        &self.shared.store
    }

    /// Counters a bench reads between runs.
    pub fn stats(&self) -> NodeStats {
        let m = &self.shared.metrics;
        NodeStats {
            accepted: m.accepted.get(),
            commits: m.commits.get(),
            verify_batches: m.verified_batches.get(),
        }
    }

    /// One settlement policy round now.
    pub async fn policy_round(&self) -> Result<PolicyReport, ClientError> {
        self.runner.lock().await.round().await
    }

    /// The node's Prometheus page.
    pub fn metrics(&self) -> String {
        self.shared.render_metrics()
    }

    /// Receipts refused for `reason` so far.
    pub fn refused(&self, reason: bandwidth_client::api::Refusal) -> u64 {
        self.shared.metrics.refused(reason)
    }

    /// Stops accepting requests, finishes those in flight, ends the settlement loop after its
    /// current round, lets the last group commit land, and returns the store.
    pub async fn shutdown(self) -> Result<(SharedStore, NodeReport), ClientError> {
        self.shared.shutting_down.store(true, Ordering::SeqCst);
        let _ = self.stop.send(true);
        match self.server.await {
            Ok(r) => r?,
            Err(e) => return Err(ClientError::Invalid(format!("HTTP server task: {e}"))),
        }
        if let Some(l) = self.policy_loop {
            let _ = l.await;
        }
        self.shared.verifier.stop();
        self.shared.close_committer();
        drop(self.runner);
        let store = tokio::task::spawn_blocking(move || self.committer.stop())
            .await
            .map_err(|e| ClientError::Store(e.to_string()))?;
        let m = &self.shared.metrics;
        let channels = Book::channels(&store);
        let report = NodeReport {
            receipts_accepted: m.accepted.get(),
            receipts_refused: m.refused_total(),
            channels: channels.len(),
            unsettled: channels.iter().map(|c| c.unsettled()).sum(),
            policy_rounds: m.policy_rounds.get(),
        };
        tracing::info!(?report, "provider node stopped");
        Ok((store, report))
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM: what a node's process (or a watcher's)
/// stops on. The handlers are installed when this is called, not when the future is first
/// polled, so a signal during start-up is not lost.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("install a SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("install a SIGINT handler");
        async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
