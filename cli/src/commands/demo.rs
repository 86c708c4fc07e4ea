//! `bwx demo`: a whole market on the embedded chain, no validator needed — or, with `-u`, on
//! a cluster over JSON-RPC (`bwx localnet`), paid for by the `-k` signer.
//!
//! A mint and a market; 3 providers and 20 buyers. Buyers stream metered traffic and sign
//! thousands of cumulative receipts off-chain (one buyer runs out of deposit and tops up);
//! providers keep them in durable receipt stores (group commits) and settle. One buyer forces
//! a close and its provider answers inside the dispute window; the others close cooperatively;
//! the forced close is finalized after the deadline (clock warp; on a cluster, whose clock
//! cannot be warped, the provider closes it instead); everyone withdraws and the fees are
//! swept. Then every balance is checked against what was signed.
//!
//! With `--network`, each provider runs its node (`bwx provider serve`'s code) on loopback:
//! buyers find it at the endpoint of its on-chain Provider account and send every receipt over
//! HTTP with the SDK's `ReceiptSender`; the node looks each channel up on the chain, verifies
//! and stores the receipts, and the same final checks must pass.
use super::{
    buyer, channel, compute, fees, load_market, market, provider, rewards, settle, token_balance,
    ui_amount,
};
use crate::{
    chain::embedded::EmbeddedChain,
    errors::ClientError,
    pda,
    receipts::{
        meter::{Meter, MeterError},
        sender::ReceiptSender,
        sessions::SessionKeys,
        store::{Accepted, Book, ChannelTerms, ReceiptStore, SharedStore},
    },
    tokens, Chain, Client, RpcChain, TxStats,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, RegisterProviderArgs, RewardTerms},
    math::bps_of,
    receipt::SignedReceipt,
    state::{Channel, ProviderMarket},
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::Instant,
};

#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub providers: usize,
    pub buyers: usize,
    pub rounds: usize,
    /// A buyer signs a new receipt every `interval` bytes.
    pub interval: u64,
    pub seed: u64,
    /// Providers run their nodes on loopback and receipts travel over HTTP.
    pub network: bool,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            providers: 3,
            buyers: 20,
            rounds: 10,
            interval: 2 << 20,
            seed: 7,
            network: false,
        }
    }
}

/// What the demo needs of a chain beyond [`Chain`]: moving its clock forward, where it can.
#[async_trait::async_trait]
pub trait DemoChain: Chain {
    /// Advances the clock by `secs`; `false` where the clock cannot be moved (a real cluster).
    async fn warp(&self, secs: i64) -> Result<bool, ClientError>;
}

#[async_trait::async_trait]
impl DemoChain for EmbeddedChain {
    async fn warp(&self, secs: i64) -> Result<bool, ClientError> {
        self.advance_time(secs).await?;
        Ok(true)
    }
}

#[async_trait::async_trait]
impl DemoChain for RpcChain {
    async fn warp(&self, _secs: i64) -> Result<bool, ClientError> {
        Ok(false)
    }
}

const DECIMALS: u8 = 6;
const UNIT: u64 = 1_000_000;
const WALLET_TOKENS: u64 = 100 * UNIT;
const DEPOSIT: u64 = 50 * UNIT;
const FEE_BPS: u16 = 250;
const BURN_BPS: u16 = 2_000;

#[derive(Debug, Serialize)]
pub struct ProviderRow {
    pub provider: String,
    pub price_per_gib: String,
    pub channels: u64,
    pub gib: String,
    pub receipts_stored: u64,
    pub earned: String,
    pub fees: String,
    pub paid_out: String,
    pub rewards: String,
    pub rating: String,
}

#[derive(Debug, Serialize)]
pub struct BuyerRow {
    pub buyer: String,
    pub provider: u64,
    pub gib: String,
    pub receipts_signed: u64,
    pub spent: String,
    pub refunded: String,
}

#[derive(Debug, Serialize)]
pub struct RoleRow {
    pub role: &'static str,
    pub transactions: u64,
    pub signatures: u64,
    pub fees_lamports: u64,
    pub bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
}

