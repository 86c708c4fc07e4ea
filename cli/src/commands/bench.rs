//! `bwx bench`: how many channels one settlement transaction carries (legacy, and v0 with a
//! lookup table), what a channel costs over its life, against one settlement per transaction
//! and against the closest peer on Solana. Measured on the embedded chain with distinct buyers:
//! every batch counted here was actually executed.
use super::{buyer, channel, compute, market, provider};
use crate::{
    batch::{self, SettleGroup},
    chain::embedded::EmbeddedChain,
    errors::ClientError,
    ix, lookup, pda,
    receipts::{sessions::SessionKeys, sign},
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

/// In-program Ed25519 verification cost published by brine-ed25519 (compute units).
pub const VERIFY_CU_FAST_SHA512: u64 = 11_400;
pub const VERIFY_CU_SHA512_SYSCALL: u64 = 3_900;
/// Budgeted per channel on top of verification (load, checks, write-back, event).
pub const PER_CHANNEL_OVERHEAD_CU: u64 = 8_600;
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
    pub verify_cu_per_tx: u64,
    pub verify_cu_per_tx_sha512_syscall: u64,
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
    provider: Client<&'a EmbeddedChain>,
    market: Pubkey,
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
        provider,
        market,
        channels,
        open_tx_bytes,
    })
}

fn per(total: u64, k: usize) -> String {
    format!("{:.3}", total as f64 / k.max(1) as f64)
}

/// Executes one batch and returns its exact size.
async fn execute_batch(
    setup: &Setup<'_>,
    group: &SettleGroup<'_>,
    batch: &[(Pubkey, ReceiptArgs)],
    tables: &[solana_message::AddressLookupTableAccount],
) -> Result<usize, ClientError> {
    let ixs = group.instructions(batch);
    let (size, _) = batch::measure(&group.payer, &ixs, tables)?;
    setup.provider.send_prebudgeted(&ixs, &[], tables).await?;
    for (channel, receipt) in batch {
        let c: Channel = setup.provider.require(channel, "channel").await?;
        if c.settled != receipt.amount {
            return Err(ClientError::Invalid(format!("{channel} was not settled")));
        }
    }
    Ok(size)
}

pub async fn run(dir: &Path) -> Result<BenchReport, ClientError> {
    let chain = EmbeddedChain::start().await;
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
        s.provider.send_prebudgeted(&ixs, &[], &[]).await?;
        FormatRow {
            format: "settle: one channel per transaction",
            measured_channels_per_tx: 1,
            byte_limit_channels_per_tx: 1,
            tx_bytes: size,
            bytes_per_channel: size.to_string(),
            signatures_per_channel: "1.000".into(),
            fee_lamports_per_channel: LAMPORTS_PER_SIGNATURE.to_string(),
            verify_cu_per_tx: VERIFY_CU_FAST_SHA512,
            verify_cu_per_tx_sha512_syscall: VERIFY_CU_SHA512_SYSCALL,
        }
    };
    let mut next = 1;

    // Legacy transactions.
    let (base, per_channel) = group.size_model(&[addresses[1], addresses[2], addresses[3]], &[])?;
    let limit = (batch::PACKET_DATA_SIZE - base) / per_channel;
    let k = group.capacity(&addresses[next..], &[])?;
    let size = execute_batch(&s, &group, &s.channels[next..next + k], &[]).await?;
    next += k;
    rows.push(FormatRow {
        format: "settle_many, legacy",
        measured_channels_per_tx: k,
        byte_limit_channels_per_tx: limit,
        tx_bytes: size,
        bytes_per_channel: per(size as u64, k),
        signatures_per_channel: per(1, k),
        fee_lamports_per_channel: per(LAMPORTS_PER_SIGNATURE, k),
        verify_cu_per_tx: VERIFY_CU_FAST_SHA512 * k as u64,
        verify_cu_per_tx_sha512_syscall: VERIFY_CU_SHA512_SYSCALL * k as u64,
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
    let size = execute_batch(&s, &group, &s.channels[next..next + k], &tables).await?;
    rows.push(FormatRow {
        format: "settle_many, v0 + lookup table",
        measured_channels_per_tx: k,
        byte_limit_channels_per_tx: limit,
        tx_bytes: size,
        bytes_per_channel: per(size as u64, k),
        signatures_per_channel: per(1, k),
        fee_lamports_per_channel: per(LAMPORTS_PER_SIGNATURE, k),
        verify_cu_per_tx: VERIFY_CU_FAST_SHA512 * k as u64,
        verify_cu_per_tx_sha512_syscall: VERIFY_CU_SHA512_SYSCALL * k as u64,
    });

    // A channel's life: open, settlements, close (cooperative close_by_provider; a forced
    // close is request_close + finalize_close, one transaction more).
    let rent = chain.minimum_balance(Channel::SPACE).await?;
    let peer_rent = chain.minimum_balance(PEER_CHANNEL_BYTES).await?
        + chain.minimum_balance(TOKEN_ACCOUNT_BYTES).await?;
    let k_v0 = rows[1].measured_channels_per_tx as u64;
    let k_legacy = rows[0].measured_channels_per_tx as u64;
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
    let ours_cu = format!(
        "{} ({} with the sha512 syscall)",
        VERIFY_CU_FAST_SHA512 + PER_CHANNEL_OVERHEAD_CU,
        VERIFY_CU_SHA512_SYSCALL + PER_CHANNEL_OVERHEAD_CU
    );
    let lifecycle = vec![
        life(
            "this program, v0 + lookup table",
            1.0 / k_v0 as f64,
            0,
            rent,
            ours_cu.clone(),
        ),
        life(
            "this program, legacy",
            1.0 / k_legacy as f64,
            0,
            rent,
            ours_cu.clone(),
        ),
        life(
            "this program, one settlement per transaction",
            1.0,
            0,
            rent,
            ours_cu,
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
        "compute units cannot be measured here (the program runs natively); CU figures are the verifier's published cost plus a budgeted overhead".into(),
        "a buyer's deposit and withdrawal are per buyer, not per channel (pooled escrow), and are left out".into(),
    ];
    let fee = |settlement, k: u64, extra| FeeRow {
        settlement,
        channels_per_tx: k.to_string(),
        lamports_per_settled_channel: LAMPORTS_PER_SIGNATURE.div_ceil(k) + extra,
    };
    let fees = vec![
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
        settlement: rows,
        one_settlement_per_tx: single,
        fee_per_settled_channel: fees,
        lifecycle_per_channel: lifecycle,
        notes,
    })
}

/// `bwx bench`: runs on a throw-away embedded chain and prints the tables.
pub async fn execute(ctx: &crate::context::Ctx) -> Result<bool, ClientError> {
    let dir = tempfile::tempdir()?;
    eprintln!("bwx bench: embedded chain, one provider, 26 buyers");
    ctx.print(&run(dir.path()).await?);
    Ok(true)
}
