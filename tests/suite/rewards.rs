//! Rewards: only paid bytes earn them, a hard per-epoch emission cap shared by all providers
//! (first come, first served at claim time), linear vesting exact to the base unit, and a reward
//! supply equal to what was claimed.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{ix, pda};
use bandwidth_settlement::{instructions::RewardTerms, state::RewardPool};
use bandwidth_tests::*;
use solana_signer::Signer;

const R: u64 = 1_000_000; // one reward token per rewarded GiB

fn terms() -> RewardTerms {
    RewardTerms {
        active: true,
        reward_per_gib: R,
        min_price_per_gib: UNIT, // one payment token per GiB
        epoch_secs: DAY as u32,
        epoch_cap: 1_000 * R,
        vesting_secs: 1_000,
    }
}

/// A market with rewards, a provider, a buyer with 50 tokens deposited.
async fn scene(terms: RewardTerms) -> (Scene, Pubkey) {
    let mut s = Scene::new(TOKEN, 50 * UNIT).await;
    let mint = s.env.create_reward_mint(&s.m).await;
    let ix = ix::DEFAULT.configure_rewards(s.m.admin.pubkey(), s.m.keys.market, mint, TOKEN, terms);
    s.env.must(&[ix], &[&s.m.admin]).await;
    (s, mint)
}

/// A channel of the scene's market (every settlement carries the market's reward pool).
async fn rewarded_channel(s: &mut Scene, amount: u64) -> ChannelFixture {
    s.open(amount).await
}

async fn claim(s: &mut Scene, p: &ProviderFixture, mint: Pubkey) -> Result<(), u32> {
    let dest = reward_account(s, p, mint).await;
    let ix = ix::DEFAULT.claim_rewards(p.authority.pubkey(), s.m.keys.market, mint, TOKEN, dest);
    match s.env.send(&[ix], &[&p.authority]).await.result {
        Ok(()) => Ok(()),
        Err(solana_transaction_error::TransactionError::InstructionError(
            _,
            solana_instruction::error::InstructionError::Custom(c),
        )) => Err(c),
        Err(e) => panic!("{e:?}"),
    }
}

async fn reward_account(s: &mut Scene, p: &ProviderFixture, mint: Pubkey) -> Pubkey {
    let ata = bandwidth_client::tokens::associated_address(&p.payout.pubkey(), &mint, &TOKEN);
    if s.env.raw(ata).await.is_none() {
        let ix = bandwidth_client::tokens::create_associated_account(
            &s.env.payer(),
            &p.payout.pubkey(),
            &mint,
            &TOKEN,
        );
        s.env.must(&[ix], &[]).await;
    }
    ata
}

#[tokio::test]
async fn configure_rewards_checks_the_admin_the_terms_and_the_mint() {
    let mut s = Scene::new(TOKEN, UNIT).await;
    let good = s.env.create_reward_mint(&s.m).await;
    let admin = s.m.admin.pubkey();
    let market = s.m.keys.market;
    let intruder = s.env.wallet().await;
    let ix = ix::DEFAULT.configure_rewards(intruder.pubkey(), market, good, TOKEN, terms());
    s.env
        .must_fail(&[ix], &[&intruder], SettlementError::NotMarketAdmin)
        .await;
    for bad in [
        RewardTerms {
            epoch_secs: 3_599,
            ..terms()
        },
        RewardTerms {
            min_price_per_gib: 0,
            ..terms()
        },
        RewardTerms {
            vesting_secs: 365 * 86_400 + 1,
            ..terms()
        },
    ] {
        let ix = ix::DEFAULT.configure_rewards(admin, market, good, TOKEN, bad);
        s.env
            .must_fail(&[ix], &[&s.m.admin], SettlementError::InvalidRewardTerms)
            .await;
    }
    // A mint the pool does not control (the harness payer is its authority).
    let foreign = s.env.create_mint(TOKEN, &[]).await;
    let ix = ix::DEFAULT.configure_rewards(admin, market, foreign, TOKEN, terms());
    s.env
        .must_fail(&[ix], &[&s.m.admin], SettlementError::InvalidRewardMint)
        .await;

    let ix = ix::DEFAULT.configure_rewards(admin, market, good, TOKEN, terms());
    s.env.must(&[ix], &[&s.m.admin]).await;
    let pool: RewardPool = s.env.get(pda::reward_pool(&market)).await.unwrap();
    assert_eq!(
        (pool.mint, pool.reward_per_gib, pool.epoch_cap, pool.active),
        (good, R, 1_000 * R, true)
    );
    // New terms later, but never another mint.
    let ix = ix::DEFAULT.configure_rewards(
        admin,
        market,
        good,
        TOKEN,
        RewardTerms {
            epoch_cap: 5,
            ..terms()
        },
    );
    s.env.must(&[ix], &[&s.m.admin]).await;
    let other = s.env.create_reward_mint(&s.m).await;
    let ix = ix::DEFAULT.configure_rewards(admin, market, other, TOKEN, terms());
    s.env
        .must_fail(&[ix], &[&s.m.admin], SettlementError::WrongRewardPool)
        .await;
}

