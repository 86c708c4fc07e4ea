//! Watchers: a third party settles a closing channel for an offline provider and earns the
//! bounty; nobody submits after a deadline; a restarted watcher loses nothing and settles
//! nothing twice; open channels are settled by policy.
mod common;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    commands::{buyer, channel, market, provider},
    pda,
    receipts::{
        sessions::SessionKeys,
        sign_receipt,
        store::{ChannelTerms, ReceiptStore},
    },
    tokens,
    watcher::{WatchPolicy, Watcher},
    Chain, Client, EmbeddedChain,
};
use bandwidth_settlement::state::{Channel, ProviderMarket};
use common::*;
use solana_signer::Signer;

struct Market<'a> {
    market: Pubkey,
    provider: Client<&'a EmbeddedChain>,
    sessions: SessionKeys,
    _dir: tempfile::TempDir,
}

async fn market(w: &World) -> Market<'_> {
    let dir = tempfile::tempdir().unwrap();
    let admin = w.wallet(0).await;
    let market: Pubkey = market::create(&admin, &w.mint, None, market_args())
        .await
        .unwrap()
        .market
        .parse()
        .unwrap();
    let p = w.wallet(0).await;
    provider::register(&p, &market, provider_args(p.payer().pubkey()), "1")
        .await
        .unwrap();
    Market {
        market,
        provider: p,
        sessions: SessionKeys::open(dir.path().join("sessions")).unwrap(),
        _dir: dir,
    }
}

/// A buyer with a 10-token channel to the market's provider.
async fn channel<'a>(w: &'a World, m: &Market<'a>) -> (Client<&'a EmbeddedChain>, Pubkey, Channel) {
    let b = w.wallet(20 * UNIT).await;
    buyer::deposit(&b, &m.market, "20", None).await.unwrap();
    let opened = channel::open(
        &b,
        &m.sessions,
        &m.market,
        &m.provider.payer().pubkey(),
        "10",
        None,
    )
    .await
    .unwrap();
    let address: Pubkey = opened.channel.parse().unwrap();
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
    channel::close(&b, None, &ch).await.unwrap(); // the buyer forces a close
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
    let rows = watch.poll().await.unwrap();
    assert_eq!((rows.len(), rows[0].outcome), (1, "settled"));
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
    w.chain.advance_time(3_600).await.unwrap();
    channel::finalize(&watch.client, &ch).await.unwrap();
    assert_eq!(
        buyer::show(&b, &m.market, &b.payer().pubkey())
            .await
            .unwrap()
            .free,
        "14.000000"
    );
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
    channel::close(&b, None, &ch).await.unwrap();
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
    assert_eq!((rows.len(), rows[0].outcome), (1, "deadline passed"));
    assert_eq!(
        watch.client.stats().transactions,
        0,
        "nothing was submitted"
    );
    channel::finalize(&watch.client, &ch).await.unwrap();
    assert_eq!(
        buyer::show(&b, &m.market, &b.payer().pubkey())
            .await
            .unwrap()
            .free,
        "20.000000"
    );
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
    channel::close(&b, None, &ch).await.unwrap();
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
    assert_eq!(outcomes, ["late: inside the safety margin", "settled"]);
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
        let client = Client::new(&w.chain, m.provider.payer().insecure_clone());
        let mut first = Watcher {
            client,
            store,
            policy,
            tables: vec![],
            bounty_to: None,
        };
        let rows = first.poll().await.unwrap();
        assert_eq!(rows.iter().filter(|r| r.outcome == "settled").count(), 6);
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
    bandwidth_client::commands::settle::settle_one(&m.provider, &opened[11].1, &by_hand, None)
        .await
        .unwrap();
    // Restarted.
    let client = Client::new(&w.chain, m.provider.payer().insecure_clone());
    let store = ReceiptStore::open(&path).unwrap();
    let mut second = Watcher {
        client,
        store,
        policy,
        tables: vec![],
        bounty_to: None,
    };
    let rows = second.poll().await.unwrap();
    assert_eq!(rows.iter().filter(|r| r.outcome == "settled").count(), 11);
    assert_eq!(
        second.client.stats().transactions,
        2,
        "eight, then three, per transaction"
    );
    for (i, (_, ch, _)) in opened.iter().enumerate() {
        let c: Channel = second.client.require(ch, "channel").await.unwrap();
        assert_eq!(c.settled, 3 * UNIT + i as u64);
    }
    assert!(second.poll().await.unwrap().is_empty());
    assert_eq!(second.client.stats().transactions, 2);
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
        "settled",
        "old enough"
    );
    // Over the threshold: settled at once.
    watch
        .store
        .accept(&sign_receipt(&key, &ch, 7 * UNIT, 7 << 30))
        .unwrap()
        .unwrap();
    assert_eq!(watch.poll().await.unwrap()[0].outcome, "settled");
    let c: Channel = watch.client.require(&ch, "channel").await.unwrap();
    assert_eq!(c.settled, 7 * UNIT);
    assert_eq!(watch.store.channel(&ch).unwrap().pending_since, None);
}
