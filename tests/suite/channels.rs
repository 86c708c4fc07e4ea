//! open_channel, top_up and settle: success paths and every refusal.
use anchor_lang::error::ErrorCode as AnchorError;
use bandwidth_client::{ix, pda, receipts};
use bandwidth_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn open_args(amount: u64, window: u32, signer: anchor_lang::prelude::Pubkey) -> OpenChannelArgs {
    OpenChannelArgs {
        amount,
        dispute_window_secs: window,
        receipt_signer: signer,
    }
}

#[tokio::test]
async fn open_reserves_the_deposit_and_snapshots_the_terms() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let t = s.env.now().await;
    let c = s.open(4 * UNIT).await;
    let ch = s.env.channel(&c).await;
    assert_eq!(
        (ch.version, ch.state, ch.channel_id),
        (2, ChannelState::Open, 0)
    );
    assert_eq!(
        (ch.market, ch.buyer, ch.provider),
        (s.m.keys.market, s.b.buyer(&s.m), s.p.provider)
    );
    assert_eq!(
        (ch.receipt_signer, ch.rent_payer),
        (c.signer.pubkey(), s.b.wallet.pubkey())
    );
    assert_eq!((ch.deposit, ch.settled, ch.settled_bytes), (4 * UNIT, 0, 0));
    assert_eq!(
        (ch.fee_bps, ch.bounty_bps, ch.dispute_window_secs),
        (250, 500, 3_600)
    );
    assert_eq!(
        (ch.price_per_gib, ch.opened_at, ch.close_deadline),
        (UNIT, t, 0)
    );
    let buyer = s.env.buyer_account(&s.m, &s.b).await;
    assert_eq!(
        (buyer.free, buyer.next_channel_id, buyer.open_channels),
        (6 * UNIT, 1, 1)
    );
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.channels_opened, pm.channels_active), (1, 1));
    // No tokens move: the deposit stays in the pooled vault.
    assert_eq!(s.env.token_balance(s.m.keys.vault).await, 10 * UNIT);

    let c2 = s.open(6 * UNIT).await;
    assert_eq!(
        (c2.id, c2.keys.channel),
        (1, pda::channel(&s.b.buyer(&s.m), 1))
    );
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 0);
}

#[tokio::test]
async fn open_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let (w, market, provider) = (s.b.wallet.pubkey(), s.m.keys.market, s.p.provider);
    let session = Keypair::new().pubkey();
    let cases = [
        (open_args(0, 3_600, session), SettlementError::ZeroAmount),
        (
            open_args(10 * UNIT + 1, 3_600, session),
            SettlementError::InsufficientFreeBalance,
        ),
        (
            open_args(UNIT, 599, session),
            SettlementError::DisputeWindowOutOfMarketBounds,
        ),
        (
            open_args(UNIT, 7 * 86_400 + 1, session),
            SettlementError::DisputeWindowOutOfMarketBounds,
        ),
        (
            open_args(UNIT, 3_599, session),
            SettlementError::DisputeWindowBelowProviderMinimum,
        ),
        (
            open_args(UNIT, 3_600, Default::default()),
            SettlementError::InvalidReceiptSigner,
        ),
    ];
    for (args, expected) in cases {
        let (ix, _) = ix::DEFAULT.open_channel(w, market, provider, 0, args);
        s.env.must_fail(&[ix], &[&s.b.wallet], expected).await;
    }

    // A channel address for another id than the buyer's next one.
    let (ix, _) = ix::DEFAULT.open_channel(w, market, provider, 1, open_args(UNIT, 3_600, session));
    s.env
        .must_fail_code(
            &[ix],
            &[&s.b.wallet],
            anchor_code(AnchorError::ConstraintSeeds),
        )
        .await;

    // Someone else opens a channel on the buyer's escrow.
    let thief = s.env.wallet().await;
    let (ix, _) = ix::DEFAULT.open_channel(
        thief.pubkey(),
        market,
        provider,
        0,
        open_args(UNIT, 3_600, session),
    );
    let victim_buyer = s.b.buyer(&s.m);
    let ix = swap(ix, pda::buyer(&market, &thief.pubkey()), victim_buyer);
    let ix = swap(
        ix,
        pda::channel(&pda::buyer(&market, &thief.pubkey()), 0),
        pda::channel(&victim_buyer, 0),
    );
    s.env
        .must_fail(&[ix], &[&thief], SettlementError::NotBuyerOwner)
        .await;

    // The provider's account of another market, or another provider's account.
    let other = s.env.create_market(TOKEN).await;
    let a = s.p.authority.pubkey();
    s.env
        .must(
            &[ix::DEFAULT.join_market(a, other.keys.market, UNIT)],
            &[&s.p.authority],
        )
        .await;
    let (ix, _) = ix::DEFAULT.open_channel(w, market, provider, 0, open_args(UNIT, 3_600, session));
    let ix = swap(ix, s.p.provider_market(&s.m), s.p.provider_market(&other));
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongMarket)
        .await;
    let q = s.env.provider(&s.m).await;
    let (ix, _) = ix::DEFAULT.open_channel(w, market, provider, 0, open_args(UNIT, 3_600, session));
    let ix = swap(ix, s.p.provider_market(&s.m), q.provider_market(&s.m));
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongProvider)
        .await;
}

