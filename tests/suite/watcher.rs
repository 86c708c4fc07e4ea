//! Watchers: a third party settles a closing channel for an offline provider and earns the
//! bounty; nobody submits after a deadline; a restarted watcher loses nothing and settles
//! nothing twice; open channels are settled by policy; a flaky cluster, a refused batch and a
//! bad channel stop nothing.
use crate::cli_common::*;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    chain::Sent,
    errors::ClientError,
    ops::{buyer::finalize_close, Provider},
    pda,
    receipts::{
        sign_receipt,
        store::{ChannelTerms, ReceiptStore},
    },
    settlement::{Outcome, Retry},
    tokens,
    watcher::{WatchPolicy, Watcher},
    Chain, Client,
};
use bandwidth_settlement::state::{Channel, ProviderMarket};
use bandwidth_testkit::EmbeddedChain;
use solana_account::Account;
use solana_transaction::versioned::VersionedTransaction;
use std::sync::atomic::{AtomicU64, Ordering};

async fn market(w: &World) -> Served<'_> {
    w.served().await
}

/// A buyer with a 10-token channel to the market's provider.
async fn channel<'a>(w: &'a World, m: &Served<'a>) -> (Client<&'a EmbeddedChain>, Pubkey, Channel) {
    let b = w.wallet(20 * UNIT).await;
    let provider = m.provider.payer().pubkey();
    let address = open_channel(&b, &m.sessions, &m.market, &provider, 20 * UNIT, 10 * UNIT).await;
    let c: Channel = b.require(&address, "channel").await.unwrap();
    (b, address, c)
}

fn terms(market: Pubkey, channel: Pubkey, c: &Channel) -> ChannelTerms {
    ChannelTerms {
        channel,
        market,
        signer: c.receipt_signer,
        deposit: c.deposit,
    }
}

#[tokio::test]
async fn a_watcher_settles_for_an_offline_provider_and_earns_the_bounty() {
    let w = World::new().await;
    let m = market(&w).await;
    let (b, ch, c) = channel(&w, &m).await;
    // The provider shipped the buyer's receipts to a watcher service, then went offline.
    let key = m.sessions.load(&ch).unwrap();
    let mut store = ReceiptStore::in_memory().unwrap();
    store.add_channel(terms(m.market, ch, &c)).unwrap();
    for amount in [1, 3, 6] {
        store
            .accept(&sign_receipt(&key, &ch, amount * UNIT, amount << 30))
            .unwrap()
            .unwrap();
    }
    force_close(&b, &m.market, &ch).await; // the buyer forces a close
    let watcher = w.wallet(0).await;
    let bounty_to =
        tokens::associated_address(&watcher.payer().pubkey(), &w.mint, &spl_token_interface::ID);
    let mut watch = Watcher {
        client: watcher,
        store,
        policy: WatchPolicy::default(),
        tables: vec![],
        bounty_to: Some(bounty_to),
    };
    // The first half of the window is the provider's: a third party waits for the second.
    let rows = watch.poll().await.unwrap();
    assert_eq!(
        (rows.len(), rows[0].outcome),
        (1, Outcome::WaitingForBountyPhase)
    );
    assert_eq!(watch.client.stats().transactions, 0);
    w.chain.advance_time(1_800).await.unwrap();
    let rows = watch.poll().await.unwrap();
    assert_eq!((rows.len(), rows[0].outcome), (1, Outcome::Settled));
    // 6 tokens: fee 0.15, provider share 5.85, bounty 5 % of it.
    let bounty =
        tokens::balance(&w.chain.account(&bounty_to).await.unwrap().unwrap().data).unwrap();
    assert_eq!(bounty, 292_500);
    let pm: ProviderMarket = watch
        .client
        .require(
            &pda::provider_market(&m.market, &pda::provider(&m.provider.payer().pubkey())),
            "pm",
        )
        .await
        .unwrap();
    assert_eq!(
        (pm.earnings, pm.bounties_paid),
        (5_850_000 - 292_500, 292_500)
    );
    // Nothing left to do; after the deadline anyone finalizes and the buyer gets the rest.
    assert!(watch.poll().await.unwrap().is_empty());
    w.chain.advance_time(1_800).await.unwrap();
    finalize_close(&watch.client, &ch).await.unwrap();
    assert_eq!(free_balance(&b, &m.market).await, 14 * UNIT);
}

