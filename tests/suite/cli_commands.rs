//! Every `bwx` command's logic, run against the embedded chain (the same code runs over
//! JSON-RPC: commands only see the `Chain` trait).
use anchor_lang::prelude::Pubkey;
use bandwidth_cli::{
    commands::{
        buyer, channel, demo, earnings, fees, market, provider, receipt, settle, ui_amount,
    },
    ix,
    receipts::{sessions::SessionKeys, store::ReceiptStore},
    tokens, Chain, ClientError,
};
use bandwidth_settlement::instructions::{UpdateMarketArgs, UpdateProviderArgs};
use solana_signer::Signer;

use crate::cli_common::*;

#[tokio::test]
async fn market_commands() {
    let w = World::new().await;
    let admin = w.wallet(0).await;
    let report = market::create(&admin, &w.mint, None, market_args())
        .await
        .unwrap();
    assert_eq!(
        (report.fee.as_str(), report.burn_share.as_str()),
        ("2.50 %", "20.00 %")
    );
    assert_eq!(report.admin, admin.payer().pubkey().to_string());
    assert_eq!(report.vault_balance, "0.000000");
    let market: Pubkey = report.market.parse().unwrap();
    // The default treasury is the admin's associated token account, created on the way.
    let treasury =
        tokens::associated_address(&admin.payer().pubkey(), &w.mint, &spl_token_interface::ID);
    assert_eq!(report.treasury, treasury.to_string());

    let args = UpdateMarketArgs {
        fee_bps: Some(100),
        paused: Some(true),
        ..Default::default()
    };
    let report = market::update(&admin, &market, None, args).await.unwrap();
    let now = w.chain.clock().await.unwrap().unix_timestamp;
    assert!(report.paused);
    assert_eq!(report.fee, "2.50 %");
    assert_eq!(report.announced_fee.as_deref(), Some("1.00 %"));
    assert_eq!(report.announced_fee_effective_at, Some(now + 86_400));
    w.chain.advance_time(86_400).await.unwrap();
    let report = market::show(&admin, &market).await.unwrap();
    assert_eq!(
        (report.fee.as_str(), report.announced_fee),
        ("1.00 %", None)
    );

    // Someone else: a decoded program error, by name.
    let intruder = w.wallet(0).await;
    let err = market::update(&intruder, &market, None, UpdateMarketArgs::default())
        .await
        .unwrap_err();
    assert_eq!(err.name(), Some("NotMarketAdmin"), "{err}");
    assert!(
        err.to_string()
            .contains("Only the market admin may do this"),
        "{err}"
    );
}

