//! `bwx bench ingest`: receipts durably acknowledged per second by one provider node, with N
//! concurrent buyer connections posting over loopback HTTP, and the latency of each request
//! (from sending it to its answer: verified, judged and on disk).
//!
//! Everything runs in this process on the machine's cores: the embedded chain (channels are
//! opened for real, and the node looks each one up once), the node (HTTP server, verifier
//! threads, group committer on a SQLite file with `synchronous = FULL`) and the load (one
//! keep-alive connection per buyer, closed loop: each buyer sends its next request when the
//! previous one is answered). Receipts are signed before the clock starts.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    api,
    ops::{Buyer, MarketAdmin, Provider},
    receipts::{sessions::SessionKeys, sign_receipt, store::ReceiptStore},
    tokens, Chain, Client, ClientError,
};
use bandwidth_node::Node;
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, RegisterProviderArgs},
    receipt::SignedReceipt,
};
use bandwidth_testkit::EmbeddedChain;
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

/// What to measure.
#[derive(Clone, Debug)]
pub struct IngestConfig {
    /// Concurrent buyer connections, one run each.
    pub connections: Vec<usize>,
    /// Receipts per request for each run [default: about 512 receipts in flight].
    pub per_request: Vec<usize>,
    /// Receipts per run.
    pub receipts: usize,
    /// Verify each signature on its own (the program's code) instead of in batches.
    pub single_verify: bool,
    /// Most receipts per group commit (1: a commit, and an fsync, per receipt).
    pub commit_batch: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            connections: vec![1, 16, 256],
            per_request: vec![],
            receipts: 60_000,
            single_verify: false,
            commit_batch: bandwidth_node::NodeConfig::new(Pubkey::default()).commit_batch,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub connections: usize,
    pub receipts_per_request: usize,
    pub receipts: usize,
    pub seconds: String,
    pub receipts_per_sec: u64,
    pub p50_ms: String,
    pub p99_ms: String,
    pub max_ms: String,
    pub commits: u64,
    pub receipts_per_commit: u64,
    pub verify_batches: u64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub cores: usize,
    pub store: String,
    pub verification: &'static str,
    pub runs: Vec<Row>,
}

fn default_per_request(connections: usize) -> usize {
    (512 / connections.max(1)).clamp(1, 256)
}

pub async fn run(config: &IngestConfig, dir: &Path) -> Result<Report, ClientError> {
    let chain = Arc::new(EmbeddedChain::start().await);
    let max_n = config.connections.iter().copied().max().unwrap_or(1);
    let (market, provider_key, channels) = market(&chain, max_n, dir).await?;
    let node = Node::builder(market)
        .chain(chain.clone())
        .signer(provider_key)
        .store(ReceiptStore::open(dir.join("node.sqlite"))?)
        .listen("127.0.0.1:0")
        .policy_interval(None)
        .batch_verify(!config.single_verify)
        .commit_batch(config.commit_batch)
        .start()
        .await?;
    // The next amount to sign, per channel (runs continue where the previous one stopped).
    let mut next = vec![1u64; channels.len()];
    let mut runs = vec![];
    for (run, &n) in config.connections.iter().enumerate() {
        let per_request = config
            .per_request
            .get(run)
            .copied()
            .unwrap_or_else(|| default_per_request(n))
            .max(1);
        let per_connection = (config.receipts / n).div_ceil(per_request) * per_request;
        let bodies = sign(&channels[..n], &next, per_connection, per_request);
        for amount in next.iter_mut().take(n) {
            *amount += per_connection as u64;
        }
        runs.push(one_run(&node, bodies, per_request).await?);
        eprintln!("{:?}", runs.last().expect("a run"));
    }
    node.shutdown().await?;
    Ok(Report {
        cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        store: format!(
            "SQLite, WAL, synchronous = FULL (one fsync per commit, at most {} receipts each), in a temporary directory",
            config.commit_batch
        ),
        verification: if config.single_verify {
            "one signature at a time (the program's verifier)"
        } else {
            "batches across requests (ed25519-dalek verify_batch after the exact per-receipt checks)"
        },
        runs,
    })
}

