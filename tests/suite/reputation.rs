//! Reputation on-chain: forced closes answered and missed, paid-weighted ratings, and stake
//! with its unbonding delay; the client's score from them.
use bandwidth_client::{ix, reputation};
use bandwidth_tests::*;
use solana_signer::Signer;

#[tokio::test]
async fn forced_closes_answered_and_missed_are_counted() {
    let mut s = Scene::new(TOKEN, 50 * UNIT).await;
    let w = s.b.wallet.pubkey();
    // Answered by a settlement inside the window.
    let answered = s.open(10 * UNIT).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(w, &answered.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.settle(&answered, UNIT, GIB).await;
    s.settle(&answered, 2 * UNIT, 2 * GIB).await; // counted once
                                                  // Answered by the provider closing at once.
    let closed = s.open(10 * UNIT).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(w, &closed.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.env
        .must(
            &[ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &closed.keys, None)],
            &[&s.p.authority],
        )
        .await;
    // Missed: finalized with nothing settled after the request (even though settled before).
    let missed = s.open(10 * UNIT).await;
    s.settle(&missed, UNIT, GIB).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(w, &missed.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.env.advance_time(HOUR).await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&answered.keys)], &[])
        .await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&missed.keys)], &[])
        .await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.forced_closes_answered, pm.forced_closes_missed), (2, 1));
    assert_eq!(pm.channels_force_closed, 3);
}

#[tokio::test]
async fn ratings_are_weighted_by_what_the_buyer_paid() {
    let mut s = Scene::new(TOKEN, 50 * UNIT).await;
    let w = s.b.wallet.pubkey();
    let small = s.open(10 * UNIT).await;
    let large = s.open(10 * UNIT).await;
    let unrated = s.open(10 * UNIT).await;
    for (c, rating, paid) in [(&small, 5u8, UNIT), (&large, 1, 9 * UNIT)] {
        s.env
            .must(&[ix::DEFAULT.rate_channel(w, &c.keys, 3)], &[&s.b.wallet])
            .await; // changed later
        s.env
            .must(
                &[ix::DEFAULT.rate_channel(w, &c.keys, rating)],
                &[&s.b.wallet],
            )
            .await;
        s.settle(c, paid, GIB).await;
        s.env
            .must(
                &[ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &c.keys, None)],
                &[&s.p.authority],
            )
            .await;
    }
    s.settle(&unrated, 4 * UNIT, GIB).await;
    s.env
        .must(
            &[ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &unrated.keys, None)],
            &[&s.p.authority],
        )
        .await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.ratings, 2);
    assert_eq!(pm.rating_weight, 10 * u128::from(UNIT));
    assert_eq!(pm.rating_weighted_sum, u128::from(5 * UNIT + 9 * UNIT));
    let score = reputation::score(&pm, DECIMALS);
    assert!((score.rating - 1.4).abs() < 1e-9);

    // Refusals: out of range, by someone else.
    let c = s.open(5 * UNIT).await;
    for bad in [0u8, 6, 255] {
        s.env
            .must_fail(
                &[ix::DEFAULT.rate_channel(w, &c.keys, bad)],
                &[&s.b.wallet],
                SettlementError::InvalidRating,
            )
            .await;
    }
    let stranger = s.env.funded_buyer(&s.m, UNIT).await;
    let ix = ix::DEFAULT.rate_channel(stranger.wallet.pubkey(), &c.keys, 1);
    s.env
        .must_fail(&[ix], &[&stranger.wallet], SettlementError::NotBuyerOwner)
        .await;
}

