//! The audit findings of the v2 round, one test each (each fails on the code before the fix),
//! and the members of their classes found since: PROTOCOL invariants 9 (nothing a buyer alone
//! signs or submits makes its provider's receipts unsettleable), 10 (no choice of optional
//! accounts changes what a provider is owed) and 11 (a market's mints cannot change).
// solana-program-test 3.x marks its API deprecated (see the harness).
#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use bandwidth_client::{ix, pda};
use bandwidth_settlement::instructions::RewardTerms;
use bandwidth_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// One reward token per GiB paid at least one payment token per GiB; no vesting.
fn reward_terms() -> RewardTerms {
    RewardTerms {
        active: true,
        reward_per_gib: UNIT,
        min_price_per_gib: UNIT,
        epoch_secs: DAY as u32,
        epoch_cap: 1_000 * UNIT,
        vesting_secs: 0,
    }
}

async fn with_rewards(s: &mut Scene) {
    let mint = s.env.create_reward_mint(&s.m).await;
    let ix = ix::DEFAULT.configure_rewards(
        s.m.admin.pubkey(),
        s.m.keys.market,
        mint,
        TOKEN,
        reward_terms(),
    );
    s.env.must(&[ix], &[&s.m.admin]).await;
}

// ----- 1. the README's test command failed most of the time --------------------------------

/// program-test registers a new blockhash every 400 ms of wall-clock time in the background;
/// the harness used to sign with the blockhash it last remembered, which a slow machine moves
/// past (BlockhashNotFound). Here the bank is moved on by 200 blockhashes deterministically, the
/// way a minute of background ticking would, and the remembered hash is left behind.
#[tokio::test]
async fn a_blockhash_the_bank_has_moved_past_is_never_signed_with() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let remembered = s.env.ctx.last_blockhash;
    for _ in 0..200 {
        s.env.advance_slots(1).await;
    }
    s.env.ctx.last_blockhash = remembered;
    let c = s.open(5 * UNIT).await;
    s.settle(&c, UNIT, GIB).await;
    assert_eq!(s.env.channel(&c).await.settled, UNIT);
}

// ----- 2. a buyer could void every receipt it signed but the provider had not settled ------

/// The reproduction of the audit: the buyer settles one base unit with `bytes = u64::MAX`
/// itself; the provider's real receipt (9 tokens) must still settle by every path, and the
/// buyer's forced close returns exactly what it did not sign for.
#[tokio::test]
async fn a_buyer_cannot_void_its_providers_receipts_with_huge_bytes() {
    for path in ["settle", "settle_many", "close_by_provider"] {
        let mut s = Scene::new(TOKEN, 10 * UNIT).await;
        let c = s.open(10 * UNIT).await;
        let held = c.receipt(9 * UNIT, 9 * GIB);
        let void = c.receipt(1, u64::MAX);
        let ix = ix::DEFAULT.settle(s.b.wallet.pubkey(), &c.keys, void, None);
        s.env.must(&[ix], &[&s.b.wallet]).await;
        let ch = s.env.channel(&c).await;
        assert_eq!((ch.settled, ch.settled_bytes), (1, u64::MAX));

        let p = s.p.authority.pubkey();
        let ix = match path {
            "settle" => ix::DEFAULT.settle(p, &c.keys, held, None),
            "settle_many" => ix::DEFAULT.settle_many(
                p,
                s.m.keys.market,
                s.p.provider,
                &[(c.keys.channel, held)],
                None,
            ),
            _ => ix::DEFAULT.close_by_provider(p, &c.keys, Some(held)),
        };
        s.env.must(&[ix], &[&s.p.authority]).await;
        if path != "close_by_provider" {
            assert_eq!(s.env.channel(&c).await.settled, 9 * UNIT, "{path}");
            let close = ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys);
            s.env.must(&[close], &[&s.b.wallet]).await;
            s.env.advance_time(HOUR).await;
            s.env
                .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
                .await;
        }
        assert!(s.env.raw(c.keys.channel).await.is_none(), "{path}");
        // 10 deposited, 9 signed for: 1 back. The provider: 9 less the 2.5 % fee.
        assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, UNIT, "{path}");
        let pm = s.env.provider_market(&s.m, &s.p).await;
        assert_eq!(pm.earnings, 9 * UNIT - 225_000, "{path}");
        // Only the increase of bytes counts, and u64::MAX is as far as it goes.
        assert_eq!(pm.bytes_settled, u64::MAX, "{path}");
    }
}