#[tokio::test]
async fn only_paid_bytes_earn_rewards() {
    let (mut s, _) = scene(terms()).await;
    let c = rewarded_channel(&mut s, 20 * UNIT).await;
    // 4 tokens for 4 GiB: all 4 GiB count.
    s.settle(&c, 4 * UNIT, 4 * GIB).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.reward_accrued, pm.rewarded_bytes), (4 * R, 4 * GIB));
    // 1 more token for 6 more GiB (underpriced): 1 GiB counts.
    s.settle(&c, 5 * UNIT, 10 * GIB).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.reward_accrued, pm.rewarded_bytes), (5 * R, 5 * GIB));
    // 2 more tokens and no more bytes: rewards are cumulative, so bytes that were underpaid
    // earn once they are paid for (7 tokens for 10 GiB: 7 GiB count, as if settled at once).
    s.settle(&c, 7 * UNIT, 10 * GIB).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.reward_accrued, pm.rewarded_bytes), (7 * R, 7 * GIB));
    // Paying for bytes that were never received earns nothing.
    s.settle(&c, 12 * UNIT, 10 * GIB).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.reward_accrued, pm.rewarded_bytes), (10 * R, 10 * GIB));
}

#[tokio::test]
async fn no_rewards_on_fee_free_channels_or_from_an_inactive_pool() {
    // A market without fees: wash trading would cost nothing, so it earns nothing.
    let mut env = Env::new().await;
    let args = CreateMarketArgs {
        fee_bps: 0,
        ..Env::default_market_args()
    };
    let m = env.create_market_with(TOKEN, &[], args).await;
    let mint = env.create_reward_mint(&m).await;
    env.must(
        &[ix::DEFAULT.configure_rewards(m.admin.pubkey(), m.keys.market, mint, TOKEN, terms())],
        &[&m.admin],
    )
    .await;
    let p = env.provider(&m).await;
    let b = env.funded_buyer(&m, 10 * UNIT).await;
    let c = env.open_channel(&m, &b, &p, 10 * UNIT, HOUR as u32).await;
    env.must(
        &[ix::DEFAULT.settle(
            p.authority.pubkey(),
            &c.keys,
            c.receipt(4 * UNIT, 4 * GIB),
            None,
        )],
        &[&p.authority],
    )
    .await;
    assert_eq!(env.provider_market(&m, &p).await.reward_accrued, 0);

    let (mut s, mint) = scene(terms()).await;
    let ix = ix::DEFAULT.configure_rewards(
        s.m.admin.pubkey(),
        s.m.keys.market,
        mint,
        TOKEN,
        RewardTerms {
            active: false,
            ..terms()
        },
    );
    s.env.must(&[ix], &[&s.m.admin]).await;
    let c = rewarded_channel(&mut s, 10 * UNIT).await;
    s.settle(&c, 4 * UNIT, 4 * GIB).await;
    assert_eq!(s.env.provider_market(&s.m, &s.p).await.reward_accrued, 0);
}

