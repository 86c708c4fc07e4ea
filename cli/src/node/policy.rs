//! The node's settlement policy: each round is one [`Watcher::poll`] (closing channels at once,
//! open ones by unsettled value or age, `settle_many` packed with the lookup table: the same
//! code as `bwx watch`), then the treasury: earnings withdrawn to the payout wallet above a
//! threshold, rewards claimed as they vest.
use super::metrics::Metrics;
use crate::{errors::ClientError, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    ix, lookup,
    market::{compute, ensure_token_account, MarketInfo},
    pda,
    receipts::store::{Book, SharedStore},
    settlement::SettleRow,
    watcher::{WatchPolicy, Watcher},
};
use bandwidth_settlement::state::{Provider, ProviderMarket};
use serde::Serialize;
use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

#[derive(Clone, Debug)]
pub struct PolicyConfig {
    pub watch: WatchPolicy,
    pub lookup_table: Option<Pubkey>,
    /// Withdraw the earnings to the payout wallet once they reach this (base units); `None`:
    /// never.
    pub withdraw_above: Option<u64>,
    /// Claim rewards once this much has vested (base units of the reward mint), or whenever a
    /// vesting schedule has ended; `None`: never.
    pub claim_rewards_above: Option<u64>,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            watch: WatchPolicy::default(),
            lookup_table: None,
            withdraw_above: Some(1),
            claim_rewards_above: Some(1),
        }
    }
}

/// One round.
#[derive(Debug, Default, Serialize)]
pub struct PolicyReport {
    pub settlements: Vec<SettleRow>,
    /// Earnings moved to the payout wallet (base units).
    pub withdrawn: u64,
    /// Rewards claimed (base units of the reward mint).
    pub rewards_claimed: u64,
    /// What went wrong in the treasury step (the round still counts).
    pub errors: Vec<String>,
}

pub struct PolicyRunner {
    watcher: Watcher<Arc<dyn Chain>, SharedStore>,
    market: MarketInfo,
    config: PolicyConfig,
    metrics: Arc<Metrics>,
    /// The node's channel cache: channels found closed or past their deadline in a round are
    /// refused from then on, without waiting for the store's judgement.
    node: Option<Arc<super::Shared>>,
}

impl PolicyRunner {
    pub async fn new(
        client: Client<Arc<dyn Chain>>,
        store: SharedStore,
        market: MarketInfo,
        config: PolicyConfig,
        metrics: Arc<Metrics>,
        node: Option<Arc<super::Shared>>,
    ) -> Result<PolicyRunner, ClientError> {
        let tables = match &config.lookup_table {
            Some(t) => vec![lookup::fetch_active(&client.chain, t).await?],
            None => vec![],
        };
        Ok(PolicyRunner {
            watcher: Watcher {
                client,
                store,
                policy: config.watch,
                tables,
                bounty_to: None,
            },
            market,
            config,
            metrics,
            node,
        })
    }

