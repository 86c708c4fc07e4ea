//! request_close, finalize_close, close_by_provider and watcher settlements during a close.
use anchor_lang::error::ErrorCode as AnchorError;
use bandwidth_client::ix;
use bandwidth_tests::*;
use solana_signer::Signer;

#[tokio::test]
async fn request_close_starts_the_dispute_window() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    let t = s.env.now().await;
    let ix = ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys);
    s.env.must(std::slice::from_ref(&ix), &[&s.b.wallet]).await;
    let ch = s.env.channel(&c).await;
    assert_eq!(
        (ch.state, ch.close_deadline),
        (ChannelState::Closing, t + HOUR)
    );
    assert_eq!(
        s.env
            .provider_market(&s.m, &s.p)
            .await
            .channels_force_closed,
        1
    );
    // Twice is refused.
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::ChannelNotOpen)
        .await;
}

#[tokio::test]
async fn request_close_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    // Neither the provider nor another buyer can start a buyer's close.
    let other = s.env.funded_buyer(&s.m, UNIT).await;
    let ix = ix::DEFAULT.request_close(other.wallet.pubkey(), &c.keys);
    s.env
        .must_fail(&[ix], &[&other.wallet], SettlementError::NotBuyerOwner)
        .await;
    let ix = swap(
        ix::DEFAULT.request_close(other.wallet.pubkey(), &c.keys),
        c.keys.buyer,
        other.buyer(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&other.wallet], SettlementError::WrongBuyer)
        .await;
    let ix = ix::DEFAULT.request_close(s.p.authority.pubkey(), &c.keys);
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::NotBuyerOwner)
        .await;
    // Another provider's market account.
    let q = s.env.provider(&s.m).await;
    let ix = swap(
        ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys),
        c.keys.provider_market(),
        q.provider_market(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::WrongProvider)
        .await;
}

/// The provider settles its best receipt up to the last second before the deadline; from the
/// deadline on, only finalize is possible.
#[tokio::test]
async fn settlement_is_possible_strictly_before_the_deadline() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    let deadline = s.env.channel(&c).await.close_deadline;
    s.env.set_time(deadline - 1).await;
    s.settle(&c, UNIT, GIB).await;
    s.env.set_time(deadline).await;
    let ix = s.settle_ix(&c, c.receipt(2 * UNIT, 2 * GIB));
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::DisputeWindowElapsed,
        )
        .await;
    let ix = ix::DEFAULT.close_by_provider(
        s.p.authority.pubkey(),
        &c.keys,
        Some(c.receipt(2 * UNIT, 2 * GIB)),
    );
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::DisputeWindowElapsed,
        )
        .await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
        .await;
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 9 * UNIT);
}

#[tokio::test]
async fn finalize_refunds_everything_unsettled_to_the_buyer() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    let wallet = s.b.wallet.pubkey();
    let lamports = s.env.lamports(wallet).await;
    let rent = s.env.lamports(c.keys.channel).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(wallet, &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.env.advance_time(HOUR).await;
    // Anyone may finalize (here the harness payer, a stranger).
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
        .await;
    assert!(s.env.raw(c.keys.channel).await.is_none());
    assert_eq!(s.env.lamports(wallet).await, lamports + rent);
    let buyer = s.env.buyer_account(&s.m, &s.b).await;
    assert_eq!(
        (buyer.free, buyer.open_channels, buyer.next_channel_id),
        (10 * UNIT, 0, 1)
    );
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.channels_active, pm.channels_finalized), (0, 1));
    // The closed channel is gone for good: its receipts, and a second finalize, are refused.
    let ix = s.settle_ix(&c, c.receipt(UNIT, GIB));
    s.env
        .must_fail_code(
            &[ix],
            &[&s.p.authority],
            anchor_code(AnchorError::AccountNotInitialized),
        )
        .await;
    s.env
        .must_fail_code(
            &[ix::DEFAULT.finalize_close(&c.keys)],
            &[],
            anchor_code(AnchorError::AccountNotInitialized),
        )
        .await;
    // The next channel gets a new address: a receipt of the old one is worthless there.
    let c2 = s.open(4 * UNIT).await;
    assert_ne!(c2.keys.channel, c.keys.channel);
    let old = c.receipt(UNIT, GIB);
    let ix = s.settle_ix(&c2, old);
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::InvalidReceiptSignature,
        )
        .await;
}