#[tokio::test]
async fn stake_is_held_until_its_unbonding_delay() {
    let mut s = Scene::new(TOKEN, UNIT).await;
    let a = s.p.authority.pubkey();
    let own = s.env.token_account(s.m.keys.mint, a).await;
    s.env.mint_to(s.m.keys.mint, own, 100 * UNIT).await;
    s.env
        .must(
            &[ix::DEFAULT.stake(a, &s.m.keys, own, 60 * UNIT)],
            &[&s.p.authority],
        )
        .await;
    assert_eq!(s.env.provider_market(&s.m, &s.p).await.stake, 60 * UNIT);
    assert_eq!(s.env.token_balance(s.m.keys.vault).await, 61 * UNIT);
    s.env
        .must_fail(
            &[ix::DEFAULT.stake(a, &s.m.keys, own, 0)],
            &[&s.p.authority],
            SettlementError::ZeroAmount,
        )
        .await;
    s.env
        .must_fail(
            &[ix::DEFAULT.unstake(a, s.m.keys.market, 60 * UNIT + 1)],
            &[&s.p.authority],
            SettlementError::InsufficientStake,
        )
        .await;
    s.env
        .must_fail(
            &[ix::DEFAULT.withdraw_stake(a, &s.m.keys, s.p.payout_token)],
            &[&s.p.authority],
            SettlementError::NothingUnbonding,
        )
        .await;
    let t = s.env.now().await;
    s.env
        .must(
            &[ix::DEFAULT.unstake(a, s.m.keys.market, 20 * UNIT)],
            &[&s.p.authority],
        )
        .await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(
        (pm.stake, pm.unbonding, pm.unbonding_at),
        (40 * UNIT, 20 * UNIT, t + 7 * DAY)
    );
    s.env.set_time(t + 7 * DAY - 1).await;
    let withdraw = ix::DEFAULT.withdraw_stake(a, &s.m.keys, s.p.payout_token);
    s.env
        .must_fail(
            std::slice::from_ref(&withdraw),
            &[&s.p.authority],
            SettlementError::StakeStillUnbonding,
        )
        .await;
    // Only to the payout wallet.
    let ix = ix::DEFAULT.withdraw_stake(a, &s.m.keys, own);
    s.env.set_time(t + 7 * DAY).await;
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::WrongPayoutAccount,
        )
        .await;
    s.env.must(&[withdraw], &[&s.p.authority]).await;
    assert_eq!(s.env.token_balance(s.p.payout_token).await, 20 * UNIT);
    assert_eq!(s.env.provider_market(&s.m, &s.p).await.unbonding, 0);

    // The admin may change the delay within bounds; a pause stops new stake, not exits.
    let bad = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            stake_unbonding_secs: Some(3_600),
            ..Default::default()
        },
    );
    s.env
        .must_fail(
            &[bad],
            &[&s.m.admin],
            SettlementError::InvalidUnbondingDelay,
        )
        .await;
    let pause = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            paused: Some(true),
            stake_unbonding_secs: Some(DAY as u32),
            ..Default::default()
        },
    );
    s.env.must(&[pause], &[&s.m.admin]).await;
    s.env
        .must_fail(
            &[ix::DEFAULT.stake(a, &s.m.keys, own, UNIT)],
            &[&s.p.authority],
            SettlementError::MarketPaused,
        )
        .await;
    s.env
        .must(
            &[ix::DEFAULT.unstake(a, s.m.keys.market, 40 * UNIT)],
            &[&s.p.authority],
        )
        .await;
    s.env.advance_time(DAY).await;
    s.env
        .must(
            &[ix::DEFAULT.withdraw_stake(a, &s.m.keys, s.p.payout_token)],
            &[&s.p.authority],
        )
        .await;
    assert_eq!(s.env.token_balance(s.p.payout_token).await, 60 * UNIT);
    // Someone else cannot move a provider's stake.
    let thief = s.env.wallet().await;
    let ix = swap(
        ix::DEFAULT.unstake(thief.pubkey(), s.m.keys.market, 1),
        bandwidth_client::pda::provider(&thief.pubkey()),
        s.p.provider,
    );
    let ix = swap(
        ix,
        bandwidth_client::pda::provider_market(
            &s.m.keys.market,
            &bandwidth_client::pda::provider(&thief.pubkey()),
        ),
        s.p.provider_market(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&thief], SettlementError::NotProviderAuthority)
        .await;
}

/// The score ranks a reliable, staked provider with paying, satisfied buyers above one that
/// missed a forced close.
#[tokio::test]
async fn the_score_reflects_what_costs_money_to_fake() {
    let mut s = Scene::new(TOKEN, 50 * UNIT).await;
    let good = ProviderFixture {
        authority: s.p.authority.insecure_clone(),
        provider: s.p.provider,
        payout: s.p.payout.insecure_clone(),
        payout_token: s.p.payout_token,
    };
    let bad = s.env.provider(&s.m).await;
    let w = s.b.wallet.pubkey();
    let mut unanswered = None;
    for (p, answer) in [(&good, true), (&bad, false)] {
        let c = s
            .env
            .open_channel(&s.m, &s.b, p, 10 * UNIT, HOUR as u32)
            .await;
        s.env
            .must(
                &[ix::DEFAULT.rate_channel(w, &c.keys, if answer { 5 } else { 2 })],
                &[&s.b.wallet],
            )
            .await;
        let ix = ix::DEFAULT.settle(
            p.authority.pubkey(),
            &c.keys,
            c.receipt(5 * UNIT, GIB),
            None,
        );
        s.env.must(&[ix], &[&p.authority]).await;
        s.env
            .must(&[ix::DEFAULT.request_close(w, &c.keys)], &[&s.b.wallet])
            .await;
        if answer {
            let ix = ix::DEFAULT.close_by_provider(
                p.authority.pubkey(),
                &c.keys,
                Some(c.receipt(6 * UNIT, 2 * GIB)),
            );
            s.env.must(&[ix], &[&p.authority]).await;
        } else {
            unanswered = Some(c);
        }
    }
    s.env.advance_time(HOUR).await;
    s.env
        .must(
            &[ix::DEFAULT.finalize_close(&unanswered.unwrap().keys)],
            &[],
        )
        .await;
    let g = reputation::score(&s.env.provider_market(&s.m, &good).await, DECIMALS);
    let b = reputation::score(&s.env.provider_market(&s.m, &bad).await, DECIMALS);
    assert_eq!((g.reliability, b.reliability), (1.0, 0.5));
    assert_eq!((g.rating, b.rating), (5.0, 2.0));
    assert!(g.score > 5.0 * b.score, "{g:?} vs {b:?}");
}
