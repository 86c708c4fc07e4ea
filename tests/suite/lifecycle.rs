//! The whole life of a channel, end to end, with totals exact to the base unit.
use bandwidth_client::ix;
use bandwidth_tests::*;
use solana_signer::Signer;

/// deposit → open → off-chain receipts → settle twice → buyer requests close → provider
/// settles the highest receipt inside the window → finalize after the deadline → buyer
/// withdraws; provider withdraws; fees are swept.
#[tokio::test]
async fn full_lifecycle_legacy_token() {
    full_lifecycle(TOKEN).await
}

#[tokio::test]
async fn full_lifecycle_token_2022() {
    full_lifecycle(TOKEN_2022).await
}

async fn full_lifecycle(token_program: anchor_lang::prelude::Pubkey) {
    let mut s = Scene::new(token_program, 100 * UNIT).await;
    let buyer_wallet_lamports = s.env.lamports(s.b.wallet.pubkey()).await;
    let c = s.open(40 * UNIT).await;
    let channel_rent = s.env.lamports(c.keys.channel).await;
    assert!(channel_rent > 0);
    assert_eq!(
        s.env.lamports(s.b.wallet.pubkey()).await,
        buyer_wallet_lamports - channel_rent,
        "the buyer pays the channel's rent"
    );
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 60 * UNIT);

    // The buyer's meter: a cumulative receipt every 256 MiB at 1 token per GiB.
    let price = s.env.channel(&c).await.price_per_gib;
    assert_eq!(price, UNIT);
    let receipts: Vec<_> = (1..=30u64)
        .map(|i| {
            let bytes = i * 256 * 1024 * 1024;
            c.receipt(bytes * price / GIB, bytes)
        })
        .collect();
    for r in &receipts {
        assert!(bandwidth_settlement::receipt::verify(
            &c.signer.pubkey(),
            &c.keys.channel,
            r.amount,
            r.bytes,
            &r.signature
        ));
    }

    // Two settlements while open.
    for r in [receipts[7], receipts[15]] {
        let ix = s.settle_ix(&c, r);
        s.env.must(&[ix], &[&s.p.authority]).await;
    }
    let ch = s.env.channel(&c).await;
    assert_eq!((ch.settled, ch.settled_bytes), (4 * UNIT, 4 * GIB));
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.fees_accrued, 100_000); // 2.5 % of 4 tokens
    assert_eq!(pm.earnings, 4 * UNIT - 100_000);

    // The buyer forces a close; the provider answers inside the window with its best receipt.
    let ix = ix::DEFAULT.request_close(s.b.wallet.pubkey(), &c.keys);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    let ch = s.env.channel(&c).await;
    assert_eq!(ch.state, ChannelState::Closing);
    let deadline = ch.close_deadline;
    assert_eq!(deadline, s.env.now().await + HOUR);

    s.env.set_time(deadline - 1).await;
    let ix = s.settle_ix(&c, receipts[29]);
    s.env.must(&[ix], &[&s.p.authority]).await;

    // Too early to finalize, then after the deadline anyone may.
    let ix = ix::DEFAULT.finalize_close(&c.keys);
    s.env
        .must_fail(
            std::slice::from_ref(&ix),
            &[],
            SettlementError::DisputeWindowNotElapsed,
        )
        .await;
    s.env.set_time(deadline).await;
    s.env.must(&[ix], &[]).await;
    assert!(s.env.raw(c.keys.channel).await.is_none(), "channel closed");
    assert_eq!(
        s.env.lamports(s.b.wallet.pubkey()).await,
        buyer_wallet_lamports,
        "rent returned to the buyer"
    );

    let total = 7_500_000; // 7.5 GiB at 1 token per GiB
    let fee = total * 250 / 10_000;
    let buyer = s.env.buyer_account(&s.m, &s.b).await;
    assert_eq!(buyer.free, 100 * UNIT - total);
    assert_eq!(buyer.open_channels, 0);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(pm.earnings, total - fee);
    assert_eq!(pm.fees_accrued, fee);
    assert_eq!(pm.bytes_settled, 30 * 256 * 1024 * 1024);
    assert_eq!((pm.channels_opened, pm.channels_active), (1, 0));
    assert_eq!((pm.channels_force_closed, pm.channels_finalized), (1, 1));

    // Everyone takes their money out.
    let ix = ix::DEFAULT.withdraw(s.b.wallet.pubkey(), &s.m.keys, s.b.token, buyer.free);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    let ix =
        ix::DEFAULT.withdraw_earnings(s.p.authority.pubkey(), &s.m.keys, s.p.payout_token, None);
    s.env.must(&[ix], &[&s.p.authority]).await;
    let supply_before = s.env.mint_supply(s.m.keys.mint).await;
    let ix = ix::DEFAULT.sweep_fees(&s.m.keys, &[s.p.provider_market(&s.m)]);
    s.env.must(&[ix], &[]).await;

    let burned = fee * 2_000 / 10_000;
    assert_eq!(s.env.token_balance(s.b.token).await, 100 * UNIT - total);
    assert_eq!(s.env.token_balance(s.p.payout_token).await, total - fee);
    assert_eq!(s.env.token_balance(s.m.keys.treasury).await, fee - burned);
    assert_eq!(
        s.env.mint_supply(s.m.keys.mint).await,
        supply_before - burned
    );
    assert_eq!(s.env.token_balance(s.m.keys.vault).await, 0);
    let market = s.env.market(&s.m).await;
    assert_eq!(
        (market.fees_to_treasury, market.fees_burned),
        (fee - burned, burned)
    );
    assert!(s.env.invariant_checks > 20);
}