#[tokio::test]
async fn top_up_moves_free_balance_into_an_open_channel() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    let ix = ix::DEFAULT.top_up(s.b.wallet.pubkey(), &c.keys, 5 * UNIT);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    assert_eq!(s.env.channel(&c).await.deposit, 9 * UNIT);
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, UNIT);
    // The larger deposit can now be settled up to.
    s.settle(&c, 9 * UNIT, 9 * GIB).await;
}

#[tokio::test]
async fn top_up_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    let w = s.b.wallet.pubkey();
    let ix = ix::DEFAULT.top_up(w, &c.keys, 0);
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::ZeroAmount)
        .await;
    let ix = ix::DEFAULT.top_up(w, &c.keys, 6 * UNIT + 1);
    s.env
        .must_fail(
            &[ix],
            &[&s.b.wallet],
            SettlementError::InsufficientFreeBalance,
        )
        .await;

    // Another buyer tops up this buyer's channel from its own escrow, or signs for this one.
    let other = s.env.funded_buyer(&s.m, 10 * UNIT).await;
    let ix = swap(
        ix::DEFAULT.top_up(other.wallet.pubkey(), &c.keys, UNIT),
        c.keys.buyer,
        other.buyer(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&other.wallet], SettlementError::WrongBuyer)
        .await;
    let ix = ix::DEFAULT.top_up(other.wallet.pubkey(), &c.keys, UNIT);
    s.env
        .must_fail(&[ix], &[&other.wallet], SettlementError::NotBuyerOwner)
        .await;

    // A market that is not the buyer's.
    let m2 = s.env.create_market(TOKEN).await;
    let ix = swap(
        ix::DEFAULT.top_up(w, &c.keys, UNIT),
        s.m.keys.market,
        m2.keys.market,
    );
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongMarket)
        .await;

    // Closing channels take no more money.
    let ix = ix::DEFAULT.request_close(w, &c.keys);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    let ix = ix::DEFAULT.top_up(w, &c.keys, UNIT);
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::ChannelNotOpen)
        .await;
}

#[tokio::test]
async fn settle_pays_the_increment_minus_the_fee() {
    let mut s = Scene::new(TOKEN_2022, 10 * UNIT).await;
    let c = s.open(8 * UNIT).await;
    s.settle(&c, 1_000_001, 1_000).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.fees_accrued, pm.earnings), (25_000, 975_001));
    // Bytes may stay the same while the amount grows.
    s.settle(&c, 2_000_003, 1_000).await;
    let ch = s.env.channel(&c).await;
    assert_eq!((ch.settled, ch.settled_bytes), (2_000_003, 1_000));
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.fees_accrued, pm.earnings), (50_000, 1_950_003));
    assert_eq!((pm.amount_settled, pm.bytes_settled), (2_000_003, 1_000));
    // Up to the whole deposit.
    s.settle(&c, 8 * UNIT, 8 * GIB).await;
    assert_eq!(s.env.channel(&c).await.settled, 8 * UNIT);
    // Settling moves no tokens: everything stays in the vault until withdrawn.
    assert_eq!(s.env.token_balance(s.m.keys.vault).await, 10 * UNIT);
}

/// Anyone may settle an open channel; no bounty is paid while it is open, even when the
/// watcher passes the bounty accounts.
#[tokio::test]
async fn anyone_may_settle_and_no_bounty_is_paid_on_open_channels() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    let watcher = s.env.wallet().await;
    let watcher_token = s.env.token_account(s.m.keys.mint, watcher.pubkey()).await;
    let bounty = ix::Bounty {
        market: &s.m.keys,
        destination: watcher_token,
    };
    let ix = ix::DEFAULT.settle(
        watcher.pubkey(),
        &c.keys,
        c.receipt(2 * UNIT, GIB),
        Some(bounty),
    );
    s.env.must(&[ix], &[&watcher]).await;
    assert_eq!(s.env.token_balance(watcher_token).await, 0);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.earnings, pm.bounties_paid), (1_950_000, 0));
}

