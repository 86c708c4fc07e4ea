//! The SDK's operations ([`bandwidth_client::ops`]), each actor's workflows, run against the
//! embedded chain (the same code runs over JSON-RPC: they only see the `Chain` trait): what
//! they change, what they return, and what they refuse before anything is sent.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    events::ProgramEvent,
    ix,
    ops::{
        admin::sweep_fees, buyer::finalize_close, provider::check_receipt, views, Buyer,
        MarketAdmin, Provider,
    },
    receipts::{
        sessions::SessionKeys,
        store::{Accepted, ReceiptStore},
    },
    settlement::Outcome,
    tokens, Chain, ClientError, InputError,
};
use bandwidth_demo::demo;
use bandwidth_settlement::{
    instructions::{RewardTerms, UpdateMarketArgs, UpdateProviderArgs},
    state::Channel,
};
use solana_signer::Signer;

use crate::cli_common::*;

fn input(err: &ClientError) -> &InputError {
    match err {
        ClientError::Input(e) => e,
        other => panic!("not an input error: {other:?}"),
    }
}

#[tokio::test]
async fn a_market_admin_creates_updates_and_hands_over() {
    let w = World::new().await;
    let admin = w.wallet(0).await;
    let (m, landed) = MarketAdmin::create(&admin, &w.mint, None, market_args())
        .await
        .unwrap();
    assert!(landed
        .event(|e| match e {
            ProgramEvent::MarketCreated(c) => Some(c),
            _ => None,
        })
        .is_some_and(|c| c.market == m.market() && c.fee_bps == 250));
    let view = views::market(&admin, &m.market()).await.unwrap();
    assert_eq!((view.fee_bps, view.vault_balance), (250, 0));
    // The default treasury is the admin's associated token account, created on the way.
    let treasury =
        tokens::associated_address(&admin.payer().pubkey(), &w.mint, &spl_token_interface::ID);
    assert_eq!(view.info.account.treasury, treasury);
    assert_eq!(view.mint_policy, Ok(()));

    let args = UpdateMarketArgs {
        fee_bps: Some(100),
        paused: Some(true),
        ..Default::default()
    };
    m.update(None, args).await.unwrap();
    let now = w.chain.clock().await.unwrap().unix_timestamp;
    let view = views::market(&admin, &m.market()).await.unwrap();
    assert!(view.info.account.paused);
    assert_eq!(
        (view.fee_bps, view.announced_fee),
        (250, Some((100, now + 86_400)))
    );
    w.chain.advance_time(86_400).await.unwrap();
    let view = views::market(&admin, &m.market()).await.unwrap();
    assert_eq!((view.fee_bps, view.announced_fee), (100, None));

    // Someone else: a decoded program error, by name.
    let intruder = w.wallet(0).await;
    let err = MarketAdmin::new(&intruder, m.market())
        .update(None, UpdateMarketArgs::default())
        .await
        .unwrap_err();
    assert_eq!(err.name(), Some("NotMarketAdmin"), "{err}");
    assert!(
        err.to_string()
            .contains("Only the market admin may do this"),
        "{err}"
    );

    // The handover: proposed, accepted by the new admin; the market keeps its address (the
    // creator's seed).
    let next = w.wallet(0).await;
    m.propose_admin(&next.payer().pubkey()).await.unwrap();
    MarketAdmin::new(&next, m.market())
        .accept_admin()
        .await
        .unwrap();
    let view = views::market(&next, &m.market()).await.unwrap();
    assert_eq!(view.info.account.admin, next.payer().pubkey());
    assert_eq!(view.info.account.creator, admin.payer().pubkey());
}

