//! Every balance of PROTOCOL invariant 1 can be rebuilt from the program's events alone.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    events::{parse_logs, ProgramEvent as E},
    ix,
};
use bandwidth_tests::*;
use solana_signer::Signer;
use std::collections::HashMap;

/// Balances as an indexer that only reads events would know them.
#[derive(Default, Debug)]
struct Indexer {
    free: HashMap<Pubkey, u64>,
    channel_remaining: HashMap<Pubkey, u64>,
    earnings: HashMap<Pubkey, u64>, // by provider (one market here)
    fees: HashMap<Pubkey, u64>,
    /// Each channel's provider, from its ChannelOpened.
    provider_of: HashMap<Pubkey, Pubkey>,
    /// ChannelSettled events of the current instruction, checked against its SettlementBatch.
    pending: (u16, u64),
    vault: u64,
    events: usize,
}

impl Indexer {
    fn apply(&mut self, logs: &[String]) {
        for e in parse_logs(logs).expect("no truncated log") {
            self.events += 1;
            match e {
                E::Deposited(e) => {
                    *self.free.entry(e.buyer).or_default() += e.amount;
                    self.vault += e.amount;
                    assert_eq!(self.free[&e.buyer], e.free_balance);
                }
                E::Withdrawn(e) => {
                    *self.free.get_mut(&e.buyer).unwrap() -= e.amount;
                    self.vault -= e.amount;
                    assert_eq!(self.free[&e.buyer], e.free_balance);
                }
                E::ChannelOpened(e) => {
                    *self.free.get_mut(&e.buyer).unwrap() -= e.deposit;
                    self.channel_remaining.insert(e.channel, e.deposit);
                    self.provider_of.insert(e.channel, e.provider);
                    assert_eq!(self.free[&e.buyer], e.buyer_free_balance);
                }
                E::ChannelToppedUp(e) => {
                    *self.free.get_mut(&e.buyer).unwrap() -= e.amount;
                    *self.channel_remaining.get_mut(&e.channel).unwrap() += e.amount;
                    assert_eq!(self.free[&e.buyer], e.buyer_free_balance);
                }
                E::ChannelSettled(e) => {
                    assert_eq!(e.gross, e.fee + e.bounty + e.provider_amount);
                    *self.channel_remaining.get_mut(&e.channel).unwrap() -= e.gross;
                    let provider = self.provider_of[&e.channel];
                    *self.earnings.entry(provider).or_default() += e.provider_amount;
                    *self.fees.entry(provider).or_default() += e.fee;
                    self.vault -= e.bounty; // paid out to the watcher
                    self.pending = (self.pending.0 + 1, self.pending.1 + e.gross);
                }
                E::SettlementBatch(e) => {
                    assert_eq!(self.pending, (e.channels, e.gross));
                    self.pending = (0, 0);
                    assert_eq!(self.earnings[&e.provider], e.provider_earnings);
                    assert_eq!(self.fees[&e.provider], e.provider_fees_accrued);
                }
                E::ChannelClosed(e) => {
                    let remaining = self.channel_remaining.remove(&e.channel).unwrap();
                    assert_eq!(remaining, e.refund);
                    *self.free.get_mut(&e.buyer).unwrap() += e.refund;
                    assert_eq!(self.free[&e.buyer], e.buyer_free_balance);
                }
                E::EarningsWithdrawn(e) => {
                    *self.earnings.get_mut(&e.provider).unwrap() -= e.amount;
                    self.vault -= e.amount;
                    assert_eq!(self.earnings[&e.provider], e.earnings);
                }
                E::ProviderFeesSwept(e) => {
                    *self.fees.get_mut(&e.provider).unwrap() -= e.amount;
                }
                E::FeesSwept(e) => {
                    assert_eq!(e.total, e.to_treasury + e.burned);
                    self.vault -= e.total;
                }
                _ => {}
            }
        }
    }
}

/// A scenario touching every instruction that moves money, replayed by an indexer that reads
/// nothing but the events of every successful transaction since genesis.
#[tokio::test]
async fn an_indexer_rebuilds_every_balance_from_events() {
    let mut s = Scene::new(TOKEN, 20 * UNIT).await;
    let b2 = s.env.funded_buyer(&s.m, 5 * UNIT).await;
    let w = s.b.wallet.pubkey();
    let a = s.p.authority.pubkey();
    let watcher = s.env.wallet().await;
    let wt = s.env.token_account(s.m.keys.mint, watcher.pubkey()).await;

    let c1 = s.open(8 * UNIT).await;
    let c2 = s
        .env
        .open_channel(&s.m, &b2, &s.p, 3 * UNIT, HOUR as u32)
        .await;
    let _c3 = s.open(2 * UNIT).await;
    s.env
        .must(&[ix::DEFAULT.top_up(w, &c1.keys, 3 * UNIT)], &[&s.b.wallet])
        .await;
    s.settle(&c1, 4_000_001, GIB).await;
    s.settle(&c2, 1_500_000, GIB).await;
    s.env
        .must(&[ix::DEFAULT.request_close(w, &c1.keys)], &[&s.b.wallet])
        .await;
    s.env.advance_time(HOUR / 2).await; // the bounty phase
    let bounty = Some(ix::Bounty {
        market: &s.m.keys,
        destination: wt,
    });
    let settle = ix::DEFAULT.settle(
        watcher.pubkey(),
        &c1.keys,
        c1.receipt(9 * UNIT, 2 * GIB),
        bounty,
    );
    s.env.must(&[settle], &[&watcher]).await;
    s.env.advance_time(HOUR).await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c1.keys)], &[])
        .await;
    let close = ix::DEFAULT.close_by_provider(a, &c2.keys, Some(c2.receipt(2 * UNIT, GIB)));
    s.env.must(&[close], &[&s.p.authority]).await;
    s.env
        .must(
            &[ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, UNIT)],
            &[&s.b.wallet],
        )
        .await;
    let ix = ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, Some(UNIT));
    s.env.must(&[ix], &[&s.p.authority]).await;
    let ix = ix::DEFAULT.sweep_fees(&s.m.keys, &[s.p.provider_market(&s.m)]);
    s.env.must(&[ix], &[]).await;

    let mut indexer = Indexer::default();
    for logs in &s.env.history {
        indexer.apply(logs);
    }
    assert!(indexer.events >= 17, "events decoded: {}", indexer.events);

    // Every balance the indexer rebuilt equals the program's state.
    assert_eq!(indexer.free.len(), 2);
    for (buyer, free) in &indexer.free {
        let b: Buyer = s.env.get(*buyer).await.unwrap();
        assert_eq!(b.free, *free);
    }
    assert_eq!(
        indexer.channel_remaining.len(),
        1,
        "only the third channel is still open"
    );
    for (channel, remaining) in &indexer.channel_remaining {
        let c: Channel = s.env.get(*channel).await.unwrap();
        assert_eq!(c.deposit - c.settled, *remaining);
    }
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!(indexer.earnings[&s.p.provider], pm.earnings);
    assert_eq!(indexer.fees[&s.p.provider], pm.fees_accrued);
    assert_eq!(indexer.vault, s.env.token_balance(s.m.keys.vault).await);
}
