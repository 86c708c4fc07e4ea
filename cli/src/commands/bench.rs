//! `bwx bench`: how many channels one settlement transaction carries (legacy, and v0 with a
//! lookup table), what a channel costs over its life, against one settlement per transaction
//! and against the closest peer on Solana. Measured on the embedded chain with distinct buyers:
//! every batch counted here was actually executed, on the SBF VM when the program's SBF build
//! is there (`sbf/build.sh program`), which then also measures the compute units.
use super::{buyer, channel, compute, market, provider};
use crate::{
    batch::{self, AggEntry, SettleGroup},
    budget,
    chain::{
        embedded::{EmbeddedChain, Hosting},
        Sent,
    },
    errors::ClientError,
    ix, lookup, pda,
    receipts::{sessions::SessionKeys, sign, sign_receipt},
    tokens, Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, ReceiptArgs, RegisterProviderArgs},
    state::Channel,
};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::path::Path;

/// The bytes a meter signs for `amount` at 1 token per GiB (the bench's price).
fn batch_bytes(amount: u64) -> u64 {
    bandwidth_settlement::halfagg::expected_bytes(amount, UNIT)
}

/// The peer's published figures: receipts checked through the Ed25519 precompile.
pub const PEER_SETTLEMENTS_PER_TX: u64 = 5;
pub const PEER_PRECOMPILE_LAMPORTS: u64 = 5_000;
pub const PEER_OPEN_CU: u64 = 36_000;
pub const PEER_CHANNEL_BYTES: usize = 256;
pub const TOKEN_ACCOUNT_BYTES: usize = 165;
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

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

const UNIT: u64 = 1_000_000;

/// Distinct buyers, one channel each to one provider, each with a signed receipt.
struct Setup<'a> {
    chain: &'a EmbeddedChain,
    faucet: Client<&'a EmbeddedChain>,
    mint: Pubkey,
    provider: Client<&'a EmbeddedChain>,
    market: Pubkey,
    sessions: SessionKeys,
    channels: Vec<(Pubkey, ReceiptArgs)>,
    open_tx_bytes: usize,
}

async fn setup<'a>(
    chain: &'a EmbeddedChain,
    buyers: usize,
    dir: &Path,
) -> Result<Setup<'a>, ClientError> {
    let faucet = Client::new(chain, chain.faucet().insecure_clone());
    let f = faucet.payer().pubkey();
    let mint = Keypair::new();
    let token = spl_token_interface::ID;
    let rent = chain.minimum_balance(tokens::MINT_LEN).await?;
    faucet
        .send(
            &tokens::create_mint(&f, &mint.pubkey(), &f, 6, &token, rent),
            &[&mint],
            compute::TOKEN_SETUP,
        )
        .await?;
    let admin = Client::new(chain, Keypair::new());
    let provider = Client::new(chain, Keypair::new());
    let buyers: Vec<Client<&EmbeddedChain>> = (0..buyers)
        .map(|_| Client::new(chain, Keypair::new()))
        .collect();
    let mut wallets = vec![admin.payer().pubkey(), provider.payer().pubkey()];
    wallets.extend(buyers.iter().map(|b| b.payer().pubkey()));
    for chunk in wallets.chunks(8) {
        let mut ixs = vec![];
        for w in chunk {
            ixs.push(solana_system_interface::instruction::transfer(
                &f,
                w,
                2_000_000_000,
            ));
            ixs.push(tokens::create_associated_account(
                &f,
                w,
                &mint.pubkey(),
                &token,
            ));
            let ata = tokens::associated_address(w, &mint.pubkey(), &token);
            ixs.push(tokens::mint_to(&mint.pubkey(), &ata, &f, 10 * UNIT, &token));
        }
        faucet.send(&ixs, &[], compute::TOKEN_SETUP * 4).await?;
    }
    let args = CreateMarketArgs {
        fee_bps: 250,
        burn_bps: 2_000,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    let market: Pubkey = market::create(&admin, &mint.pubkey(), None, args)
        .await?
        .market
        .parse()
        .expect("address");
    let terms = RegisterProviderArgs {
        payout: provider.payer().pubkey(),
        min_dispute_window_secs: 3_600,
        bounty_bps: 500,
        endpoint: String::new(),
        region: String::new(),
    };
    provider::register(&provider, &market, terms, "1").await?;
    let sessions = SessionKeys::open(dir.join("sessions"))?;
    let mut channels = vec![];
    let mut open_tx_bytes = 0;
    for (i, b) in buyers.iter().enumerate() {
        buyer::deposit(b, &market, "5", None).await?;
        let before = b.stats().bytes;
        let report =
            channel::open(b, &sessions, &market, &provider.payer().pubkey(), "5", None).await?;
        open_tx_bytes = (b.stats().bytes - before) as usize;
        let address: Pubkey = report.channel.parse().expect("address");
        // Full-width values: the largest amount and byte count a receipt of this deposit has.
        let receipt = sign(
            &sessions.load(&address)?,
            &address,
            5 * UNIT - i as u64,
            u64::MAX - i as u64,
        );
        channels.push((address, receipt));
    }
    Ok(Setup {
        chain,
        faucet,
        mint: mint.pubkey(),
        provider,
        market,
        sessions,
        channels,
        open_tx_bytes,
    })
}

