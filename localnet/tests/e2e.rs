//! The real path: a local Agave validator (this crate's `Localnet`, in-process, the program's
//! SBF build deployed as it would be on a cluster) and every operation of a market's life through the SDK
//! over JSON-RPC (`RpcChain`): the code `bwx -u localhost` runs. Balances and the conservation check are read
//! back from the validator over RPC, and a client that is not the SDK (raw JSON-RPC over HTTP)
//! reads the program's accounts.
//!
//! The validator produces blocks on its own clock, so nothing here depends on how many slots
//! pass: every transaction is confirmed before the next step reads, and the one wait for the
//! cluster to move on (a lookup table is usable from the slot after its last extension) polls
//! a bounded number of times. What needs the clock to jump — finalizing a forced close after
//! its dispute window (at least 10 minutes), withdrawing stake after its unbonding delay —
//! cannot be done honestly on a real validator and is left to the embedded-chain tests
//! (`tests/suite/ops.rs`, `tests/suite/disputes.rs`), which warp the clock.
#![allow(deprecated)]

use anchor_lang::{prelude::Pubkey, Discriminator};
use bandwidth_client::{
    events::ProgramEvent,
    lookup,
    ops::{admin::sweep_fees, provider::check_receipt, views, Buyer, MarketAdmin, Provider},
    receipts::{
        sessions::SessionKeys,
        store::{Accepted, ReceiptStore},
    },
    settlement::{Outcome, Retry},
    tokens,
    watcher::{WatchPolicy, Watcher},
    Chain, Client, RpcChain,
};
use bandwidth_demo::demo;
use bandwidth_localnet::{free_ports, Config, Hosting, Localnet};
use bandwidth_settlement::{
    instructions::RewardTerms,
    instructions::{CreateMarketArgs, RegisterProviderArgs},
    state::{Buyer as Escrow, Channel, Market, ProviderMarket},
};
use base64::Engine;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::io::{Read, Write};

const UNIT: u64 = 1_000_000;
/// Offsets of `market` in the accounts the conservation check reads.
const BUYER_MARKET_OFFSET: usize = 8 + 1 + 1;
const CHANNEL_MARKET_OFFSET: usize = 8 + 1 + 1 + 1 + 2 + 2 + 4;
const PROVIDER_MARKET_MARKET_OFFSET: usize = 8 + 1 + 1;

type Rpc<'a> = Client<&'a RpcChain>;

/// A funded wallet holding `amount` of `mint` in its associated token account.
async fn wallet<'a>(
    chain: &'a RpcChain,
    faucet: &Rpc<'_>,
    mint: &Pubkey,
    amount: u64,
) -> (Rpc<'a>, Keypair) {
    let k = Keypair::new();
    let f = faucet.payer().pubkey();
    let ata = tokens::associated_address(&k.pubkey(), mint, &spl_token_interface::ID);
    let ixs = [
        solana_system_interface::instruction::transfer(&f, &k.pubkey(), 10_000_000_000),
        tokens::create_associated_account(&f, &k.pubkey(), mint, &spl_token_interface::ID),
        tokens::mint_to(mint, &ata, &f, amount, &spl_token_interface::ID),
    ];
    faucet.send(&ixs, &[], 100_000).await.unwrap();
    (Client::new(chain, k.insecure_clone()), k)
}

async fn balance(client: &Rpc<'_>, account: &Pubkey) -> u64 {
    let a = client.chain.account(account).await.unwrap().unwrap();
    tokens::balance(&a.data).unwrap()
}

/// PROTOCOL invariant 1, from chain state read over RPC: the vault holds exactly what the
/// market owes — free escrow, the unsettled part of every channel, providers' earnings, accrued
/// fees and stake.
async fn assert_conservation(client: &Rpc<'_>, market: &Pubkey) {
    let m: Market = client.require(market, "market").await.unwrap();
    let vault = balance(client, &m.vault).await;
    let mut owed = 0u128;
    for (_, b) in client
        .accounts_of::<Escrow>(BUYER_MARKET_OFFSET, market)
        .await
        .unwrap()
    {
        owed += u128::from(b.free);
    }
    for (_, c) in client
        .accounts_of::<Channel>(CHANNEL_MARKET_OFFSET, market)
        .await
        .unwrap()
    {
        assert!(c.settled <= c.deposit);
        owed += u128::from(c.deposit - c.settled);
    }
    for (_, pm) in client
        .accounts_of::<ProviderMarket>(PROVIDER_MARKET_MARKET_OFFSET, market)
        .await
        .unwrap()
    {
        owed += u128::from(pm.earnings)
            + u128::from(pm.fees_accrued)
            + u128::from(pm.stake)
            + u128::from(pm.unbonding);
    }
    assert_eq!(u128::from(vault), owed, "conservation in market {market}");
}

