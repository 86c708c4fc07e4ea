//! create_market and update_market: success paths, every refusal, fee-change timing.
use anchor_lang::error::ErrorCode as AnchorError;
use bandwidth_client::{ix, pda};
use bandwidth_tests::*;
use solana_signer::Signer;

#[tokio::test]
async fn create_market_records_terms_and_creates_an_empty_vault() {
    for token_program in [TOKEN, TOKEN_2022] {
        let mut env = Env::new().await;
        let m = env.create_market(token_program).await;
        let market = env.market(&m).await;
        assert_eq!(market.version, 2);
        assert_eq!(
            (market.pending_admin, market.reserved),
            (Default::default(), [0; 64])
        );
        assert_eq!(market.admin, m.admin.pubkey());
        assert_eq!(market.creator, m.admin.pubkey());
        assert_eq!(market.mint, m.keys.mint);
        assert_eq!(market.token_program, token_program);
        assert_eq!(market.vault, pda::vault(&m.keys.market));
        assert_eq!(market.treasury, m.keys.treasury);
        assert_eq!((market.fee_bps, market.burn_bps), (250, 2_000));
        assert_eq!(
            (
                market.min_dispute_window_secs,
                market.max_dispute_window_secs
            ),
            (600, 7 * 86_400)
        );
        assert_eq!(
            (market.fee_change_delay_secs, market.fee_change_at),
            (86_400, 0)
        );
        assert!(!market.paused);
        assert_eq!(env.token_balance(m.keys.vault).await, 0);
        let vault = env.raw(m.keys.vault).await.unwrap();
        assert_eq!(vault.owner, token_program);
    }
}

async fn refuse_args(args: CreateMarketArgs, expected: SettlementError) {
    let mut env = Env::new().await;
    let mint = env.create_mint(TOKEN, &[]).await;
    let admin = env.wallet().await;
    let treasury = env.token_account(mint, admin.pubkey()).await;
    let ix = ix::DEFAULT.create_market(admin.pubkey(), mint, TOKEN, treasury, args);
    env.must_fail(&[ix], &[&admin], expected).await;
}

#[tokio::test]
async fn create_market_refuses_terms_outside_the_hard_caps() {
    let ok = Env::default_market_args;
    let cases = [
        (
            CreateMarketArgs {
                fee_bps: 1_001,
                ..ok()
            },
            SettlementError::FeeTooHigh,
        ),
        (
            CreateMarketArgs {
                burn_bps: 10_001,
                ..ok()
            },
            SettlementError::BurnShareTooHigh,
        ),
        (
            CreateMarketArgs {
                min_dispute_window_secs: 599,
                ..ok()
            },
            SettlementError::InvalidDisputeWindowBounds,
        ),
        (
            CreateMarketArgs {
                max_dispute_window_secs: 30 * 86_400 + 1,
                ..ok()
            },
            SettlementError::InvalidDisputeWindowBounds,
        ),
        (
            CreateMarketArgs {
                min_dispute_window_secs: 7_200,
                max_dispute_window_secs: 3_600,
                ..ok()
            },
            SettlementError::InvalidDisputeWindowBounds,
        ),
        (
            CreateMarketArgs {
                fee_change_delay_secs: 86_399,
                ..ok()
            },
            SettlementError::InvalidFeeChangeDelay,
        ),
        (
            CreateMarketArgs {
                fee_change_delay_secs: 365 * 86_400 + 1,
                ..ok()
            },
            SettlementError::InvalidFeeChangeDelay,
        ),
    ];
    for (args, expected) in cases {
        refuse_args(args, expected).await;
    }
}

#[tokio::test]
async fn create_market_accepts_the_caps_exactly() {
    let mut env = Env::new().await;
    let args = CreateMarketArgs {
        fee_bps: 1_000,
        burn_bps: 10_000,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 30 * 86_400,
        fee_change_delay_secs: 365 * 86_400,
    };
    let m = env.create_market_with(TOKEN, &[], args).await;
    assert_eq!(env.market(&m).await.fee_bps, 1_000);
}

#[tokio::test]
async fn create_market_refuses_a_treasury_of_another_mint() {
    let mut env = Env::new().await;
    let mint = env.create_mint(TOKEN, &[]).await;
    let other = env.create_mint(TOKEN, &[]).await;
    let admin = env.wallet().await;
    let treasury = env.token_account(other, admin.pubkey()).await;
    let ix = ix::DEFAULT.create_market(
        admin.pubkey(),
        mint,
        TOKEN,
        treasury,
        Env::default_market_args(),
    );
    env.must_fail(&[ix], &[&admin], SettlementError::InvalidTreasury)
        .await;
}