/// `n` more buyers, each funded with `tokens` base units, all of them deposited into one
/// channel to the provider. Returns each channel and its session key.
async fn more_channels(
    s: &Setup<'_>,
    n: usize,
    tokens: u64,
) -> Result<Vec<(Pubkey, Keypair)>, ClientError> {
    let token = spl_token_interface::ID;
    let f = s.faucet.payer().pubkey();
    let buyers: Vec<Client<&EmbeddedChain>> = (0..n)
        .map(|_| Client::new(s.chain, Keypair::new()))
        .collect();
    for chunk in buyers.chunks(8) {
        let mut ixs = vec![];
        for b in chunk {
            let w = b.payer().pubkey();
            ixs.push(solana_system_interface::instruction::transfer(
                &f,
                &w,
                2_000_000_000,
            ));
            ixs.push(tokens::create_associated_account(&f, &w, &s.mint, &token));
            let ata = tokens::associated_address(&w, &s.mint, &token);
            ixs.push(tokens::mint_to(&s.mint, &ata, &f, tokens, &token));
        }
        s.faucet.send(&ixs, &[], compute::TOKEN_SETUP * 4).await?;
    }
    let amount = super::ui_amount(tokens, 6);
    let provider = s.provider.payer().pubkey();
    let mut out = vec![];
    for b in &buyers {
        buyer::deposit(b, &s.market, &amount, None).await?;
        let report = channel::open(b, &s.sessions, &s.market, &provider, &amount, None).await?;
        let address: Pubkey = report.channel.parse().expect("address");
        out.push((address, s.sessions.load(&address)?));
    }
    Ok(out)
}

/// Measures, executes and checks the largest half-aggregated batch of `entries` (the packer's
/// first), and returns (channels, transaction bytes, units consumed).
async fn execute_aggregated(
    s: &Setup<'_>,
    group: &SettleGroup<'_>,
    entries: &[AggEntry],
    tables: &[solana_message::AddressLookupTableAccount],
) -> Result<(usize, usize, Option<u64>), ClientError> {
    let batches = group.pack_aggregated(entries, tables)?;
    let ixs = group.instructions_aggregated(&batches[0])?;
    let (size, _) = batch::measure(&group.payer, &ixs, tables)?;
    let sent = s.provider.send_prebudgeted(&ixs, &[], tables).await?;
    for e in &batches[0] {
        let c: Channel = s.provider.require(&e.channel, "channel").await?;
        if c.settled != e.receipt.receipt.amount {
            return Err(ClientError::Invalid(format!(
                "{} was not settled",
                e.channel
            )));
        }
    }
    Ok((batches[0].len(), size, consumed(&sent)))
}

