//! The adversarial suite: one named test per attack, each asserting the exact error and that
//! no wallet, token account, market, vault, escrow, provider or channel changed (the harness's
//! `must_fail`). SECURITY.md maps every attack class to these tests.
use anchor_lang::error::ErrorCode as Anchor;
use bandwidth_client::{ix, receipts};
use bandwidth_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A scene with a 10-token channel on which 2 tokens are already settled.
async fn scene() -> (Scene, ChannelFixture) {
    let mut s = Scene::new(TOKEN, 20 * UNIT).await;
    let c = s.open(10 * UNIT).await;
    s.settle(&c, 2 * UNIT, 2 * GIB).await;
    (s, c)
}

async fn refuse_receipt(s: &mut Scene, c: &ChannelFixture, r: ReceiptArgs, e: SettlementError) {
    let ix = s.settle_ix(c, r);
    s.env.must_fail(&[ix], &[&s.p.authority], e).await;
}

// ----- receipts ------------------------------------------------------------------------------

#[tokio::test]
async fn receipt_forged_signature() {
    let (mut s, c) = scene().await;
    let mut r = c.receipt(3 * UNIT, 3 * GIB);
    r.signature = [0x42; 64];
    refuse_receipt(&mut s, &c, r, SettlementError::InvalidReceiptSignature).await;
}

#[tokio::test]
async fn receipt_right_message_signed_by_the_wrong_key() {
    let (mut s, c) = scene().await;
    for key in [
        Keypair::new(),
        s.b.wallet.insecure_clone(),
        s.p.authority.insecure_clone(),
    ] {
        let r = receipts::sign(&key, &c.keys.channel, 3 * UNIT, 3 * GIB);
        refuse_receipt(&mut s, &c, r, SettlementError::InvalidReceiptSignature).await;
    }
}

#[tokio::test]
async fn receipt_of_another_channel_of_the_same_buyer() {
    let (mut s, c) = scene().await;
    let other = s.open(5 * UNIT).await;
    let r = other.receipt(3 * UNIT, 3 * GIB);
    refuse_receipt(&mut s, &c, r, SettlementError::InvalidReceiptSignature).await;
    // Even signed with this channel's own key, a receipt names its channel.
    let r = receipts::sign(&c.signer, &other.keys.channel, 3 * UNIT, 3 * GIB);
    let ix = s.settle_ix(&other, r);
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::InvalidReceiptSignature,
        )
        .await;
}

#[tokio::test]
async fn receipt_of_a_closed_channel_replayed_on_the_buyers_next_channel() {
    let (mut s, c) = scene().await;
    let old = c.receipt(9 * UNIT, 9 * GIB);
    let ix = ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &c.keys, None);
    s.env.must(&[ix], &[&s.p.authority]).await;
    // The buyer's next channel, even registered with the old signing key.
    let b = s.b.wallet.pubkey();
    let (open, next) = ix::DEFAULT.open_channel(
        b,
        s.m.keys.market,
        s.p.provider,
        1,
        OpenChannelArgs {
            amount: 10 * UNIT,
            dispute_window_secs: 3_600,
            receipt_signer: c.signer.pubkey(),
        },
    );
    s.env.must(&[open], &[&s.b.wallet]).await;
    assert_ne!(next, c.keys.channel);
    let account: Channel = s.env.get(next).await.unwrap();
    let next = ChannelFixture {
        keys: ix::ChannelKeys::from_account(next, &account),
        id: 1,
        signer: Keypair::new(),
    };
    refuse_receipt(&mut s, &next, old, SettlementError::InvalidReceiptSignature).await;
}

#[tokio::test]
async fn receipt_amount_above_the_deposit() {
    let (mut s, c) = scene().await;
    refuse_receipt(
        &mut s,
        &c,
        c.receipt(10 * UNIT + 1, 3 * GIB),
        SettlementError::AmountExceedsDeposit,
    )
    .await;
    refuse_receipt(
        &mut s,
        &c,
        c.receipt(u64::MAX, u64::MAX),
        SettlementError::AmountExceedsDeposit,
    )
    .await;
}