#[derive(Debug, Serialize)]
pub struct DemoReport {
    pub market: String,
    pub receipts_signed: u64,
    pub receipts_stored: u64,
    /// What happened besides the routine.
    pub events: Vec<String>,
    pub fees_to_treasury: String,
    pub fees_burned: String,
    pub rewards_minted: String,
    pub seconds: f64,
    pub providers: Vec<ProviderRow>,
    pub buyers: Vec<BuyerRow>,
    pub transactions: Vec<RoleRow>,
    /// `bwx provider rank` at the end.
    pub ranking: Vec<provider::RankRow>,
    pub checks: Vec<Check>,
}

impl DemoReport {
    pub fn all_ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

struct DemoBuyer<'a, C: Chain> {
    client: Client<&'a C>,
    provider: usize,
    channel: Pubkey,
    meter: Meter,
    /// `--network`: to the provider's node, found on-chain.
    sender: Option<ReceiptSender>,
}

struct DemoProvider<'a, C: Chain> {
    client: Client<&'a C>,
    /// The provider's receipts: its own, or (`--network`) its node's.
    store: SharedStore,
    node: Option<crate::node::Node>,
    price: u64,
    received: u64,
}

impl<C: Chain> DemoProvider<'_, C> {
    fn store(&self) -> std::sync::MutexGuard<'_, ReceiptStore> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Sends a buyer's receipts to its provider's node; every one must be acknowledged as new.
async fn post(sender: &ReceiptSender, receipts: &[SignedReceipt]) -> Result<u64, ClientError> {
    let results = sender.send(receipts).await?;
    for r in &results {
        if !matches!(r, crate::api::ReceiptResult::Accepted { .. }) {
            return Err(ClientError::Invalid(format!(
                "a valid receipt was refused by the node: {r:?}"
            )));
        }
    }
    Ok(results.len() as u64)
}

fn log(step: &str) {
    eprintln!("  {step}");
}

fn add(a: &mut TxStats, b: TxStats) {
    a.transactions += b.transactions;
    a.signatures += b.signatures;
    a.fee_lamports += b.fee_lamports;
    a.bytes += b.bytes;
}

/// Funds `wallets` with SOL from the chain's faucet, a few per transaction.
async fn fund<C: Chain>(faucet: &Client<&C>, wallets: &[Pubkey]) -> Result<(), ClientError> {
    for chunk in wallets.chunks(10) {
        let ixs: Vec<_> = chunk
            .iter()
            .map(|w| {
                solana_system_interface::instruction::transfer(
                    &faucet.payer().pubkey(),
                    w,
                    5_000_000_000,
                )
            })
            .collect();
        faucet.send(&ixs, &[], 10_000).await?;
    }
    Ok(())
}

/// The demo on a new embedded chain.
pub async fn run(config: &DemoConfig, data_dir: &Path) -> Result<DemoReport, ClientError> {
    let chain = Arc::new(EmbeddedChain::start().await);
    let faucet = chain.faucet().insecure_clone();
    let nodes: Arc<dyn Chain> = chain.clone();
    run_with_nodes(&*chain, faucet, config, data_dir, Some(nodes)).await
}

/// The demo on `chain`, every wallet funded by `faucet` (which also creates the mint).
pub async fn run_on<C: DemoChain>(
    chain: &C,
    faucet: Keypair,
    config: &DemoConfig,
    data_dir: &Path,
) -> Result<DemoReport, ClientError> {
    run_with_nodes(chain, faucet, config, data_dir, None).await
}