/// One JSON-RPC request over plain HTTP/1.1, as any other client would send it.
fn raw_rpc(url: &str, body: &serde_json::Value) -> serde_json::Value {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = vec![];
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP response");
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let mut payload = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = vec![];
        let mut rest = &payload[..];
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest = &rest[line_end + 2 + size + 2..];
        }
        payload = out;
    }
    assert!(head.starts_with("http/1.1 200"), "{head}");
    serde_json::from_slice(&payload).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_market_lives_its_life_over_json_rpc() {
    // The program as it would be deployed: its SBF build, from the current sources.
    let program = bandwidth_sbf_artifacts::program().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let port = free_ports(3);
    let net = Localnet::start(Config {
        ledger: dir.path().join("ledger"),
        reset: true,
        rpc_port: port,
        faucet_port: port + 2,
        fund: vec![],
        program_so: Some(program.clone()),
    })
    .await
    .unwrap();
    assert_eq!(net.hosting, Hosting::Sbf(program));
    eprintln!("validator started in {:?}", net.started_in);
    let lifecycle = std::time::Instant::now();
    let mut chain = RpcChain::new(&net.rpc_url);
    chain.spinner = false;
    let chain = &chain;
    let faucet: Rpc = Client::new(chain, net.mint.insecure_clone());

    // A mint (SPL Token), a market, two providers, three buyers.
    let mint = Keypair::new();
    let rent = chain.minimum_balance(tokens::MINT_LEN).await.unwrap();
    let f = faucet.payer().pubkey();
    let ixs = tokens::create_mint(&f, &mint.pubkey(), &f, 6, &spl_token_interface::ID, rent);
    faucet.send(&ixs, &[&mint], 100_000).await.unwrap();
    let mint = mint.pubkey();

    let (admin, _) = wallet(chain, &faucet, &mint, 0).await;
    let args = CreateMarketArgs {
        fee_bps: 250,
        burn_bps: 2_000,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    let (market_admin, _) = MarketAdmin::create(&admin, &mint, None, args)
        .await
        .unwrap();
    let market = market_admin.market();
    // What `bwx market show` prints, read without a signer.
    let shown = bandwidth_cli::commands::market::report(&Client::read_only(chain), &market)
        .await
        .unwrap();
    assert_eq!(
        (shown.fee.as_str(), shown.vault_balance.as_str()),
        ("2.50 %", "0.000000")
    );

    // Rewards: a mint the market's pool controls, 1 reward token per paid GiB, no vesting.
    let reward_mint = market_admin.create_reward_mint(6).await.unwrap();
    let terms = RewardTerms {
        active: true,
        reward_per_gib: UNIT,
        min_price_per_gib: UNIT,
        epoch_secs: 86_400,
        epoch_cap: 1_000 * UNIT,
        vesting_secs: 0,
    };
    market_admin
        .configure_rewards(&reward_mint, terms)
        .await
        .unwrap();

    let provider_args = |payout| RegisterProviderArgs {
        payout,
        min_dispute_window_secs: 3_600,
        bounty_bps: 500,
        endpoint: "https://p.example.net".into(),
        region: "eu".into(),
    };
    let (p1, p1_key) = wallet(chain, &faucet, &mint, 30 * UNIT).await;
    let (p2, _) = wallet(chain, &faucet, &mint, 0).await;
    let provider1 = Provider::new(&p1, &market).await.unwrap();
    let provider2 = Provider::new(&p2, &market).await.unwrap();
    for p in [&provider1, &provider2] {
        let landed = p
            .register(provider_args(p.authority().unwrap()), UNIT)
            .await
            .unwrap();
        assert!(landed
            .event(|e| match e {
                ProgramEvent::ProviderJoinedMarket(j) => Some(j),
                _ => None,
            })
            .is_some_and(|j| j.price_per_gib == UNIT));
    }
    provider1.stake(20 * UNIT).await.unwrap();
    provider1.unstake(5 * UNIT).await.unwrap();
    let pm = provider1.market_account().await.unwrap();
    assert_eq!((pm.stake, pm.unbonding), (15 * UNIT, 5 * UNIT));

    let sessions = SessionKeys::open(dir.path().join("sessions")).unwrap();
    let mut store1 = ReceiptStore::open(dir.path().join("p1.sqlite")).unwrap();
    let mut store2 = ReceiptStore::open(dir.path().join("p2.sqlite")).unwrap();
    let mut buyers = vec![];
    for _ in 0..3 {
        let (b, _) = wallet(chain, &faucet, &mint, 20 * UNIT).await;
        // The program's events come back over RPC (getTransaction on the landed transaction),
        // as the SDK's indexer reads them.
        let landed = Buyer::new(&b, &market)
            .await
            .unwrap()
            .deposit(20 * UNIT, None)
            .await
            .unwrap();
        let me = b.payer().pubkey();
        assert!(
            matches!(landed.events.as_slice(),
                [ProgramEvent::Deposited(d)] if d.owner == me && d.amount == 20 * UNIT),
            "{:?}",
            landed.events
        );
        buyers.push(b);
    }
    assert_conservation(&admin, &market).await;

    // Channels: each buyer opens one to p1; buyer 0 one to p2 as well.
    let mut to_p1 = vec![];
    for b in &buyers {
        let buyer = Buyer::new(b, &market).await.unwrap();
        let opened = buyer
            .open_channel(&sessions, &p1.payer().pubkey(), 5 * UNIT, None)
            .await
            .unwrap();
        assert_eq!(opened.dispute_window_secs, 3_600);
        to_p1.push(opened.channel);
    }
    let buyer0 = Buyer::new(&buyers[0], &market).await.unwrap();
    let to_p2 = buyer0
        .open_channel(&sessions, &p2.payer().pubkey(), 4 * UNIT, None)
        .await
        .unwrap()
        .channel;
    buyer0.top_up(&to_p2, UNIT).await.unwrap();
    buyer0.rate(&to_p2, 5).await.unwrap();
    let c: Channel = buyers[0].require(&to_p2, "channel").await.unwrap();
    assert_eq!((c.deposit, c.rating), (5 * UNIT, 5));
    let listed = views::buyer(
        &Client::read_only(chain),
        &market,
        &buyers[0].payer().pubkey(),
    )
    .await
    .unwrap();
    assert_eq!(listed.channels.len(), 2);

    // Receipts, signed by the buyers' session keys, verified and stored by the providers.
    for (i, (b, ch)) in buyers.iter().zip(&to_p1).enumerate() {
        let buyer = Buyer::new(b, &market).await.unwrap();
        let amount = (i as u64 + 1) * UNIT;
        let r = buyer
            .sign_receipt(&sessions, ch, amount, ((i + 1) as u64) << 30)
            .await
            .unwrap();
        let checked = check_receipt(&p1, &r, Some(&mut store1)).await.unwrap();
        assert!(checked.valid);
        assert!(matches!(checked.stored, Some(Ok(Accepted::New { .. }))));
    }
    let r = buyer0
        .sign_receipt(&sessions, &to_p2, 2 * UNIT, 2 << 30)
        .await
        .unwrap();
    check_receipt(&p2, &r, Some(&mut store2)).await.unwrap();
    let mut forged = r;
    forged.receipt.amount ^= 1;
    let refused = check_receipt(&Client::read_only(chain), &forged, None)
        .await
        .unwrap();
    assert!(!refused.valid);

    // One channel settled alone (settle_many of one), the rest through a lookup table in one
    // half-aggregated transaction.
    let rows = provider2.settle(&mut store2, None, &[]).await.unwrap();
    assert_eq!(
        (rows[0].outcome, rows[0].batch),
        (Outcome::Settled, Some(1))
    );
    let table = provider1.create_lookup_table(&store1).await.unwrap();
    let tables = {
        // Addresses added in a slot resolve from the next one: wait for the validator to move
        // on (bounded; it produces a slot every ~400 ms).
        let mut found = None;
        for _ in 0..100 {
            match lookup::fetch_active(chain, &table).await {
                Ok(t) => {
                    found = Some(t);
                    break;
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
            }
        }
        vec![found.expect("the lookup table became usable")]
    };
    let rows = provider1.settle(&mut store1, None, &tables).await.unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(
            (row.outcome, row.batch),
            (Outcome::Settled, Some(3)),
            "{row:?}"
        );
    }
    assert_eq!(rows[0].signature, rows[2].signature, "one transaction");
    for (i, ch) in to_p1.iter().enumerate() {
        let c: Channel = p1.require(ch, "channel").await.unwrap();
        assert_eq!(c.settled, (i as u64 + 1) * UNIT);
    }
    assert_conservation(&admin, &market).await;

    // A forced close, answered by the provider's watcher (bwx watch's code) inside the window.
    let buyer2 = Buyer::new(&buyers[2], &market).await.unwrap();
    let closing = buyer2.request_close(&to_p1[2]).await.unwrap();
    assert!(closing.deadline > 0);
    let r = buyer2
        .sign_receipt(&sessions, &to_p1[2], 4 * UNIT, 4 << 30)
        .await
        .unwrap();
    check_receipt(&p1, &r, Some(&mut store1)).await.unwrap();
    let mut watcher = Watcher {
        client: Client::new(chain, p1_key.insecure_clone()),
        store: store1,
        policy: WatchPolicy {
            retry: Retry {
                attempts: 3,
                backoff_ms: 200,
            },
            ..WatchPolicy::default()
        },
        tables: tables.clone(),
        bounty_to: None,
    };
    let rows = watcher.poll().await.unwrap();
    let answered: Vec<_> = rows
        .iter()
        .filter(|r| r.channel == to_p1[2])
        .map(|r| r.outcome)
        .collect();
    assert_eq!(answered, [Outcome::Settled]);
    let c: Channel = p1.require(&to_p1[2], "channel").await.unwrap();
    assert_eq!(c.settled, 4 * UNIT);
    let mut store1 = watcher.store;

    // The providers close every channel with their best receipts (the closing one included).
    for ch in &to_p1 {
        provider1.close(Some(&mut store1), ch).await.unwrap();
    }
    provider2.close(Some(&mut store2), &to_p2).await.unwrap();
    for ch in to_p1.iter().chain([&to_p2]) {
        assert!(chain.account(ch).await.unwrap().is_none(), "{ch} closed");
    }
    assert_conservation(&admin, &market).await;

    // Paid: 1 + 2 + 4 to p1, 2 to p2, each less the 2.5 % fee; rewards for the paid GiB.
    let (_, rank) = views::ranking(&Client::read_only(chain), &market)
        .await
        .unwrap();
    assert_eq!(rank.len(), 2);
    let moved = provider1.withdraw_earnings(None, None).await.unwrap();
    assert_eq!(moved.amount, 7 * UNIT - 7 * UNIT / 40);
    provider2.withdraw_earnings(None, None).await.unwrap();
    let payout1 = tokens::associated_address(&p1.payer().pubkey(), &mint, &spl_token_interface::ID);
    let payout2 = tokens::associated_address(&p2.payer().pubkey(), &mint, &spl_token_interface::ID);
    // p1 also still holds 30 − 20 staked.
    assert_eq!(
        balance(&p1, &payout1).await,
        10 * UNIT + 7 * UNIT - 7 * UNIT / 40
    );
    assert_eq!(balance(&p2, &payout2).await, 2 * UNIT - 2 * UNIT / 40);
    let claimed = provider1.claim_rewards().await.unwrap();
    assert_eq!(claimed.minted, 7 * UNIT);

    // Buyers take back what they never signed for.
    let refunds = [20 - 1 - 2, 20 - 2, 20 - 4];
    for (b, expect) in buyers.iter().zip(refunds) {
        let moved = Buyer::new(b, &market)
            .await
            .unwrap()
            .withdraw(None, None)
            .await
            .unwrap();
        assert_eq!(balance(b, &moved.to).await, expect * UNIT);
    }
    let swept = sweep_fees(&admin, &market).await.unwrap();
    assert_eq!(swept.total, 225_000);
    assert_conservation(&admin, &market).await;
    let shown = views::market(&admin, &market).await.unwrap();
    assert_eq!(
        shown.vault_balance,
        20 * UNIT,
        "only the stake (15) and unbonding (5) are left"
    );
    eprintln!("lifecycle over JSON-RPC in {:?}", lifecycle.elapsed());

    // Anyone's client reads the program's accounts: raw JSON-RPC, base64, a memcmp filter.
    let markets = raw_rpc(
        &net.rpc_url,
        &serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "getProgramAccounts",
            "params": [bandwidth_settlement::ID.to_string(), {
                "encoding": "base64",
                "filters": [{"memcmp": {"offset": 0, "encoding": "base64",
                    "bytes": base64::engine::general_purpose::STANDARD.encode(Market::DISCRIMINATOR)}}],
            }],
        }),
    );
    let found = markets["result"].as_array().expect("a result");
    assert_eq!(found.len(), 1, "{markets}");
    assert_eq!(found[0]["pubkey"], market.to_string());
    let data = base64::engine::general_purpose::STANDARD
        .decode(found[0]["account"]["data"][0].as_str().unwrap())
        .unwrap();
    assert!(data.starts_with(Market::DISCRIMINATOR));
    // version, bump, vault bump, paused, creator, admin, then the mint.
    assert_eq!(&data[76..108], mint.as_ref(), "the market's mint");

    // `bwx -u <url> demo`: the demo's market over JSON-RPC on the same validator, every check
    // of the embedded demo passing (the forced close is closed by its provider instead of
    // finalized after a clock warp).
    let demo_started = std::time::Instant::now();
    std::fs::create_dir_all(dir.path().join("demo")).unwrap();
    // --network: the providers' nodes run on loopback against the validator, and every receipt
    // travels over HTTP.
    let config = demo::DemoConfig {
        providers: 2,
        buyers: 3,
        rounds: 6,
        network: true,
        ..Default::default()
    };
    let nodes: std::sync::Arc<dyn Chain> = std::sync::Arc::new(RpcChain::new(&net.rpc_url));
    let report = demo::run_with_nodes(
        chain,
        net.mint.insecure_clone(),
        &config,
        &dir.path().join("demo"),
        Some(nodes),
    )
    .await
    .unwrap();
    assert!(report.all_ok(), "{:#?}", report.checks);
    assert_eq!(report.receipts_signed, report.receipts_stored);
    assert!(report.receipts_signed > 100);
    eprintln!("demo over JSON-RPC in {:?}", demo_started.elapsed());

    // The provider's node over JSON-RPC, killed under load and restarted.
    node_crash_and_restart(&net.rpc_url, chain, &faucet, &mint, &market, dir.path()).await;

    tokio::task::spawn_blocking(move || drop(net))
        .await
        .unwrap();
}