/// An aggregated entry for a receipt of (amount, bytes) on `channel`, as the chain has it now.
async fn agg_entry(
    s: &Setup<'_>,
    channel: &Pubkey,
    key: &Keypair,
    amount: u64,
    bytes: u64,
) -> Result<AggEntry, ClientError> {
    let on_chain: Channel = s.provider.require(channel, "channel").await?;
    Ok(AggEntry::new(
        *channel,
        &on_chain,
        sign_receipt(key, channel, amount, bytes),
    ))
}

fn per(total: u64, k: usize) -> String {
    format!("{:.3}", total as f64 / k.max(1) as f64)
}

/// Executes one batch and returns its exact size and what it consumed.
async fn execute_batch(
    setup: &Setup<'_>,
    group: &SettleGroup<'_>,
    batch: &[(Pubkey, ReceiptArgs)],
    tables: &[solana_message::AddressLookupTableAccount],
) -> Result<(usize, Option<u64>), ClientError> {
    let ixs = group.instructions(batch);
    let (size, _) = batch::measure(&group.payer, &ixs, tables)?;
    let sent = setup.provider.send_prebudgeted(&ixs, &[], tables).await?;
    for (channel, receipt) in batch {
        let c: Channel = setup.provider.require(channel, "channel").await?;
        if c.settled != receipt.amount {
            return Err(ClientError::Invalid(format!("{channel} was not settled")));
        }
    }
    Ok((size, consumed(&sent)))
}

/// The compute units the program consumed in `sent`, when it ran on the VM.
fn consumed(sent: &Sent) -> Option<u64> {
    let calls = crate::events::program_calls(&sent.logs);
    (!calls.is_empty()).then(|| calls.iter().map(|c| c.units).sum())
}

/// The most channels a transaction's compute units allow, given the request for k.
fn cu_limit(units: impl Fn(usize) -> u32) -> usize {
    (1..=bandwidth_settlement::halfagg::MAX_BATCH * 2)
        .take_while(|k| units(*k) <= budget::MAX_UNITS)
        .last()
        .unwrap_or(0)
}