/// A mint, a market, a provider and `n` channels (16 per buyer): the market, the provider's
/// key, and each channel with its session key.
async fn market(
    chain: &EmbeddedChain,
    n: usize,
    dir: &Path,
) -> Result<(Pubkey, Keypair, Vec<(Pubkey, Keypair)>), ClientError> {
    let faucet = Client::new(chain, chain.faucet().insecure_clone());
    let mint = Keypair::new();
    let f = faucet.payer().pubkey();
    let rent = chain.minimum_balance(tokens::MINT_LEN).await?;
    let ixs = tokens::create_mint(&f, &mint.pubkey(), &f, 6, &spl_token_interface::ID, rent);
    faucet.send(&ixs, &[&mint], 100_000).await?;
    let wallet = |tokens: u64| wallet(&faucet, mint.pubkey(), tokens);
    let admin = Client::new(chain, wallet(0).await?);
    let args = CreateMarketArgs {
        fee_bps: 250,
        burn_bps: 2_000,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    let market = MarketAdmin::create(&admin, &mint.pubkey(), None, args)
        .await?
        .0
        .market();
    let provider_key = wallet(0).await?;
    let p = Client::new(chain, provider_key.insecure_clone());
    let reg = RegisterProviderArgs {
        payout: provider_key.pubkey(),
        min_dispute_window_secs: 3_600,
        bounty_bps: 500,
        endpoint: "http://127.0.0.1".into(),
        region: "bench".into(),
    };
    Provider::new(&p, &market)
        .await?
        .register(reg, 1_000_000)
        .await?;
    let sessions = SessionKeys::open(dir.join("sessions"))?;
    let mut channels = vec![];
    eprintln!("bwx bench ingest: opening {n} channels on the embedded chain");
    while channels.len() < n {
        let b = Client::new(chain, wallet(1_000_000_000).await?);
        let buyer = Buyer::new(&b, &market).await?;
        buyer.deposit(1_000_000_000, None).await?;
        for _ in 0..16.min(n - channels.len()) {
            let opened = buyer
                .open_channel(&sessions, &provider_key.pubkey(), 50_000_000, None)
                .await?;
            channels.push((opened.channel, sessions.load(&opened.channel)?));
        }
    }
    Ok((market, provider_key, channels))
}

/// A funded wallet with `tokens` of `mint`.
async fn wallet(
    faucet: &Client<&EmbeddedChain>,
    mint: Pubkey,
    tokens: u64,
) -> Result<Keypair, ClientError> {
    let (f, k, token) = (
        faucet.payer().pubkey(),
        Keypair::new(),
        spl_token_interface::ID,
    );
    let ata = tokens::associated_address(&k.pubkey(), &mint, &token);
    let ixs = [
        solana_system_interface::instruction::transfer(&f, &k.pubkey(), 10_000_000_000),
        tokens::create_associated_account(&f, &k.pubkey(), &mint, &token),
        tokens::mint_to(&mint, &ata, &f, tokens, &token),
    ];
    faucet.send(&ixs, &[], 100_000).await?;
    Ok(k)
}

/// Each connection's request bodies, signed on every core before the clock starts.
fn sign(
    channels: &[(Pubkey, Keypair)],
    next: &[u64],
    per_connection: usize,
    per_request: usize,
) -> Vec<Vec<Vec<u8>>> {
    std::thread::scope(|s| {
        let handles: Vec<_> = channels
            .iter()
            .zip(next)
            .map(|((channel, key), &start)| {
                s.spawn(move || {
                    let receipts: Vec<SignedReceipt> = (0..per_connection as u64)
                        .map(|k| sign_receipt(key, channel, start + k, (start + k) << 10))
                        .collect();
                    receipts
                        .chunks(per_request)
                        .map(|c| c.iter().flat_map(|r| r.encode()).collect())
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("signer"))
            .collect()
    })
}

/// One run: every connection opened first, then all of them post their bodies, each waiting
/// for its answer before the next; every receipt must be acknowledged as new.
async fn one_run(
    node: &Node,
    bodies: Vec<Vec<Vec<u8>>>,
    per_request: usize,
) -> Result<Row, ClientError> {
    let before = node.stats();
    let n = bodies.len();
    let ready = Arc::new(tokio::sync::Barrier::new(n + 1));
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|connection| tokio::spawn(connection_load(node.url(), connection, ready.clone())))
        .collect();
    ready.wait().await;
    let started = Instant::now();
    let (mut latencies, mut stored) = (vec![], 0);
    for t in tasks {
        let (l, s) = t
            .await
            .map_err(|e| ClientError::Invalid(e.to_string()))?
            .map_err(ClientError::Invalid)?;
        latencies.extend(l);
        stored += s;
    }
    let elapsed = started.elapsed();
    let total = latencies.len() * per_request;
    if stored != total {
        let m = format!(
            "{stored} of {total} receipts acknowledged as new: the bench's receipts are all valid"
        );
        return Err(ClientError::Invalid(m));
    }
    latencies.sort();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        format!("{:.2}", latencies[i].as_secs_f64() * 1e3)
    };
    let after = node.stats();
    let commits = after.commits - before.commits;
    Ok(Row {
        connections: n,
        receipts_per_request: per_request,
        receipts: total,
        seconds: format!("{:.2}", elapsed.as_secs_f64()),
        receipts_per_sec: (total as f64 / elapsed.as_secs_f64()) as u64,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: pct(1.0),
        commits,
        receipts_per_commit: total as u64 / commits.max(1),
        verify_batches: after.verify_batches - before.verify_batches,
    })
}

/// One buyer's keep-alive connection: a request to /healthz (the connection is open before
/// the clock starts), then its bodies one after the other.
async fn connection_load(
    url: String,
    bodies: Vec<Vec<u8>>,
    ready: Arc<tokio::sync::Barrier>,
) -> Result<(Vec<Duration>, usize), String> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .map_err(|e| e.to_string())?;
    let warm = http.get(format!("{url}{}", api::HEALTH_PATH)).send().await;
    ready.wait().await;
    warm.map_err(|e| e.to_string())?;
    let receipts = format!("{url}{}", api::RECEIPTS_PATH);
    let (mut latencies, mut stored) = (Vec::with_capacity(bodies.len()), 0);
    for body in bodies {
        let t = Instant::now();
        let answer = http
            .post(&receipts)
            .header(reqwest::header::CONTENT_TYPE, api::BINARY)
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = answer.status();
        let answer: api::ReceiptsResponse =
            answer.json().await.map_err(|e| format!("{status}: {e}"))?;
        latencies.push(t.elapsed());
        stored += answer.accepted;
    }
    Ok((latencies, stored))
}