#[tokio::test]
async fn finalize_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    s.env
        .must_fail(
            &[ix::DEFAULT.finalize_close(&c.keys)],
            &[],
            SettlementError::ChannelNotClosing,
        )
        .await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    s.env.advance_time(HOUR - 1).await;
    s.env
        .must_fail(
            &[ix::DEFAULT.finalize_close(&c.keys)],
            &[],
            SettlementError::DisputeWindowNotElapsed,
        )
        .await;
    s.env.advance_time(1).await;
    // Refund into another buyer's escrow, rent to a stranger, or another provider's stats.
    let other = s.env.funded_buyer(&s.m, UNIT).await;
    let ix = swap(
        ix::DEFAULT.finalize_close(&c.keys),
        c.keys.buyer,
        other.buyer(&s.m),
    );
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongBuyer)
        .await;
    let ix = swap(
        ix::DEFAULT.finalize_close(&c.keys),
        c.keys.rent_payer,
        other.wallet.pubkey(),
    );
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongRentPayer)
        .await;
    let q = s.env.provider(&s.m).await;
    let ix = swap(
        ix::DEFAULT.finalize_close(&c.keys),
        c.keys.provider_market(),
        q.provider_market(&s.m),
    );
    s.env
        .must_fail(&[ix], &[], SettlementError::WrongProvider)
        .await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
        .await;
}

#[tokio::test]
async fn close_by_provider_settles_a_final_receipt_and_refunds_at_once() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    s.settle(&c, UNIT, GIB).await;
    let ix = ix::DEFAULT.close_by_provider(
        s.p.authority.pubkey(),
        &c.keys,
        Some(c.receipt(3 * UNIT, 3 * GIB)),
    );
    s.env.must(&[ix], &[&s.p.authority]).await;
    assert!(s.env.raw(c.keys.channel).await.is_none());
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 7 * UNIT);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.earnings, pm.fees_accrued), (3 * UNIT - 75_000, 75_000));
    assert_eq!((pm.channels_closed_by_provider, pm.channels_active), (1, 0));

    // Without a receipt: everything unsettled goes back.
    let c2 = s.open(5 * UNIT).await;
    let ix = ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &c2.keys, None);
    s.env.must(&[ix], &[&s.p.authority]).await;
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 7 * UNIT);

    // While closing, before the deadline, too.
    let c3 = s.open(2 * UNIT).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c3.keys)],
            &[&s.b.wallet],
        )
        .await;
    let ix = ix::DEFAULT.close_by_provider(
        s.p.authority.pubkey(),
        &c3.keys,
        Some(c3.receipt(UNIT, GIB)),
    );
    s.env.must(&[ix], &[&s.p.authority]).await;
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 6 * UNIT);
}

#[tokio::test]
async fn close_by_provider_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    let a = s.p.authority.pubkey();
    // The buyer, or another provider (with its own provider account), cannot close it.
    let ix = ix::DEFAULT.close_by_provider(s.b.wallet.pubkey(), &c.keys, None);
    s.env
        .must_fail(&[ix], &[&s.b.wallet], SettlementError::NotProviderAuthority)
        .await;
    let q = s.env.provider(&s.m).await;
    let ix = swap(
        ix::DEFAULT.close_by_provider(q.authority.pubkey(), &c.keys, None),
        s.p.provider,
        q.provider,
    );
    let ix = swap(ix, s.p.provider_market(&s.m), q.provider_market(&s.m));
    s.env
        .must_fail(&[ix], &[&q.authority], SettlementError::WrongProvider)
        .await;
    // A bad final receipt refuses the whole close.
    let mut r = c.receipt(2 * UNIT, GIB);
    r.signature[0] ^= 0x80;
    let ix = ix::DEFAULT.close_by_provider(a, &c.keys, Some(r));
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::InvalidReceiptSignature,
        )
        .await;
    let ix = ix::DEFAULT.close_by_provider(a, &c.keys, Some(c.receipt(4 * UNIT + 1, GIB)));
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::AmountExceedsDeposit,
        )
        .await;
    // Rent to someone else, refund to another buyer.
    let other = s.env.funded_buyer(&s.m, UNIT).await;
    let ix = swap(
        ix::DEFAULT.close_by_provider(a, &c.keys, None),
        c.keys.rent_payer,
        other.wallet.pubkey(),
    );
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongRentPayer)
        .await;
    let ix = swap(
        ix::DEFAULT.close_by_provider(a, &c.keys, None),
        c.keys.buyer,
        other.buyer(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongBuyer)
        .await;
}