#[tokio::test]
async fn create_market_refuses_a_token_program_that_does_not_own_the_mint() {
    let mut env = Env::new().await;
    let mint = env.create_mint(TOKEN_2022, &[]).await;
    let admin = env.wallet().await;
    let treasury = env.token_account(mint, admin.pubkey()).await;
    let ix = ix::DEFAULT.create_market(
        admin.pubkey(),
        mint,
        TOKEN,
        treasury,
        Env::default_market_args(),
    );
    env.must_fail_code(
        &[ix],
        &[&admin],
        anchor_code(AnchorError::ConstraintMintTokenProgram),
    )
    .await;
}

#[tokio::test]
async fn a_market_cannot_be_created_twice_but_another_admin_gets_its_own() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let again = ix::DEFAULT.create_market(
        m.admin.pubkey(),
        m.keys.mint,
        TOKEN,
        m.keys.treasury,
        Env::default_market_args(),
    );
    env.must_fail(&[again], &[&m.admin], SettlementError::AccountAlreadyExists)
        .await;

    // Nobody can squat a mint's market: a second admin's market has another address.
    let other_admin = env.wallet().await;
    let ix = ix::DEFAULT.create_market(
        other_admin.pubkey(),
        m.keys.mint,
        TOKEN,
        m.keys.treasury,
        Env::default_market_args(),
    );
    env.must(&[ix], &[&other_admin]).await;
    let other = pda::market(&m.keys.mint, &other_admin.pubkey());
    assert_ne!(other, m.keys.market);
    let market: Market = env.get(other).await.unwrap();
    assert_eq!(market.admin, other_admin.pubkey());
}

#[tokio::test]
async fn only_the_admin_updates_a_market() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let intruder = env.wallet().await;
    let ix = ix::DEFAULT.update_market(
        intruder.pubkey(),
        m.keys.market,
        None,
        UpdateMarketArgs {
            paused: Some(true),
            ..Default::default()
        },
    );
    env.must_fail(&[ix], &[&intruder], SettlementError::NotMarketAdmin)
        .await;
}

#[tokio::test]
async fn update_market_refuses_invalid_terms() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let cases = [
        (
            UpdateMarketArgs {
                fee_bps: Some(1_001),
                ..Default::default()
            },
            SettlementError::FeeTooHigh,
        ),
        (
            UpdateMarketArgs {
                burn_bps: Some(10_001),
                ..Default::default()
            },
            SettlementError::BurnShareTooHigh,
        ),
        (
            UpdateMarketArgs {
                min_dispute_window_secs: Some(599),
                ..Default::default()
            },
            SettlementError::InvalidDisputeWindowBounds,
        ),
        (
            // Above the current max of 7 days.
            UpdateMarketArgs {
                min_dispute_window_secs: Some(8 * 86_400),
                ..Default::default()
            },
            SettlementError::InvalidDisputeWindowBounds,
        ),
        (
            UpdateMarketArgs {
                max_dispute_window_secs: Some(31 * 86_400),
                ..Default::default()
            },
            SettlementError::InvalidDisputeWindowBounds,
        ),
    ];
    for (args, expected) in cases {
        let ix = ix::DEFAULT.update_market(m.admin.pubkey(), m.keys.market, None, args);
        env.must_fail(&[ix], &[&m.admin], expected).await;
    }
    let other_mint = env.create_mint(TOKEN, &[]).await;
    let wrong_treasury = env.token_account(other_mint, m.admin.pubkey()).await;
    let ix = ix::DEFAULT.update_market(
        m.admin.pubkey(),
        m.keys.market,
        Some(wrong_treasury),
        UpdateMarketArgs::default(),
    );
    env.must_fail(&[ix], &[&m.admin], SettlementError::InvalidTreasury)
        .await;
}

#[tokio::test]
async fn update_market_changes_burn_bounds_and_treasury_at_once() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let new_treasury = env.token_account(m.keys.mint, m.admin.pubkey()).await;
    let ix = ix::DEFAULT.update_market(
        m.admin.pubkey(),
        m.keys.market,
        Some(new_treasury),
        UpdateMarketArgs {
            burn_bps: Some(10_000),
            min_dispute_window_secs: Some(1_800),
            max_dispute_window_secs: Some(2 * 86_400),
            ..Default::default()
        },
    );
    env.must(&[ix], &[&m.admin]).await;
    let market = env.market(&m).await;
    assert_eq!(market.burn_bps, 10_000);
    assert_eq!(
        (
            market.min_dispute_window_secs,
            market.max_dispute_window_secs
        ),
        (1_800, 2 * 86_400)
    );
    assert_eq!(market.treasury, new_treasury);
    assert_eq!(market.fee_bps, 250, "fee untouched");
}