#[tokio::test]
async fn receipt_amount_not_above_settled() {
    let (mut s, c) = scene().await;
    for amount in [0, 1, 2 * UNIT - 1, 2 * UNIT] {
        refuse_receipt(
            &mut s,
            &c,
            c.receipt(amount, 3 * GIB),
            SettlementError::AmountNotAboveSettled,
        )
        .await;
    }
}

/// Bytes never refuse a receipt (PROTOCOL v2 §4): fewer bytes than already settled still pay
/// on the amount, and `settled_bytes` keeps the largest value seen.
#[tokio::test]
async fn receipt_bytes_going_down_still_pay_on_their_amount() {
    let (mut s, c) = scene().await;
    s.settle(&c, 3 * UNIT, 2 * GIB - 1).await;
    s.settle(&c, 4 * UNIT, 0).await;
    let ch = s.env.channel(&c).await;
    assert_eq!((ch.settled, ch.settled_bytes), (4 * UNIT, 2 * GIB));
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.amount_settled, pm.bytes_settled), (4 * UNIT, 2 * GIB));
}

#[tokio::test]
async fn receipt_settled_at_or_after_the_deadline() {
    let (mut s, c) = scene().await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    let deadline = s.env.channel(&c).await.close_deadline;
    for t in [deadline, deadline + 1, deadline + 30 * DAY] {
        s.env.set_time(t).await;
        refuse_receipt(
            &mut s,
            &c,
            c.receipt(3 * UNIT, 3 * GIB),
            SettlementError::DisputeWindowElapsed,
        )
        .await;
    }
}

#[tokio::test]
async fn receipt_settled_on_a_finalized_channel() {
    let (mut s, c) = scene().await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.env.advance_time(HOUR).await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
        .await;
    let ix = s.settle_ix(&c, c.receipt(3 * UNIT, 3 * GIB));
    s.env
        .must_fail_code(
            &[ix],
            &[&s.p.authority],
            anchor_code(Anchor::AccountNotInitialized),
        )
        .await;
}

// ----- accounts ------------------------------------------------------------------------------

#[tokio::test]
async fn account_another_buyers_escrow() {
    let (mut s, c) = scene().await;
    let thief = s.env.funded_buyer(&s.m, UNIT).await;
    let t = thief.wallet.pubkey();
    let ix = swap(
        ix::DEFAULT.withdraw(t, &s.m.keys, thief.token, UNIT),
        thief.buyer(&s.m),
        s.b.buyer(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&thief.wallet], SettlementError::NotBuyerOwner)
        .await;
    let ix = swap(
        ix::DEFAULT.top_up(t, &c.keys, UNIT),
        c.keys.buyer,
        thief.buyer(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&thief.wallet], SettlementError::WrongBuyer)
        .await;
    // Refund of a finalized channel into the thief's escrow.
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.env.advance_time(HOUR).await;
    let ix = swap(
        ix::DEFAULT.finalize_close(&c.keys),
        c.keys.buyer,
        thief.buyer(&s.m),
    );
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongBuyer)
        .await;
}

#[tokio::test]
async fn account_another_markets_vault_or_mint() {
    let (mut s, _) = scene().await;
    let other = s.env.create_market(TOKEN).await;
    s.env.funded_buyer(&other, 5 * UNIT).await; // the other vault holds tokens
    let w = s.b.wallet.pubkey();
    let ix = swap(
        ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, UNIT),
        s.m.keys.vault,
        other.keys.vault,
    );
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongVault)
        .await;
    let ix = swap(
        ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, UNIT),
        s.m.keys.mint,
        other.keys.mint,
    );
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongMint)
        .await;
    let ix =
        ix::DEFAULT.withdraw_earnings(s.p.authority.pubkey(), &s.m.keys, s.p.payout_token, None);
    let ix = swap(ix, s.m.keys.vault, other.keys.vault);
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongVault)
        .await;
    let ix = swap(
        ix::DEFAULT.sweep_fees(&s.m.keys, &[s.p.provider_market(&s.m)]),
        s.m.keys.vault,
        other.keys.vault,
    );
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongVault)
        .await;
}