/// Allotments vest linearly from the claim that allots them: exact to the base unit.
#[tokio::test]
async fn vesting_is_linear_and_exact_to_the_base_unit() {
    let (mut s, mint) = scene(RewardTerms {
        vesting_secs: 1_000,
        ..terms()
    })
    .await;
    let c = rewarded_channel(&mut s, 20 * UNIT).await;
    s.settle(&c, 3 * UNIT, 3 * GIB).await; // 3 reward tokens = 3,000,000 units
    let p = ProviderFixture {
        authority: s.p.authority.insecure_clone(),
        provider: s.p.provider,
        payout: s.p.payout.insecure_clone(),
        payout_token: s.p.payout_token,
    };
    let dest = reward_account(&mut s, &p, mint).await;
    let t0 = s.env.now().await;
    claim(&mut s, &p, mint).await.unwrap(); // allots 3,000,000, vesting until t0 + 1000
    assert_eq!(s.env.token_balance(dest).await, 0);
    let mut expected = 0;
    for (t, total) in [
        (1, 3_000),
        (333, 999_000),
        (334, 1_002_000),
        (999, 2_997_000),
        (1_000, 3_000_000),
    ] {
        s.env.set_time(t0 + t).await;
        claim(&mut s, &p, mint).await.unwrap();
        expected = total;
        assert_eq!(s.env.token_balance(dest).await, expected, "at t0 + {t}");
    }
    // Fully vested, nothing accrued: nothing to claim.
    assert_eq!(
        claim(&mut s, &p, mint).await,
        Err(code(SettlementError::NothingToClaim))
    );
    // New rewards start a new schedule at the next claim.
    s.settle(&c, 4 * UNIT, 4 * GIB).await;
    claim(&mut s, &p, mint).await.unwrap();
    s.env.advance_time(500).await;
    claim(&mut s, &p, mint).await.unwrap();
    assert_eq!(s.env.token_balance(dest).await, expected + R / 2);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.rewards_claimed, expected + R / 2);
    // The reward supply is exactly what was claimed.
    assert_eq!(s.env.mint_supply(mint).await, pm.rewards_claimed);
}

/// Without vesting, a schedule is fully vested the second it starts: claiming again in that
/// same second finds nothing to claim (found by the model test: it used to underflow), and
/// new rewards are minted at once.
#[tokio::test]
async fn without_vesting_claims_in_the_same_second_are_exact() {
    let (mut s, mint) = scene(RewardTerms {
        vesting_secs: 0,
        ..terms()
    })
    .await;
    let c = rewarded_channel(&mut s, 20 * UNIT).await;
    s.settle(&c, 2 * UNIT, 2 * GIB).await;
    let p = ProviderFixture {
        authority: s.p.authority.insecure_clone(),
        provider: s.p.provider,
        payout: s.p.payout.insecure_clone(),
        payout_token: s.p.payout_token,
    };
    let dest = reward_account(&mut s, &p, mint).await;
    let t = s.env.now().await;
    claim(&mut s, &p, mint).await.unwrap();
    assert_eq!(s.env.token_balance(dest).await, 2 * R);
    s.env.set_time(t).await;
    assert_eq!(
        claim(&mut s, &p, mint).await,
        Err(code(SettlementError::NothingToClaim))
    );
    s.settle(&c, 3 * UNIT, 3 * GIB).await;
    s.env.set_time(t).await;
    claim(&mut s, &p, mint).await.unwrap();
    assert_eq!(s.env.token_balance(dest).await, 3 * R);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.reward_accrued, pm.rewards_claimed), (0, 3 * R));
    assert_eq!(s.env.mint_supply(mint).await, 3 * R);
}