/// Set in the environment of the child process [`node_child_process`] runs as.
const NODE_CHILD: &str = "BWX_NODE_CHILD";

/// The provider node the crash test runs as a separate process (this test binary again, this
/// test only): `BWX_NODE_CHILD` = `url|keypair file|market|store|settle interval (0: none)`.
/// Prints `READY <url>` once serving, stops on SIGTERM (draining and flushing) and prints its
/// report. Without the variable (a normal test run) it does nothing: it is a helper, not a test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_child_process() {
    let Ok(spec) = std::env::var(NODE_CHILD) else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let [url, key, market, store, interval] = parts[..] else {
        panic!("{NODE_CHILD}={spec}: expected 5 fields");
    };
    let signer = solana_keypair::read_keypair_file(key).unwrap();
    let market: Pubkey = market.parse().unwrap();
    let interval: u64 = interval.parse().unwrap();
    let stop = bandwidth_node::shutdown_signal();
    let mut chain = RpcChain::new(url);
    chain.spinner = false;
    let node = bandwidth_node::Node::builder(market)
        .chain(std::sync::Arc::new(chain))
        .signer(signer)
        .store(ReceiptStore::open(store).unwrap())
        .listen("127.0.0.1:0")
        .policy_interval((interval > 0).then(|| std::time::Duration::from_secs(interval)))
        .start()
        .await
        .unwrap();
    println!("READY {}", node.url());
    stop.await;
    let (_, report) = node.shutdown().await.unwrap();
    println!("STOPPED {}", serde_json::to_string(&report).unwrap());
    std::process::exit(0);
}