#[tokio::test]
async fn account_token_account_of_the_wrong_mint_or_owner() {
    let (mut s, _) = scene().await;
    let other = s.env.create_market(TOKEN).await;
    let w = s.b.wallet.pubkey();
    let foreign = s.env.token_account(other.keys.mint, w).await;
    let ix = ix::DEFAULT.withdraw(w, &s.m.keys, foreign, UNIT);
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongMint)
        .await;
    let ix = ix::DEFAULT.deposit(w, &s.m.keys, foreign, UNIT);
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongMint)
        .await;
    // Depositing from a token account the signer does not own: the token program's
    // OwnerMismatch (4).
    let victim = s.env.buyer(&s.m, 5 * UNIT).await;
    let ix = ix::DEFAULT.deposit(w, &s.m.keys, victim.token, UNIT);
    s.env.must_fail_code(&[ix], &[&s.b.wallet], 4).await;
    // Earnings to a token account the payout wallet does not own.
    let ix = ix::DEFAULT.withdraw_earnings(s.p.authority.pubkey(), &s.m.keys, s.b.token, None);
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::WrongPayoutAccount,
        )
        .await;
}

#[tokio::test]
async fn account_the_wrong_token_program() {
    let (mut s, _) = scene().await;
    let w = s.b.wallet.pubkey();
    for ix in [
        ix::DEFAULT.deposit(w, &s.m.keys, s.b.token, UNIT),
        ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, UNIT),
    ] {
        let ix = swap(ix, TOKEN, TOKEN_2022);
        s.env
            .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongTokenProgram)
            .await;
    }
    // A program that is not a token program at all.
    let ix = swap(
        ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, UNIT),
        TOKEN,
        bandwidth_settlement::ID,
    );
    s.env
        .must_fail_code(&[ix], &[&s.b.wallet], anchor_code(Anchor::InvalidProgramId))
        .await;
}

#[tokio::test]
async fn account_a_channel_of_another_provider() {
    let (mut s, c) = scene().await;
    let q = s.env.provider(&s.m).await;
    // q settles p's channel into its own earnings, or closes it.
    let ix = ix::DEFAULT.settle(
        q.authority.pubkey(),
        &c.keys,
        c.receipt(3 * UNIT, 3 * GIB),
        None,
    );
    let ix = swap(
        swap(ix, s.p.provider, q.provider),
        s.p.provider_market(&s.m),
        q.provider_market(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&q.authority], SettlementError::WrongProvider)
        .await;
    let ix = ix::DEFAULT.close_by_provider(q.authority.pubkey(), &c.keys, None);
    let ix = swap(
        swap(ix, s.p.provider, q.provider),
        s.p.provider_market(&s.m),
        q.provider_market(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&q.authority], SettlementError::WrongProvider)
        .await;
    let entries = [(c.keys.channel, c.receipt(3 * UNIT, 3 * GIB))];
    let ix = ix::DEFAULT.settle_many(
        q.authority.pubkey(),
        s.m.keys.market,
        q.provider,
        &entries,
        None,
    );
    s.env
        .must_fail(&[ix], &[&q.authority], SettlementError::WrongProvider)
        .await;
}

