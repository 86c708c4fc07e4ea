//! The node's metrics (prometheus-client), served as Prometheus text on `GET /metrics`. One
//! registry per node, so that several nodes in one process (tests, the demo) keep apart.
use bandwidth_client::api::Refusal;
use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use std::fmt::Write;

/// A refusal as a label value (`reason="bad_signature"`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: Reason,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct Reason(pub Refusal);

impl EncodeLabelValue for Reason {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.0.as_str())
    }
}

/// Upper bounds of the commit latency histogram, seconds.
const COMMIT_BUCKETS: [f64; 9] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

pub struct Metrics {
    registry: Registry,
    pub accepted: Counter,
    pub duplicates: Counter,
    refused: Family<ReasonLabel, Counter>,
    pub requests: Counter,
    /// Requests refused as a whole (malformed body, too many receipts, wrong media type).
    pub requests_refused: Counter,
    pub channel_lookups: Counter,
    pub rpc_errors: Counter,
    pub settlements_sent: Counter,
    pub settlements_failed: Counter,
    pub policy_rounds: Counter,
    pub policy_rounds_failed: Counter,
    pub withdrawals: Counter,
    pub reward_claims: Counter,
    pub verified_batches: Counter,
    pub verified_receipts: Counter,
    pub committed_receipts: Counter,
    /// Group commits (the histogram's count, kept readable).
    pub commits: Counter,
    pub commit_seconds: Histogram,
    /// Set when the page is rendered, from the store.
    pub unsettled: Gauge,
    pub channels: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("bwx");
        let mut counter = |name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let accepted = counter(
            "receipts_accepted",
            "Receipts stored as their channel's new best",
        );
        let duplicates = counter(
            "receipts_duplicate",
            "Receipts identical to the one already stored",
        );
        let requests = counter("http_receipt_requests", "POST /v1/receipts requests");
        let requests_refused = counter(
            "http_receipt_requests_refused",
            "POST /v1/receipts requests refused as a whole",
        );
        let channel_lookups = counter(
            "channel_lookups",
            "Channels read from the chain (each at most once, then cached)",
        );
        let rpc_errors = counter("rpc_errors", "Calls to the cluster that failed");
        let settlements_sent = counter("settlements_sent", "Channels settled by the node");
        let settlements_failed = counter(
            "settlements_failed",
            "Channel settlements refused or failed (retried next round)",
        );
        let policy_rounds = counter("policy_rounds", "Settlement policy rounds run");
        let policy_rounds_failed = counter(
            "policy_rounds_failed",
            "Settlement policy rounds that could not start (cluster unreachable)",
        );
        let withdrawals = counter(
            "earnings_withdrawals",
            "Earnings withdrawn to the payout wallet",
        );
        let reward_claims = counter("reward_claims", "Rewards claimed");
        let verified_batches = counter("verify_batches", "Signature verification batches");
        let verified_receipts = counter("verify_receipts", "Signatures verified");
        let committed_receipts = counter(
            "store_committed_receipts",
            "Receipts judged by the store's group commits",
        );
        let refused = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "receipts_refused",
            "Receipts refused, by reason",
            refused.clone(),
        );
        // Every reason appears on the page from the start, at 0.
        for r in Refusal::ALL {
            let _ = refused.get_or_create(&ReasonLabel { reason: Reason(r) });
        }
        let commit_seconds = Histogram::new(COMMIT_BUCKETS);
        registry.register(
            "store_commit_seconds",
            "Receipt store group commits (one fsync each)",
            commit_seconds.clone(),
        );
        let unsettled = Gauge::default();
        registry.register(
            "unsettled_base_units",
            "Received but not yet settled, over every channel",
            unsettled.clone(),
        );
        let channels = Gauge::default();
        registry.register(
            "channels",
            "Channels in the receipt store",
            channels.clone(),
        );
        Metrics {
            registry,
            accepted,
            duplicates,
            refused,
            requests,
            requests_refused,
            channel_lookups,
            rpc_errors,
            settlements_sent,
            settlements_failed,
            policy_rounds,
            policy_rounds_failed,
            withdrawals,
            reward_claims,
            verified_batches,
            verified_receipts,
            committed_receipts,
            commits: Counter::default(),
            commit_seconds,
            unsettled,
            channels,
        }
    }
}

impl Metrics {
    pub fn refuse(&self, reason: Refusal) {
        self.refused
            .get_or_create(&ReasonLabel {
                reason: Reason(reason),
            })
            .inc();
    }

    pub fn refused(&self, reason: Refusal) -> u64 {
        self.refused
            .get_or_create(&ReasonLabel {
                reason: Reason(reason),
            })
            .get()
    }

    pub fn refused_total(&self) -> u64 {
        Refusal::ALL.iter().map(|r| self.refused(*r)).sum()
    }

    /// A group commit of `receipts` that took `seconds`.
    pub fn committed(&self, receipts: usize, seconds: f64) {
        self.committed_receipts.inc_by(receipts as u64);
        self.commits.inc();
        self.commit_seconds.observe(seconds);
    }

    /// The page, in the Prometheus text format (0.0.4). `unsettled` and `channels` are read
    /// from the store by the caller.
    pub fn render(&self, unsettled: u64, channels: usize) -> String {
        self.unsettled
            .set(i64::try_from(unsettled).unwrap_or(i64::MAX));
        self.channels.set(channels as i64);
        let mut out = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(page: &str, name: &str) -> f64 {
        page.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in\n{page}"))
    }

    /// The page keeps the names and types dashboards and the tests read: counters with
    /// `_total`, refusals by reason (every reason present from the start), the commit
    /// histogram, the gauges set at render time.
    #[test]
    fn the_page_names_every_counter_reason_and_the_commit_histogram() {
        let m = Metrics::default();
        m.accepted.inc_by(3);
        m.refuse(Refusal::BadSignature);
        m.committed(5, 0.002);
        m.committed(7, 0.3);
        let page = m.render(42, 2);
        assert_eq!(value(&page, "bwx_receipts_accepted_total"), 3.0);
        assert_eq!(
            value(
                &page,
                "bwx_receipts_refused_total{reason=\"bad_signature\"}"
            ),
            1.0
        );
        assert_eq!(
            value(
                &page,
                "bwx_receipts_refused_total{reason=\"not_above_best\"}"
            ),
            0.0
        );
        assert_eq!(value(&page, "bwx_store_committed_receipts_total"), 12.0);
        assert_eq!(value(&page, "bwx_store_commit_seconds_count"), 2.0);
        assert_eq!(
            value(&page, "bwx_store_commit_seconds_bucket{le=\"0.0025\"}"),
            1.0
        );
        assert_eq!(
            value(&page, "bwx_store_commit_seconds_bucket{le=\"+Inf\"}"),
            2.0
        );
        assert_eq!(value(&page, "bwx_unsettled_base_units"), 42.0);
        assert_eq!(value(&page, "bwx_channels"), 2.0);
        assert!(
            page.contains("# TYPE bwx_receipts_accepted_total counter"),
            "{page}"
        );
        assert_eq!((m.refused_total(), m.commits.get()), (1, 2));
    }
}
