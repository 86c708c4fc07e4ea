//! The node's settlement policy: each round is one [`Watcher::poll`] (closing channels at once,
//! open ones by unsettled value or age, packed into as few transactions as fit: the same code
//! as `bwx watch`), then the treasury: earnings withdrawn to the payout wallet above a
//! threshold, rewards claimed as they vest.
use crate::{cache::Entry, state::Shared, NodeConfig};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    client::SharedSigner,
    lookup,
    ops::Provider,
    receipts::store::{Book, SharedStore},
    settlement::{Outcome, SettleRow},
    watcher::{WatchPolicy, Watcher},
    Chain, Client, ClientError,
};
use serde::Serialize;
use std::{sync::Arc, time::Duration};

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
    config: PolicyConfig,
    /// The node: channels found closed or past their deadline in a round are refused from
    /// then on, without waiting for the store's judgement.
    node: Arc<Shared>,
}

impl PolicyRunner {
    pub async fn new(
        chain: Arc<dyn Chain>,
        signer: SharedSigner,
        store: SharedStore,
        config: &NodeConfig,
        node: Arc<Shared>,
    ) -> Result<PolicyRunner, ClientError> {
        let mut client = Client::with_signer(chain, Some(signer));
        client.priority_fee = config.priority_fee;
        client.program_id = config.program_id;
        let tables = match &config.policy.lookup_table {
            Some(t) => vec![lookup::fetch_active(&client.chain, t).await?],
            None => vec![],
        };
        let watcher = Watcher {
            client,
            store,
            policy: config.policy.watch,
            tables,
            bounty_to: None,
        };
        Ok(PolicyRunner {
            watcher,
            config: config.policy.clone(),
            node,
        })
    }

    /// Settles what is due, then the treasury step.
    pub async fn round(&mut self) -> Result<PolicyReport, ClientError> {
        let metrics = self.node.metrics.clone();
        let rows = self.watcher.poll().await.inspect_err(|_| {
            metrics.policy_rounds_failed.inc();
            metrics.rpc_errors.inc();
        })?;
        metrics.policy_rounds.inc();
        let settled = rows
            .iter()
            .filter(|r| r.outcome == Outcome::Settled)
            .count();
        let failed = rows.iter().filter(|r| r.is_failure()).count();
        metrics.settlements_sent.inc_by(settled as u64);
        metrics.settlements_failed.inc_by(failed as u64);
        for r in rows.iter().filter(|r| r.outcome != Outcome::NothingNew) {
            tracing::info!(channel = %r.channel, outcome = %r.outcome, amount = ?r.amount, error = ?r.error, "settlement");
        }
        let mut report = PolicyReport {
            settlements: rows,
            ..PolicyReport::default()
        };
        if let Err(e) = self.close_in_cache().await {
            report.errors.push(e.to_string());
        }
        if let Err(e) = self.treasury(&mut report).await {
            metrics.rpc_errors.inc();
            tracing::warn!(error = %e, "treasury step failed; retried next round");
            report.errors.push(e.to_string());
        }
        Ok(report)
    }

    /// Channels the round found closed, or closing past their deadline, are refused by the
    /// node from now on: a receipt for them could never be settled.
    async fn close_in_cache(&self) -> Result<(), ClientError> {
        let now = self.watcher.client.chain.clock().await?.unix_timestamp;
        let done: Vec<(Pubkey, &str)> = Book::channels(&self.watcher.store)
            .into_iter()
            .filter_map(|c| match (c.closed, c.close_deadline) {
                (true, _) => Some((c.terms.channel, "is closed")),
                (false, Some(d)) if now >= d => {
                    Some((c.terms.channel, "is past its close deadline"))
                }
                _ => None,
            })
            .collect();
        let mut cache = self.node.cache.write().unwrap_or_else(|p| p.into_inner());
        for (channel, why) in done {
            cache.insert(channel, Entry::closed(&channel, why));
        }
        Ok(())
    }

    /// Earnings above the threshold to the payout wallet; rewards once enough has vested.
    async fn treasury(&self, report: &mut PolicyReport) -> Result<(), ClientError> {
        let provider = Provider::new(&self.watcher.client, &self.node.market.address).await?;
        let pm = provider.market_account().await?;
        if let Some(threshold) = self.config.withdraw_above {
            if pm.earnings >= threshold.max(1) {
                let moved = provider.withdraw_earnings(None, None).await?;
                report.withdrawn = moved.amount;
                self.node.metrics.withdrawals.inc();
                tracing::info!(amount = %provider.market().ui(moved.amount), to = %moved.to, "earnings withdrawn");
            }
        }
        let Some(threshold) = self.config.claim_rewards_above else {
            return Ok(());
        };
        if provider.market().reward_pool.is_none() {
            return Ok(());
        }
        let now = self.watcher.client.chain.clock().await?.unix_timestamp;
        let vested = pm.vested(now).saturating_sub(pm.reward_released);
        let schedule_done = pm.reward_released == pm.reward_locked && pm.reward_accrued > 0;
        if vested >= threshold.max(1) || schedule_done {
            let claimed = provider.claim_rewards().await?;
            report.rewards_claimed = claimed.minted;
            self.node.metrics.reward_claims.inc();
            tracing::info!(minted = claimed.minted, "rewards claimed");
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