#[tokio::test]
async fn a_provider_registers_updates_and_is_shown() {
    let w = World::new().await;
    let (_admin, market) = w.market().await;
    let p = w.wallet(0).await;
    let provider = Provider::new(&p, &market).await.unwrap();
    let args = provider_args(p.payer().pubkey());
    provider.register(args, 750_000).await.unwrap();
    let v = views::provider(&p, &p.payer().pubkey(), &[market])
        .await
        .unwrap();
    assert_eq!(v.markets[0].1.price_per_gib, 750_000);
    assert_eq!((v.account.bounty_bps, v.account.active), (500, true));
    let args = UpdateProviderArgs {
        bounty_bps: Some(100),
        active: Some(false),
        ..Default::default()
    };
    provider.update(args, Some(1_250_000)).await.unwrap();
    let v = views::provider(&p, &p.payer().pubkey(), &[market])
        .await
        .unwrap();
    assert_eq!((v.account.bounty_bps, v.account.active), (100, false));
    assert_eq!(v.markets[0].1.price_per_gib, 1_250_000);
    // Registered and joined already: the program says so by name.
    let err = provider
        .register(provider_args(p.payer().pubkey()), UNIT)
        .await
        .unwrap_err();
    assert_eq!(err.name(), Some("AccountAlreadyExists"), "{err}");
    let err = views::provider(&p, &Pubkey::new_unique(), &[])
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
    // An inactive provider takes no new channel: refused before anything is sent.
    let b = w.wallet(5 * UNIT).await;
    let buyer = Buyer::new(&b, &market).await.unwrap();
    buyer.deposit(5 * UNIT, None).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sessions = SessionKeys::open(dir.path().join("s")).unwrap();
    let sent = b.stats().transactions;
    let err = buyer
        .open_channel(&sessions, &p.payer().pubkey(), UNIT, None)
        .await
        .unwrap_err();
    assert!(
        matches!(input(&err), InputError::ProviderInactive(_)),
        "{err}"
    );
    assert_eq!(b.stats().transactions, sent, "nothing was sent");
}