#[tokio::test]
async fn provider_commands() {
    let w = World::new().await;
    let (_admin, market) = w.market().await;
    let p = w.wallet(0).await;
    let report = provider::register(&p, &market, provider_args(p.payer().pubkey()), "0.75")
        .await
        .unwrap();
    assert_eq!(report.markets[0].price_per_gib, "0.750000");
    assert_eq!(
        (report.watcher_bounty.as_str(), report.active),
        ("5.00 %", true)
    );
    let args = UpdateProviderArgs {
        bounty_bps: Some(100),
        active: Some(false),
        ..Default::default()
    };
    let report = provider::update(&p, args, Some((market, "1.25".into())))
        .await
        .unwrap();
    assert_eq!(
        (report.watcher_bounty.as_str(), report.active),
        ("1.00 %", false)
    );
    assert_eq!(report.markets[0].price_per_gib, "1.250000");
    let err = provider::register(&p, &market, provider_args(p.payer().pubkey()), "1")
        .await
        .unwrap_err();
    assert_eq!(err.name(), Some("AccountAlreadyExists"), "{err}");
    let err = provider::show(&p, &Pubkey::new_unique(), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::NotFound {
                what: "provider",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn buyer_commands() {
    let w = World::new().await;
    let (_admin, market) = w.market().await;
    let b = w.wallet(20 * UNIT).await;
    let report = buyer::deposit(&b, &market, "12.5", None).await.unwrap();
    assert_eq!(
        (report.free.as_str(), report.wallet_balance.as_deref()),
        ("12.500000", Some("7.500000"))
    );
    let err = buyer::deposit(&b, &market, "7.500001", None)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Invalid(_)), "{err}");
    let err = buyer::deposit(&b, &market, "1.0000001", None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at most 6 decimals"), "{err}");
    let report = buyer::withdraw(&b, &market, Some("2.25"), None)
        .await
        .unwrap();
    assert_eq!(report.free, "10.250000");
    let report = buyer::withdraw(&b, &market, None, None).await.unwrap();
    assert_eq!(
        (report.free.as_str(), report.wallet_balance.as_deref()),
        ("0.000000", Some("20.000000"))
    );
    assert_eq!(report.total_withdrawn, "12.500000");
    let err = buyer::withdraw(&b, &market, Some("1"), None)
        .await
        .unwrap_err();
    assert_eq!(err.name(), Some("InsufficientFreeBalance"), "{err}");
}

/// open → top up → sign → verify and store → settle → buyer closes → provider settles inside
/// the window → finalize (refused early, then done) → earnings → fees; plus the provider's
/// cooperative close.
#[tokio::test]
async fn channel_receipt_settle_earnings_and_fees_commands() {
    let w = World::new().await;
    let dir = tempfile::tempdir().unwrap();
    let sessions = SessionKeys::open(dir.path().join("sessions")).unwrap();
    let mut store = ReceiptStore::open(dir.path().join("receipts.sqlite")).unwrap();
    let (admin, market) = w.market().await;
    let p = w.wallet(0).await;
    provider::register(&p, &market, provider_args(p.payer().pubkey()), "1")
        .await
        .unwrap();
    let b = w.wallet(50 * UNIT).await;
    buyer::deposit(&b, &market, "30", None).await.unwrap();

    let opened = channel::open(&b, &sessions, &market, &p.payer().pubkey(), "10", None)
        .await
        .unwrap();
    let ch: Pubkey = opened.channel.parse().unwrap();
    assert_eq!((opened.state, opened.dispute_window_secs), ("open", 3_600));
    assert_eq!(
        opened.receipt_signer,
        sessions.load(&ch).unwrap().pubkey().to_string()
    );
    assert_ne!(
        opened.receipt_signer,
        b.payer().pubkey().to_string(),
        "a session key, not the wallet"
    );
    let report = channel::top_up(&b, &ch, "5").await.unwrap();
    assert_eq!(report.deposit, "15.000000");

    // Receipts: the buyer signs, refusing to go beyond the deposit; the provider verifies and
    // keeps them.
    let err = receipt::sign(&b, &sessions, &ch, "15.000001", 1)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refusing to sign"), "{err}");
    let r1 = receipt::sign(&b, &sessions, &ch, "4", 4 << 30)
        .await
        .unwrap();
    let r2 = receipt::sign(&b, &sessions, &ch, "6", 6 << 30)
        .await
        .unwrap();
    assert_eq!(r1.receipt.len(), 232, "116 bytes in hex");
    let checked = receipt::verify(&p, Some(&mut store), &r1.receipt)
        .await
        .unwrap();
    assert!(checked.valid);
    assert_eq!(checked.stored.as_deref(), Some("accepted (new best)"));
    receipt::verify(&p, Some(&mut store), &r2.receipt)
        .await
        .unwrap();
    let again = receipt::verify(&p, Some(&mut store), &r1.receipt)
        .await
        .unwrap();
    assert!(again.stored.unwrap().starts_with("rejected"));
    let mut forged = hex::decode(&r2.receipt).unwrap();
    forged[40] ^= 1; // amount byte
    let forged = receipt::verify(&p, None, &hex::encode(forged))
        .await
        .unwrap();
    assert!(!forged.valid);
    assert_eq!(channel::list_for_provider(&store)[0].unsettled, 6 * UNIT);

    let rows = settle::settle(&p, &mut store, None, &[]).await.unwrap();
    assert_eq!(
        (rows[0].outcome, rows[0].amount.as_deref()),
        ("settled", Some("6.000000"))
    );
    assert_eq!(
        settle::settle(&p, &mut store, Some(ch), &[]).await.unwrap()[0].outcome,
        "nothing new"
    );
    assert_eq!(channel::show(&b, &ch).await.unwrap().settled, "6.000000");

    // The buyer closes; finalize is refused until the deadline.
    let closing = channel::close(&b, None, &ch).await.unwrap();
    assert_eq!(closing.outcome, "close requested");
    let r3 = receipt::sign(&b, &sessions, &ch, "7", 7 << 30)
        .await
        .unwrap();
    receipt::verify(&p, Some(&mut store), &r3.receipt)
        .await
        .unwrap();
    assert_eq!(
        settle::settle(&p, &mut store, None, &[]).await.unwrap()[0].outcome,
        "settled"
    );
    let err = channel::finalize(&admin, &ch).await.unwrap_err();
    assert!(err.to_string().contains("finalize after it"), "{err}");
    w.chain.advance_time(3_600).await.unwrap();
    let done = channel::finalize(&admin, &ch).await.unwrap();
    assert_eq!(done.refunded_to_buyer, "8.000000");
    assert!(channel::list_for_buyer(&b, &market, &b.payer().pubkey())
        .await
        .unwrap()
        .is_empty());

    // A second channel the provider closes cooperatively with its best receipt.
    let opened = channel::open(
        &b,
        &sessions,
        &market,
        &p.payer().pubkey(),
        "5",
        Some(7_200),
    )
    .await
    .unwrap();
    let ch2: Pubkey = opened.channel.parse().unwrap();
    assert_eq!(
        channel::list_for_buyer(&b, &market, &b.payer().pubkey())
            .await
            .unwrap()
            .len(),
        1
    );
    let r = receipt::sign(&b, &sessions, &ch2, "2.5", 1 << 30)
        .await
        .unwrap();
    receipt::verify(&p, Some(&mut store), &r.receipt)
        .await
        .unwrap();
    let err = channel::close(&admin, Some(&mut store), &ch2)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("only the channel's buyer"),
        "{err}"
    );
    let closed = channel::close(&p, Some(&mut store), &ch2).await.unwrap();
    assert_eq!(
        (closed.outcome, closed.final_amount.as_deref()),
        ("closed", Some("2.500000"))
    );
    assert!(store.channel(&ch2).unwrap().closed);
    let escrow = buyer::show(&b, &market, &b.payer().pubkey()).await.unwrap();
    assert_eq!(
        escrow.free,
        ui_amount(30 * UNIT - 7 * UNIT - 5 * UNIT / 2, 6)
    );

    // Earnings (9.5 settled, 2.5 % fee) to the payout wallet; fees to treasury and burn.
    let report = earnings::withdraw(&p, &market, None, None).await.unwrap();
    assert_eq!(report.markets[0].earnings, "0.000000");
    let payout = tokens::associated_address(&p.payer().pubkey(), &w.mint, &spl_token_interface::ID);
    let paid = tokens::balance(&w.chain.account(&payout).await.unwrap().unwrap().data).unwrap();
    assert_eq!(paid, 9_500_000 - 237_500);
    let err = earnings::withdraw(&p, &market, None, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no earnings"), "{err}");
    let swept = fees::sweep(&admin, &market).await.unwrap();
    assert_eq!(
        (
            swept.total.as_str(),
            swept.to_treasury.as_str(),
            swept.burned.as_str()
        ),
        ("0.237500", "0.190000", "0.047500")
    );
    assert!(fees::sweep(&admin, &market).await.is_err());
}

/// Program and token errors come back decoded, by name, with the failing instruction index as
/// the caller numbered it.
#[tokio::test]
async fn errors_are_decoded_by_name() {
    let w = World::new().await;
    let (admin, market) = w.market().await;
    let m = bandwidth_cli::commands::load_market(&admin, &market)
        .await
        .unwrap();
    let b = w.wallet(UNIT).await;
    let ata = tokens::associated_address(&b.payer().pubkey(), &w.mint, &spl_token_interface::ID);
    let ix = ix::deposit(b.payer().pubkey(), &m.keys, ata, 2 * UNIT);
    let err = b.send(&[ix], &[], 50_000).await.unwrap_err();
    match err {
        ClientError::Program {
            program,
            name,
            instruction,
            ..
        } => {
            assert_eq!(
                (program, name.as_str(), instruction),
                ("token", "InsufficientFunds", 0)
            );
        }
        other => panic!("{other:?}"),
    }
    let ix = ix::deposit(b.payer().pubkey(), &m.keys, ata, 0);
    let err = b.send(&[ix], &[], 50_000).await.unwrap_err();
    assert_eq!(err.name(), Some("ZeroAmount"));
    assert_eq!(err.code(), Some(6027));
    assert!(!err.logs().is_empty());
}

#[tokio::test]
async fn the_demo_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = demo::DemoConfig {
        providers: 2,
        buyers: 5,
        rounds: 6,
        ..Default::default()
    };
    let report = demo::run(&config, dir.path()).await.unwrap();
    assert!(report.all_ok(), "{:#?}", report.checks);
    assert!(report.receipts_signed > 500);
    assert_eq!(report.receipts_signed, report.receipts_stored);
    assert_eq!(report.buyers.len(), 5);
}

/// `bwx demo --network`: the providers' nodes on loopback, every receipt over HTTP, the same
/// checks and two more (acknowledged by the node; what the node holds is the buyer's last).
#[tokio::test]
async fn the_demo_over_the_network_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = demo::DemoConfig {
        providers: 2,
        buyers: 5,
        rounds: 6,
        network: true,
        ..Default::default()
    };
    let report = demo::run(&config, dir.path()).await.unwrap();
    assert!(report.all_ok(), "{:#?}", report.checks);
    assert!(report
        .checks
        .iter()
        .any(|c| c.check.starts_with("every receipt travelled over HTTP") && c.ok));
    assert!(report.receipts_signed > 500);
    assert!(report
        .ranking
        .iter()
        .all(|r| r.endpoint.starts_with("http://127.0.0.1:")));
}

