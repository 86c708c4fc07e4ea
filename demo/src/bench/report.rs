//! The settlement bench's tables: the rows measured, a channel's life and the fee per settled
//! channel derived from them, and the notes that say how they were measured.
use super::{setup::Setup, *};
use bandwidth_client::Chain;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct FormatRow {
    pub format: &'static str,
    /// Channels settled in one transaction, with distinct buyers, executed.
    pub measured_channels_per_tx: usize,
    /// floor((1232 − bytes without channels) / bytes per channel).
    pub byte_limit_channels_per_tx: usize,
    pub tx_bytes: usize,
    pub bytes_per_channel: String,
    pub signatures_per_channel: String,
    pub fee_lamports_per_channel: String,
    /// Compute units the SDK requested for the transaction (client/src/budget.rs, from
    /// figures measured on the SBF VM).
    pub cu_requested: u32,
    /// Compute units the transaction consumed: measured when the program ran on the SBF VM,
    /// absent when it was hosted natively.
    pub cu_consumed: Option<u64>,
    /// The most channels whose request fits the 1.4M limit.
    pub cu_limit_channels_per_tx: usize,
}

#[derive(Debug, Serialize)]
pub struct LifecycleRow {
    pub design: &'static str,
    pub transactions: String,
    pub signatures: String,
    pub fee_lamports: String,
    pub rent_locked_lamports: u64,
    pub rent_reclaimed_lamports: u64,
    pub settle_cu: String,
}

#[derive(Debug, Serialize)]
pub struct FeeRow {
    pub settlement: &'static str,
    pub channels_per_tx: String,
    pub lamports_per_settled_channel: u64,
}

#[derive(Debug, Serialize)]
pub struct BenchReport {
    /// Where the program ran: "sbf: <path>" (the VM, compute units measured) or "native".
    pub program: String,
    pub settlement: Vec<FormatRow>,
    pub one_settlement_per_tx: FormatRow,
    pub fee_per_settled_channel: Vec<FeeRow>,
    pub lifecycle_per_channel: Vec<LifecycleRow>,
    pub notes: Vec<String>,
}

/// `rows`: legacy, v0, aggregated (metered), aggregated (worst case).
pub(super) async fn report(
    chain: &EmbeddedChain,
    s: &Setup<'_>,
    hosting: &Hosting,
    rows: Vec<FormatRow>,
    single: FormatRow,
) -> Result<BenchReport, ClientError> {
    let rent = chain.minimum_balance(Channel::SPACE).await?;
    let peer_rent = chain.minimum_balance(PEER_CHANNEL_BYTES).await?
        + chain.minimum_balance(TOKEN_ACCOUNT_BYTES).await?;
    Ok(BenchReport {
        program: match hosting {
            Hosting::Sbf(path) => format!("sbf: {}", path.display()),
            Hosting::Native => "native".into(),
        },
        fee_per_settled_channel: fees(&rows),
        lifecycle_per_channel: lifecycle(&rows, &single, rent, peer_rent),
        notes: notes(s, hosting, rent, peer_rent),
        settlement: rows,
        one_settlement_per_tx: single,
    })
}