#[tokio::test]
async fn account_duplicated_mutable_accounts() {
    let (mut s, c) = scene().await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    // The vault as the bounty destination.
    let w = s.env.wallet().await;
    let bounty = Some(ix::Bounty {
        market: &s.m.keys,
        destination: s.m.keys.vault,
    });
    let ix = ix::DEFAULT.settle(w.pubkey(), &c.keys, c.receipt(3 * UNIT, 3 * GIB), bounty);
    s.env
        .must_fail_code(
            &[ix],
            &[&w],
            anchor_code(Anchor::ConstraintDuplicateMutableAccount),
        )
        .await;
    // The same channel twice in a batch.
    let r = c.receipt(3 * UNIT, 3 * GIB);
    let ix = ix::DEFAULT.settle_many(
        s.p.authority.pubkey(),
        s.m.keys.market,
        s.p.provider,
        &[(c.keys.channel, r), (c.keys.channel, r)],
        None,
    );
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::DuplicateChannel)
        .await;
    // The buyer's escrow as the rent recipient of its own channel (refused by the rent-payer
    // check before it could alias the escrow).
    let ix = swap(
        ix::DEFAULT.finalize_close(&c.keys),
        c.keys.rent_payer,
        c.keys.buyer,
    );
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongRentPayer)
        .await;
}

#[tokio::test]
async fn account_reinitialising_an_existing_account() {
    let (mut s, _) = scene().await;
    let create = ix::DEFAULT.create_market(
        s.m.admin.pubkey(),
        s.m.keys.mint,
        TOKEN,
        s.m.keys.treasury,
        Env::default_market_args(),
    );
    s.env
        .must_fail(
            &[create],
            &[&s.m.admin],
            SettlementError::AccountAlreadyExists,
        )
        .await;
    let a = s.p.authority.pubkey();
    let register = ix::DEFAULT.register_provider(a, Env::default_provider_args(a));
    s.env
        .must_fail(
            &[register],
            &[&s.p.authority],
            SettlementError::AccountAlreadyExists,
        )
        .await;
    let join = ix::DEFAULT.join_market(a, s.m.keys.market, 1);
    s.env
        .must_fail(
            &[join],
            &[&s.p.authority],
            SettlementError::AccountAlreadyExists,
        )
        .await;
    // A channel address for an id already used (the buyer's next id is 1).
    let w = s.b.wallet.pubkey();
    let (open, _) = ix::DEFAULT.open_channel(
        w,
        s.m.keys.market,
        s.p.provider,
        0,
        OpenChannelArgs {
            amount: UNIT,
            dispute_window_secs: 3_600,
            receipt_signer: w,
        },
    );
    s.env
        .must_fail_code(
            &[open],
            &[&s.b.wallet],
            anchor_code(Anchor::ConstraintSeeds),
        )
        .await;
}

#[tokio::test]
async fn account_used_again_in_the_transaction_that_closed_it() {
    let (mut s, c) = scene().await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.env.advance_time(HOUR).await;
    // Finalize, then settle, top up, or finalize again in the same transaction.
    let a = s.p.authority.pubkey();
    let w = s.b.wallet.pubkey();
    for second in [
        s.settle_ix(&c, c.receipt(3 * UNIT, 3 * GIB)),
        ix::DEFAULT.top_up(w, &c.keys, UNIT),
        ix::DEFAULT.finalize_close(&c.keys),
        ix::DEFAULT.close_by_provider(a, &c.keys, None),
    ] {
        let before = s.env.snapshot().await;
        let out = s
            .env
            .send(
                &[ix::DEFAULT.finalize_close(&c.keys), second],
                &[&s.p.authority, &s.b.wallet],
            )
            .await;
        match out.result {
            Err(solana_transaction_error::TransactionError::InstructionError(1, _)) => {}
            other => panic!("the second instruction must fail: {other:?}"),
        }
        assert_unchanged(&before, &s.env.snapshot().await);
    }
    assert!(
        s.env.raw(c.keys.channel).await.is_some(),
        "the failed transactions closed nothing"
    );
}

// ----- authority -----------------------------------------------------------------------------