#[tokio::test]
async fn a_watcher_arriving_after_the_deadline_submits_nothing() {
    let w = World::new().await;
    let m = market(&w).await;
    let (b, ch, c) = channel(&w, &m).await;
    let key = m.sessions.load(&ch).unwrap();
    let mut store = ReceiptStore::in_memory().unwrap();
    store.add_channel(terms(m.market, ch, &c)).unwrap();
    store
        .accept(&sign_receipt(&key, &ch, 4 * UNIT, 4 << 30))
        .unwrap()
        .unwrap();
    force_close(&b, &m.market, &ch).await;
    w.chain.advance_time(3_600).await.unwrap(); // exactly the deadline: too late
    let watcher = w.wallet(0).await;
    let mut watch = Watcher {
        client: watcher,
        store,
        policy: WatchPolicy::default(),
        tables: vec![],
        bounty_to: None,
    };
    let rows = watch.poll().await.unwrap();
    assert_eq!((rows.len(), rows[0].outcome), (1, Outcome::DeadlinePassed));
    assert_eq!(
        watch.client.stats().transactions,
        0,
        "nothing was submitted"
    );
    finalize_close(&watch.client, &ch).await.unwrap();
    assert_eq!(free_balance(&b, &m.market).await, 20 * UNIT);
}

#[tokio::test]
async fn a_closing_channel_inside_the_safety_margin_is_still_settled_in_time() {
    let w = World::new().await;
    let m = market(&w).await;
    let (b, ch, c) = channel(&w, &m).await;
    let key = m.sessions.load(&ch).unwrap();
    let mut store = ReceiptStore::in_memory().unwrap();
    store.add_channel(terms(m.market, ch, &c)).unwrap();
    store
        .accept(&sign_receipt(&key, &ch, 2 * UNIT, 2 << 30))
        .unwrap()
        .unwrap();
    force_close(&b, &m.market, &ch).await;
    w.chain.advance_time(3_600 - 30).await.unwrap(); // 30 s left, margin 120 s
    let mut watch = Watcher {
        client: m.provider,
        store,
        policy: WatchPolicy::default(),
        tables: vec![],
        bounty_to: None,
    };
    let rows = watch.poll().await.unwrap();
    let outcomes: Vec<_> = rows.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Late, Outcome::Settled]);
    let settled: Channel = watch.client.require(&ch, "channel").await.unwrap();
    assert_eq!(settled.settled, 2 * UNIT);
}

/// A watcher stopped mid-way (its store on disk) and restarted picks up where it was: what it
/// settled is not settled again, what it had not settled is, including channels settled by
/// someone else meanwhile.
#[tokio::test]
async fn a_restarted_watcher_loses_nothing_and_settles_nothing_twice() {
    let w = World::new().await;
    let m = market(&w).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipts.sqlite");
    let mut opened = vec![];
    for _ in 0..12 {
        opened.push(channel(&w, &m).await);
    }
    let policy = WatchPolicy {
        min_unsettled: 1,
        ..Default::default()
    };
    let receipt = |i: usize, amount: u64| {
        let (_, ch, _) = &opened[i];
        sign_receipt(&m.sessions.load(ch).unwrap(), ch, amount + i as u64, amount)
    };
    {
        let mut store = ReceiptStore::open(&path).unwrap();
        for (_, ch, c) in &opened {
            store.add_channel(terms(m.market, *ch, c)).unwrap();
        }
        for i in 0..6 {
            store.accept(&receipt(i, UNIT)).unwrap().unwrap();
        }
        let client = Client::new(&w.chain, m.provider_key.insecure_clone());
        let mut first = Watcher {
            client,
            store,
            policy,
            tables: vec![],
            bounty_to: None,
        };
        let rows = first.poll().await.unwrap();
        assert_eq!(
            rows.iter()
                .filter(|r| r.outcome == Outcome::Settled)
                .count(),
            6
        );
        assert_eq!(
            first.client.stats().transactions,
            1,
            "six channels, one settle_many"
        );
    } // stopped
      // Meanwhile: new receipts for every channel; one channel is settled by hand on-chain.
    {
        let mut store = ReceiptStore::open(&path).unwrap();
        for i in 0..12 {
            store.accept(&receipt(i, 3 * UNIT)).unwrap().unwrap();
        }
    }
    let by_hand = receipt(11, 3 * UNIT);
    bandwidth_client::settlement::settle_one(&m.provider, &opened[11].1, &by_hand, None)
        .await
        .unwrap();
    // Restarted.
    let client = Client::new(&w.chain, m.provider_key.insecure_clone());
    let store = ReceiptStore::open(&path).unwrap();
    let mut second = Watcher {
        client,
        store,
        policy,
        tables: vec![],
        bounty_to: None,
    };
    let rows = second.poll().await.unwrap();
    assert_eq!(
        rows.iter()
            .filter(|r| r.outcome == Outcome::Settled)
            .count(),
        11
    );
    assert_eq!(
        second.client.stats().transactions,
        1,
        "eleven channels in one half-aggregated transaction"
    );
    for (i, (_, ch, _)) in opened.iter().enumerate() {
        let c: Channel = second.client.require(ch, "channel").await.unwrap();
        assert_eq!(c.settled, 3 * UNIT + i as u64);
    }
    assert!(second.poll().await.unwrap().is_empty());
    assert_eq!(second.client.stats().transactions, 1);
}