/// [`run_on`]; with `config.network`, the providers' nodes read `nodes` (the same cluster,
/// shared with their tasks).
pub async fn run_with_nodes<C: DemoChain>(
    chain: &C,
    faucet: Keypair,
    config: &DemoConfig,
    data_dir: &Path,
    nodes: Option<Arc<dyn Chain>>,
) -> Result<DemoReport, ClientError> {
    let nodes = match (config.network, nodes) {
        (true, Some(n)) => Some(n),
        (true, None) => {
            return Err(ClientError::Invalid(
                "--network needs a chain the providers' nodes can share".into(),
            ))
        }
        (false, _) => None,
    };
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(config.seed);
    let faucet = Client::new(chain, faucet);
    let admin = Client::new(chain, Keypair::new());
    let watcher = Client::new(chain, Keypair::new());

    // --- a mint and a market ------------------------------------------------------------------
    log("creating a mint and a market (fee 2.5 %, 20 % of fees burned)");
    let mint = Keypair::new();
    let token_program = tokens_program();
    let rent = chain.minimum_balance(tokens::MINT_LEN).await?;
    let ixs = tokens::create_mint(
        &faucet.payer().pubkey(),
        &mint.pubkey(),
        &faucet.payer().pubkey(),
        DECIMALS,
        &token_program,
        rent,
    );
    faucet.send(&ixs, &[&mint], compute::TOKEN_SETUP).await?;
    let provider_keys: Vec<Keypair> = (0..config.providers).map(|_| Keypair::new()).collect();
    let buyer_keys: Vec<Keypair> = (0..config.buyers).map(|_| Keypair::new()).collect();
    let mut wallets = vec![admin.payer().pubkey(), watcher.payer().pubkey()];
    wallets.extend(provider_keys.iter().map(|k| k.pubkey()));
    wallets.extend(buyer_keys.iter().map(|k| k.pubkey()));
    fund(&faucet, &wallets).await?;
    let args = CreateMarketArgs {
        fee_bps: FEE_BPS,
        burn_bps: BURN_BPS,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    market::create(&admin, &mint.pubkey(), None, args).await?;
    let market_address = pda::market(&mint.pubkey(), &admin.payer().pubkey());
    // Rewards: 0.1 reward token per GiB paid at least 0.5 per GiB; at most 5 a day.
    let reward_mint = rewards::create_mint(&admin, &market_address, DECIMALS).await?;
    let terms = RewardTerms {
        active: true,
        reward_per_gib: UNIT / 10,
        min_price_per_gib: UNIT / 2,
        epoch_secs: 86_400,
        epoch_cap: 5 * UNIT,
        vesting_secs: 0,
    };
    rewards::configure(&admin, &market_address, &reward_mint, terms).await?;
    let m = load_market(&admin, &market_address).await?;

    // --- providers ----------------------------------------------------------------------------
    log(&format!("registering {} providers", config.providers));
    let mut providers = vec![];
    for (i, key) in provider_keys.into_iter().enumerate() {
        let node_key = key.insecure_clone();
        let client = Client::new(chain, key);
        let price = [UNIT * 4 / 5, UNIT, UNIT * 6 / 5][i % 3];
        // --network: the node listens on loopback, and that is the endpoint buyers find.
        let listener = match &nodes {
            Some(_) => Some(tokio::net::TcpListener::bind("127.0.0.1:0").await?),
            None => None,
        };
        let endpoint = match &listener {
            Some(l) => format!("http://{}", l.local_addr()?),
            None => format!("https://node-{i}.example.net:4433"),
        };
        let args = RegisterProviderArgs {
            payout: client.payer().pubkey(),
            min_dispute_window_secs: 3_600,
            bounty_bps: 500,
            endpoint,
            region: ["eu-west", "us-east", "ap-south"][i % 3].into(),
        };
        provider::register(&client, &market_address, args, &ui_amount(price, DECIMALS)).await?;
        let store: SharedStore = Arc::new(Mutex::new(ReceiptStore::open(
            data_dir.join(format!("provider-{i}.sqlite")),
        )?));
        let node = match (&nodes, listener) {
            (Some(chain), Some(listener)) => {
                // Settlement stays with the demo's script; the node takes the receipts.
                let config = crate::node::NodeConfig {
                    policy_interval: None,
                    ..crate::node::NodeConfig::new(market_address)
                };
                Some(
                    crate::node::Node::start_shared(
                        chain.clone(),
                        Arc::new(node_key),
                        store.clone(),
                        listener,
                        config,
                    )
                    .await?,
                )
            }
            _ => None,
        };
        providers.push(DemoProvider {
            client,
            store,
            node,
            price,
            received: 0,
        });
    }

    // --- buyers: tokens, deposit, one channel each ----------------------------------------------
    log(&format!(
        "{} buyers deposit and open a channel each, with a fresh session key per channel",
        config.buyers
    ));
    for chunk in buyer_keys.chunks(5) {
        let mut ixs = vec![];
        for b in chunk {
            let ata = tokens::associated_address(&b.pubkey(), &mint.pubkey(), &token_program);
            ixs.push(tokens::create_associated_account(
                &faucet.payer().pubkey(),
                &b.pubkey(),
                &mint.pubkey(),
                &token_program,
            ));
            ixs.push(tokens::mint_to(
                &mint.pubkey(),
                &ata,
                &faucet.payer().pubkey(),
                WALLET_TOKENS,
                &token_program,
            ));
        }
        faucet.send(&ixs, &[], compute::TOKEN_SETUP * 2).await?;
    }
    let sessions = SessionKeys::open(data_dir.join("sessions"))?;
    let mut buyers = vec![];
    for (i, key) in buyer_keys.into_iter().enumerate() {
        let client = Client::new(chain, key);
        buyer::deposit(
            &client,
            &market_address,
            &ui_amount(DEPOSIT, DECIMALS),
            None,
        )
        .await?;
        let p = i % providers.len();
        // Buyer 0 reserves little and will have to top up; buyer 1 will force a close.
        let deposit = if i == 0 { UNIT } else { 20 * UNIT };
        let provider_key = providers[p].client.payer().pubkey();
        let report = channel::open(
            &client,
            &sessions,
            &market_address,
            &provider_key,
            &ui_amount(deposit, DECIMALS),
            None,
        )
        .await?;
        let address: Pubkey = report.channel.parse().expect("channel address");
        let c: Channel = client.require(&address, "channel").await?;
        // The provider learns the channel's terms from the chain before serving it (its node
        // does that by itself at the first receipt).
        let sender = if nodes.is_some() {
            Some(ReceiptSender::for_provider(&client, &provider_key).await?)
        } else {
            providers[p].store().add_channel(ChannelTerms {
                channel: address,
                market: market_address,
                signer: c.receipt_signer,
                deposit: c.deposit,
            })?;
            None
        };
        let meter = Meter::new(
            address,
            sessions.load(&address)?,
            c.price_per_gib,
            c.deposit,
            config.interval,
        );
        buyers.push(DemoBuyer {
            client,
            provider: p,
            channel: address,
            meter,
            sender,
        });
    }

    // --- traffic ------------------------------------------------------------------------------
    log(if nodes.is_some() {
        "streaming metered traffic; buyers send every receipt over HTTP to their provider's node"
    } else {
        "streaming metered traffic; providers store every receipt durably (group commits)"
    });
    let forced = 1 % buyers.len();
    let settle_round = config.rounds / 2 - 1;
    let force_round = settle_round + 2;
    let mut forced_deadline = 0;
    let mut events: Vec<String> = vec![];
    for round in 0..config.rounds {
        let mut inbox: Vec<Vec<SignedReceipt>> = vec![vec![]; providers.len()];
        for (i, b) in buyers.iter_mut().enumerate() {
            if i == forced && round > force_round {
                continue; // this buyer stopped and forced a close
            }
            let mut outbox = vec![];
            for _ in 0..24 {
                let chunk = rng.gen_range(1..=16u64) << 20;
                match b.meter.record(chunk) {
                    Ok(Some(r)) => outbox.push(r),
                    Ok(None) => {}
                    Err(MeterError::DepositExhausted { .. }) => {
                        // The meter refused to sign beyond the deposit: top up and go on.
                        channel::top_up(&b.client, &b.channel, "5").await?;
                        let c: Channel = b.client.require(&b.channel, "channel").await?;
                        b.meter.set_deposit(c.deposit);
                        // A node reads the channel again when a receipt is beyond the deposit
                        // it knew; a store of its own is told.
                        if b.sender.is_none() {
                            providers[b.provider].store().add_channel(ChannelTerms {
                                channel: b.channel,
                                market: market_address,
                                signer: c.receipt_signer,
                                deposit: c.deposit,
                            })?;
                        }
                        events.push(format!(
                            "buyer {i}: the meter refused to sign beyond the deposit; the buyer topped up 5 and went on"
                        ));
                        if let Some(r) = b
                            .meter
                            .record(chunk)
                            .map_err(|e| ClientError::Invalid(e.to_string()))?
                        {
                            outbox.push(r);
                        }
                    }
                    Err(e) => return Err(ClientError::Invalid(e.to_string())),
                }
            }
            match &b.sender {
                Some(sender) => providers[b.provider].received += post(sender, &outbox).await?,
                None => inbox[b.provider].extend(outbox),
            }
        }
        for (p, receipts) in inbox.into_iter().enumerate() {
            let verdicts = providers[p].store().accept_batch(&receipts)?;
            for v in verdicts {
                match v {
                    Ok(Accepted::New { .. }) => providers[p].received += 1,
                    other => {
                        return Err(ClientError::Invalid(format!(
                            "a valid receipt was refused: {other:?}"
                        )))
                    }
                }
            }
        }
        if round == settle_round {
            log("providers settle their best receipts");
            for p in &mut providers {
                no_failure(settle::settle(&p.client, &mut p.store, None, &[]).await?)?;
            }
        }
        if round == force_round {
            log("buyer 1 rates its provider 2 and forces a close of its channel");
            channel::rate(&buyers[forced].client, &buyers[forced].channel, 2).await?;
            let report =
                channel::close(&buyers[forced].client, None, &buyers[forced].channel).await?;
            forced_deadline = report.close_deadline.unwrap_or_default();
            events.push(format!(
                "buyer {forced} forced a close in round {round}; deadline {forced_deadline}"
            ));
            let p = buyers[forced].provider;
            Book::record_closing(
                &mut providers[p].store,
                &buyers[forced].channel,
                forced_deadline,
            )?;
        }
        if round == force_round + 1 {
            // Half an hour into the one-hour window (on a cluster: now), the provider settles
            // the closing channel.
            let warped = chain.warp(1_800).await?;
            let p = buyers[forced].provider;
            let ch = buyers[forced].channel;
            let provider = &mut providers[p];
            let rows = no_failure(
                settle::settle(&provider.client, &mut provider.store, Some(ch), &[]).await?,
            )?;
            events.push(format!(
                "provider {p} settled the closing channel {} into the window: {} ({})",
                if warped { "30 minutes" } else { "moments" },
                rows[0].amount.clone().unwrap_or_default(),
                rows[0].outcome
            ));
        }
    }

    // --- the end of the sessions --------------------------------------------------------------
    log("sessions end: buyers rate their providers; final receipts; providers close cooperatively");
    for (i, b) in buyers.iter_mut().enumerate() {
        if i == forced {
            continue;
        }
        channel::rate(&b.client, &b.channel, [5, 4, 3][b.provider % 3]).await?;
        if let Some(r) = b
            .meter
            .sign_now()
            .map_err(|e| ClientError::Invalid(e.to_string()))?
        {
            if let Some(sender) = &b.sender {
                providers[b.provider].received += post(sender, &[r]).await?;
            } else {
                let verdict = providers[b.provider].store().accept(&r)?;
                match verdict {
                    Ok(Accepted::New { .. }) => providers[b.provider].received += 1,
                    other => {
                        return Err(ClientError::Invalid(format!(
                            "a final receipt was refused: {other:?}"
                        )))
                    }
                }
            }
        }
        let p = &mut providers[b.provider];
        channel::close(&p.client, Some(&mut p.store), &b.channel).await?;
    }
    let now = chain.clock().await?.unix_timestamp;
    if chain.warp(forced_deadline - now).await? {
        log("the forced close is finalized after its deadline (clock warp)");
        channel::finalize(&watcher, &buyers[forced].channel).await?;
    } else {
        log("the forced close is closed by its provider (a cluster's clock cannot be warped)");
        let p = &mut providers[buyers[forced].provider];
        channel::close(&p.client, Some(&mut p.store), &buyers[forced].channel).await?;
        events.push(format!(
            "buyer {forced}'s forced close was closed by its provider before the deadline"
        ));
    }

    log("everyone withdraws; fees are swept");
    for b in &buyers {
        buyer::withdraw(&b.client, &market_address, None, None).await?;
    }
    for p in &providers {
        super::earnings::withdraw(&p.client, &market_address, None, None).await?;
        rewards::claim(&p.client, &market_address).await?;
    }
    let swept = fees::sweep(&admin, &market_address).await?;
    let ranking = provider::rank(&admin, &market_address).await?;
    // --network: what each buyer's app reads back from its provider's node is its last receipt;
    // then the nodes stop (draining, flushing).
    let mut failing_view = vec![];
    for (i, b) in buyers.iter().enumerate() {
        if let Some(sender) = &b.sender {
            let view = sender.channel(&b.channel).await?;
            let last = b.meter.last().map(|r| r.receipt.amount).unwrap_or(0);
            if view.map(|v| v.best_amount.0) != Some(last) {
                failing_view.push(i);
            }
        }
    }
    let mut node_reports = vec![];
    for p in providers.iter_mut() {
        if let Some(node) = p.node.take() {
            node_reports.push(node.shutdown().await?.1);
        }
    }

    // --- the books ----------------------------------------------------------------------------
    let mut checks = vec![];
    let mut check = |name: String, ok: bool| checks.push(Check { check: name, ok });
    // Per-party checks are folded into one line each, naming whoever fails.
    let folded = |name: &str, failing: &[usize]| {
        if failing.is_empty() {
            name.to_string()
        } else {
            format!("{name}: fails for {failing:?}")
        }
    };
    let mut failing_paid = vec![];
    let mut failing_closed = vec![];
    let mut failing_received = vec![];
    let mut failing_bytes = vec![];
    let mut failing_rewards = vec![];
    let vault = token_balance(&admin, &m.keys.vault).await?;
    check("vault is empty once everyone withdrew".into(), vault == 0);
    let (_, supply) =
        tokens::mint_info(&chain.account(&mint.pubkey()).await?.expect("mint").data).expect("mint");
    let market_after = load_market(&admin, &market_address).await?.account;
    let treasury = token_balance(&admin, &m.keys.treasury).await?;
    let minted = WALLET_TOKENS * config.buyers as u64;
    check(
        "supply = minted - burned".into(),
        supply == minted - market_after.fees_burned,
    );
    let mut buyer_rows = vec![];
    let mut total_spent = 0u64;
    let mut fees_expected = 0u64;
    let mut provider_expected = vec![0u64; providers.len()];
    let mut provider_bytes = vec![0u64; providers.len()];
    let mut buyers_hold = 0u64;
    for (i, b) in buyers.iter().enumerate() {
        let spent = b.meter.last().map(|r| r.receipt.amount).unwrap_or(0);
        let bytes = b.meter.last().map(|r| r.receipt.bytes).unwrap_or(0);
        let wallet =
            tokens::associated_address(&b.client.payer().pubkey(), &mint.pubkey(), &token_program);
        let held = token_balance(&admin, &wallet).await?;
        buyers_hold += held;
        if held != WALLET_TOKENS - spent {
            failing_paid.push(i);
        }
        if chain.account(&b.channel).await?.is_some() {
            failing_closed.push(i);
        }
        let fee = bps_of(spent, FEE_BPS).expect("fee");
        fees_expected += fee;
        provider_expected[b.provider] += spent - fee;
        provider_bytes[b.provider] += bytes;
        total_spent += spent;
        let deposit = b.meter.deposit();
        buyer_rows.push(BuyerRow {
            buyer: short(&b.client.payer().pubkey()),
            provider: b.provider as u64,
            gib: gib(bytes),
            receipts_signed: b.meter.signed(),
            spent: ui_amount(spent, DECIMALS),
            refunded: ui_amount(deposit - spent, DECIMALS),
        });
    }
    check(
        folded(
            "every buyer paid exactly its highest receipt",
            &failing_paid,
        ),
        failing_paid.is_empty(),
    );
    check(
        folded("every channel is closed", &failing_closed),
        failing_closed.is_empty(),
    );
    let mut provider_rows = vec![];
    let mut providers_hold = 0u64;
    let mut rewards_claimed = 0u64;
    for (i, p) in providers.iter().enumerate() {
        let authority = p.client.payer().pubkey();
        let pm: ProviderMarket = admin
            .require(
                &pda::provider_market(&market_address, &pda::provider(&authority)),
                "provider market",
            )
            .await?;
        let payout = tokens::associated_address(&authority, &mint.pubkey(), &token_program);
        let paid = token_balance(&admin, &payout).await?;
        providers_hold += paid;
        if paid != provider_expected[i] || pm.earnings != 0 {
            failing_received.push(i);
        }
        rewards_claimed += pm.rewards_claimed;
        let score = crate::reputation::score(&pm, DECIMALS);
        provider_rows.push(ProviderRow {
            provider: short(&authority),
            price_per_gib: ui_amount(p.price, DECIMALS),
            channels: pm.channels_opened,
            gib: gib(pm.bytes_settled),
            receipts_stored: p.received,
            earned: ui_amount(pm.amount_settled - pm.fees_paid, DECIMALS),
            fees: ui_amount(pm.fees_paid, DECIMALS),
            paid_out: ui_amount(paid, DECIMALS),
            rewards: ui_amount(pm.rewards_claimed, DECIMALS),
            rating: format!("{:.2}", score.rating),
        });
        // Every byte was paid above the minimum price, so every byte earned rewards; all of
        // them were claimed (rounded down per settlement).
        let most = bandwidth_settlement::math::reward_for(pm.rewarded_bytes, UNIT / 10);
        if pm.reward_accrued != 0
            || pm.rewarded_bytes != pm.bytes_settled
            || pm.rewards_claimed == 0
            || pm.rewards_claimed > most
        {
            failing_rewards.push(i);
        }
        if pm.bytes_settled != provider_bytes[i] {
            failing_bytes.push(i);
        }
    }
    check(
        folded(
            "every provider was paid what its buyers signed, less the fee",
            &failing_received,
        ),
        failing_received.is_empty(),
    );
    check(
        folded(
            "every provider's settled bytes are its buyers' receipts",
            &failing_bytes,
        ),
        failing_bytes.is_empty(),
    );
    check(
        folded(
            "every provider claimed the rewards of its paid bytes",
            &failing_rewards,
        ),
        failing_rewards.is_empty(),
    );
    let (_, reward_supply) = tokens::mint_info(
        &chain
            .account(&reward_mint)
            .await?
            .expect("reward mint")
            .data,
    )
    .expect("mint");
    check(
        "reward supply = sum of claims, within the epoch cap".into(),
        reward_supply == rewards_claimed && reward_supply <= 5 * UNIT,
    );
    check(
        "fees = sum over channels of fee(settled)".into(),
        market_after.fees_to_treasury + market_after.fees_burned == fees_expected,
    );
    check(
        "conservation: buyers + providers + treasury + burned = minted".into(),
        buyers_hold + providers_hold + treasury + market_after.fees_burned == minted,
    );
    check(
        "every token spent reached a provider or the fees".into(),
        total_spent == providers_hold + treasury + market_after.fees_burned,
    );
    let receipts_signed: u64 = buyers.iter().map(|b| b.meter.signed()).sum();
    let receipts_stored: u64 = providers.iter().map(|p| p.received).sum();
    check(
        "every receipt signed was stored by its provider".into(),
        receipts_signed == receipts_stored,
    );
    if nodes.is_some() {
        let over_http: u64 = node_reports.iter().map(|r| r.receipts_accepted).sum();
        check(
            "every receipt travelled over HTTP and was acknowledged by its provider's node".into(),
            over_http == receipts_signed && node_reports.iter().all(|r| r.receipts_refused == 0),
        );
        check(
            folded(
                "every buyer's last receipt is what its provider's node holds (GET /v1/channels)",
                &failing_view,
            ),
            failing_view.is_empty(),
        );
    }

    let mut buyers_stats = TxStats::default();
    for b in &buyers {
        add(&mut buyers_stats, b.client.stats());
    }
    let mut providers_stats = TxStats::default();
    for p in &providers {
        add(&mut providers_stats, p.client.stats());
    }
    let row = |role, s: TxStats| RoleRow {
        role,
        transactions: s.transactions,
        signatures: s.signatures,
        fees_lamports: s.fee_lamports,
        bytes: s.bytes,
    };
    let mut total = TxStats::default();
    for s in [
        faucet.stats(),
        admin.stats(),
        buyers_stats,
        providers_stats,
        watcher.stats(),
    ] {
        add(&mut total, s);
    }
    let transactions = vec![
        row("setup (mint, airdrops)", faucet.stats()),
        row("market admin", admin.stats()),
        row("buyers", buyers_stats),
        row("providers", providers_stats),
        row("finalizer", watcher.stats()),
        row("total", total),
    ];
    Ok(DemoReport {
        market: market_address.to_string(),
        receipts_signed,
        receipts_stored,
        events,
        fees_to_treasury: swept.to_treasury,
        fees_burned: swept.burned,
        rewards_minted: ui_amount(rewards_claimed, DECIMALS),
        seconds: (started.elapsed().as_secs_f64() * 100.0).round() / 100.0,
        providers: provider_rows,
        buyers: buyer_rows,
        transactions,
        ranking,
        checks,
    })
}

fn tokens_program() -> Pubkey {
    spl_token_interface::ID
}

fn gib(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / (1u64 << 30) as f64)
}