/// Starts the node child; returns it and its URL once it serves.
fn spawn_node(
    spec: &str,
) -> (
    std::process::Child,
    String,
    std::sync::mpsc::Receiver<String>,
) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "node_child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(NODE_CHILD, spec)
        .stdout(std::process::Stdio::piped())
        .stderr(match std::env::var_os("BWX_NODE_CHILD_LOG") {
            Some(path) => std::process::Stdio::from(std::fs::File::create(path).unwrap()),
            None => std::process::Stdio::null(),
        })
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    loop {
        // Blocking here would hold a worker the validator's tasks may need.
        let line = match tokio::task::block_in_place(|| {
            rx.recv_timeout(std::time::Duration::from_secs(120))
        }) {
            Ok(line) => line,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the node child did not start within 2 minutes: {e}");
            }
        };
        // libtest may print "test node_child_process ... " on the same line first.
        if let Some(at) = line.find("READY ") {
            return (child, line[at + 6..].trim().to_string(), rx);
        }
    }
}

/// PROTOCOL's promise to a provider, end to end: a node killed (SIGKILL) while four buyers post
/// receipts has every receipt it acknowledged on disk; restarted on the same store, it takes the
/// receipts the buyers had no answer for, settles by itself, and the chain pays exactly the
/// highest acknowledged receipt of every channel. SIGTERM then stops it cleanly (exit 0).
async fn node_crash_and_restart(
    url: &str,
    chain: &RpcChain,
    faucet: &Rpc<'_>,
    mint: &Pubkey,
    market: &Pubkey,
    dir: &std::path::Path,
) {
    use bandwidth_client::{api::ReceiptResult, receipts::sender::ReceiptSender};
    let started = std::time::Instant::now();
    let (p, p_key) = wallet(chain, faucet, mint, 0).await;
    let args = RegisterProviderArgs {
        payout: p.payer().pubkey(),
        min_dispute_window_secs: 3_600,
        bounty_bps: 500,
        endpoint: "http://127.0.0.1".into(),
        region: "eu".into(),
    };
    Provider::new(&p, market)
        .await
        .unwrap()
        .register(args, UNIT)
        .await
        .unwrap();
    let key_path = dir.join("node-provider.json");
    solana_keypair::write_keypair_file(&p_key, &key_path).unwrap();
    let sessions = SessionKeys::open(dir.join("node-sessions")).unwrap();
    let mut channels = vec![];
    for _ in 0..4 {
        let (b, _) = wallet(chain, faucet, mint, 20 * UNIT).await;
        let buyer = Buyer::new(&b, market).await.unwrap();
        buyer.deposit(20 * UNIT, None).await.unwrap();
        let ch = buyer
            .open_channel(&sessions, &p_key.pubkey(), 10 * UNIT, None)
            .await
            .unwrap()
            .channel;
        channels.push((ch, sessions.load(&ch).unwrap()));
    }
    let store = dir.join("node.sqlite");
    let spec = |interval: u64| {
        format!(
            "{url}|{}|{market}|{}|{interval}",
            key_path.display(),
            store.display()
        )
    };
    let (mut child, node_url, _lines) = spawn_node(&spec(0));
    let mut sender = ReceiptSender::new(&node_url).unwrap();
    sender.backoff.retries = 0;
    // Four buyers post receipts, one per request, until the node dies under them.
    let acked = std::sync::Arc::new(std::sync::Mutex::new(vec![0u64; channels.len()]));
    let sent = std::sync::Arc::new(std::sync::Mutex::new(vec![0u64; channels.len()]));
    let mut tasks = vec![];
    for (i, (ch, key)) in channels.iter().enumerate() {
        let (sender, ch, key) = (sender.clone(), *ch, key.insecure_clone());
        let (acked, sent) = (acked.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            for n in 1..=100_000u64 {
                let r = bandwidth_client::receipts::sign_receipt(&key, &ch, n * 10, n << 20);
                sent.lock().unwrap()[i] = n * 10;
                match sender.send_one(&r).await {
                    Ok(ReceiptResult::Accepted { .. }) => acked.lock().unwrap()[i] = n * 10,
                    Ok(other) => return format!("a valid receipt was refused: {other:?}"),
                    Err(e) => return e.to_string(), // the node is gone (or failed)
                }
            }
            "sent everything".to_string()
        }));
    }
    // Kill it once it has acknowledged a few hundred receipts (a bounded wait).
    for _ in 0..6_000 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if acked.lock().unwrap().iter().all(|a| *a >= 1_000) {
            break;
        }
        if let Some(t) = tasks.iter_mut().find(|t| t.is_finished()) {
            let why = t.await.unwrap();
            let _ = child.kill();
            panic!("a buyer stopped before the node was killed: {why}");
        }
    }
    assert!(
        acked.lock().unwrap().iter().all(|a| *a >= 1_000),
        "the node acknowledged 100 receipts per channel within 2 minutes: {:?}",
        acked.lock().unwrap()
    );
    child.kill().unwrap(); // SIGKILL
    tokio::task::block_in_place(|| child.wait()).unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let sent = sent.lock().unwrap().clone();
    // Zero loss: every acknowledged receipt is on disk (an unanswered one may be too).
    let on_disk = ReceiptStore::open(&store).unwrap();
    let mut unanswered_but_stored = 0;
    for (i, (ch, _)) in channels.iter().enumerate() {
        let best = on_disk.best_on_disk(ch).unwrap().map(|b| b.0).unwrap_or(0);
        assert!(
            best >= acked[i] && best <= sent[i],
            "channel {i}: acknowledged {}, sent {}, on disk {best}",
            acked[i],
            sent[i]
        );
        unanswered_but_stored += (best > acked[i]) as u32;
    }
    drop(on_disk);
    let total_acked: u64 = acked.iter().map(|a| a / 10).sum();
    eprintln!(
        "node crash: {total_acked} receipts acknowledged before SIGKILL, all on disk; {unanswered_but_stored} channels had an unanswered receipt stored"
    );

    // Restarted on the same store, settling every second: each buyer sends again the receipt
    // it had no answer for (stored or duplicate), then the node settles by itself.
    let (mut child, node_url, lines) = spawn_node(&spec(1));
    let sender = ReceiptSender::new(&node_url).unwrap();
    let mut expected = vec![];
    for (i, (ch, key)) in channels.iter().enumerate() {
        let n = sent[i] / 10;
        let r = bandwidth_client::receipts::sign_receipt(key, ch, n * 10, n << 20);
        let answer = sender.send_one(&r).await.unwrap();
        assert!(answer.is_stored(), "{answer:?}");
        expected.push(sent[i]);
    }
    // The highest acknowledged receipt of every channel is now its last one.
    let mut settled = false;
    for _ in 0..120 {
        let mut all = true;
        for (i, (ch, _)) in channels.iter().enumerate() {
            let c: Channel = p.require(ch, "channel").await.unwrap();
            assert!(c.settled <= expected[i], "never more than acknowledged");
            all &= c.settled == expected[i];
        }
        if all {
            settled = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(settled, "the restarted node settled every channel");
    // SIGTERM: drain, flush, exit 0.
    let pid = child.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::block_in_place(|| child.wait()).unwrap();
    assert!(exit.success(), "the node exits 0 on SIGTERM: {exit:?}");
    let report = tokio::task::block_in_place(|| {
        std::iter::from_fn(|| lines.recv_timeout(std::time::Duration::from_secs(10)).ok())
            .find_map(|l| l.find("STOPPED ").map(|at| l[at + 8..].to_string()))
    })
    .expect("the node reports when it stops");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["unsettled"], 0);
    eprintln!(
        "node crash test: {:?} in total; restarted node settled all 4 channels; report {report}",
        started.elapsed()
    );
}