/// A fee change is announced, takes effect only after the market's delay (>= 24 h), and only
/// for channels opened after it; channels opened before keep their snapshot.
#[tokio::test]
async fn fee_change_applies_after_the_delay_and_only_to_new_channels() {
    let mut s = Scene::new(TOKEN, 100 * UNIT).await;
    let t0 = s.env.now().await;
    let ix = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            fee_bps: Some(1_000),
            ..Default::default()
        },
    );
    s.env.must(&[ix], &[&s.m.admin]).await;
    let market = s.env.market(&s.m).await;
    assert_eq!((market.fee_bps, market.pending_fee_bps), (250, 1_000));
    assert_eq!(market.fee_change_at, t0 + DAY);

    let before = s.open(10 * UNIT).await;
    s.env.set_time(t0 + DAY - 1).await;
    let just_before = s.open(10 * UNIT).await;
    s.env.set_time(t0 + DAY).await;
    let after = s.open(10 * UNIT).await;
    assert_eq!(s.env.channel(&before).await.fee_bps, 250);
    assert_eq!(s.env.channel(&just_before).await.fee_bps, 250);
    assert_eq!(s.env.channel(&after).await.fee_bps, 1_000);

    // Settling the same 4 tokens on an old and a new channel takes the fee each snapshotted.
    s.settle(&before, 4 * UNIT, GIB).await;
    let fees_old = s.env.provider_market(&s.m, &s.p).await.fees_accrued;
    assert_eq!(fees_old, 100_000);
    s.settle(&after, 4 * UNIT, GIB).await;
    let fees_new = s.env.provider_market(&s.m, &s.p).await.fees_accrued - fees_old;
    assert_eq!(fees_new, 400_000);

    // The next update folds the effective fee in.
    let ix = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            burn_bps: Some(0),
            ..Default::default()
        },
    );
    s.env.must(&[ix], &[&s.m.admin]).await;
    let market = s.env.market(&s.m).await;
    assert_eq!((market.fee_bps, market.fee_change_at), (1_000, 0));
}

#[tokio::test]
async fn a_new_announcement_replaces_a_pending_one_and_restarts_the_delay() {
    let mut s = Scene::new(TOKEN, 100 * UNIT).await;
    let t0 = s.env.now().await;
    for (t, fee) in [(t0, 500u16), (t0 + 12 * HOUR, 100)] {
        s.env.set_time(t).await;
        let ix = ix::DEFAULT.update_market(
            s.m.admin.pubkey(),
            s.m.keys.market,
            None,
            UpdateMarketArgs {
                fee_bps: Some(fee),
                ..Default::default()
            },
        );
        s.env.must(&[ix], &[&s.m.admin]).await;
    }
    let market = s.env.market(&s.m).await;
    assert_eq!(
        (market.pending_fee_bps, market.fee_change_at),
        (100, t0 + 12 * HOUR + DAY)
    );
    s.env.set_time(t0 + DAY).await;
    let c = s.open(UNIT).await;
    assert_eq!(
        s.env.channel(&c).await.fee_bps,
        250,
        "500 never took effect"
    );
    s.env.set_time(t0 + 12 * HOUR + DAY).await;
    let c = s.open(UNIT).await;
    assert_eq!(s.env.channel(&c).await.fee_bps, 100);
}