/// A watcher (anyone but the provider) settles a closing channel for an offline provider and
/// earns the provider's bounty, taken from the provider's share only.
#[tokio::test]
async fn a_watcher_earns_the_bounty_on_a_closing_channel() {
    let mut s = Scene::new(TOKEN_2022, 10 * UNIT).await;
    let c = s.open(8 * UNIT).await;
    s.settle(&c, 2 * UNIT, 2 * GIB).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    // The provider stays offline through the first half of the window.
    s.env.advance_time(HOUR / 2).await;

    let watcher = s.env.wallet().await;
    let watcher_token = s.env.token_account(s.m.keys.mint, watcher.pubkey()).await;
    let bounty = Some(ix::Bounty {
        market: &s.m.keys,
        destination: watcher_token,
    });
    let ix = ix::DEFAULT.settle(
        watcher.pubkey(),
        &c.keys,
        c.receipt(6 * UNIT, 6 * GIB),
        bounty,
    );
    s.env.must(&[ix], &[&watcher]).await;
    // 4 tokens settled: fee 0.1, provider share 3.9, bounty 5 % of it.
    assert_eq!(s.env.token_balance(watcher_token).await, 195_000);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(
        pm.fees_accrued, 150_000,
        "the fee is untouched by the bounty"
    );
    assert_eq!(pm.earnings, 1_950_000 + 3_900_000 - 195_000);
    assert_eq!(pm.bounties_paid, 195_000);

    // The provider settling its own closing channel pays no bounty, even with the accounts.
    let own = s
        .env
        .token_account(s.m.keys.mint, s.p.authority.pubkey())
        .await;
    let bounty = Some(ix::Bounty {
        market: &s.m.keys,
        destination: own,
    });
    let ix = ix::DEFAULT.settle(
        s.p.authority.pubkey(),
        &c.keys,
        c.receipt(7 * UNIT, 7 * GIB),
        bounty,
    );
    s.env.must(&[ix], &[&s.p.authority]).await;
    assert_eq!(s.env.token_balance(own).await, 0);
    // A watcher that asks for no bounty pays none.
    let ix = ix::DEFAULT.settle(
        watcher.pubkey(),
        &c.keys,
        c.receipt(8 * UNIT, 8 * GIB),
        None,
    );
    s.env.must(&[ix], &[&watcher]).await;
    assert_eq!(s.env.token_balance(watcher_token).await, 195_000);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.earnings + pm.fees_accrued + pm.bounties_paid, 8 * UNIT);
}

#[tokio::test]
async fn bounty_account_refusals_change_nothing() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(8 * UNIT).await;
    s.env
        .must(
            &[ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys)],
            &[&s.b.wallet],
        )
        .await;
    let watcher = s.env.wallet().await;
    let dest = s.env.token_account(s.m.keys.mint, watcher.pubkey()).await;
    let w = watcher.pubkey();
    let keys = c.keys;
    let mk = s.m.keys;
    let r = c.receipt(UNIT, GIB);
    let with = |dest| {
        ix::DEFAULT.settle(
            w,
            &keys,
            r,
            Some(ix::Bounty {
                market: &mk,
                destination: dest,
            }),
        )
    };

    // Only some of the bounty accounts.
    let mut partial = with(dest);
    partial.accounts[6].pubkey = bandwidth_settlement::ID; // vault: absent
    s.env
        .must_fail(
            &[partial],
            &[&watcher],
            SettlementError::IncompleteBountyAccounts,
        )
        .await;
    // Another market's vault, mint or market; a destination of another mint.
    let other = s.env.create_market(TOKEN).await;
    let ix = swap(with(dest), mk.vault, other.keys.vault);
    s.env
        .must_fail(&[ix], &[&watcher], SettlementError::WrongVault)
        .await;
    let ix = swap(with(dest), mk.mint, other.keys.mint);
    s.env
        .must_fail(&[ix], &[&watcher], SettlementError::WrongMint)
        .await;
    let ix = swap(with(dest), mk.market, other.keys.market);
    s.env
        .must_fail(&[ix], &[&watcher], SettlementError::WrongMarket)
        .await;
    let foreign = s.env.token_account(other.keys.mint, w).await;
    s.env
        .must_fail(&[with(foreign)], &[&watcher], SettlementError::WrongMint)
        .await;
    let ix = swap(with(dest), TOKEN, TOKEN_2022);
    s.env
        .must_fail(&[ix], &[&watcher], SettlementError::WrongTokenProgram)
        .await;
    // The vault itself as destination: a duplicated writable account.
    s.env
        .must_fail_code(
            &[with(mk.vault)],
            &[&watcher],
            anchor_code(AnchorError::ConstraintDuplicateMutableAccount),
        )
        .await;
    s.env.must(&[with(dest)], &[&watcher]).await;
}

/// Invariant 5: a buyer whose provider vanished gets `deposit - largest signed amount` back
/// within the dispute window plus one transaction, with no help from anyone.
#[tokio::test]
async fn a_buyer_recovers_everything_it_never_signed_without_the_provider() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(6 * UNIT).await;
    s.settle(&c, 2 * UNIT, 2 * GIB).await;
    let _signed_but_never_settled = c.receipt(5 * UNIT, 5 * GIB);
    let w = s.b.wallet.pubkey();
    s.env
        .must(&[ix::DEFAULT.request_close(w, &c.keys)], &[&s.b.wallet])
        .await;
    s.env.advance_time(HOUR).await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
        .await;
    let ix = ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, 8 * UNIT);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    assert_eq!(s.env.token_balance(s.b.token).await, 8 * UNIT);
}