#[tokio::test]
async fn open_channels_are_settled_by_threshold_or_age() {
    let w = World::new().await;
    let m = market(&w).await;
    let (_, ch, c) = channel(&w, &m).await;
    let key = m.sessions.load(&ch).unwrap();
    let mut store = ReceiptStore::in_memory().unwrap();
    store.add_channel(terms(m.market, ch, &c)).unwrap();
    store
        .accept(&sign_receipt(&key, &ch, UNIT, 1 << 30))
        .unwrap()
        .unwrap();
    let policy = WatchPolicy {
        min_unsettled: 5 * UNIT,
        max_age_secs: 600,
        margin_secs: 120,
        ..Default::default()
    };
    let mut watch = Watcher {
        client: m.provider,
        store,
        policy,
        tables: vec![],
        bounty_to: None,
    };
    assert!(
        watch.poll().await.unwrap().is_empty(),
        "below the threshold, too young"
    );
    w.chain.advance_time(599).await.unwrap();
    assert!(watch.poll().await.unwrap().is_empty());
    w.chain.advance_time(1).await.unwrap();
    assert_eq!(
        watch.poll().await.unwrap()[0].outcome,
        Outcome::Settled,
        "old enough"
    );
    // Over the threshold: settled at once.
    watch
        .store
        .accept(&sign_receipt(&key, &ch, 7 * UNIT, 7 << 30))
        .unwrap()
        .unwrap();
    assert_eq!(watch.poll().await.unwrap()[0].outcome, Outcome::Settled);
    let c: Channel = watch.client.require(&ch, "channel").await.unwrap();
    assert_eq!(c.settled, 7 * UNIT);
    assert_eq!(watch.store.channel(&ch).unwrap().pending_since, None);
}

/// A cluster that fails calls (every `every`-th one, and every call in `outage`) the way an
/// unreachable RPC endpoint does, and where the provider's other process closes a channel
/// just before the first transaction settling it is sent, so that transaction is refused.
struct Flaky<'a> {
    inner: &'a EmbeddedChain,
    every: u64,
    outage: std::ops::Range<u64>,
    /// A poll that makes more calls than this is a runaway loop: the test fails.
    max_calls: u64,
    calls: AtomicU64,
    faults: AtomicU64,
    refused: AtomicU64,
    close_first: tokio::sync::Mutex<Option<(Pubkey, solana_keypair::Keypair)>>,
}

