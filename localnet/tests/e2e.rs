//! The real path: a local Agave validator (this crate's `Localnet`, in-process, the program
//! hosted natively) and every `bwx` command of a market's life over JSON-RPC through
//! `RpcChain` — the code `bwx -u localhost` runs. Balances and the conservation check are read
//! back from the validator over RPC, and a client that is not the SDK (raw JSON-RPC over HTTP)
//! reads the program's accounts.
//!
//! The validator produces blocks on its own clock, so nothing here depends on how many slots
//! pass: every transaction is confirmed before the next step reads, and the one wait for the
//! cluster to move on (a lookup table is usable from the slot after its last extension) polls
//! a bounded number of times. What needs the clock to jump — finalizing a forced close after
//! its dispute window (at least 10 minutes), withdrawing stake after its unbonding delay —
//! cannot be done honestly on a real validator and is left to the embedded-chain tests
//! (`tests/suite/cli_commands.rs`, `tests/suite/disputes.rs`), which warp the clock.
#![allow(deprecated)]

use anchor_lang::{prelude::Pubkey, Discriminator};
use bandwidth_cli::{
    commands::{
        buyer, channel, demo, earnings, fees, lookup as lookup_cmd, market, provider, receipt,
        rewards, settle,
    },
    events::{self, ProgramEvent},
    ix, lookup,
    receipts::{sessions::SessionKeys, store::ReceiptStore},
    settlement::Retry,
    tokens,
    watcher::{WatchPolicy, Watcher},
    Chain, Client, RpcChain,
};
use bandwidth_localnet::{free_ports, Config, Hosting, Localnet};
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, RegisterProviderArgs},
    state::{Buyer, Channel, Market, ProviderMarket},
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
        .accounts_of::<Buyer>(BUYER_MARKET_OFFSET, market)
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
    let dir = tempfile::tempdir().unwrap();
    let port = free_ports(3);
    let net = Localnet::start(Config {
        ledger: dir.path().join("ledger"),
        reset: true,
        rpc_port: port,
        faucet_port: port + 2,
        fund: vec![],
        program_so: None,
    })
    .await
    .unwrap();
    assert_eq!(net.hosting, Hosting::Native);
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
    let created = market::create(&admin, &mint, None, args).await.unwrap();
    let market: Pubkey = created.market.parse().unwrap();
    assert_eq!(created.fee, "2.50 %");
    let shown = market::show(&Client::read_only(chain), &market)
        .await
        .unwrap();
    assert_eq!(shown.vault_balance, "0.000000");

    // Rewards: a mint the market's pool controls, 1 reward token per paid GiB, no vesting.
    let reward_mint = rewards::create_mint(&admin, &market, 6).await.unwrap();
    let input = rewards::TermsInput {
        active: true,
        reward_per_gib: "1",
        min_price_per_gib: "1",
        epoch_secs: 86_400,
        epoch_cap: "1000",
        vesting_secs: 0,
    };
    let terms = rewards::parse_terms(&admin, &market, &reward_mint, input)
        .await
        .unwrap();
    rewards::configure(&admin, &market, &reward_mint, terms)
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
    for p in [&p1, &p2] {
        let r = provider::register(p, &market, provider_args(p.payer().pubkey()), "1")
            .await
            .unwrap();
        assert_eq!(r.markets[0].price_per_gib, "1.000000");
    }
    let staked = provider::stake(&p1, &market, "20").await.unwrap();
    assert_eq!(staked.markets[0].stake, "20.000000");
    let unstaked = provider::unstake(&p1, &market, "5").await.unwrap();
    assert_eq!(unstaked.markets[0].unbonding, "5.000000");

    let sessions = SessionKeys::open(dir.path().join("sessions")).unwrap();
    let mut store1 = ReceiptStore::open(dir.path().join("p1.sqlite")).unwrap();
    let mut store2 = ReceiptStore::open(dir.path().join("p2.sqlite")).unwrap();
    let mut buyers = vec![];
    let m = bandwidth_cli::market::load_market(&admin, &market)
        .await
        .unwrap();
    for i in 0..3 {
        let (b, _) = wallet(chain, &faucet, &mint, 20 * UNIT).await;
        if i == 0 {
            // The program's events come back over RPC (getTransaction on the landed
            // transaction), as the SDK's indexer reads them.
            let me = b.payer().pubkey();
            let source = tokens::associated_address(&me, &mint, &spl_token_interface::ID);
            let sent = b
                .send(&[ix::deposit(me, &m.keys, source, 20 * UNIT)], &[], 100_000)
                .await
                .unwrap();
            let events = events::parse_logs(&sent.logs).unwrap();
            assert!(
                matches!(events.as_slice(),
                    [ProgramEvent::Deposited(d)] if d.owner == me && d.amount == 20 * UNIT),
                "{events:?} from {:?}",
                sent.logs
            );
        } else {
            let r = buyer::deposit(&b, &market, "20", None).await.unwrap();
            assert_eq!(r.free, "20.000000");
        }
        buyers.push(b);
    }
    assert_conservation(&admin, &market).await;

    // Channels: each buyer opens one to p1; buyer 0 one to p2 as well.
    let mut to_p1 = vec![];
    for b in &buyers {
        let opened = channel::open(b, &sessions, &market, &p1.payer().pubkey(), "5", None)
            .await
            .unwrap();
        assert_eq!(opened.state, "open");
        to_p1.push(opened.channel.parse::<Pubkey>().unwrap());
    }
    let to_p2: Pubkey = channel::open(
        &buyers[0],
        &sessions,
        &market,
        &p2.payer().pubkey(),
        "4",
        None,
    )
    .await
    .unwrap()
    .channel
    .parse()
    .unwrap();
    let report = channel::top_up(&buyers[0], &to_p2, "1").await.unwrap();
    assert_eq!(report.deposit, "5.000000");
    assert_eq!(
        channel::rate(&buyers[0], &to_p2, 5).await.unwrap().rating,
        Some(5)
    );
    let listed = channel::list_for_buyer(
        &Client::read_only(chain),
        &market,
        &buyers[0].payer().pubkey(),
    )
    .await
    .unwrap();
    assert_eq!(listed.len(), 2);

    // Receipts, signed by the buyers' session keys, verified and stored by the providers.
    for (i, (b, ch)) in buyers.iter().zip(&to_p1).enumerate() {
        let amount = format!("{}", i + 1);
        let r = receipt::sign(b, &sessions, ch, &amount, ((i + 1) as u64) << 30)
            .await
            .unwrap();
        let checked = receipt::verify(&p1, Some(&mut store1), &r.receipt)
            .await
            .unwrap();
        assert!(checked.valid);
        assert_eq!(checked.stored.as_deref(), Some("accepted (new best)"));
    }
    let r = receipt::sign(&buyers[0], &sessions, &to_p2, "2", 2 << 30)
        .await
        .unwrap();
    receipt::verify(&p2, Some(&mut store2), &r.receipt)
        .await
        .unwrap();
    let mut forged = hex::decode(&r.receipt).unwrap();
    forged[40] ^= 1;
    let refused = receipt::verify(&Client::read_only(chain), None, &hex::encode(forged))
        .await
        .unwrap();
    assert!(!refused.valid);

    // One channel settled alone (settle_many of one), the rest through a lookup table in one
    // half-aggregated transaction.
    let rows = settle::settle(&p2, &mut store2, None, &[]).await.unwrap();
    assert_eq!((rows[0].outcome, rows[0].batch), ("settled", Some(1)));
    let table = lookup_cmd::create(&p1, &store1, &market).await.unwrap();
    let table: Pubkey = table.table.parse().unwrap();
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
    let rows = settle::settle(&p1, &mut store1, None, &tables)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!((row.outcome, row.batch), ("settled", Some(3)), "{row:?}");
    }
    assert_eq!(rows[0].signature, rows[2].signature, "one transaction");
    for (i, ch) in to_p1.iter().enumerate() {
        let shown = channel::show(&p1, ch).await.unwrap();
        assert_eq!(shown.settled, format!("{}.000000", i + 1));
    }
    assert_conservation(&admin, &market).await;

    // A forced close, answered by the provider's watcher (bwx watch's code) inside the window.
    let closing = channel::close(&buyers[2], None, &to_p1[2]).await.unwrap();
    assert_eq!(closing.outcome, "close requested");
    let r = receipt::sign(&buyers[2], &sessions, &to_p1[2], "4", 4 << 30)
        .await
        .unwrap();
    receipt::verify(&p1, Some(&mut store1), &r.receipt)
        .await
        .unwrap();
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
        .filter(|r| r.channel == to_p1[2].to_string())
        .map(|r| r.outcome)
        .collect();
    assert_eq!(answered, ["settled"]);
    let c: Channel = p1.require(&to_p1[2], "channel").await.unwrap();
    assert_eq!(c.settled, 4 * UNIT);
    let mut store1 = watcher.store;

    // The providers close every channel with their best receipts (the closing one included).
    for ch in &to_p1 {
        let closed = channel::close(&p1, Some(&mut store1), ch).await.unwrap();
        assert_eq!(closed.outcome, "closed");
    }
    channel::close(&p2, Some(&mut store2), &to_p2)
        .await
        .unwrap();
    for ch in to_p1.iter().chain([&to_p2]) {
        assert!(chain.account(ch).await.unwrap().is_none(), "{ch} closed");
    }
    assert_conservation(&admin, &market).await;

    // Paid: 1 + 2 + 4 to p1, 2 to p2, each less the 2.5 % fee; rewards for the paid GiB.
    let rank = provider::rank(&Client::read_only(chain), &market)
        .await
        .unwrap();
    assert_eq!(rank.len(), 2);
    let e1 = earnings::withdraw(&p1, &market, None, None).await.unwrap();
    assert_eq!(e1.markets[0].earnings, "0.000000");
    earnings::withdraw(&p2, &market, None, None).await.unwrap();
    let payout1 = tokens::associated_address(&p1.payer().pubkey(), &mint, &spl_token_interface::ID);
    let payout2 = tokens::associated_address(&p2.payer().pubkey(), &mint, &spl_token_interface::ID);
    // p1 also still holds 30 − 20 staked.
    assert_eq!(
        balance(&p1, &payout1).await,
        10 * UNIT + 7 * UNIT - 7 * UNIT / 40
    );
    assert_eq!(balance(&p2, &payout2).await, 2 * UNIT - 2 * UNIT / 40);
    let claimed = rewards::claim(&p1, &market).await.unwrap();
    assert_eq!(claimed.minted, "7.000000");

    // Buyers take back what they never signed for.
    let refunds = [20 - 1 - 2, 20 - 2, 20 - 4];
    for (b, expect) in buyers.iter().zip(refunds) {
        let r = buyer::withdraw(b, &market, None, None).await.unwrap();
        assert_eq!(r.wallet_balance, Some(format!("{expect}.000000")));
    }
    let swept = fees::sweep(&admin, &market).await.unwrap();
    assert_eq!(swept.total, "0.225000");
    assert_conservation(&admin, &market).await;
    let shown = market::show(&admin, &market).await.unwrap();
    assert_eq!(
        shown.vault_balance, "20.000000",
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
    let config = demo::DemoConfig {
        providers: 2,
        buyers: 3,
        rounds: 6,
        ..Default::default()
    };
    let report = demo::run_on(
        chain,
        net.mint.insecure_clone(),
        &config,
        &dir.path().join("demo"),
    )
    .await
    .unwrap();
    assert!(report.all_ok(), "{:#?}", report.checks);
    assert_eq!(report.receipts_signed, report.receipts_stored);
    assert!(report.receipts_signed > 100);
    eprintln!("demo over JSON-RPC in {:?}", demo_started.elapsed());

    tokio::task::spawn_blocking(move || drop(net))
        .await
        .unwrap();
}
