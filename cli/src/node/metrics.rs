//! The node's counters, written in the Prometheus text format (`GET /metrics`).
use bandwidth_client::{
    api::Refusal,
    receipts::store::{CommitStats, COMMIT_BUCKETS_MS},
};
use std::{
    fmt::Write,
    sync::atomic::{AtomicU64, Ordering},
};

#[derive(Default)]
pub struct Metrics {
    pub accepted: AtomicU64,
    pub duplicates: AtomicU64,
    /// Indexed like [`Refusal::ALL`].
    pub refused: [AtomicU64; 8],
    pub requests: AtomicU64,
    /// Requests refused as a whole (malformed body, too many receipts, wrong media type).
    pub requests_refused: AtomicU64,
    pub channel_lookups: AtomicU64,
    pub rpc_errors: AtomicU64,
    pub settlements_sent: AtomicU64,
    pub settlements_failed: AtomicU64,
    pub policy_rounds: AtomicU64,
    pub policy_rounds_failed: AtomicU64,
    pub withdrawals: AtomicU64,
    pub reward_claims: AtomicU64,
    pub verified_batches: AtomicU64,
    pub verified_receipts: AtomicU64,
}

pub fn index(reason: Refusal) -> usize {
    Refusal::ALL
        .iter()
        .position(|r| *r == reason)
        .expect("every refusal is listed")
}

impl Metrics {
    pub fn refuse(&self, reason: Refusal) {
        self.refused[index(reason)].fetch_add(1, Ordering::Relaxed);
    }

    pub fn refused(&self, reason: Refusal) -> u64 {
        self.refused[index(reason)].load(Ordering::Relaxed)
    }

    /// The whole page. `unsettled`: base units received but not settled, over every channel.
    pub fn render(&self, commits: &CommitStats, unsettled: u64, channels: usize) -> String {
        let mut out = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        let counters: [(&str, &str, &AtomicU64); 6] = [
            (
                "bwx_receipts_accepted_total",
                "Receipts stored as their channel's new best.",
                &self.accepted,
            ),
            (
                "bwx_receipts_duplicate_total",
                "Receipts identical to the one already stored.",
                &self.duplicates,
            ),
            (
                "bwx_http_receipt_requests_total",
                "POST /v1/receipts requests.",
                &self.requests,
            ),
            (
                "bwx_http_receipt_requests_refused_total",
                "POST /v1/receipts requests refused as a whole.",
                &self.requests_refused,
            ),
            (
                "bwx_channel_lookups_total",
                "Channels read from the chain (each at most once, then cached).",
                &self.channel_lookups,
            ),
            (
                "bwx_rpc_errors_total",
                "Calls to the cluster that failed.",
                &self.rpc_errors,
            ),
        ];
        for (name, help, value) in counters {
            counter(&mut out, name, help, get(value));
        }
        let _ = writeln!(
            out,
            "# HELP bwx_receipts_refused_total Receipts refused, by reason.\n# TYPE bwx_receipts_refused_total counter"
        );
        for (i, r) in Refusal::ALL.iter().enumerate() {
            let _ = writeln!(
                out,
                "bwx_receipts_refused_total{{reason=\"{}\"}} {}",
                r.as_str(),
                get(&self.refused[i])
            );
        }
        let counters: [(&str, &str, &AtomicU64); 8] = [
            (
                "bwx_settlements_sent_total",
                "Channels settled by the node.",
                &self.settlements_sent,
            ),
            (
                "bwx_settlements_failed_total",
                "Channel settlements refused or failed (retried next round).",
                &self.settlements_failed,
            ),
            (
                "bwx_policy_rounds_total",
                "Settlement policy rounds run.",
                &self.policy_rounds,
            ),
            (
                "bwx_policy_rounds_failed_total",
                "Settlement policy rounds that could not start (cluster unreachable).",
                &self.policy_rounds_failed,
            ),
            (
                "bwx_earnings_withdrawals_total",
                "Earnings withdrawn to the payout wallet.",
                &self.withdrawals,
            ),
            (
                "bwx_reward_claims_total",
                "Rewards claimed.",
                &self.reward_claims,
            ),
            (
                "bwx_verify_batches_total",
                "Signature verification batches.",
                &self.verified_batches,
            ),
            (
                "bwx_verify_receipts_total",
                "Signatures verified.",
                &self.verified_receipts,
            ),
        ];
        for (name, help, value) in counters {
            counter(&mut out, name, help, get(value));
        }
        let _ = writeln!(
            out,
            "# HELP bwx_unsettled_base_units Received but not yet settled, over every channel.\n# TYPE bwx_unsettled_base_units gauge\nbwx_unsettled_base_units {unsettled}"
        );
        let _ = writeln!(
            out,
            "# HELP bwx_channels Channels in the receipt store.\n# TYPE bwx_channels gauge\nbwx_channels {channels}"
        );
        let _ = writeln!(
            out,
            "# HELP bwx_store_commit_seconds Receipt store group commits (one fsync each).\n# TYPE bwx_store_commit_seconds histogram"
        );
        let mut cumulative = 0;
        for (i, bound) in COMMIT_BUCKETS_MS.iter().enumerate() {
            cumulative += get(&commits.buckets[i]);
            let _ = writeln!(
                out,
                "bwx_store_commit_seconds_bucket{{le=\"{}\"}} {cumulative}",
                bound / 1e3
            );
        }
        cumulative += get(&commits.buckets[COMMIT_BUCKETS_MS.len()]);
        let _ = writeln!(
            out,
            "bwx_store_commit_seconds_bucket{{le=\"+Inf\"}} {cumulative}\nbwx_store_commit_seconds_sum {}\nbwx_store_commit_seconds_count {}",
            get(&commits.micros_total) as f64 / 1e6,
            get(&commits.commits)
        );
        counter(
            &mut out,
            "bwx_store_committed_receipts_total",
            "Receipts judged by the store's group commits.",
            get(&commits.receipts),
        );
        out
    }
}