    /// Settles what is due, then the treasury step.
    pub async fn round(&mut self) -> Result<PolicyReport, ClientError> {
        let rows = match self.watcher.poll().await {
            Ok(rows) => rows,
            Err(e) => {
                self.metrics
                    .policy_rounds_failed
                    .fetch_add(1, Ordering::Relaxed);
                self.metrics.rpc_errors.fetch_add(1, Ordering::Relaxed);
                return Err(e);
            }
        };
        self.metrics.policy_rounds.fetch_add(1, Ordering::Relaxed);
        let settled = rows.iter().filter(|r| r.outcome == "settled").count() as u64;
        let failed = rows.iter().filter(|r| r.is_failure()).count() as u64;
        self.metrics
            .settlements_sent
            .fetch_add(settled, Ordering::Relaxed);
        self.metrics
            .settlements_failed
            .fetch_add(failed, Ordering::Relaxed);
        for r in rows.iter().filter(|r| r.outcome != "nothing new") {
            tracing::info!(channel = %r.channel, outcome = r.outcome, amount = ?r.amount, error = ?r.error, "settlement");
        }
        let mut report = PolicyReport {
            settlements: rows,
            ..PolicyReport::default()
        };
        if let Err(e) = self.close_in_cache().await {
            report.errors.push(e.to_string());
        }
        if let Err(e) = self.treasury(&mut report).await {
            self.metrics.rpc_errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "treasury step failed; retried next round");
            report.errors.push(e.to_string());
        }
        Ok(report)
    }

    /// Channels the round found closed, or closing past their deadline, are refused by the
    /// node from now on: a receipt for them could never be settled.
    async fn close_in_cache(&self) -> Result<(), ClientError> {
        let Some(node) = &self.node else {
            return Ok(());
        };
        let now = self.watcher.client.chain.clock().await?.unix_timestamp;
        let done: Vec<(Pubkey, &'static str)> = Book::channels(&self.watcher.store)
            .into_iter()
            .filter_map(|c| {
                if c.closed {
                    Some((c.terms.channel, "is closed"))
                } else if c.close_deadline.is_some_and(|d| now >= d) {
                    Some((c.terms.channel, "is past its close deadline"))
                } else {
                    None
                }
            })
            .collect();
        let mut cache = node.cache.write().unwrap_or_else(|p| p.into_inner());
        for (channel, why) in done {
            cache.insert(
                channel,
                super::ingest::Entry::Refuse {
                    reason: bandwidth_client::api::Refusal::ChannelClosed,
                    message: format!("channel {channel} {why}: nothing more can be settled"),
                    until: None,
                },
            );
        }
        Ok(())
    }

    async fn treasury(&self, report: &mut PolicyReport) -> Result<(), ClientError> {
        let client = &self.watcher.client;
        let authority = client.payer().pubkey();
        let provider = pda::provider(&authority);
        let pm_address = pda::provider_market(&self.market.address, &provider);
        let pm: ProviderMarket = client
            .require(&pm_address, "provider account in this market")
            .await?;
        if let Some(threshold) = self.config.withdraw_above {
            if pm.earnings >= threshold.max(1) {
                let p: Provider = client.require(&provider, "provider").await?;
                let destination = ensure_token_account(client, &self.market, &p.payout).await?;
                let ix = ix::withdraw_earnings(authority, &self.market.keys, destination, None);
                client.send(&[ix], &[], compute::WITHDRAW_EARNINGS).await?;
                report.withdrawn = pm.earnings;
                self.metrics.withdrawals.fetch_add(1, Ordering::Relaxed);
                tracing::info!(amount = %self.market.ui(pm.earnings), payout = %p.payout, "earnings withdrawn");
            }
        }
        if let (Some(threshold), Some(_)) =
            (self.config.claim_rewards_above, self.market.reward_pool)
        {
            let now = client.chain.clock().await?.unix_timestamp;
            let vested = pm.vested(now).saturating_sub(pm.reward_released);
            let schedule_done = pm.reward_released == pm.reward_locked && pm.reward_accrued > 0;
            if vested >= threshold.max(1) || schedule_done {
                let claim = crate::commands::rewards::claim(client, &self.market.address).await?;
                let after: ProviderMarket = client.require(&pm_address, "provider account").await?;
                report.rewards_claimed = after.rewards_claimed - pm.rewards_claimed;
                self.metrics.reward_claims.fetch_add(1, Ordering::Relaxed);
                tracing::info!(minted = %claim.minted, "rewards claimed");
            }
        }
        Ok(())
    }
}

/// Rounds every `interval` until `stop` turns true (a round in progress is finished). A round
/// that cannot start waits `min(interval, 1 s)` doubled per failure in a row, at most 8 times.
pub async fn run_loop(
    runner: Arc<tokio::sync::Mutex<PolicyRunner>>,
    interval: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut failures = 0u32;
    loop {
        if *stop.borrow() {
            return;
        }
        let wait = match runner.lock().await.round().await {
            Ok(_) => {
                failures = 0;
                interval
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(error = %e, "settlement round could not start");
                interval.min(Duration::from_secs(1)) * 2u32.pow(failures.min(3))
            }
        };
        tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
