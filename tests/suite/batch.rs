//! settle_many: K = 1 … max channels of one provider in one transaction (legacy and v0 with a
//! lookup table, distinct buyers), every refusal, and watcher bounties in a batch.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{batch, ix};
use bandwidth_tests::*;
use solana_signer::Signer;

/// Opens one channel from each of `n` new buyers to `p`; each gets a receipt of `amount`.
async fn channels(
    env: &mut Env,
    m: &MarketFixture,
    p: &ProviderFixture,
    n: usize,
    amount: u64,
) -> Vec<(ChannelFixture, ReceiptArgs)> {
    let mut out = vec![];
    for i in 0..n {
        let b = env.funded_buyer(m, 10 * UNIT).await;
        let c = env.open_channel(m, &b, p, 10 * UNIT, HOUR as u32).await;
        let r = c.receipt(amount + i as u64, u64::MAX - i as u64);
        out.push((c, r));
    }
    out
}

/// The transaction as sent: a compute-unit limit, then the batch (the harness adds the same
/// compute-budget instruction when it sends).
fn measured(
    payer: &Pubkey,
    ix: &solana_instruction::Instruction,
    tables: &[solana_message::AddressLookupTableAccount],
) -> (usize, usize) {
    let budget = solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(
        1_400_000,
    );
    batch::measure(payer, &[budget, ix.clone()], tables).unwrap()
}

fn entries(cs: &[(ChannelFixture, ReceiptArgs)]) -> Vec<(Pubkey, ReceiptArgs)> {
    cs.iter().map(|(c, r)| (c.keys.channel, *r)).collect()
}

async fn assert_settled(env: &Env, cs: &[(ChannelFixture, ReceiptArgs)]) {
    for (c, r) in cs {
        let ch = env.channel(c).await;
        assert_eq!((ch.settled, ch.settled_bytes), (r.amount, r.bytes));
    }
}

#[tokio::test]
async fn k_channels_of_distinct_buyers_in_one_legacy_transaction() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let a = p.authority.pubkey();
    let mut expected_earnings = 0;
    for k in 1..=8 {
        let cs = channels(&mut env, &m, &p, k, 2 * UNIT).await;
        // The provider pays for its own settlement: one signature.
        let ix = ix::DEFAULT.settle_many(a, m.keys.market, p.provider, &entries(&cs), None);
        let (size, accounts) = measured(&a, &ix, &[]);
        assert!(
            size <= batch::PACKET_DATA_SIZE && accounts <= batch::MAX_ACCOUNT_LOCKS,
            "k={k}: {size} bytes"
        );
        env.must_paid_by(&p.authority, &[ix], &[]).await;
        assert_settled(&env, &cs).await;
        for (_, r) in &cs {
            expected_earnings += r.amount - r.amount / 40;
        }
        assert_eq!(
            env.provider_market(&m, &p).await.earnings,
            expected_earnings
        );
    }
    // Nine do not fit a legacy transaction.
    let cs = channels(&mut env, &m, &p, 9, 2 * UNIT).await;
    let ix = ix::DEFAULT.settle_many(a, m.keys.market, p.provider, &entries(&cs), None);
    let (size, _) = measured(&a, &ix, &[]);
    assert!(size > batch::PACKET_DATA_SIZE, "{size}");
}

#[tokio::test]
async fn k_channels_of_distinct_buyers_in_one_v0_transaction_with_a_lookup_table() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN_2022).await;
    let p = env.provider(&m).await;
    let a = p.authority.pubkey();
    let cs = channels(&mut env, &m, &p, 11 * 12 / 2 + 12, 3 * UNIT).await;
    let mut addresses = vec![p.provider, p.provider_market(&m)];
    addresses.extend(cs.iter().map(|(c, _)| c.keys.channel));
    let table = env.lookup_table(&addresses).await;
    let tables = [table];
    let mut next = 0;
    for k in 1..=11 {
        let batch = &cs[next..next + k];
        next += k;
        let ix = ix::DEFAULT.settle_many(a, m.keys.market, p.provider, &entries(batch), None);
        let (size, accounts) = measured(&a, &ix, &tables);
        assert!(
            size <= batch::PACKET_DATA_SIZE && accounts <= batch::MAX_ACCOUNT_LOCKS,
            "k={k}: {size}"
        );
        env.must_paid_by(&p.authority, &[ix], &tables).await;
        assert_settled(&env, batch).await;
    }
    let ix = ix::DEFAULT.settle_many(
        a,
        m.keys.market,
        p.provider,
        &entries(&cs[next..next + 12]),
        None,
    );
    let (size, _) = measured(&a, &ix, &tables);
    assert!(size > batch::PACKET_DATA_SIZE, "twelve do not fit: {size}");
}