#[tokio::test]
async fn settle_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    s.settle(&c, 2 * UNIT, 2 * GIB).await;
    let p = s.p.authority.pubkey();
    let keys = c.keys;
    let bad = |r: ReceiptArgs| ix::DEFAULT.settle(p, &keys, r, None);

    // Monotonicity and the deposit bound.
    let cases = [
        (
            c.receipt(2 * UNIT, 3 * GIB),
            SettlementError::AmountNotAboveSettled,
        ),
        (
            c.receipt(UNIT, 3 * GIB),
            SettlementError::AmountNotAboveSettled,
        ),
        (
            c.receipt(4 * UNIT + 1, 3 * GIB),
            SettlementError::AmountExceedsDeposit,
        ),
    ];
    for (r, expected) in cases {
        s.env
            .must_fail(&[bad(r)], &[&s.p.authority], expected)
            .await;
    }

    // Signatures: the wrong key (the buyer's wallet, not the channel's signer), a corrupted
    // signature, tampered values, and a receipt of the buyer's other channel.
    let wrong_key = receipts::sign(&s.b.wallet, &c.keys.channel, 3 * UNIT, 3 * GIB);
    let mut corrupted = c.receipt(3 * UNIT, 3 * GIB);
    corrupted.signature[10] ^= 1;
    let mut tampered = c.receipt(3 * UNIT, 3 * GIB);
    tampered.amount += 1;
    let other = s.open(4 * UNIT).await;
    let other_channels = other.receipt(3 * UNIT, 3 * GIB);
    let signed_by_other_session = receipts::sign(&other.signer, &c.keys.channel, 3 * UNIT, 3 * GIB);
    for r in [
        wrong_key,
        corrupted,
        tampered,
        other_channels,
        signed_by_other_session,
    ] {
        s.env
            .must_fail(
                &[bad(r)],
                &[&s.p.authority],
                SettlementError::InvalidReceiptSignature,
            )
            .await;
    }

    // Account substitutions: another provider's account; the provider's account of another
    // market.
    let q = s.env.provider(&s.m).await;
    let ix = swap(bad(c.receipt(3 * UNIT, 3 * GIB)), s.p.provider, q.provider);
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongProvider)
        .await;
    let ix = swap(
        bad(c.receipt(3 * UNIT, 3 * GIB)),
        s.p.provider_market(&s.m),
        q.provider_market(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongProvider)
        .await;
    let m2 = s.env.create_market(TOKEN).await;
    s.env
        .must(
            &[ix::DEFAULT.join_market(p, m2.keys.market, UNIT)],
            &[&s.p.authority],
        )
        .await;
    let ix = swap(
        bad(c.receipt(3 * UNIT, 3 * GIB)),
        s.p.provider_market(&s.m),
        s.p.provider_market(&m2),
    );
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongMarket)
        .await;

    // After all that, the honest receipt still settles.
    s.settle(&c, 3 * UNIT, 3 * GIB).await;
}

/// Amounts at the top of the u64 range settle exactly (u128 products, no overflow).
#[tokio::test]
async fn amounts_near_u64_max_settle_exactly() {
    let mut env = Env::new().await;
    let args = CreateMarketArgs {
        fee_bps: 1_000,
        ..Env::default_market_args()
    };
    let m = env.create_market_with(TOKEN, &[], args).await;
    let p = env.provider(&m).await;
    let b = env.funded_buyer(&m, u64::MAX).await;
    let c = env.open_channel(&m, &b, &p, u64::MAX, 3_600).await;
    let ix = ix::DEFAULT.settle(
        p.authority.pubkey(),
        &c.keys,
        c.receipt(u64::MAX - 1, u64::MAX),
        None,
    );
    env.must(&[ix], &[&p.authority]).await;
    let ix = ix::DEFAULT.settle(
        p.authority.pubkey(),
        &c.keys,
        c.receipt(u64::MAX, u64::MAX),
        None,
    );
    env.must(&[ix], &[&p.authority]).await;
    let pm = env.provider_market(&m, &p).await;
    assert_eq!(pm.fees_accrued, u64::MAX / 10);
    assert_eq!(pm.earnings + pm.fees_accrued, u64::MAX);
    let ix = ix::DEFAULT.withdraw_earnings(p.authority.pubkey(), &m.keys, p.payout_token, None);
    env.must(&[ix], &[&p.authority]).await;
    assert_eq!(
        env.token_balance(p.payout_token).await,
        u64::MAX - u64::MAX / 10
    );
}