#[tokio::test]
async fn a_buyer_deposits_and_withdraws_and_bad_amounts_are_refused_before_sending() {
    let w = World::new().await;
    let (_admin, market) = w.market().await;
    let b = w.wallet(20 * UNIT).await;
    let buyer = Buyer::new(&b, &market).await.unwrap();
    let landed = buyer.deposit(12_500_000, None).await.unwrap();
    assert!(
        matches!(landed.events.as_slice(), [ProgramEvent::Deposited(d)] if d.amount == 12_500_000)
    );
    let v = views::buyer(&b, &market, &b.payer().pubkey())
        .await
        .unwrap();
    assert_eq!(
        (v.account.free, v.wallet_balance),
        (12_500_000, Some(7_500_000))
    );

    let sent = b.stats().transactions;
    let err = buyer.deposit(7_500_001, None).await.unwrap_err();
    assert!(
        matches!(
            input(&err),
            InputError::InsufficientTokens {
                held: 7_500_000,
                asked: 7_500_001,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("holds 7.500000, less than the 7.500001 asked"),
        "{err}"
    );
    assert_eq!(
        buyer.deposit(0, None).await.unwrap_err().name(),
        Some("ZeroAmount")
    );
    // Amounts typed in the mint's units: never more decimals than the mint has.
    let err = buyer.market().parse("1.0000001").unwrap_err();
    assert!(err.to_string().contains("at most 6 decimals"), "{err}");
    assert_eq!(buyer.market().parse("12.5").unwrap(), 12_500_000);
    assert_eq!(b.stats().transactions, sent, "nothing was sent");

    let moved = buyer.withdraw(Some(2_250_000), None).await.unwrap();
    assert_eq!(moved.amount, 2_250_000);
    let moved = buyer.withdraw(None, None).await.unwrap();
    assert_eq!(moved.amount, 10_250_000);
    let v = views::buyer(&b, &market, &b.payer().pubkey())
        .await
        .unwrap();
    assert_eq!((v.account.free, v.wallet_balance), (0, Some(20 * UNIT)));
    assert_eq!(v.account.total_withdrawn, 12_500_000);
    let err = buyer.withdraw(Some(UNIT), None).await.unwrap_err();
    assert_eq!(err.name(), Some("InsufficientFreeBalance"), "{err}");
}

/// open → top up → sign → verify and store → settle → buyer closes → provider settles inside
/// the window → finalize (refused early, then done) → earnings → fees; plus the provider's
/// cooperative close.
#[tokio::test]
async fn a_channel_from_opening_to_fees() {
    let w = World::new().await;
    let dir = tempfile::tempdir().unwrap();
    let sessions = SessionKeys::open(dir.path().join("sessions")).unwrap();
    let mut store = ReceiptStore::open(dir.path().join("receipts.sqlite")).unwrap();
    let (admin, market) = w.market().await;
    let p = w.wallet(0).await;
    let provider = Provider::new(&p, &market).await.unwrap();
    provider
        .register(provider_args(p.payer().pubkey()), UNIT)
        .await
        .unwrap();
    let b = w.wallet(50 * UNIT).await;
    let buyer = Buyer::new(&b, &market).await.unwrap();
    buyer.deposit(30 * UNIT, None).await.unwrap();

    let opened = buyer
        .open_channel(&sessions, &p.payer().pubkey(), 10 * UNIT, None)
        .await
        .unwrap();
    let ch = opened.channel;
    assert_eq!(opened.dispute_window_secs, 3_600);
    assert_eq!(opened.receipt_signer, sessions.load(&ch).unwrap().pubkey());
    assert_ne!(
        opened.receipt_signer,
        b.payer().pubkey(),
        "a session key, not the wallet"
    );
    assert!(opened
        .landed
        .event(|e| match e {
            ProgramEvent::ChannelOpened(o) => Some(o),
            _ => None,
        })
        .is_some_and(|o| o.channel == ch && o.deposit == 10 * UNIT));
    buyer.top_up(&ch, 5 * UNIT).await.unwrap();
    let c: Channel = b.require(&ch, "channel").await.unwrap();
    assert_eq!(c.deposit, 15 * UNIT);

    // Receipts: the buyer signs, refusing to go beyond the deposit; the provider verifies and
    // keeps them.
    let err = buyer
        .sign_receipt(&sessions, &ch, 15 * UNIT + 1, 1)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refusing to sign"), "{err}");
    let r1 = buyer
        .sign_receipt(&sessions, &ch, 4 * UNIT, 4 << 30)
        .await
        .unwrap();
    let r2 = buyer
        .sign_receipt(&sessions, &ch, 6 * UNIT, 6 << 30)
        .await
        .unwrap();
    let checked = check_receipt(&p, &r1, Some(&mut store)).await.unwrap();
    assert!(checked.valid);
    assert!(matches!(
        checked.stored,
        Some(Ok(Accepted::New { previous: 0 }))
    ));
    check_receipt(&p, &r2, Some(&mut store)).await.unwrap();
    let again = check_receipt(&p, &r1, Some(&mut store)).await.unwrap();
    assert!(matches!(again.stored, Some(Err(_))));
    let mut forged = r2;
    forged.receipt.amount ^= 1;
    assert!(!check_receipt(&p, &forged, None).await.unwrap().valid);
    assert_eq!(store.channel(&ch).unwrap().unsettled(), 6 * UNIT);

    let rows = provider.settle(&mut store, None, &[]).await.unwrap();
    assert_eq!(
        (rows[0].outcome, rows[0].amount, rows[0].market),
        (Outcome::Settled, Some(6 * UNIT), Some(market))
    );
    assert_eq!(
        provider.settle(&mut store, Some(ch), &[]).await.unwrap()[0].outcome,
        Outcome::NothingNew
    );

    // The buyer closes; finalize is refused until the deadline.
    let closing = buyer.request_close(&ch).await.unwrap();
    let r3 = buyer
        .sign_receipt(&sessions, &ch, 7 * UNIT, 7 << 30)
        .await
        .unwrap();
    check_receipt(&p, &r3, Some(&mut store)).await.unwrap();
    assert_eq!(
        provider.settle(&mut store, None, &[]).await.unwrap()[0].outcome,
        Outcome::Settled
    );
    let err = finalize_close(&admin, &ch).await.unwrap_err();
    assert!(
        matches!(input(&err), InputError::DisputeWindowOpen { deadline, .. } if *deadline == closing.deadline),
        "{err}"
    );
    assert!(err.to_string().contains("finalize after it"), "{err}");
    w.chain.advance_time(3_600).await.unwrap();
    let done = finalize_close(&admin, &ch).await.unwrap();
    assert_eq!(done.refunded, 8 * UNIT);
    assert!(views::buyer(&b, &market, &b.payer().pubkey())
        .await
        .unwrap()
        .channels
        .is_empty());

    // A second channel the provider closes cooperatively with its best receipt.
    let opened = buyer
        .open_channel(&sessions, &p.payer().pubkey(), 5 * UNIT, Some(7_200))
        .await
        .unwrap();
    let ch2 = opened.channel;
    let r = buyer
        .sign_receipt(&sessions, &ch2, 2_500_000, 1 << 30)
        .await
        .unwrap();
    check_receipt(&p, &r, Some(&mut store)).await.unwrap();
    let stranger = Provider::new(&admin, &market).await.unwrap();
    let err = stranger.close(Some(&mut store), &ch2).await.unwrap_err();
    assert!(
        matches!(input(&err), InputError::NotChannelParty { .. }),
        "{err}"
    );
    let closed = provider.close(Some(&mut store), &ch2).await.unwrap();
    assert_eq!(closed.final_amount, Some(2_500_000));
    assert!(store.channel(&ch2).unwrap().closed);
    let escrow = Buyer::new(&b, &market)
        .await
        .unwrap()
        .escrow_account()
        .await
        .unwrap();
    assert_eq!(escrow.free, 30 * UNIT - 7 * UNIT - 2_500_000);

    // Earnings (9.5 settled, 2.5 % fee) to the payout wallet; fees to treasury and burn.
    let moved = provider.withdraw_earnings(None, None).await.unwrap();
    assert_eq!(moved.amount, 9_500_000 - 237_500);
    let paid = tokens::balance(&w.chain.account(&moved.to).await.unwrap().unwrap().data).unwrap();
    assert_eq!(paid, 9_500_000 - 237_500);
    let err = provider.withdraw_earnings(None, None).await.unwrap_err();
    assert!(matches!(input(&err), InputError::NoEarnings), "{err}");
    let swept = sweep_fees(&admin, &market).await.unwrap();
    assert_eq!(
        (swept.total, swept.to_treasury, swept.burned),
        (237_500, 190_000, 47_500)
    );
    assert_eq!(swept.transactions.len(), 1);
    assert_eq!(
        sweep_fees(&admin, &market).await.unwrap_err().name(),
        Some("NoFees")
    );
}

/// A buyer's channels are its own, in its market: a channel of another market or another
/// buyer is refused before anything is sent.
#[tokio::test]
async fn a_channel_of_another_market_or_buyer_is_refused() {
    let w = World::new().await;
    let s = w.served().await;
    let me = s.provider.payer().pubkey();
    let a = w.wallet(20 * UNIT).await;
    let ch = open_channel(&a, &s.sessions, &s.market, &me, 20 * UNIT, 10 * UNIT).await;
    let (_admin, other_market) = w.market().await;
    let b = w.wallet(20 * UNIT).await;
    let elsewhere = Buyer::new(&b, &other_market).await.unwrap();
    elsewhere.deposit(UNIT, None).await.unwrap();
    let err = elsewhere.top_up(&ch, UNIT).await.unwrap_err();
    assert!(
        matches!(input(&err), InputError::WrongMarket { .. }),
        "{err}"
    );
    let stranger = Buyer::new(&b, &s.market).await.unwrap();
    stranger.deposit(UNIT, None).await.unwrap();
    let sent = b.stats().transactions;
    for err in [
        stranger.top_up(&ch, UNIT).await.unwrap_err(),
        stranger.request_close(&ch).await.unwrap_err(),
        stranger.rate(&ch, 5).await.unwrap_err(),
    ] {
        assert!(
            matches!(input(&err), InputError::NotChannelBuyer { .. }),
            "{err}"
        );
    }
    assert_eq!(b.stats().transactions, sent, "nothing was sent");
    let owner = Buyer::new(&a, &s.market).await.unwrap();
    let err = owner.rate(&ch, 9).await.unwrap_err();
    assert!(
        matches!(input(&err), InputError::RatingOutOfRange(9)),
        "{err}"
    );
    let err = owner
        .open_channel(&s.sessions, &me, 11 * UNIT, None)
        .await
        .unwrap_err();
    assert!(
        matches!(input(&err), InputError::InsufficientFreeBalance { .. }),
        "{err}"
    );
    let err = owner
        .open_channel(&s.sessions, &me, UNIT, Some(60))
        .await
        .unwrap_err();
    assert!(
        matches!(
            input(&err),
            InputError::DisputeWindowOutOfBounds { asked: 60, .. }
        ),
        "{err}"
    );
}

/// Program and token errors come back decoded, by name, with the failing instruction index as
/// the caller numbered it.
#[tokio::test]
async fn errors_are_decoded_by_name() {
    let w = World::new().await;
    let (admin, market) = w.market().await;
    let m = bandwidth_client::market::load_market(&admin, &market)
        .await
        .unwrap();
    let b = w.wallet(UNIT).await;
    let ata = tokens::associated_address(&b.payer().pubkey(), &w.mint, &spl_token_interface::ID);
    let ix = ix::DEFAULT.deposit(b.payer().pubkey(), &m.keys, ata, 2 * UNIT);
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
    let ix = ix::DEFAULT.deposit(b.payer().pubkey(), &m.keys, ata, 0);
    let err = b.send(&[ix], &[], 50_000).await.unwrap_err();
    assert_eq!(err.name(), Some("ZeroAmount"));
    assert_eq!(err.code(), Some(6027));
    assert!(!err.logs().is_empty());
}

/// A deployment at another address: every builder and address follows the client's program
/// id. The embedded chain hosts the program at its own id, where the program refuses an
/// instruction addressed to another (Anchor's declared-id check): the instruction reached the
/// program at the id it was sent to.
#[tokio::test]
async fn another_program_id_is_followed_by_every_builder() {
    let fork = Pubkey::new_unique();
    let (mint, creator) = (Pubkey::new_unique(), Pubkey::new_unique());
    let fork_ix = ix::Ix::new(fork);
    let keys = fork_ix.market_keys(mint, creator, spl_token_interface::ID, creator);
    let (theirs, _) = bandwidth_client::pda::find_market(&mint, &creator, Some(&fork));
    assert_eq!(keys.market, theirs);
    assert_ne!(
        keys.market,
        ix::DEFAULT
            .market_keys(mint, creator, spl_token_interface::ID, creator)
            .market
    );
    let deposit = fork_ix.deposit(creator, &keys, creator, 1);
    assert_eq!(deposit.program_id, fork);
    let escrow = bandwidth_client::pda::find_buyer(&keys.market, &creator, Some(&fork)).0;
    assert!(deposit.accounts.iter().any(|a| a.pubkey == escrow));

    let w = World::new().await;
    let mut client = w.wallet(0).await;
    client.program_id = fork;
    assert_eq!(client.ix(), fork_ix);
    assert_eq!(client.pda().market(&mint, &creator), theirs);
    let err = match MarketAdmin::create(&client, &w.mint, None, market_args()).await {
        Ok(_) => panic!("a market created at a program that is not there"),
        Err(e) => e,
    };
    // No program at the fork's address on this chain: the runtime says so.
    assert!(
        err.to_string().contains("program") || err.to_string().contains("Program"),
        "{err}"
    );
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

/// The smallest demo `bwx demo` runs (4 rounds): the forced close is answered in a round of
/// its own, so the buyer pays exactly what it signed (it used to be forced in the last round
/// and never answered).
#[tokio::test]
async fn the_smallest_demo_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = demo::DemoConfig {
        providers: 1,
        buyers: 2,
        rounds: 4,
        ..Default::default()
    };
    let report = demo::run(&config, dir.path()).await.unwrap();
    assert!(report.all_ok(), "{:#?}", report.checks);
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
    let hosting = bandwidth_testkit::Hosting::Sbf(program);
    let report = bandwidth_demo::bench::run(dir.path(), &hosting)
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

/// Rewards, stake, ratings and the ranking.
#[tokio::test]
async fn rewards_stake_rating_and_rank() {
    let w = World::new().await;
    let dir = tempfile::tempdir().unwrap();
    let sessions = SessionKeys::open(dir.path().join("sessions")).unwrap();
    let mut store = ReceiptStore::open(dir.path().join("receipts.sqlite")).unwrap();
    let (admin, market) = w.market().await;
    let market_admin = MarketAdmin::new(&admin, market);
    let mint = market_admin.create_reward_mint(6).await.unwrap();
    assert_eq!(market_admin.reward_decimals(&mint).await.unwrap(), 6);
    let terms = RewardTerms {
        active: true,
        reward_per_gib: UNIT,
        min_price_per_gib: UNIT,
        epoch_secs: 86_400,
        epoch_cap: 1_000 * UNIT,
        vesting_secs: 0,
    };
    market_admin.configure_rewards(&mint, terms).await.unwrap();
    let pool = views::rewards(&admin, &market).await.unwrap();
    assert_eq!(
        (pool.pool.reward_per_gib, pool.pool.epoch_cap),
        (UNIT, 1_000 * UNIT)
    );
    let be = pool.break_even();
    assert_eq!(be.fee_per_rewarded_gib, 25_000);
    assert!((be.break_even_reward_price - 0.025).abs() < 1e-9);
    assert_eq!(
        views::market(&admin, &market)
            .await
            .unwrap()
            .info
            .reward_pool,
        Some(pool.address)
    );

    let p = w.wallet(50 * UNIT).await;
    let provider = Provider::new(&p, &market).await.unwrap();
    provider
        .register(provider_args(p.payer().pubkey()), UNIT)
        .await
        .unwrap();
    provider.stake(20 * UNIT).await.unwrap();
    provider.unstake(5 * UNIT).await.unwrap();
    let pm = provider.market_account().await.unwrap();
    assert_eq!((pm.stake, pm.unbonding), (15 * UNIT, 5 * UNIT));
    let err = provider.unstake(16 * UNIT).await.unwrap_err();
    assert!(
        matches!(input(&err), InputError::ExceedsStake { .. }),
        "{err}"
    );
    let err = provider.withdraw_stake().await.unwrap_err();
    assert!(err.to_string().contains("unbonding"), "{err}");
    w.chain.advance_time(7 * 86_400).await.unwrap();
    assert_eq!(provider.withdraw_stake().await.unwrap().amount, 5 * UNIT);

    let b = w.wallet(20 * UNIT).await;
    let ch = open_channel(
        &b,
        &sessions,
        &market,
        &p.payer().pubkey(),
        20 * UNIT,
        10 * UNIT,
    )
    .await;
    let buyer = Buyer::new(&b, &market).await.unwrap();
    buyer.rate(&ch, 4).await.unwrap();
    assert_eq!(
        b.require::<Channel>(&ch, "channel").await.unwrap().rating,
        4
    );
    let r = buyer
        .sign_receipt(&sessions, &ch, 3 * UNIT, 3 << 30)
        .await
        .unwrap();
    check_receipt(&p, &r, Some(&mut store)).await.unwrap();
    provider.close(Some(&mut store), &ch).await.unwrap(); // settles with the reward pool
    let claimed = provider.claim_rewards().await.unwrap();
    assert_eq!(
        (claimed.minted, claimed.accrued, claimed.reward_decimals),
        (3 * UNIT, 0, 6)
    );
    assert!(
        provider.claim_rewards().await.is_err(),
        "nothing left to claim"
    );

    let (_, ranking) = views::ranking(&admin, &market).await.unwrap();
    assert_eq!(ranking.len(), 1);
    assert_eq!(ranking[0].score.rating, 4.0);
    assert_eq!(
        ranking[0].market_account.stake + ranking[0].market_account.unbonding,
        15 * UNIT
    );
}
