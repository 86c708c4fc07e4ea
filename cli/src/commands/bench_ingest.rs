//! `bwx bench ingest`: receipts durably acknowledged per second by one provider node, with N
//! concurrent buyer connections posting over loopback HTTP, and the latency of each request
//! (from sending it to its answer: verified, judged and on disk).
//!
//! Everything runs in this process on the machine's cores: the embedded chain (channels are
//! opened for real, and the node looks each one up once), the node (HTTP server, verifier
//! threads, group committer on a SQLite file with `synchronous = FULL`) and the load (one
//! keep-alive connection per buyer, closed loop: each buyer sends its next request when the
//! previous one is answered). Receipts are signed before the clock starts.
use super::{buyer, channel, market, provider};
use crate::{
    chain::embedded::EmbeddedChain,
    errors::ClientError,
    node::{Node, NodeConfig},
    receipts::{sessions::SessionKeys, sign_receipt, store::ReceiptStore},
    tokens, Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::api;
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, RegisterProviderArgs},
    receipt::SignedReceipt,
};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::{
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant},
};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Concurrent buyer connections, one run each.
    #[arg(long, value_delimiter = ',', default_value = "1,16,256")]
    pub connections: Vec<usize>,
    /// Receipts per request for each run [default: 256 for 1 connection, 32 for 16, 2 for
    /// 256: about 500 receipts in flight].
    #[arg(long, value_delimiter = ',')]
    pub per_request: Vec<usize>,
    /// Receipts per run.
    #[arg(long, default_value_t = 60_000)]
    pub receipts: usize,
    /// Verify each signature on its own (the program's code) instead of in batches: for
    /// comparison.
    #[arg(long)]
    pub single_verify: bool,
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
    pub store: &'static str,
    pub verification: &'static str,
    pub runs: Vec<Row>,
}

fn default_per_request(connections: usize) -> usize {
    (512 / connections.max(1)).clamp(1, 256)
}