/// Same class: a buyer settling one of its channels ahead of its provider's batch used to
/// refuse the whole batch (AmountNotAboveSettled). Already-settled entries are now skipped.
#[tokio::test]
async fn a_buyer_settling_first_cannot_fail_its_providers_batch() {
    let mut s = Scene::new(TOKEN, 30 * UNIT).await;
    let mut cs = vec![];
    for _ in 0..3 {
        cs.push(s.open(10 * UNIT).await);
    }
    let held: Vec<_> = cs
        .iter()
        .enumerate()
        .map(|(i, c)| (c.keys.channel, c.receipt((i as u64 + 2) * UNIT, GIB)))
        .collect();
    // The buyer settles the provider's exact receipt of channel 1, and more on channel 2.
    let b = s.b.wallet.pubkey();
    let ahead = [
        ix::DEFAULT.settle(b, &cs[1].keys, held[1].1, None),
        ix::DEFAULT.settle(b, &cs[2].keys, cs[2].receipt(6 * UNIT, GIB), None),
    ];
    s.env.must(&ahead, &[&s.b.wallet]).await;
    let earnings = s.env.provider_market(&s.m, &s.p).await.earnings;

    let ix = ix::DEFAULT.settle_many(
        s.p.authority.pubkey(),
        s.m.keys.market,
        s.p.provider,
        &held,
        None,
    );
    s.env.must(&[ix], &[&s.p.authority]).await;
    let settled: Vec<u64> = {
        let mut v = vec![];
        for c in &cs {
            v.push(s.env.channel(c).await.settled);
        }
        v
    };
    assert_eq!(settled, [2 * UNIT, 3 * UNIT, 6 * UNIT]);
    // Only channel 0 paid anything in the batch: 2 tokens less the fee.
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.earnings - earnings, 2 * UNIT - 50_000);
}

/// Same class: the buyer settling the provider's final receipt just before its cooperative
/// close used to make `close_by_provider` fail; the close now goes through.
#[tokio::test]
async fn a_buyer_settling_first_cannot_fail_its_providers_close() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(10 * UNIT).await;
    let last = c.receipt(7 * UNIT, 7 * GIB);
    let ix = ix::DEFAULT.settle(s.b.wallet.pubkey(), &c.keys, last, None);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    let ix = ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &c.keys, Some(last));
    s.env.must(&[ix], &[&s.p.authority]).await;
    assert!(s.env.raw(c.keys.channel).await.is_none());
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 3 * UNIT);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.earnings, 7 * UNIT - 175_000);
}