/// Several providers claiming in the same slot (here, the same transaction) never get more
/// than the epoch's cap together; what does not fit waits for the next epoch.
#[tokio::test]
async fn the_emission_cap_holds_under_concurrent_claims() {
    let cap = 5 * R;
    let (mut s, mint) = scene(RewardTerms {
        epoch_cap: cap,
        vesting_secs: 0,
        ..terms()
    })
    .await;
    let mut providers = vec![];
    for _ in 0..3 {
        let p = s.env.provider(&s.m).await;
        let b = s.env.funded_buyer(&s.m, 10 * UNIT).await;
        let c = s
            .env
            .open_channel(&s.m, &b, &p, 10 * UNIT, HOUR as u32)
            .await;
        let ix = ix::DEFAULT.settle(
            p.authority.pubkey(),
            &c.keys,
            c.receipt(3 * UNIT, 3 * GIB),
            None,
        );
        s.env.must(&[ix], &[&p.authority]).await;
        providers.push(p);
    }
    // 9 reward tokens accrued in all; the cap is 5 per epoch.
    let mut dests = vec![];
    for p in &providers {
        dests.push(reward_account(&mut s, p, mint).await);
    }
    let claims: Vec<_> = providers
        .iter()
        .zip(&dests)
        .map(|(p, d)| {
            ix::DEFAULT.claim_rewards(p.authority.pubkey(), s.m.keys.market, mint, TOKEN, *d)
        })
        .collect();
    let signers: Vec<_> = providers.iter().map(|p| &p.authority).collect();
    // The third finds the cap used up: the whole transaction would fail, so send the first two
    // together, then the third alone.
    s.env.must(&claims[..2], &signers[..2]).await;
    let third = s.env.send(&claims[2..], &signers[2..]).await;
    assert!(third.result.is_err());
    let minted: Vec<u64> = {
        let mut v = vec![];
        for d in &dests {
            v.push(s.env.token_balance(*d).await);
        }
        v
    };
    assert_eq!(minted, vec![3 * R, 2 * R, 0]);
    let pool: RewardPool = s.env.get(pda::reward_pool(&s.m.keys.market)).await.unwrap();
    assert_eq!(pool.allotted_in_epoch, cap);
    // The next epoch: the rest, within the new cap.
    s.env.advance_time(DAY).await;
    let signers: Vec<_> = providers.iter().map(|p| &p.authority).collect();
    s.env.must(&claims[1..], &signers[1..]).await;
    let mut total = 0;
    for d in &dests {
        total += s.env.token_balance(*d).await;
    }
    assert_eq!(total, 9 * R);
    assert_eq!(
        s.env.mint_supply(mint).await,
        9 * R,
        "supply = sum of claims"
    );
    for _ in 0..3 {
        s.env.advance_time(DAY).await;
        for p in &providers {
            let c = claim(&mut s, p, mint).await;
            assert_eq!(c, Err(code(SettlementError::NothingToClaim)));
        }
    }
}

/// The wash-trading break-even of the README: a buyer paying itself 1 token per GiB (the
/// minimum price) keeps everything but the 2.5 % fee, 0.025 token per rewarded GiB, and gets
/// 1 reward token: it pays only if a reward token is worth more than 0.025 payment tokens.
#[tokio::test]
async fn the_break_even_of_wash_trading() {
    let (mut s, mint) = scene(RewardTerms {
        vesting_secs: 0,
        ..terms()
    })
    .await;
    // The provider trades with itself: its own buyer escrow.
    let self_buyer = BuyerFixture {
        wallet: s.p.authority.insecure_clone(),
        token: s
            .env
            .token_account(s.m.keys.mint, s.p.authority.pubkey())
            .await,
    };
    s.env
        .mint_to(s.m.keys.mint, self_buyer.token, 10 * UNIT)
        .await;
    s.env
        .must(
            &[ix::DEFAULT.deposit(
                s.p.authority.pubkey(),
                &s.m.keys,
                self_buyer.token,
                10 * UNIT,
            )],
            &[&s.p.authority],
        )
        .await;
    let c = s
        .env
        .open_channel(&s.m, &self_buyer, &s.p, 10 * UNIT, HOUR as u32)
        .await;
    let ix = ix::DEFAULT.settle(
        s.p.authority.pubkey(),
        &c.keys,
        c.receipt(10 * UNIT, 10 * GIB),
        None,
    );
    s.env.must(&[ix], &[&s.p.authority]).await;
    s.env
        .must(
            &[ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &c.keys, None)],
            &[&s.p.authority],
        )
        .await;
    s.env
        .must(
            &[ix::DEFAULT.withdraw_earnings(
                s.p.authority.pubkey(),
                &s.m.keys,
                s.p.payout_token,
                None,
            )],
            &[&s.p.authority],
        )
        .await;
    let p = ProviderFixture {
        authority: s.p.authority.insecure_clone(),
        provider: s.p.provider,
        payout: s.p.payout.insecure_clone(),
        payout_token: s.p.payout_token,
    };
    claim(&mut s, &p, mint).await.unwrap();
    // Paid 10, got 9.75 back as the provider: 0.25 lost to the fee for 10 reward tokens.
    assert_eq!(s.env.token_balance(s.p.payout_token).await, 9_750_000);
    let account = reward_account(&mut s, &p, mint).await;
    let rewards = s.env.token_balance(account).await;
    assert_eq!(rewards, 10 * R);
    let lost = 10 * UNIT - 9_750_000;
    assert_eq!(
        lost * R / rewards,
        25_000,
        "0.025 payment token per reward token"
    );
}