pub async fn run(dir: &Path, hosting: &Hosting) -> Result<BenchReport, ClientError> {
    let chain = EmbeddedChain::start_hosted(hosting).await;
    let s = setup(&chain, 26, dir).await?;
    let authority = s.provider.payer().pubkey();
    let provider_account = pda::provider(&authority);
    let budget = |units| s.provider.compute_budget(units);
    let group = SettleGroup {
        payer: authority,
        settler: authority,
        market: s.market,
        provider: provider_account,
        bounty: None,
        compute_budget: &budget,
    };
    let addresses: Vec<Pubkey> = s.channels.iter().map(|(c, _)| *c).collect();
    let mut rows = vec![];

    // One settlement per transaction (`settle`), for reference.
    let single = {
        let (channel, receipt) = s.channels[0];
        let on_chain: Channel = s.provider.require(&channel, "channel").await?;
        let keys = ix::ChannelKeys::from_account(channel, &on_chain);
        let mut ixs = s.provider.compute_budget(compute::SETTLE);
        ixs.push(ix::settle(authority, &keys, receipt, None));
        let (size, _) = batch::measure(&authority, &ixs, &[])?;
        let sent = s.provider.send_prebudgeted(&ixs, &[], &[]).await?;
        FormatRow {
            format: "settle: one channel per transaction",
            measured_channels_per_tx: 1,
            byte_limit_channels_per_tx: 1,
            tx_bytes: size,
            bytes_per_channel: size.to_string(),
            signatures_per_channel: "1.000".into(),
            fee_lamports_per_channel: LAMPORTS_PER_SIGNATURE.to_string(),
            cu_requested: compute::SETTLE,
            cu_consumed: consumed(&sent),
            cu_limit_channels_per_tx: 1,
        }
    };
    let mut next = 1;

    // Legacy transactions.
    let (base, per_channel) = group.size_model(&[addresses[1], addresses[2], addresses[3]], &[])?;
    let limit = (batch::PACKET_DATA_SIZE - base) / per_channel;
    let k = group.capacity(&addresses[next..], &[])?;
    let (size, units) = execute_batch(&s, &group, &s.channels[next..next + k], &[]).await?;
    next += k;
    rows.push(FormatRow {
        format: "settle_many, legacy",
        measured_channels_per_tx: k,
        byte_limit_channels_per_tx: limit,
        tx_bytes: size,
        bytes_per_channel: per(size as u64, k),
        signatures_per_channel: per(1, k),
        fee_lamports_per_channel: per(LAMPORTS_PER_SIGNATURE, k),
        cu_requested: budget::settle_many_units(k),
        cu_consumed: units,
        cu_limit_channels_per_tx: cu_limit(budget::settle_many_units),
    });

    // v0 with the provider's lookup table.
    let mut in_table = vec![
        provider_account,
        pda::provider_market(&s.market, &provider_account),
        pda::reward_pool(&s.market),
    ];
    in_table.extend(&addresses[next..]);
    let table = lookup::create(&s.provider, &in_table).await?;
    s.chain.advance_slots(1).await?;
    let tables = [lookup::fetch(s.chain, &table).await?];
    let (base, per_channel) = group.size_model(
        &[addresses[next], addresses[next + 1], addresses[next + 2]],
        &tables,
    )?;
    let limit = (batch::PACKET_DATA_SIZE - base) / per_channel;
    let k = group.capacity(&addresses[next..], &tables)?;
    let (size, units) = execute_batch(&s, &group, &s.channels[next..next + k], &tables).await?;
    rows.push(FormatRow {
        format: "settle_many, v0 + lookup table",
        measured_channels_per_tx: k,
        byte_limit_channels_per_tx: limit,
        tx_bytes: size,
        bytes_per_channel: per(size as u64, k),
        signatures_per_channel: per(1, k),
        fee_lamports_per_channel: per(LAMPORTS_PER_SIGNATURE, k),
        cu_requested: budget::settle_many_units(k),
        cu_consumed: units,
        cu_limit_channels_per_tx: cu_limit(budget::settle_many_units),
    });

    // Half-aggregated, v0 with a lookup table of the new channels. Metered receipts at full
    // width: each channel has already settled an amount near the largest a u64 of bytes can
    // be paid for at the channel's price (bytes near 2^64), and the batch settles ten tokens
    // more with the bytes a meter would sign.
    let big = 16_000_000_000_000_000u64; // ≈ 2^53.8 base units: ≈ 2^63.9 bytes at 1 token/GiB
    let metered = more_channels(&s, 26, big + 10 * UNIT).await?;
    let worst = more_channels(&s, 26, 5 * UNIT).await?;
    let mut in_table = vec![
        provider_account,
        pda::provider_market(&s.market, &provider_account),
        pda::reward_pool(&s.market),
    ];
    in_table.extend(metered.iter().chain(&worst).map(|(c, _)| *c));
    let table = lookup::create(&s.provider, &in_table).await?;
    s.chain.advance_slots(1).await?;
    let tables = [lookup::fetch(s.chain, &table).await?];
    let gib = |amount: u64| batch_bytes(amount);
    let mut first = vec![];
    for (i, (channel, key)) in metered.iter().enumerate() {
        let amount = big + i as u64;
        first.push((*channel, sign(key, channel, amount, gib(amount))));
    }
    for chunk in first.chunks(8) {
        let ixs = group.instructions(chunk);
        s.provider.send_prebudgeted(&ixs, &[], &tables).await?;
    }
    let mut entries = vec![];
    for (i, (channel, key)) in metered.iter().enumerate() {
        let amount = big + 10 * UNIT - i as u64;
        entries.push(agg_entry(&s, channel, key, amount, gib(amount) + i as u64).await?);
    }
    let (k, size, units) = execute_aggregated(&s, &group, &entries, &tables).await?;
    let agg_row = |format, k: usize, size: usize, units| FormatRow {
        format,
        measured_channels_per_tx: k,
        byte_limit_channels_per_tx: k,
        tx_bytes: size,
        bytes_per_channel: per(size as u64, k),
        signatures_per_channel: per(1, k),
        fee_lamports_per_channel: per(LAMPORTS_PER_SIGNATURE, k),
        cu_requested: budget::settle_many_agg_units(k),
        cu_consumed: units,
        cu_limit_channels_per_tx: cu_limit(budget::settle_many_agg_units),
    };
    rows.push(agg_row(
        "settle_many_agg, v0 + lookup table (metered receipts)",
        k,
        size,
        units,
    ));
    // The worst these deposits allow: first receipts, the whole deposit from nothing settled,
    // bytes = u64::MAX unrelated to the price (10-byte varints).
    let mut entries = vec![];
    for (i, (channel, key)) in worst.iter().enumerate() {
        entries.push(agg_entry(&s, channel, key, 5 * UNIT - i as u64, u64::MAX - i as u64).await?);
    }
    let (k, size, units) = execute_aggregated(&s, &group, &entries, &tables).await?;
    rows.push(agg_row(
        "settle_many_agg, v0 + lookup table (worst case: bytes unrelated to price)",
        k,
        size,
        units,
    ));

    // A channel's life: open, settlements, close (cooperative close_by_provider; a forced
    // close is request_close + finalize_close, one transaction more).
    let rent = chain.minimum_balance(Channel::SPACE).await?;
    let peer_rent = chain.minimum_balance(PEER_CHANNEL_BYTES).await?
        + chain.minimum_balance(TOKEN_ACCOUNT_BYTES).await?;
    let k_v0 = rows[1].measured_channels_per_tx as u64;
    let k_legacy = rows[0].measured_channels_per_tx as u64;
    let k_agg = rows[2].measured_channels_per_tx as u64;
    let life = |design,
                settle_share: f64,
                extra_fee_per_settlement: u64,
                rent_locked,
                settle_cu: String| {
        // open (1 tx, 1 signature) + one settlement (its share of a batch) + close (1 tx).
        let txs = 2.0 + settle_share;
        let fee =
            (2.0 + settle_share) * LAMPORTS_PER_SIGNATURE as f64 + extra_fee_per_settlement as f64;
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
    let cu_per_channel = |row: &FormatRow| match row.cu_consumed {
        Some(units) => format!("{} (measured)", units / row.measured_channels_per_tx as u64),
        None => format!(
            "≤ {} (requested)",
            row.cu_requested / row.measured_channels_per_tx as u32
        ),
    };
    let lifecycle = vec![
        life(
            "this program, half-aggregated, v0 + lookup table",
            1.0 / k_agg as f64,
            0,
            rent,
            cu_per_channel(&rows[2]),
        ),
        life(
            "this program, v0 + lookup table",
            1.0 / k_v0 as f64,
            0,
            rent,
            cu_per_channel(&rows[1]),
        ),
        life(
            "this program, legacy",
            1.0 / k_legacy as f64,
            0,
            rent,
            cu_per_channel(&rows[0]),
        ),
        life(
            "this program, one settlement per transaction",
            1.0,
            0,
            rent,
            cu_per_channel(&single),
        ),
        life(
            "peer: precompile, ~5 settlements per transaction",
            1.0 / PEER_SETTLEMENTS_PER_TX as f64,
            PEER_PRECOMPILE_LAMPORTS,
            peer_rent,
            format!("precompile (open ≈ {PEER_OPEN_CU} CU)"),
        ),
    ];
    let notes = vec![
        format!(
            "channels per transaction: distinct buyers, receipts with full-width amounts and byte counts, compute-budget instruction included; each batch executed on the embedded chain; opening a channel took a {}-byte transaction",
            s.open_tx_bytes
        ),
        format!(
            "rent: a channel locks {} bytes ({} lamports), all returned at close; the peer locks a {}-byte channel and a token account ({} lamports)",
            Channel::SPACE, rent, PEER_CHANNEL_BYTES, peer_rent
        ),
        format!(
            "fees: {} lamports per signature, no priority fee; the peer pays {} lamports per receipt to the Ed25519 precompile on top",
            LAMPORTS_PER_SIGNATURE, PEER_PRECOMPILE_LAMPORTS
        ),
        "half-aggregated: one 32-byte scalar per batch and, per channel, R (32 bytes) and two varints (the amount relative to what the channel has settled, the bytes relative to what the amount pays for at the channel's price); the metered row's receipts have full-width values (amounts ≈ 2^53.8 base units, bytes ≈ 2^63.9) ten tokens above what each channel settled; the worst-case row signs bytes unrelated to the price (10-byte varints)".into(),
        match hosting {
            Hosting::Sbf(_) => "compute units: cu_consumed is what each transaction consumed on the SBF VM (sbf/build.sh's build: upstream LLVM, sbf/README.md); cu_requested is what the SDK asks for (client/src/budget.rs); a transaction may use at most 1.4M, and the aggregated batch is the largest that fits both 1,232 bytes and 1.4M CU (and the 32 KiB heap: it executed)".into(),
            Hosting::Native => "compute units: the program was hosted natively (no SBF build at --program), so cu_consumed is not measured; cu_requested is what the SDK asks for, from figures measured on the SBF VM (client/src/budget.rs); run `sbf/build.sh program` first to measure".into(),
        },
        "a buyer's deposit and withdrawal are per buyer, not per channel (pooled escrow), and are left out".into(),
    ];
    let fee = |settlement, k: u64, extra| FeeRow {
        settlement,
        channels_per_tx: k.to_string(),
        lamports_per_settled_channel: LAMPORTS_PER_SIGNATURE.div_ceil(k) + extra,
    };
    let fees = vec![
        fee("settle_many_agg, v0 + lookup table", k_agg, 0),
        fee("settle_many, v0 + lookup table", k_v0, 0),
        fee("settle_many, legacy", k_legacy, 0),
        fee("settle, one per transaction", 1, 0),
        fee(
            "peer: Ed25519 precompile",
            PEER_SETTLEMENTS_PER_TX,
            PEER_PRECOMPILE_LAMPORTS,
        ),
    ];
    Ok(BenchReport {
        program: match hosting {
            Hosting::Sbf(path) => format!("sbf: {}", path.display()),
            Hosting::Native => "native".into(),
        },
        settlement: rows,
        one_settlement_per_tx: single,
        fee_per_settled_channel: fees,
        lifecycle_per_channel: lifecycle,
        notes,
    })
}

/// `bwx bench`: runs on a throw-away embedded chain and prints the tables.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: Option<Cmd>,
    /// The program's SBF build to run on the VM (compute units measured); when absent, the
    /// program is hosted natively.
    #[arg(long, default_value = "target/deploy/bandwidth_settlement.so")]
    pub program: std::path::PathBuf,
}

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Receipts per second a provider node durably acknowledges over loopback HTTP, and the
    /// latency, with N concurrent buyer connections.
    Ingest(super::bench_ingest::Args),
}

pub async fn execute(args: &Args, ctx: &crate::context::Ctx) -> Result<bool, ClientError> {
    let dir = tempfile::tempdir()?;
    if let Some(Cmd::Ingest(a)) = &args.what {
        ctx.print(&super::bench_ingest::run(a, dir.path()).await?);
        return Ok(true);
    }
    let hosting = if args.program.exists() {
        Hosting::Sbf(args.program.clone())
    } else {
        Hosting::Native
    };
    eprintln!("bwx bench: embedded chain, one provider, 78 buyers, program {hosting:?}");
    ctx.print(&run(dir.path(), &hosting).await?);
    Ok(true)
}