/// Same class: a buyer could request a close and, in the same transaction, settle its own
/// receipt as a "watcher" and take the provider's bounty out of what it owed. A bounty is now
/// paid only in the second half of the dispute window: the first half is the provider's.
#[tokio::test]
async fn a_buyer_cannot_take_the_bounty_before_its_provider_had_half_the_window() {
    let mut s = Scene::new(TOKEN, 20 * UNIT).await;
    let c = s.open(10 * UNIT).await; // 1-hour window; the provider's bounty is 5 %
    let own = s
        .env
        .token_account(s.m.keys.mint, s.b.wallet.pubkey())
        .await;
    let bounty = |destination| {
        Some(ix::Bounty {
            market: &s.m.keys,
            destination,
        })
    };
    let b = s.b.wallet.pubkey();
    let grab = [
        ix::DEFAULT.request_close(b, &c.keys),
        ix::DEFAULT.settle(b, &c.keys, c.receipt(8 * UNIT, 8 * GIB), bounty(own)),
    ];
    s.env.must(&grab, &[&s.b.wallet]).await;
    assert_eq!(s.env.token_balance(own).await, 0);
    assert_eq!(
        s.env.provider_market(&s.m, &s.p).await.earnings,
        8 * UNIT - 200_000
    );

    // A watcher one second before the second half: still no bounty.
    let w = s.env.wallet().await;
    let wt = s.env.token_account(s.m.keys.mint, w.pubkey()).await;
    s.env.advance_time(HOUR / 2 - 1).await;
    let ix = ix::DEFAULT.settle(
        w.pubkey(),
        &c.keys,
        c.receipt(9 * UNIT, 9 * GIB),
        bounty(wt),
    );
    s.env.must(&[ix], &[&w]).await;
    assert_eq!(s.env.token_balance(wt).await, 0);
    // From the second half on, whoever rescues the provider's receipt earns the bounty:
    // bounty(10) - bounty(9) = 5 % of (9.75 - 8.775) tokens.
    s.env.advance_time(1).await;
    let ix = ix::DEFAULT.settle(
        w.pubkey(),
        &c.keys,
        c.receipt(10 * UNIT, 10 * GIB),
        bounty(wt),
    );
    s.env.must(&[ix], &[&w]).await;
    assert_eq!(s.env.token_balance(wt).await, 48_750);
    assert_eq!(
        s.env.provider_market(&s.m, &s.p).await.earnings,
        10 * UNIT - 250_000 - 48_750
    );
}

// ----- 3 and 4. a mint that can be swapped for a draining one ----------------------------

/// An empty Token-2022 mint with a close authority can be closed and re-created at the same
/// address with a permanent delegate, which could then move the vault's tokens. Such a mint is
/// refused when the market is created (PROTOCOL v2 §7, invariant 11).
#[tokio::test]
async fn a_payment_mint_that_could_be_closed_and_recreated_is_refused() {
    use MintExtension::*;
    let mut env = Env::new().await;
    let mint = Keypair::new();
    env.create_mint_at(&mint, TOKEN_2022, &[MintCloseAuthority], true)
        .await;
    let admin = env.wallet().await;
    let treasury = env.token_account(mint.pubkey(), admin.pubkey()).await;
    let create = ix::DEFAULT.create_market(
        admin.pubkey(),
        mint.pubkey(),
        TOKEN_2022,
        treasury,
        Env::default_market_args(),
    );
    env.must_fail(
        std::slice::from_ref(&create),
        &[&admin],
        SettlementError::MintHasCloseAuthority,
    )
    .await;

    // Why: the swap is one close and one create away, at the same address.
    let payer = env.payer();
    let close = spl_token_2022_interface::instruction::close_account(
        &TOKEN_2022,
        &mint.pubkey(),
        &payer,
        &payer,
        &[],
    )
    .unwrap();
    env.must(&[close], &[]).await;
    assert!(env.raw(mint.pubkey()).await.is_none());
    env.create_mint_at(&mint, TOKEN_2022, &[PermanentDelegate], true)
        .await;
    env.must_fail(
        &[create],
        &[&admin],
        SettlementError::MintHasPermanentDelegate,
    )
    .await;
}