/// Pausing stops new money and new channels, never exits: settle, close and withdrawals work.
#[tokio::test]
async fn pause_blocks_deposits_opens_and_top_ups_but_never_exits() {
    let mut s = Scene::new(TOKEN, 100 * UNIT).await;
    let c = s.open(10 * UNIT).await;
    s.settle(&c, UNIT, GIB).await;
    let pause = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            paused: Some(true),
            ..Default::default()
        },
    );
    s.env.must(&[pause], &[&s.m.admin]).await;
    assert!(s.env.market(&s.m).await.paused);

    let b = s.b.wallet.pubkey();
    let deposit = ix::DEFAULT.deposit(b, &s.m.keys, s.b.token, UNIT);
    s.env
        .must_fail(&[deposit], &[&s.b.wallet], SettlementError::MarketPaused)
        .await;
    let (open, _) = ix::DEFAULT.open_channel(
        b,
        s.m.keys.market,
        s.p.provider,
        1,
        OpenChannelArgs {
            amount: UNIT,
            dispute_window_secs: HOUR as u32,
            receipt_signer: b,
        },
    );
    s.env
        .must_fail(&[open], &[&s.b.wallet], SettlementError::MarketPaused)
        .await;
    let top_up = ix::DEFAULT.top_up(b, &c.keys, UNIT);
    s.env
        .must_fail(&[top_up], &[&s.b.wallet], SettlementError::MarketPaused)
        .await;

    // Exits all still work.
    s.settle(&c, 2 * UNIT, 2 * GIB).await;
    let ix = ix::DEFAULT.withdraw(b, &s.m.keys, s.b.token, UNIT);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    let ix = ix::DEFAULT.request_close(b, &c.keys);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    s.env.advance_time(HOUR).await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
        .await;
    let ix =
        ix::DEFAULT.withdraw_earnings(s.p.authority.pubkey(), &s.m.keys, s.p.payout_token, None);
    s.env.must(&[ix], &[&s.p.authority]).await;
    let ix = ix::DEFAULT.sweep_fees(&s.m.keys, &[s.p.provider_market(&s.m)]);
    s.env.must(&[ix], &[]).await;

    let unpause = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            paused: Some(false),
            ..Default::default()
        },
    );
    s.env.must(&[unpause], &[&s.m.admin]).await;
    let deposit = ix::DEFAULT.deposit(b, &s.m.keys, s.b.token, UNIT);
    s.env.must(&[deposit], &[&s.b.wallet]).await;
}

/// Two-step admin handover: only the admin proposes, only the proposed key accepts, a
/// proposal can be withdrawn, and the new admin alone administers the market from then on.
#[tokio::test]
async fn the_admin_hands_the_market_over_in_two_steps() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let next = env.wallet().await;
    let stranger = env.wallet().await;
    let market = m.keys.market;
    let pause = |admin| {
        ix::DEFAULT.update_market(
            admin,
            market,
            None,
            UpdateMarketArgs {
                paused: Some(true),
                ..Default::default()
            },
        )
    };
    // Nobody but the admin proposes.
    env.must_fail(
        &[ix::DEFAULT.propose_admin(stranger.pubkey(), market, stranger.pubkey())],
        &[&stranger],
        SettlementError::NotMarketAdmin,
    )
    .await;
    // Nothing to accept yet, and a proposal is not a handover.
    env.must_fail(
        &[ix::DEFAULT.accept_admin(next.pubkey(), market)],
        &[&next],
        SettlementError::NotPendingAdmin,
    )
    .await;
    env.must(
        &[ix::DEFAULT.propose_admin(m.admin.pubkey(), market, next.pubkey())],
        &[&m.admin],
    )
    .await;
    assert_eq!(env.market(&m).await.pending_admin, next.pubkey());
    env.must_fail(
        &[pause(next.pubkey())],
        &[&next],
        SettlementError::NotMarketAdmin,
    )
    .await;
    // Only the proposed key accepts.
    env.must_fail(
        &[ix::DEFAULT.accept_admin(stranger.pubkey(), market)],
        &[&stranger],
        SettlementError::NotPendingAdmin,
    )
    .await;
    // A withdrawn proposal cannot be accepted.
    env.must(
        &[ix::DEFAULT.propose_admin(m.admin.pubkey(), market, Default::default())],
        &[&m.admin],
    )
    .await;
    env.must_fail(
        &[ix::DEFAULT.accept_admin(next.pubkey(), market)],
        &[&next],
        SettlementError::NotPendingAdmin,
    )
    .await;
    env.must(
        &[ix::DEFAULT.propose_admin(m.admin.pubkey(), market, next.pubkey())],
        &[&m.admin],
    )
    .await;
    env.must(&[ix::DEFAULT.accept_admin(next.pubkey(), market)], &[&next])
        .await;
    let after = env.market(&m).await;
    assert_eq!(
        (after.admin, after.pending_admin),
        (next.pubkey(), Default::default())
    );
    assert_eq!(
        after.creator,
        m.admin.pubkey(),
        "the address keeps its creator"
    );
    env.must_fail(
        &[pause(m.admin.pubkey())],
        &[&m.admin],
        SettlementError::NotMarketAdmin,
    )
    .await;
    env.must(&[pause(next.pubkey())], &[&next]).await;
    assert!(env.market(&m).await.paused);
    // The events say who handed what to whom.
    let events: Vec<_> = env
        .history
        .iter()
        .flat_map(|logs| bandwidth_client::events::parse_logs(logs).unwrap())
        .filter_map(|e| match e {
            bandwidth_client::events::ProgramEvent::AdminChanged(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].previous_admin, events[0].admin),
        (m.admin.pubkey(), next.pubkey())
    );
}