#[tokio::test]
async fn batch_refusals_change_nothing() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let q = env.provider(&m).await;
    let a = p.authority.pubkey();
    let cs = channels(&mut env, &m, &p, 3, UNIT).await;
    let theirs = channels(&mut env, &m, &q, 1, UNIT).await;
    let e = entries(&cs);
    let many = |entries: &[(Pubkey, ReceiptArgs)]| {
        ix::DEFAULT.settle_many(a, m.keys.market, p.provider, entries, None)
    };

    // The same channel twice.
    let dup = [e[0], e[1], (e[0].0, cs[0].0.receipt(UNIT + 5, 1))];
    env.must_fail(
        &[many(&dup)],
        &[&p.authority],
        SettlementError::DuplicateChannel,
    )
    .await;
    // A channel of another provider.
    let mixed = [e[0], entries(&theirs)[0]];
    env.must_fail(
        &[many(&mixed)],
        &[&p.authority],
        SettlementError::WrongProvider,
    )
    .await;
    // A receipt without its channel, and a channel without its receipt.
    let mut ix = many(&e);
    ix.accounts.pop();
    env.must_fail(
        &[ix],
        &[&p.authority],
        SettlementError::ReceiptCountMismatch,
    )
    .await;
    let mut ix = many(&e[..2]);
    ix.accounts
        .push(solana_instruction::AccountMeta::new(e[2].0, false));
    env.must_fail(
        &[ix],
        &[&p.authority],
        SettlementError::ReceiptCountMismatch,
    )
    .await;
    // Nothing at all; a read-only channel.
    env.must_fail(&[many(&[])], &[&p.authority], SettlementError::EmptyBatch)
        .await;
    let mut ix = many(&e);
    ix.accounts.last_mut().unwrap().is_writable = false;
    env.must_fail(&[ix], &[&p.authority], SettlementError::ChannelNotWritable)
        .await;
    // One bad receipt refuses the whole batch.
    let mut bad = e.clone();
    bad[1].1.signature[7] ^= 1;
    env.must_fail(
        &[many(&bad)],
        &[&p.authority],
        SettlementError::InvalidReceiptSignature,
    )
    .await;
    let mut over = e.clone();
    over[2].1 = cs[2].0.receipt(10 * UNIT + 1, 1);
    env.must_fail(
        &[many(&over)],
        &[&p.authority],
        SettlementError::AmountExceedsDeposit,
    )
    .await;
    // A channel of this provider in another market, with this market's provider account.
    let other = env.create_market(TOKEN).await;
    env.must(
        &[ix::DEFAULT.join_market(a, other.keys.market, UNIT)],
        &[&p.authority],
    )
    .await;
    let elsewhere = channels(&mut env, &other, &p, 1, UNIT).await;
    let ix = many(&[e[0], entries(&elsewhere)[0]]);
    env.must_fail(&[ix], &[&p.authority], SettlementError::WrongMarket)
        .await;
    // A non-channel account in the channel list.
    let ix = many(&[(p.provider_market(&m), cs[0].1)]);
    env.must_fail_code(
        &[ix],
        &[&p.authority],
        anchor_code(anchor_lang::error::ErrorCode::AccountDiscriminatorMismatch),
    )
    .await;

    // After all that, the honest batch settles, and a second time changes nothing more: its
    // entries are already settled, so they are skipped (ADR 0007).
    env.must(&[many(&e)], &[&p.authority]).await;
    assert_settled(&env, &cs).await;
    let before = env.snapshot().await;
    env.must(&[many(&e)], &[&p.authority]).await;
    assert_unchanged(&before, &env.snapshot().await);
}

/// A watcher settling a mix of open and closing channels is paid the bounty of the closing ones
/// only, in one transfer; the provider settling its own batch pays none.
#[tokio::test]
async fn a_watcher_batch_pays_bounties_on_closing_channels_only() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await; // bounty 5 %
    let mut buyers = vec![];
    let mut cs = vec![];
    for i in 0..4 {
        let b = env.funded_buyer(&m, 10 * UNIT).await;
        let c = env.open_channel(&m, &b, &p, 10 * UNIT, HOUR as u32).await;
        if i % 2 == 0 {
            env.must(
                &[ix::DEFAULT.request_close(b.wallet.pubkey(), &c.keys)],
                &[&b.wallet],
            )
            .await;
        }
        let r = c.receipt(4 * UNIT, GIB);
        cs.push((c, r));
        buyers.push(b);
    }
    env.advance_time(HOUR / 2).await; // the closing channels' bounty phase
    let watcher = env.wallet().await;
    let wt = env.token_account(m.keys.mint, watcher.pubkey()).await;
    let bounty = Some(ix::Bounty {
        market: &m.keys,
        destination: wt,
    });
    let ix = ix::DEFAULT.settle_many(
        watcher.pubkey(),
        m.keys.market,
        p.provider,
        &entries(&cs),
        bounty,
    );
    env.must(&[ix], &[&watcher]).await;
    // Two closing channels: 4 tokens each, fee 0.1, provider share 3.9, bounty 5 % = 0.195.
    assert_eq!(env.token_balance(wt).await, 2 * 195_000);
    let pm = env.provider_market(&m, &p).await;
    assert_eq!(pm.bounties_paid, 390_000);
    assert_eq!(pm.earnings, 4 * 3_900_000 - 390_000);
    assert_settled(&env, &cs).await;
}
