//! `bwx bench`: how many channels one settlement transaction carries (legacy, and v0 with a
//! lookup table), what a channel costs over its life, against one settlement per transaction
//! and against the closest peer on Solana. Measured on the embedded chain with distinct buyers:
//! every batch counted here was actually executed, on the SBF VM when the program's SBF build
//! is there (`sbf/build.sh program`), which then also measures the compute units.
pub mod ingest;
mod report;
mod setup;

pub use report::{BenchReport, FeeRow, FormatRow, LifecycleRow};

use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    batch::{self, AggEntry, SettleGroup},
    budget,
    chain::Sent,
    ClientError,
};
use bandwidth_settlement::{state::Channel, ReceiptArgs};
use bandwidth_testkit::{EmbeddedChain, Hosting};
use setup::Setup;
use solana_message::AddressLookupTableAccount;
use std::path::Path;

/// The peer's published figures: receipts checked through the Ed25519 precompile.
pub const PEER_SETTLEMENTS_PER_TX: u64 = 5;
pub const PEER_PRECOMPILE_LAMPORTS: u64 = 5_000;
pub const PEER_OPEN_CU: u64 = 36_000;
pub const PEER_CHANNEL_BYTES: usize = 256;
pub const TOKEN_ACCOUNT_BYTES: usize = 165;
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
const UNIT: u64 = 1_000_000;
/// ≈ 2^53.8 base units: ≈ 2^63.9 bytes at 1 token per GiB, the widest a metered receipt gets.
const BIG: u64 = 16_000_000_000_000_000;

/// Runs every measurement on a new embedded chain hosting the program as `hosting` says.
pub async fn run(dir: &Path, hosting: &Hosting) -> Result<BenchReport, ClientError> {
    let chain = EmbeddedChain::start_hosted(hosting).await;
    let s = setup::setup(&chain, 26, dir).await?;
    let single = single(&s).await?;
    let mut rows = vec![legacy(&s, 1).await?];
    let legacy_k = rows[0].measured_channels_per_tx;
    rows.push(v0(&s, 1 + legacy_k).await?);
    rows.extend(aggregated(&s).await?);
    report::report(&chain, &s, hosting, rows, single).await
}

fn three(channels: &[Pubkey]) -> [Pubkey; 3] {
    channels.try_into().expect("three channels")
}

fn per(total: u64, k: usize) -> String {
    format!("{:.3}", total as f64 / k.max(1) as f64)
}

/// The compute units the program consumed in `sent`, when it ran on the VM.
fn consumed(sent: &Sent) -> Option<u64> {
    let calls = bandwidth_client::events::program_calls(&sent.logs);
    (!calls.is_empty()).then(|| calls.iter().map(|c| c.units).sum())
}

/// The most channels a transaction's compute units allow, given the request for k.
fn cu_limit(units: impl Fn(usize) -> u32) -> usize {
    (1..=bandwidth_settlement::halfagg::MAX_BATCH * 2)
        .take_while(|k| units(*k) <= budget::MAX_UNITS)
        .last()
        .unwrap_or(0)
}

/// A row for `k` channels settled in a transaction of `size` bytes.
fn row(
    format: &'static str,
    k: usize,
    limit: usize,
    size: usize,
    units: Option<u64>,
    model: fn(usize) -> u32,
) -> FormatRow {
    FormatRow {
        format,
        measured_channels_per_tx: k,
        byte_limit_channels_per_tx: limit,
        tx_bytes: size,
        bytes_per_channel: per(size as u64, k),
        signatures_per_channel: per(1, k),
        fee_lamports_per_channel: per(LAMPORTS_PER_SIGNATURE, k),
        cu_requested: model(k),
        cu_consumed: units,
        cu_limit_channels_per_tx: cu_limit(model),
    }
}

/// One settlement per transaction (`settle`), for reference.
async fn single(s: &Setup<'_>) -> Result<FormatRow, ClientError> {
    let (channel, receipt) = s.channels[0];
    let on_chain: Channel = s.provider.require(&channel, "channel").await?;
    let keys = bandwidth_client::ix::ChannelKeys::from_account(channel, &on_chain);
    let mut ixs = s.provider.compute_budget(budget::SETTLE);
    ixs.push(s.provider.ix().settle(s.authority(), &keys, receipt, None));
    let (size, _) = batch::measure(&s.authority(), &ixs, &[])?;
    let sent = s.provider.send_prebudgeted(&ixs, &[], &[]).await?;
    let mut r = row(
        "settle: one channel per transaction",
        1,
        1,
        size,
        consumed(&sent),
        |_| budget::SETTLE,
    );
    r.cu_limit_channels_per_tx = 1;
    Ok(r)
}

/// `settle_many` in a legacy transaction, from channel `next` on.
async fn legacy(s: &Setup<'_>, next: usize) -> Result<FormatRow, ClientError> {
    let group = s.group();
    let addresses = s.addresses();
    let (base, per_channel) = group.size_model(&three(&addresses[1..4]), &[])?;
    let limit = (batch::PACKET_DATA_SIZE - base) / per_channel;
    let k = group.capacity(&addresses[next..], &[])?;
    let (size, units) = execute_batch(s, &group, &s.channels[next..next + k], &[]).await?;
    Ok(row(
        "settle_many, legacy",
        k,
        limit,
        size,
        units,
        budget::settle_many_units,
    ))
}