impl Flaky<'_> {
    fn fault(&self) -> Result<(), ClientError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        assert!(
            n <= self.max_calls,
            "more than {} calls: a runaway loop",
            self.max_calls
        );
        if n.is_multiple_of(self.every) || self.outage.contains(&n) {
            self.faults.fetch_add(1, Ordering::SeqCst);
            return Err(ClientError::Chain("injected: connection refused".into()));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Chain for Flaky<'_> {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        self.fault()?;
        self.inner.account(address).await
    }
    async fn blockhash(&self, fresh: bool) -> Result<solana_hash::Hash, ClientError> {
        self.fault()?;
        self.inner.blockhash(fresh).await
    }
    async fn send(&self, tx: VersionedTransaction) -> Result<Sent, ClientError> {
        self.fault()?;
        let mut close_first = self.close_first.lock().await;
        if let Some((victim, provider)) = close_first.as_ref() {
            if tx.message.static_account_keys().contains(victim) {
                let other_process = Client::new(self.inner, provider.insecure_clone());
                let c: Channel = other_process.require(victim, "channel").await.unwrap();
                let provider = Provider::new(&other_process, &c.market).await.unwrap();
                provider.close(None, victim).await.unwrap();
                *close_first = None;
                let refused = self.inner.send(tx).await;
                assert!(refused.is_err(), "a batch with a closed channel is refused");
                self.refused.fetch_add(1, Ordering::SeqCst);
                return refused;
            }
        }
        self.inner.send(tx).await
    }
    async fn clock(&self) -> Result<solana_clock::Clock, ClientError> {
        self.fault()?;
        self.inner.clock().await
    }
    async fn minimum_balance(&self, data_len: usize) -> Result<u64, ClientError> {
        self.fault()?;
        self.inner.minimum_balance(data_len).await
    }
    async fn program_accounts(
        &self,
        discriminator: &[u8],
        offset: usize,
        key: &Pubkey,
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        self.fault()?;
        self.inner
            .program_accounts(discriminator, offset, key)
            .await
    }
}

/// The provider's watcher over a flaky cluster: two attempts per call, no backoff.
fn flaky_watcher<'a>(
    flaky: &'a Flaky<'a>,
    m: &Served<'_>,
    store: ReceiptStore,
) -> Watcher<&'a Flaky<'a>> {
    Watcher {
        client: Client::new(flaky, m.provider_key.insecure_clone()),
        store,
        policy: WatchPolicy {
            retry: Retry {
                attempts: 2,
                backoff_ms: 0,
            },
            ..WatchPolicy::default()
        },
        tables: vec![],
        bounty_to: None,
    }
}