/// The same swap on a reward mint (a freeze authority and a permanent delegate to seize
/// claimed rewards, or another mint authority to mint without limit): refused when the pool
/// is created. A plain Token-2022 reward mint is accepted.
#[tokio::test]
async fn a_reward_mint_that_could_be_closed_and_recreated_is_refused() {
    use MintExtension::*;
    let mut s = Scene::new(TOKEN, UNIT).await;
    let pool = pda::reward_pool(&s.m.keys.market);
    let admin = s.m.admin.pubkey();
    let closable = Keypair::new();
    s.env
        .create_mint_with_authority(&closable, TOKEN_2022, &[MintCloseAuthority], pool, false)
        .await;
    let ix = ix::DEFAULT.configure_rewards(
        admin,
        s.m.keys.market,
        closable.pubkey(),
        TOKEN_2022,
        reward_terms(),
    );
    s.env
        .must_fail(&[ix], &[&s.m.admin], SettlementError::MintHasCloseAuthority)
        .await;
    let plain = Keypair::new();
    s.env
        .create_mint_with_authority(&plain, TOKEN_2022, &[MetadataPointer], pool, false)
        .await;
    let ix = ix::DEFAULT.configure_rewards(
        admin,
        s.m.keys.market,
        plain.pubkey(),
        TOKEN_2022,
        reward_terms(),
    );
    s.env.must(&[ix], &[&s.m.admin]).await;
}

// ----- 5. settling without the reward pool erased the provider's rewards -------------------

/// Whoever settles first (the buyer always holds every receipt) used to be able to leave the
/// optional reward pool out, and the provider's rewards for those bytes were gone. The pool
/// account is now required in every settlement: left out the way an optional account is (the
/// program id in its place), replaced by another account or another market's pool, it is
/// refused, by `settle`, `settle_many` and `close_by_provider` alike.
#[tokio::test]
async fn a_settler_cannot_leave_out_the_reward_pool() {
    let mut s = Scene::new(TOKEN, 20 * UNIT).await;
    with_rewards(&mut s).await;
    let mut other = Scene::new(TOKEN, UNIT).await;
    with_rewards(&mut other).await;
    let c = s.open(10 * UNIT).await;
    let r = c.receipt(4 * UNIT, 4 * GIB);
    let pool = pda::reward_pool(&s.m.keys.market);
    let b = s.b.wallet.pubkey();
    let (p, market, provider) = (s.p.authority.pubkey(), s.m.keys.market, s.p.provider);
    let paths = [
        (ix::DEFAULT.settle(b, &c.keys, r, None), &s.b.wallet),
        (
            ix::DEFAULT.settle_many(p, market, provider, &[(c.keys.channel, r)], None),
            &s.p.authority,
        ),
        (
            ix::DEFAULT.close_by_provider(p, &c.keys, Some(r)),
            &s.p.authority,
        ),
    ];
    for (honest, signer) in &paths {
        for stand_in in [
            bandwidth_settlement::ID,
            Pubkey::new_unique(),
            pda::reward_pool(&other.m.keys.market),
        ] {
            let ix = swap(honest.clone(), pool, stand_in);
            s.env
                .must_fail(&[ix], &[signer], SettlementError::RewardPoolMismatch)
                .await;
        }
    }
    // With the pool the buyer's settlement accrues exactly what the provider's would.
    s.env.must(&[paths[0].0.clone()], &[&s.b.wallet]).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.reward_accrued, pm.rewarded_bytes), (4 * UNIT, 4 * GIB));
}

/// The same, in a market that has no reward pool: its pool address (an empty account) is
/// what every settlement passes, and a settler cannot pass anything else.
#[tokio::test]
async fn a_market_without_rewards_takes_only_its_own_empty_pool_address() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(10 * UNIT).await;
    let honest = s.settle_ix(&c, c.receipt(UNIT, GIB));
    let pool = pda::reward_pool(&s.m.keys.market);
    assert!(s.env.raw(pool).await.is_none());
    let ix = swap(honest.clone(), pool, Pubkey::new_unique());
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::RewardPoolMismatch,
        )
        .await;
    s.env.must(&[honest], &[&s.p.authority]).await;
    assert_eq!(s.env.channel(&c).await.settled, UNIT);
}

// ----- 6. receipt-signer keys that can never sign ------------------------------------------

