//! What the request handlers and the settlement policy share.
use crate::{cache::Entry, config::Limits, metrics::Metrics, verifier::VerifierPool, NodeConfig};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    api::{Terms, U64},
    client::SharedSigner,
    market::{load_market, MarketInfo},
    receipts::store::{Book, Checked, GroupCommitter, GroupHandle, SharedStore, Verdict},
    Chain, Client, ClientError,
};
use bandwidth_settlement::{
    receipt::SignedReceipt,
    state::{Provider, ProviderMarket},
};
use std::{
    collections::HashMap,
    sync::{atomic::AtomicBool, Arc, Mutex, RwLock},
};

pub struct Shared {
    pub market: MarketInfo,
    pub program_id: Pubkey,
    /// The provider account (PDA) channels name.
    pub provider: Pubkey,
    pub terms: Terms,
    pub limits: Limits,
    /// Reads the chain (channel lookups); never signs.
    pub reader: Client<Arc<dyn Chain>>,
    pub cache: RwLock<HashMap<Pubkey, Entry>>,
    committer: Mutex<Option<GroupHandle>>,
    pub verifier: VerifierPool,
    pub metrics: Arc<Metrics>,
    pub store: SharedStore,
    pub lookups: tokio::sync::Semaphore,
    pub shutting_down: AtomicBool,
}

impl Shared {
    /// Reads the market, the provider (`signer` is its authority) and its account in the
    /// market; warms the cache from the store; starts the verifier threads.
    pub async fn new(
        chain: Arc<dyn Chain>,
        signer: &SharedSigner,
        store: SharedStore,
        config: &NodeConfig,
        committer: &GroupCommitter,
        metrics: Arc<Metrics>,
    ) -> Result<Shared, ClientError> {
        let mut reader = Client::read_only(chain);
        reader.program_id = config.program_id;
        let market = load_market(&reader, &config.market).await?;
        let authority = signer.pubkey();
        let provider = reader.pda().provider(&authority);
        let terms = terms(&reader, &market, &authority, config).await?;
        Ok(Shared {
            cache: RwLock::new(crate::cache::warm(&Book::channels(&store))),
            committer: Mutex::new(Some(committer.handle())),
            verifier: VerifierPool::start(
                config.verify_threads,
                config.batch_verify,
                metrics.clone(),
            ),
            lookups: tokio::sync::Semaphore::new(config.limits.max_lookups.max(1)),
            shutting_down: AtomicBool::new(false),
            program_id: config.program_id,
            limits: config.limits,
            market,
            provider,
            terms,
            reader,
            metrics,
            store,
        })
    }

    /// Queues receipts for the group commit; fails once the node is stopping.
    pub async fn submit(
        &self,
        receipts: Vec<SignedReceipt>,
        checked: Vec<Option<Checked>>,
    ) -> Result<Vec<Verdict>, ClientError> {
        let handle = self
            .committer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| ClientError::Store("the node is shutting down".into()))?;
        handle.submit(receipts, checked).await
    }

    /// No more commits through this node (its committer then stops once drained).
    pub fn close_committer(&self) {
        self.committer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    pub fn render_metrics(&self) -> String {
        let channels = Book::channels(&self.store);
        let unsettled = channels.iter().map(|c| c.unsettled()).sum();
        self.metrics.render(unsettled, channels.len())
    }
}

/// What `GET /v1/terms` says, from the provider's accounts on-chain.
async fn terms(
    reader: &Client<Arc<dyn Chain>>,
    market: &MarketInfo,
    authority: &Pubkey,
    config: &NodeConfig,
) -> Result<Terms, ClientError> {
    let provider = reader.pda().provider(authority);
    let p: Provider = reader.require(&provider, "provider").await.map_err(|e| {
        ClientError::Invalid(format!(
            "{e}: register the provider (bwx provider register) before serving"
        ))
    })?;
    let pm_address = reader.pda().provider_market(&config.market, &provider);
    let pm: ProviderMarket = reader
        .require(&pm_address, "provider account in this market")
        .await
        .map_err(|e| {
            ClientError::Invalid(format!(
                "{e}: join the market (bwx provider register --market) before serving it"
            ))
        })?;
    Ok(Terms {
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
    })
}