/// The settlement bench's central claims, kept true, on the SBF VM: the measured channels per
/// transaction (executed, distinct buyers, full-width values) reach the byte limit of the
/// layout: 8 legacy, 11 with a lookup table, 23 half-aggregated (19 when the receipts' bytes are
/// unrelated to the price), against the peer's ~5; at most 250 lamports per channel
/// aggregated; and every batch consumed no more than the SDK requested, within 1.4M.
#[tokio::test]
async fn the_bench_reaches_the_byte_limit() {
    let dir = tempfile::tempdir().unwrap();
    let program = bandwidth_sbf_artifacts::program().unwrap_or_else(|e| panic!("{e}"));
    let hosting = bandwidth_cli::chain::embedded::Hosting::Sbf(program);
    let report = bandwidth_cli::commands::bench::run(dir.path(), &hosting)
        .await
        .unwrap();
    for row in report
        .settlement
        .iter()
        .chain([&report.one_settlement_per_tx])
    {
        let consumed = row.cu_consumed.expect("measured on the VM");
        assert!(
            consumed <= u64::from(row.cu_requested) && row.cu_requested <= 1_400_000,
            "{}: consumed {consumed} of {} requested",
            row.format,
            row.cu_requested
        );
        assert!(row.measured_channels_per_tx <= row.cu_limit_channels_per_tx);
    }
    let counts: Vec<(usize, usize)> = report
        .settlement
        .iter()
        .map(|r| (r.measured_channels_per_tx, r.byte_limit_channels_per_tx))
        .collect();
    assert_eq!(counts, vec![(8, 8), (11, 11), (23, 23), (19, 19)]);
    let fees: Vec<u64> = report
        .fee_per_settled_channel
        .iter()
        .map(|f| f.lamports_per_settled_channel)
        .collect();
    assert_eq!(fees, vec![218, 455, 625, 5_000, 6_000]);
}