/// The "negative zero" encodings `01 00…00 80` and `ec ff…ff`, which the verifier always
/// refuses, and a key that is not on the curve at all, are refused at open: such a channel
/// could never be settled. (The check is derived from the verifier; the unit test
/// `receipt::tests::usable_signers_are_exactly_the_verifiers_keys` compares them over every
/// encoding of every small-order point and 20,000 random keys.)
#[tokio::test]
async fn receipt_signers_that_can_never_sign_are_refused_at_open() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let mut negative_one = [0u8; 32];
    negative_one[0] = 1;
    negative_one[31] = 0x80;
    let mut negative_minus_one = [0xffu8; 32];
    negative_minus_one[0] = 0xec;
    let off_curve = [2u8; 32];
    for key in [negative_one, negative_minus_one, off_curve] {
        let (ix, _) = ix::DEFAULT.open_channel(
            s.b.wallet.pubkey(),
            s.m.keys.market,
            s.p.provider,
            0,
            OpenChannelArgs {
                amount: UNIT,
                dispute_window_secs: HOUR as u32,
                receipt_signer: Pubkey::new_from_array(key),
            },
        );
        s.env
            .must_fail(&[ix], &[&s.b.wallet], SettlementError::InvalidReceiptSigner)
            .await;
    }
}

// ----- 8. rounding -------------------------------------------------------------------------

/// (a) A settlement below `10_000 / fee_bps` base units pays no fee, and used to earn rewards
/// all the same: a self-dealing buyer could farm them fee-free, one small channel at a time.
/// Rewards are now backed by the fee actually paid.
#[tokio::test]
async fn a_settlement_whose_fee_rounds_to_zero_earns_no_rewards() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    with_rewards(&mut s).await;
    let c = s.open(UNIT).await;
    // 2.5 %: 39 base units pay no fee...
    s.settle(&c, 39, GIB).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(
        (pm.fees_accrued, pm.reward_accrued, pm.rewarded_bytes),
        (0, 0, 0)
    );
    // ...40 pay one, which covers 40 units at the minimum price: 42,949 bytes, 39 reward
    // units (both rounded down).
    s.settle(&c, 40, GIB).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.rewarded_bytes, 40 * GIB / UNIT);
    assert_eq!(
        (pm.fees_accrued, pm.reward_accrued),
        (1, 40 * GIB / UNIT * UNIT / GIB)
    );
    assert_eq!(pm.reward_accrued, 39);
}

/// (b) Bounties used to round down per settlement, so settling a closing channel in many
/// steps paid the watcher less than in one. Like the fee, the bounty is now a difference of a
/// cumulative function: one step or fifty give the same balances, bounty included.
#[tokio::test]
async fn a_bounty_rounds_the_same_in_one_step_or_many() {
    let mut outcomes = vec![];
    for steps in [1u64, 50] {
        let mut s = Scene::new(TOKEN, 10 * UNIT).await;
        let c = s.open(10 * UNIT).await;
        let close = ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys);
        s.env.must(&[close], &[&s.b.wallet]).await;
        s.env.advance_time(HOUR / 2).await;
        let w = s.env.wallet().await;
        let wt = s.env.token_account(s.m.keys.mint, w.pubkey()).await;
        let bounty = Some(ix::Bounty {
            market: &s.m.keys,
            destination: wt,
        });
        let last = 9_876_543u64;
        for i in 1..=steps {
            let amount = last * i / steps;
            let ix = ix::DEFAULT.settle(w.pubkey(), &c.keys, c.receipt(amount, i), bounty);
            s.env.must(&[ix], &[&w]).await;
        }
        let pm = s.env.provider_market(&s.m, &s.p).await;
        outcomes.push((s.env.token_balance(wt).await, pm.earnings, pm.fees_accrued));
    }
    assert_eq!(outcomes[0], outcomes[1]);
    assert!(outcomes[0].0 > 0);
}