/// Every closing channel is still settled at its best receipt before its deadline although
/// every fourth call to the cluster fails, the cluster is down for a stretch, one batch is
/// refused because the provider's other process closed a channel in it, and one channel's
/// receipt can never be settled (its store was given a larger deposit than the chain has).
#[tokio::test]
async fn a_watcher_survives_a_flaky_cluster_refused_batches_and_a_bad_channel() {
    let w = World::new().await;
    let m = market(&w).await;
    let mut store = ReceiptStore::in_memory().unwrap();
    let mut opened = vec![];
    for i in 0..9u64 {
        let (b, ch, c) = channel(&w, &m).await;
        let key = m.sessions.load(&ch).unwrap();
        let mut t = terms(m.market, ch, &c);
        let amount = if i == 8 {
            // The bad channel: the store believes in a 20-token deposit; the chain has 10.
            t.deposit = 20 * UNIT;
            15 * UNIT
        } else {
            (i + 1) * UNIT
        };
        store.add_channel(t).unwrap();
        store
            .accept(&sign_receipt(&key, &ch, amount, amount << 20))
            .unwrap()
            .unwrap();
        force_close(&b, &m.market, &ch).await; // every buyer forces a close
        opened.push((ch, amount));
    }
    let deadline = w.chain.clock().await.unwrap().unix_timestamp + 3_600;
    let victim = opened[4].0;
    let flaky = Flaky {
        inner: &w.chain,
        every: 4,
        outage: 3..40,
        max_calls: u64::MAX,
        calls: AtomicU64::new(0),
        faults: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        close_first: tokio::sync::Mutex::new(Some((victim, m.provider_key.insecure_clone()))),
    };
    let mut watch = flaky_watcher(&flaky, &m, store);
    let good: Vec<_> = opened
        .iter()
        .filter(|(c, _)| *c != victim)
        .take(7)
        .collect();
    let mut rounds = 0;
    let mut bad_reported = 0;
    let mut refusal_seen = false;
    loop {
        rounds += 1;
        assert!(rounds < 50, "the watcher gave up before the deadline");
        let polled = watch.poll().await;
        if std::env::var("WATCH_TRACE").is_ok() {
            eprintln!("round {rounds}: {polled:#?}");
        }
        if let Ok(rows) = polled {
            bad_reported += rows
                .iter()
                .filter(|r| r.channel == opened[8].0)
                .filter(|r| r.outcome == Outcome::ExceedsDeposit)
                .count();
            if flaky.refused.load(Ordering::SeqCst) == 1 && !refusal_seen {
                // The round of the refused batch re-read it and settled the rest at once.
                refusal_seen = true;
                let outcome = |c: &Pubkey| {
                    rows.iter()
                        .filter(|r| r.channel == *c)
                        .map(|r| r.outcome)
                        .collect::<Vec<_>>()
                };
                assert_eq!(outcome(&victim), [Outcome::Closed]);
                for (ch, _) in &good {
                    assert_eq!(outcome(ch), [Outcome::Settled]);
                }
            }
        }
        let mut done = true;
        for (ch, amount) in &good {
            let c: Channel = m.provider.require(ch, "channel").await.unwrap();
            done &= c.settled == *amount;
        }
        if done {
            break;
        }
        w.chain.advance_time(60).await.unwrap();
    }
    let now = w.chain.clock().await.unwrap().unix_timestamp;
    assert!(
        now < deadline,
        "every good channel settled in time ({rounds} rounds)"
    );
    assert!(m.provider.chain.account(&victim).await.unwrap().is_none());
    assert!(bad_reported >= 1, "the bad channel is reported, not sent");
    let bad: Channel = m.provider.require(&opened[8].0, "channel").await.unwrap();
    assert_eq!(bad.settled, 0);
    assert!(
        flaky.faults.load(Ordering::SeqCst) >= 40,
        "the cluster did fail"
    );
    assert!(rounds >= 2, "the outage cost the watcher at least a round");
    assert_eq!(
        flaky.refused.load(Ordering::SeqCst),
        1,
        "one batch was refused"
    );
    // And the watcher's loop ends only when told to.
    let mut reports = 0;
    watch
        .run(
            std::time::Duration::from_millis(0),
            async {
                tokio::task::yield_now().await;
            },
            |_| reports += 1,
        )
        .await;
    assert!(reports >= 1);
}

/// A refused batch of which nothing is due any more once re-read (here a lone closing channel
/// that the provider's other process closed first) ends the poll with that channel's row. It
/// used to spin: the empty remainder was re-packed, refused as invalid and split without end.
#[tokio::test]
async fn a_refused_batch_with_nothing_left_due_ends_the_poll() {
    let w = World::new().await;
    let m = market(&w).await;
    let mut store = ReceiptStore::in_memory().unwrap();
    let (b, ch, c) = channel(&w, &m).await;
    let key = m.sessions.load(&ch).unwrap();
    store.add_channel(terms(m.market, ch, &c)).unwrap();
    store
        .accept(&sign_receipt(&key, &ch, UNIT, UNIT << 20))
        .unwrap()
        .unwrap();
    force_close(&b, &m.market, &ch).await;
    let flaky = Flaky {
        inner: &w.chain,
        every: u64::MAX,
        outage: 0..0,
        max_calls: 1_000,
        calls: AtomicU64::new(0),
        faults: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        close_first: tokio::sync::Mutex::new(Some((ch, m.provider_key.insecure_clone()))),
    };
    let mut watch = flaky_watcher(&flaky, &m, store);
    let rows = watch.poll().await.unwrap();
    assert_eq!(
        flaky.refused.load(Ordering::SeqCst),
        1,
        "the batch was refused"
    );
    let outcomes: Vec<_> = rows
        .iter()
        .filter(|r| r.channel == ch)
        .map(|r| r.outcome)
        .collect();
    assert_eq!(outcomes, [Outcome::Closed]);
    assert!(w.chain.account(&ch).await.unwrap().is_none());
}