/// Rewards, stake, ratings and the ranking, as the CLI drives them.
#[tokio::test]
async fn rewards_stake_rating_and_rank_commands() {
    use bandwidth_cli::commands::rewards;
    let w = World::new().await;
    let dir = tempfile::tempdir().unwrap();
    let sessions = SessionKeys::open(dir.path().join("sessions")).unwrap();
    let mut store = ReceiptStore::open(dir.path().join("receipts.sqlite")).unwrap();
    let (admin, market) = w.market().await;
    let mint = rewards::create_mint(&admin, &market, 6).await.unwrap();
    let input = rewards::TermsInput {
        active: true,
        reward_per_gib: "1",
        min_price_per_gib: "1",
        epoch_secs: 86_400,
        epoch_cap: "1000",
        vesting_secs: 0,
    };
    let terms = rewards::parse_terms(&admin, &market, &mint, input)
        .await
        .unwrap();
    let shown = rewards::configure(&admin, &market, &mint, terms)
        .await
        .unwrap();
    assert_eq!(
        (shown.reward_per_gib.as_str(), shown.epoch_cap.as_str()),
        ("1.000000", "1000.000000")
    );
    assert_eq!(shown.break_even.fee_per_rewarded_gib, "0.025000");
    assert_eq!(shown.break_even.break_even_reward_price, "0.025000");
    assert_eq!(
        market::show(&admin, &market).await.unwrap().reward_pool,
        Some(shown.reward_pool.clone())
    );

    let p = w.wallet(50 * UNIT).await;
    provider::register(&p, &market, provider_args(p.payer().pubkey()), "1")
        .await
        .unwrap();
    let report = provider::stake(&p, &market, "20").await.unwrap();
    assert_eq!(report.markets[0].stake, "20.000000");
    let report = provider::unstake(&p, &market, "5").await.unwrap();
    assert_eq!(
        (
            report.markets[0].stake.as_str(),
            report.markets[0].unbonding.as_str()
        ),
        ("15.000000", "5.000000")
    );
    assert!(provider::withdraw_stake(&p, &market)
        .await
        .unwrap_err()
        .to_string()
        .contains("unbonding"));
    w.chain.advance_time(7 * 86_400).await.unwrap();
    provider::withdraw_stake(&p, &market).await.unwrap();

    let b = w.wallet(20 * UNIT).await;
    buyer::deposit(&b, &market, "20", None).await.unwrap();
    let ch: Pubkey = channel::open(&b, &sessions, &market, &p.payer().pubkey(), "10", None)
        .await
        .unwrap()
        .channel
        .parse()
        .unwrap();
    assert_eq!(channel::rate(&b, &ch, 4).await.unwrap().rating, Some(4));
    assert!(channel::rate(&b, &ch, 9).await.is_err());
    let r = receipt::sign(&b, &sessions, &ch, "3", 3 << 30)
        .await
        .unwrap();
    receipt::verify(&p, Some(&mut store), &r.receipt)
        .await
        .unwrap();
    channel::close(&p, Some(&mut store), &ch).await.unwrap(); // settles with the reward pool
    let claimed = rewards::claim(&p, &market).await.unwrap();
    assert_eq!(
        (claimed.minted.as_str(), claimed.accrued.as_str()),
        ("3.000000", "0.000000")
    );
    assert!(
        rewards::claim(&p, &market).await.is_err(),
        "nothing left to claim"
    );

    let ranking = provider::rank(&admin, &market).await.unwrap();
    assert_eq!(ranking.len(), 1);
    assert_eq!(
        (ranking[0].rating.as_str(), ranking[0].stake.as_str()),
        ("4.00", "15.000000")
    );
}