fn short(key: &Pubkey) -> String {
    let s = key.to_string();
    format!("{}…{}", &s[..4], &s[s.len() - 4..])
}

/// The demo settles on a healthy chain: any refused or failed settlement is a failed demo.
fn no_failure(rows: Vec<settle::SettleRow>) -> Result<Vec<settle::SettleRow>, ClientError> {
    match rows.iter().find(|r| r.is_failure()) {
        Some(r) => Err(ClientError::Invalid(format!(
            "settling {} was {}: {}",
            r.channel,
            r.outcome,
            r.error.as_deref().unwrap_or("")
        ))),
        None => Ok(rows),
    }
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 20)]
    pub buyers: usize,
    #[arg(long, default_value_t = 3)]
    pub providers: usize,
    #[arg(long, default_value_t = 10)]
    pub rounds: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Run each provider's node on loopback: receipts travel over HTTP.
    #[arg(long)]
    pub network: bool,
}

/// `bwx demo`: the whole market on a throw-away embedded chain — or, with `-u`, on that
/// cluster over JSON-RPC, paid for by the `-k` signer; `Ok(false)` if a check fails.
pub async fn execute(args: &Args, ctx: &crate::context::Ctx) -> Result<bool, ClientError> {
    let config = DemoConfig {
        buyers: args.buyers,
        providers: args.providers.max(1),
        rounds: args.rounds.max(4),
        seed: args.seed,
        network: args.network,
        ..Default::default()
    };
    let dir = tempfile::tempdir()?;
    let report = if ctx.url_given {
        eprintln!(
            "bwx demo: {} over JSON-RPC, {} providers, {} buyers, paid for by {}",
            ctx.url, config.providers, config.buyers, ctx.keypair
        );
        let mut chain = ctx.chain();
        chain.spinner = false;
        let nodes: Arc<dyn Chain> = Arc::new(ctx.chain());
        run_with_nodes(&chain, ctx.signer()?, &config, dir.path(), Some(nodes)).await?
    } else {
        eprintln!(
            "bwx demo: embedded chain, {} providers, {} buyers",
            config.providers, config.buyers
        );
        run(&config, dir.path()).await?
    };
    ctx.print(&report);
    Ok(report.all_ok())
}