#[tokio::test]
async fn authority_buyer_actions_by_someone_else() {
    let (mut s, c) = scene().await;
    let stranger = s.env.funded_buyer(&s.m, UNIT).await;
    let t = stranger.wallet.pubkey();
    let cases = [
        ix::DEFAULT.request_close(t, &c.keys),
        ix::DEFAULT.top_up(t, &c.keys, 1),
        swap(
            ix::DEFAULT.withdraw(t, &s.m.keys, stranger.token, 1),
            stranger.buyer(&s.m),
            s.b.buyer(&s.m),
        ),
    ];
    for ix in cases {
        s.env
            .must_fail(&[ix], &[&stranger.wallet], SettlementError::NotBuyerOwner)
            .await;
    }
    // The provider cannot start the buyer's close either.
    let ix = ix::DEFAULT.request_close(s.p.authority.pubkey(), &c.keys);
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::NotBuyerOwner)
        .await;
}

#[tokio::test]
async fn authority_close_by_provider_by_someone_else() {
    let (mut s, c) = scene().await;
    for k in [
        s.b.wallet.insecure_clone(),
        s.m.admin.insecure_clone(),
        Keypair::new(),
    ] {
        let ix =
            ix::DEFAULT.close_by_provider(k.pubkey(), &c.keys, Some(c.receipt(10 * UNIT, 3 * GIB)));
        s.env
            .must_fail(&[ix], &[&k], SettlementError::NotProviderAuthority)
            .await;
    }
}

#[tokio::test]
async fn authority_market_updates_by_a_non_admin() {
    let (mut s, _) = scene().await;
    for k in [s.b.wallet.insecure_clone(), s.p.authority.insecure_clone()] {
        let ix = ix::DEFAULT.update_market(
            k.pubkey(),
            s.m.keys.market,
            None,
            UpdateMarketArgs {
                fee_bps: Some(0),
                ..Default::default()
            },
        );
        s.env
            .must_fail(&[ix], &[&k], SettlementError::NotMarketAdmin)
            .await;
    }
}

#[tokio::test]
async fn authority_fee_above_the_cap() {
    let (mut s, _) = scene().await;
    for fee in [1_001, 10_000, u16::MAX] {
        let ix = ix::DEFAULT.update_market(
            s.m.admin.pubkey(),
            s.m.keys.market,
            None,
            UpdateMarketArgs {
                fee_bps: Some(fee),
                ..Default::default()
            },
        );
        s.env
            .must_fail(&[ix], &[&s.m.admin], SettlementError::FeeTooHigh)
            .await;
    }
    let mint = s.env.create_mint(TOKEN, &[]).await;
    let treasury = s.env.token_account(mint, s.m.admin.pubkey()).await;
    let args = CreateMarketArgs {
        fee_bps: 1_001,
        ..Env::default_market_args()
    };
    let ix = ix::DEFAULT.create_market(s.m.admin.pubkey(), mint, TOKEN, treasury, args);
    s.env
        .must_fail(&[ix], &[&s.m.admin], SettlementError::FeeTooHigh)
        .await;
}

/// An admin announcing the maximum fee cannot make it apply to a channel opened before the
/// delay, nor to any channel already open.
#[tokio::test]
async fn authority_fee_change_applied_before_its_delay() {
    let (mut s, c) = scene().await;
    let t = s.env.now().await;
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
    s.env.set_time(t + DAY - 1).await;
    let early = s.open(5 * UNIT).await;
    s.env.set_time(t + 10 * DAY).await;
    s.settle(&c, 10 * UNIT, 10 * GIB).await;
    s.settle(&early, 5 * UNIT, 5 * GIB).await;
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.fees_accrued, 15 * UNIT / 40, "2.5 % on both, never 10 %");
}