/// `settle_many` in a v0 transaction with the provider's lookup table, from channel `next` on.
async fn v0(s: &Setup<'_>, next: usize) -> Result<FormatRow, ClientError> {
    let group = s.group();
    let addresses = s.addresses();
    let tables = [s.table(&addresses[next..]).await?];
    let (base, per_channel) = group.size_model(&three(&addresses[next..next + 3]), &tables)?;
    let limit = (batch::PACKET_DATA_SIZE - base) / per_channel;
    let k = group.capacity(&addresses[next..], &tables)?;
    let (size, units) = execute_batch(s, &group, &s.channels[next..next + k], &tables).await?;
    Ok(row(
        "settle_many, v0 + lookup table",
        k,
        limit,
        size,
        units,
        budget::settle_many_units,
    ))
}

/// Half-aggregated, v0 with a lookup table of new channels: metered receipts at full width
/// (each channel has already settled an amount near the largest a u64 of bytes can be paid for,
/// and the batch settles ten tokens more with the bytes a meter would sign), then the worst
/// these deposits allow (the whole deposit from nothing settled, bytes unrelated to the price:
/// 10-byte varints).
async fn aggregated(s: &Setup<'_>) -> Result<Vec<FormatRow>, ClientError> {
    let metered = s.more_channels(26, BIG + 10 * UNIT).await?;
    let worst = s.more_channels(26, 5 * UNIT).await?;
    let all: Vec<Pubkey> = metered.iter().chain(&worst).map(|(c, _)| *c).collect();
    let tables = [s.table(&all).await?];
    let group = s.group();
    let gib = |amount: u64| bandwidth_settlement::halfagg::expected_bytes(amount, UNIT);
    let first: Vec<(Pubkey, ReceiptArgs)> = metered
        .iter()
        .enumerate()
        .map(|(i, (c, key))| {
            (
                *c,
                bandwidth_client::receipts::sign(key, c, BIG + i as u64, gib(BIG + i as u64)),
            )
        })
        .collect();
    for chunk in first.chunks(8) {
        s.provider
            .send_prebudgeted(&group.instructions(chunk), &[], &tables)
            .await?;
    }
    let mut entries = vec![];
    for (i, (channel, key)) in metered.iter().enumerate() {
        let amount = BIG + 10 * UNIT - i as u64;
        entries.push(
            s.agg_entry(channel, key, amount, gib(amount) + i as u64)
                .await?,
        );
    }
    let (k, size, units) = execute_aggregated(s, &group, &entries, &tables).await?;
    let model = budget::settle_many_agg_units;
    let mut rows = vec![row(
        "settle_many_agg, v0 + lookup table (metered receipts)",
        k,
        k,
        size,
        units,
        model,
    )];
    let mut entries = vec![];
    for (i, (channel, key)) in worst.iter().enumerate() {
        entries.push(
            s.agg_entry(channel, key, 5 * UNIT - i as u64, u64::MAX - i as u64)
                .await?,
        );
    }
    let (k, size, units) = execute_aggregated(s, &group, &entries, &tables).await?;
    let format = "settle_many_agg, v0 + lookup table (worst case: bytes unrelated to price)";
    rows.push(row(format, k, k, size, units, model));
    Ok(rows)
}

/// Executes one batch, checks every channel settled, and returns its exact size and what it
/// consumed.
async fn execute_batch(
    s: &Setup<'_>,
    group: &SettleGroup<'_>,
    batch: &[(Pubkey, ReceiptArgs)],
    tables: &[AddressLookupTableAccount],
) -> Result<(usize, Option<u64>), ClientError> {
    let ixs = group.instructions(batch);
    let (size, _) = batch::measure(&group.payer, &ixs, tables)?;
    let sent = s.provider.send_prebudgeted(&ixs, &[], tables).await?;
    for (channel, receipt) in batch {
        s.expect_settled(channel, receipt.amount).await?;
    }
    Ok((size, consumed(&sent)))
}

/// Executes the largest half-aggregated batch the packer makes of `entries` and checks it:
/// (channels, transaction bytes, units consumed).
async fn execute_aggregated(
    s: &Setup<'_>,
    group: &SettleGroup<'_>,
    entries: &[AggEntry],
    tables: &[AddressLookupTableAccount],
) -> Result<(usize, usize, Option<u64>), ClientError> {
    let batches = group.pack_aggregated(entries, tables)?;
    let ixs = group.instructions_aggregated(&batches[0])?;
    let (size, _) = batch::measure(&group.payer, &ixs, tables)?;
    let sent = s.provider.send_prebudgeted(&ixs, &[], tables).await?;
    for e in &batches[0] {
        s.expect_settled(&e.channel, e.receipt.receipt.amount)
            .await?;
    }
    Ok((batches[0].len(), size, consumed(&sent)))
}