/// A channel's life: open (1 transaction), one settlement (its share of a batch), close
/// (cooperative `close_by_provider`; a forced close is one transaction more).
fn lifecycle(
    rows: &[FormatRow],
    single: &FormatRow,
    rent: u64,
    peer_rent: u64,
) -> Vec<LifecycleRow> {
    let life = |design, settle_share: f64, extra_fee: u64, rent_locked, settle_cu: String| {
        let txs = 2.0 + settle_share;
        let fee = txs * LAMPORTS_PER_SIGNATURE as f64 + extra_fee as f64;
        LifecycleRow {
            design,
            transactions: format!("{txs:.2}"),
            signatures: format!("{txs:.2}"),
            fee_lamports: format!("{fee:.0}"),
            rent_locked_lamports: rent_locked,
            rent_reclaimed_lamports: rent_locked,
            settle_cu,
        }
    };
    // Per channel: measured on the VM when the program ran there, else the SDK's request.
    let cu = |row: &FormatRow| match row.cu_consumed {
        Some(units) => format!("{} (measured)", units / row.measured_channels_per_tx as u64),
        None => format!(
            "≤ {} (requested)",
            row.cu_requested / row.measured_channels_per_tx as u32
        ),
    };
    let share = |row: &FormatRow| 1.0 / row.measured_channels_per_tx as f64;
    let (legacy, v0, agg) = (&rows[0], &rows[1], &rows[2]);
    vec![
        life(
            "this program, half-aggregated, v0 + lookup table",
            share(agg),
            0,
            rent,
            cu(agg),
        ),
        life(
            "this program, v0 + lookup table",
            share(v0),
            0,
            rent,
            cu(v0),
        ),
        life("this program, legacy", share(legacy), 0, rent, cu(legacy)),
        life(
            "this program, one settlement per transaction",
            1.0,
            0,
            rent,
            cu(single),
        ),
        life(
            "peer: precompile, ~5 settlements per transaction",
            1.0 / PEER_SETTLEMENTS_PER_TX as f64,
            PEER_PRECOMPILE_LAMPORTS,
            peer_rent,
            format!("precompile (open ≈ {PEER_OPEN_CU} CU)"),
        ),
    ]
}

fn fees(rows: &[FormatRow]) -> Vec<FeeRow> {
    let fee = |settlement, k: u64, extra| FeeRow {
        settlement,
        channels_per_tx: k.to_string(),
        lamports_per_settled_channel: LAMPORTS_PER_SIGNATURE.div_ceil(k) + extra,
    };
    let k = |i: usize| rows[i].measured_channels_per_tx as u64;
    vec![
        fee("settle_many_agg, v0 + lookup table", k(2), 0),
        fee("settle_many, v0 + lookup table", k(1), 0),
        fee("settle_many, legacy", k(0), 0),
        fee("settle, one per transaction", 1, 0),
        fee(
            "peer: Ed25519 precompile",
            PEER_SETTLEMENTS_PER_TX,
            PEER_PRECOMPILE_LAMPORTS,
        ),
    ]
}

fn notes(s: &Setup<'_>, hosting: &Hosting, rent: u64, peer_rent: u64) -> Vec<String> {
    vec![
        format!(
            "channels per transaction: distinct buyers, receipts with full-width amounts and byte counts, compute-budget instruction included; each batch executed on the embedded chain; opening a channel took a {}-byte transaction",
            s.open_tx_bytes.get()
        ),
        format!(
            "rent: a channel locks {} bytes ({rent} lamports), all returned at close; the peer locks a {PEER_CHANNEL_BYTES}-byte channel and a token account ({peer_rent} lamports)",
            Channel::SPACE
        ),
        format!(
            "fees: {LAMPORTS_PER_SIGNATURE} lamports per signature, no priority fee; the peer pays {PEER_PRECOMPILE_LAMPORTS} lamports per receipt to the Ed25519 precompile on top"
        ),
        "half-aggregated: one 32-byte scalar per batch and, per channel, R (32 bytes) and two varints (the amount relative to what the channel has settled, the bytes relative to what the amount pays for at the channel's price); the metered row's receipts have full-width values (amounts ≈ 2^53.8 base units, bytes ≈ 2^63.9) ten tokens above what each channel settled; the worst-case row signs bytes unrelated to the price (10-byte varints)".into(),
        match hosting {
            Hosting::Sbf(_) => "compute units: cu_consumed is what each transaction consumed on the SBF VM (sbf/build.sh's build: upstream LLVM, sbf/README.md); cu_requested is what the SDK asks for (client/src/budget.rs); a transaction may use at most 1.4M, and the aggregated batch is the largest that fits both 1,232 bytes and 1.4M CU (and the 32 KiB heap: it executed)".into(),
            Hosting::Native => "compute units: the program was hosted natively (no SBF build at --program), so cu_consumed is not measured; cu_requested is what the SDK asks for, from figures measured on the SBF VM (client/src/budget.rs); run `sbf/build.sh program` first to measure".into(),
        },
        "a buyer's deposit and withdrawal are per buyer, not per channel (pooled escrow), and are left out".into(),
    ]
}