#[tokio::test]
async fn authority_dispute_window_outside_the_bounds_or_below_the_providers_minimum() {
    let (mut s, _) = scene().await;
    let w = s.b.wallet.pubkey();
    for (window, e) in [
        (0, SettlementError::DisputeWindowOutOfMarketBounds),
        (599, SettlementError::DisputeWindowOutOfMarketBounds),
        (
            7 * 86_400 + 1,
            SettlementError::DisputeWindowOutOfMarketBounds,
        ),
        (u32::MAX, SettlementError::DisputeWindowOutOfMarketBounds),
        (3_599, SettlementError::DisputeWindowBelowProviderMinimum),
    ] {
        let (open, _) = ix::DEFAULT.open_channel(
            w,
            s.m.keys.market,
            s.p.provider,
            1,
            OpenChannelArgs {
                amount: UNIT,
                dispute_window_secs: window,
                receipt_signer: w,
            },
        );
        s.env.must_fail(&[open], &[&s.b.wallet], e).await;
    }
    let ix = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            max_dispute_window_secs: Some(30 * 86_400 + 1),
            ..Default::default()
        },
    );
    s.env
        .must_fail(
            &[ix],
            &[&s.m.admin],
            SettlementError::InvalidDisputeWindowBounds,
        )
        .await;
}

// ----- arithmetic ----------------------------------------------------------------------------

/// u64::MAX at every entry point that takes an amount: refused cleanly or exact, never wrapped.
#[tokio::test]
async fn arithmetic_u64_max_at_every_entry_point() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env
        .provider_with(&m, Env::default_provider_args, u64::MAX)
        .await;
    let b = env.funded_buyer(&m, u64::MAX - 1).await;
    let w = b.wallet.pubkey();
    // The mint cannot issue more: u64::MAX - 1 is all there is besides one unit.
    env.mint_to(m.keys.mint, b.token, 1).await;
    let ix = ix::DEFAULT.deposit(w, &m.keys, b.token, 1);
    env.must(&[ix], &[&b.wallet]).await;
    assert_eq!(env.buyer_account(&m, &b).await.free, u64::MAX);
    let ix = ix::DEFAULT.withdraw(w, &m.keys, b.token, u64::MAX);
    env.must(&[ix], &[&b.wallet]).await;
    let ix = ix::DEFAULT.withdraw(w, &m.keys, b.token, 1);
    env.must_fail(
        &[ix],
        &[&b.wallet],
        SettlementError::InsufficientFreeBalance,
    )
    .await;
    let ix = ix::DEFAULT.deposit(w, &m.keys, b.token, u64::MAX);
    env.must(&[ix], &[&b.wallet]).await;
    let c = env.open_channel(&m, &b, &p, u64::MAX, 3_600).await;
    assert_eq!(env.channel(&c).await.price_per_gib, u64::MAX);
    let ix = ix::DEFAULT.top_up(w, &c.keys, 1);
    env.must_fail(
        &[ix],
        &[&b.wallet],
        SettlementError::InsufficientFreeBalance,
    )
    .await;
    let ix = ix::DEFAULT.settle(
        p.authority.pubkey(),
        &c.keys,
        c.receipt(u64::MAX, u64::MAX),
        None,
    );
    env.must(&[ix], &[&p.authority]).await;
    let ix = ix::DEFAULT.withdraw_earnings(
        p.authority.pubkey(),
        &m.keys,
        p.payout_token,
        Some(u64::MAX),
    );
    env.must_fail(
        &[ix],
        &[&p.authority],
        SettlementError::InsufficientEarnings,
    )
    .await;
    let pm = env.provider_market(&m, &p).await;
    assert_eq!(pm.earnings + pm.fees_accrued, u64::MAX);
    env.must(
        &[ix::DEFAULT.withdraw_earnings(p.authority.pubkey(), &m.keys, p.payout_token, None)],
        &[&p.authority],
    )
    .await;
    env.must(
        &[ix::DEFAULT.sweep_fees(&m.keys, &[p.provider_market(&m)])],
        &[],
    )
    .await;
    let ix = ix::DEFAULT.close_by_provider(p.authority.pubkey(), &c.keys, None);
    env.must(&[ix], &[&p.authority]).await;
    assert_eq!(env.token_balance(m.keys.vault).await, 0);
}