pub async fn run(args: &Args, dir: &std::path::Path) -> Result<Report, ClientError> {
    let chain = Arc::new(EmbeddedChain::start().await);
    let faucet = Client::new(&*chain, chain.faucet().insecure_clone());
    let max_n = args.connections.iter().copied().max().unwrap_or(1);
    // A mint, a market, a provider, `max_n` channels (16 per buyer).
    let mint = Keypair::new();
    let rent = chain.minimum_balance(tokens::MINT_LEN).await?;
    let f = faucet.payer().pubkey();
    let ixs = tokens::create_mint(&f, &mint.pubkey(), &f, 6, &spl_token_interface::ID, rent);
    faucet.send(&ixs, &[&mint], 100_000).await?;
    let wallet = |tokens: u64| {
        let faucet = &faucet;
        let mint = mint.pubkey();
        async move {
            let k = Keypair::new();
            let ata = tokens::associated_address(&k.pubkey(), &mint, &spl_token_interface::ID);
            let ixs = [
                solana_system_interface::instruction::transfer(&f, &k.pubkey(), 10_000_000_000),
                tokens::create_associated_account(&f, &k.pubkey(), &mint, &spl_token_interface::ID),
                tokens::mint_to(&mint, &ata, &f, tokens, &spl_token_interface::ID),
            ];
            faucet.send(&ixs, &[], 100_000).await?;
            Ok::<Keypair, ClientError>(k)
        }
    };
    let admin = Client::new(&*chain, wallet(0).await?);
    let args_market = CreateMarketArgs {
        fee_bps: 250,
        burn_bps: 2_000,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    let market: Pubkey = market::create(&admin, &mint.pubkey(), None, args_market)
        .await?
        .market
        .parse()
        .expect("market address");
    let provider_key = wallet(0).await?;
    let p = Client::new(&*chain, provider_key.insecure_clone());
    let reg = RegisterProviderArgs {
        payout: provider_key.pubkey(),
        min_dispute_window_secs: 3_600,
        bounty_bps: 500,
        endpoint: "http://127.0.0.1".into(),
        region: "bench".into(),
    };
    provider::register(&p, &market, reg, "1").await?;
    let sessions = SessionKeys::open(dir.join("sessions"))?;
    let mut channels: Vec<(Pubkey, Keypair)> = vec![];
    eprintln!("bwx bench ingest: opening {max_n} channels on the embedded chain");
    while channels.len() < max_n {
        let b = Client::new(&*chain, wallet(1_000_000_000).await?);
        buyer::deposit(&b, &market, "1000", None).await?;
        for _ in 0..16.min(max_n - channels.len()) {
            let opened =
                channel::open(&b, &sessions, &market, &provider_key.pubkey(), "50", None).await?;
            let address: Pubkey = opened.channel.parse().expect("channel");
            channels.push((address, sessions.load(&address)?));
        }
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let store = ReceiptStore::open(dir.join("node.sqlite"))?;
    let dyn_chain: Arc<dyn Chain> = chain.clone();
    let config = NodeConfig {
        policy_interval: None,
        batch_verify: !args.single_verify,
        ..NodeConfig::new(market)
    };
    let node = Node::start(
        dyn_chain,
        Arc::new(provider_key.insecure_clone()),
        store,
        listener,
        config,
    )
    .await?;
    let url = format!("{}{}", node.url(), api::RECEIPTS_PATH);
    // The next amount to sign, per channel (runs continue where the previous one stopped).
    let mut next = vec![1u64; channels.len()];
    let mut runs = vec![];
    for (run, &n) in args.connections.iter().enumerate() {
        let per_request = args
            .per_request
            .get(run)
            .copied()
            .unwrap_or_else(|| default_per_request(n))
            .max(1);
        let per_connection = (args.receipts / n).div_ceil(per_request) * per_request;
        // Sign before the clock starts, on every core.
        let bodies: Vec<Vec<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let (channel, key) = (&channels[i].0, &channels[i].1);
                    let start = next[i];
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
        });
        for amount in next.iter_mut().take(n) {
            *amount += per_connection as u64;
        }
        let commits_before = node.shared.commit_stats.commits.load(Ordering::Relaxed);
        let batches_before = node.shared.metrics.verified_batches.load(Ordering::Relaxed);
        // Every connection is open (one request each to /healthz) before the clock starts.
        let ready = Arc::new(tokio::sync::Barrier::new(n + 1));
        let mut tasks = vec![];
        for connection in bodies {
            let (url, ready) = (url.clone(), ready.clone());
            let health = format!("{}{}", node.url(), api::HEALTH_PATH);
            tasks.push(tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .expect("HTTP client");
                let warm = http.get(&health).send().await.map_err(|e| e.to_string());
                ready.wait().await;
                warm?;
                let mut latencies = Vec::with_capacity(connection.len());
                let mut stored = 0usize;
                for body in connection {
                    let t = Instant::now();
                    let answer = http
                        .post(&url)
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
                Ok::<_, String>((latencies, stored))
            }));
        }
        ready.wait().await;
        let started = Instant::now();
        let mut latencies: Vec<Duration> = vec![];
        let mut stored = 0;
        for t in tasks {
            let (l, s) = t
                .await
                .map_err(|e| ClientError::Invalid(e.to_string()))?
                .map_err(ClientError::Invalid)?;
            latencies.extend(l);
            stored += s;
        }
        let elapsed = started.elapsed();
        let total = per_connection * n;
        if stored != total {
            return Err(ClientError::Invalid(format!(
                "{stored} of {total} receipts acknowledged as new: the bench's receipts are all valid"
            )));
        }
        latencies.sort();
        let pct = |p: f64| {
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
            format!("{:.2}", latencies[i].as_secs_f64() * 1e3)
        };
        let commits = node.shared.commit_stats.commits.load(Ordering::Relaxed) - commits_before;
        runs.push(Row {
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
            verify_batches: node.shared.metrics.verified_batches.load(Ordering::Relaxed)
                - batches_before,
        });
        eprintln!("{:?}", runs.last().expect("a run"));
    }
    node.shutdown().await?;
    Ok(Report {
        cores: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        store: "SQLite, WAL, synchronous = FULL (one fsync per commit), in a temporary directory",
        verification: if args.single_verify {
            "one signature at a time (the program's verifier)"
        } else {
            "batches across requests (ed25519-dalek verify_batch after the exact per-receipt checks)"
        },
        runs,
    })
}
