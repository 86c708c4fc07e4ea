//! Fees: path independence (invariant 8) and sweep_fees.
use bandwidth_client::ix;
use bandwidth_tests::*;
use solana_signer::Signer;

/// Invariant 8: the same final receipt settled in 1 step and in 50 steps gives identical
/// balances and fees. A fee of 3.33 % makes every intermediate step round.
#[tokio::test]
async fn one_step_and_fifty_steps_give_identical_balances() {
    let args = CreateMarketArgs {
        fee_bps: 333,
        ..Env::default_market_args()
    };
    let final_amount: u64 = 9_876_543;
    let final_bytes: u64 = 9 * GIB + 123;
    let mut outcomes = vec![];
    for steps in [1u64, 50] {
        let mut env = Env::new().await;
        let m = env.create_market_with(TOKEN, &[], args.clone()).await;
        let p = env.provider(&m).await;
        let b = env.funded_buyer(&m, 10 * UNIT).await;
        let c = env.open_channel(&m, &b, &p, 10 * UNIT, HOUR as u32).await;
        for i in 1..=steps {
            // Uneven steps: each intermediate amount is a fresh rounding case.
            let amount = final_amount * i / steps - (i % 7) * (i < steps) as u64;
            let bytes = final_bytes * i / steps;
            let ix = ix::DEFAULT.settle(
                p.authority.pubkey(),
                &c.keys,
                c.receipt(amount, bytes),
                None,
            );
            env.must(&[ix], &[&p.authority]).await;
        }
        let ix = ix::DEFAULT.close_by_provider(p.authority.pubkey(), &c.keys, None);
        env.must(&[ix], &[&p.authority]).await;
        let pm = env.provider_market(&m, &p).await;
        let buyer = env.buyer_account(&m, &b).await;
        outcomes.push((
            pm.earnings,
            pm.fees_accrued,
            pm.amount_settled,
            pm.bytes_settled,
            buyer.free,
        ));
    }
    assert_eq!(outcomes[0], outcomes[1]);
    let fee = final_amount * 333 / 10_000;
    assert_eq!(
        outcomes[0],
        (
            final_amount - fee,
            fee,
            final_amount,
            final_bytes,
            10 * UNIT - final_amount
        )
    );
}

#[tokio::test]
async fn sweep_sends_the_treasury_share_and_burns_the_rest() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN_2022).await; // 2.5 % fee, 20 % of fees burned
    let p = env.provider(&m).await;
    let q = env.provider(&m).await;
    let idle = env.provider(&m).await;
    let b = env.funded_buyer(&m, 100 * UNIT).await;
    for (provider, amount) in [(&p, 40 * UNIT), (&q, 4_000_007)] {
        let c = env
            .open_channel(&m, &b, provider, amount, HOUR as u32)
            .await;
        let ix = ix::DEFAULT.settle(
            provider.authority.pubkey(),
            &c.keys,
            c.receipt(amount, GIB),
            None,
        );
        env.must(&[ix], &[&provider.authority]).await;
    }
    let fees = UNIT + 100_000; // 2.5 % of 40 tokens + 2.5 % of 4.000007 (rounded down)
    let supply = env.mint_supply(m.keys.mint).await;
    // Duplicates and providers with nothing accrued are harmless: counted once, or skipped.
    let pms = [
        p.provider_market(&m),
        q.provider_market(&m),
        p.provider_market(&m),
        idle.provider_market(&m),
    ];
    env.must(&[ix::DEFAULT.sweep_fees(&m.keys, &pms)], &[])
        .await;
    let burned = fees / 5;
    assert_eq!(env.token_balance(m.keys.treasury).await, fees - burned);
    assert_eq!(env.mint_supply(m.keys.mint).await, supply - burned);
    assert_eq!(env.provider_market(&m, &p).await.fees_accrued, 0);
    assert_eq!(env.provider_market(&m, &q).await.fees_accrued, 0);
    let market = env.market(&m).await;
    assert_eq!(
        (market.fees_to_treasury, market.fees_burned),
        (fees - burned, burned)
    );
    // Nothing left to sweep.
    env.must_fail(
        &[ix::DEFAULT.sweep_fees(&m.keys, &pms)],
        &[],
        SettlementError::NoFeesToSweep,
    )
    .await;
}

#[tokio::test]
async fn burn_share_extremes() {
    for (burn_bps, burned) in [(0u16, 0u64), (10_000, 100_000)] {
        let args = CreateMarketArgs {
            burn_bps,
            ..Env::default_market_args()
        };
        let mut env = Env::new().await;
        let m = env.create_market_with(TOKEN, &[], args).await;
        let p = env.provider(&m).await;
        let b = env.funded_buyer(&m, 10 * UNIT).await;
        let c = env.open_channel(&m, &b, &p, 4 * UNIT, HOUR as u32).await;
        let ix = ix::DEFAULT.settle(
            p.authority.pubkey(),
            &c.keys,
            c.receipt(4 * UNIT, GIB),
            None,
        );
        env.must(&[ix], &[&p.authority]).await;
        let supply = env.mint_supply(m.keys.mint).await;
        env.must(
            &[ix::DEFAULT.sweep_fees(&m.keys, &[p.provider_market(&m)])],
            &[],
        )
        .await;
        assert_eq!(env.token_balance(m.keys.treasury).await, 100_000 - burned);
        assert_eq!(env.mint_supply(m.keys.mint).await, supply - burned);
    }
}

#[tokio::test]
async fn sweep_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    s.settle(&c, 4 * UNIT, GIB).await;
    let pm = s.p.provider_market(&s.m);
    // Fees into another token account than the market's treasury.
    let elsewhere = s.env.token_account(s.m.keys.mint, s.env.payer()).await;
    let ix = swap(
        ix::DEFAULT.sweep_fees(&s.m.keys, &[pm]),
        s.m.keys.treasury,
        elsewhere,
    );
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongTreasury)
        .await;
    // A provider market of another market.
    let other = s.env.create_market(TOKEN).await;
    let q = s.env.provider(&other).await;
    let ix = ix::DEFAULT.sweep_fees(&s.m.keys, &[pm, q.provider_market(&other)]);
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongMarket)
        .await;
    // A provider market passed read-only.
    let mut ix = ix::DEFAULT.sweep_fees(&s.m.keys, &[pm]);
    ix.accounts.last_mut().unwrap().is_writable = false;
    s.env
        .must_fail(&[ix], &[], SettlementError::ProviderMarketNotWritable)
        .await;
    // No provider markets at all.
    s.env
        .must_fail(
            &[ix::DEFAULT.sweep_fees(&s.m.keys, &[])],
            &[],
            SettlementError::NoFeesToSweep,
        )
        .await;
    // A non-provider-market program account (the buyer escrow) is refused by its type.
    let ix = ix::DEFAULT.sweep_fees(&s.m.keys, &[s.b.buyer(&s.m)]);
    s.env
        .must_fail_code(
            &[ix],
            &[],
            anchor_code(anchor_lang::error::ErrorCode::AccountDiscriminatorMismatch),
        )
        .await;
    s.env
        .must(&[ix::DEFAULT.sweep_fees(&s.m.keys, &[pm])], &[])
        .await;
}
