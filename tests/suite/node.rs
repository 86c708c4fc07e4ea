//! The provider's node on the embedded chain, over real HTTP on loopback: every answer to a
//! receipt (accepted, duplicate, each refusal reason), the limits on a request, the channel and
//! terms views, metrics, the settlement policy (settle, withdraw earnings, claim rewards), and a
//! clean stop and restart that loses nothing.
use crate::cli_common::*;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    api::{self, ReceiptResult, Refusal},
    ops::{Buyer, MarketAdmin, Provider},
    pda,
    receipts::{
        sender::ReceiptSender,
        sessions::SessionKeys,
        sign_receipt,
        store::{Book, ReceiptStore},
    },
    settlement::Outcome,
    tokens, Chain, Client,
};
use bandwidth_node::{Limits, Node, NodeConfig};
use bandwidth_settlement::{
    instructions::RewardTerms,
    receipt::SignedReceipt,
    state::{Channel, ProviderMarket},
};
use bandwidth_testkit::EmbeddedChain;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::{path::Path, sync::Arc};

/// A buyer with a channel of `deposit` tokens to `provider` in `market`.
async fn open<'a>(
    w: &'a World,
    sessions: &SessionKeys,
    market: &Pubkey,
    provider: &Pubkey,
    deposit: u64,
) -> (Client<&'a EmbeddedChain>, Pubkey, Keypair) {
    let b = w.wallet(50 * UNIT).await;
    let address = open_channel(&b, sessions, market, provider, 40 * UNIT, deposit).await;
    let key = sessions.load(&address).unwrap();
    (b, address, key)
}

async fn start(w: &World, s: &Served<'_>, store: &Path, config: NodeConfig) -> Node {
    let chain: Arc<dyn Chain> = w.chain.clone();
    Node::builder(config.market)
        .config(config)
        .chain(chain)
        .signer(s.provider_key.insecure_clone())
        .store(ReceiptStore::open(store).unwrap())
        .listen("127.0.0.1:0")
        .start()
        .await
        .unwrap()
}

/// A node that settles only when asked.
fn manual(market: Pubkey) -> NodeConfig {
    let defaults = NodeConfig::new(market);
    NodeConfig {
        policy_interval: None,
        // No wall clock in a test: an unknown address stays refused for the whole test.
        limits: Limits {
            unknown_ttl: std::time::Duration::from_secs(86_400),
            ..defaults.limits
        },
        ..defaults
    }
}

/// `p` registers and joins `market` at 1 per GiB.
async fn register<C: Chain>(p: &Client<C>, market: &Pubkey) {
    let provider = Provider::new(p, market).await.unwrap();
    let args = provider_args(provider.authority().unwrap());
    provider.register(args, UNIT).await.unwrap();
}

fn reason(r: &ReceiptResult) -> Option<Refusal> {
    match r {
        ReceiptResult::Refused { reason, .. } => Some(*reason),
        _ => None,
    }
}

fn metric(page: &str, line_start: &str) -> u64 {
    page.lines()
        .find_map(|l| l.strip_prefix(line_start)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {line_start} in\n{page}"))
}

#[tokio::test]
async fn every_answer_to_a_receipt_and_every_refusal_reason() {
    let w = World::new().await;
    let s = w.served().await;
    let me = s.provider.payer().pubkey();
    let (a, ch, key) = open(&w, &s.sessions, &s.market, &me, 10 * UNIT).await;
    // A channel to another provider, and one in another market.
    let (other, other_key) = w.wallet_with_key(0).await;
    register(&other, &s.market).await;
    let (_f, foreign, foreign_key) =
        open(&w, &s.sessions, &s.market, &other_key.pubkey(), 5 * UNIT).await;
    let (_admin2, market2) = w.market().await;
    register(&s.provider, &market2).await;
    let (_g, elsewhere, elsewhere_key) = open(&w, &s.sessions, &market2, &me, 5 * UNIT).await;

    let node = start(&w, &s, &s.dir.path().join("r.sqlite"), manual(s.market)).await;
    let sender = ReceiptSender::new(&node.url()).unwrap();
    let send = |r: SignedReceipt| {
        let sender = sender.clone();
        async move { sender.send_one(&r).await.unwrap() }
    };

    // Accepted, then the same receipt again: a duplicate.
    let first = sign_receipt(&key, &ch, 2 * UNIT, 2 << 30);
    assert_eq!(
        send(first).await,
        ReceiptResult::Accepted {
            channel: ch.to_string(),
            amount: api::U64(2 * UNIT),
            previous: api::U64(0)
        }
    );
    assert!(matches!(send(first).await, ReceiptResult::Duplicate { .. }));
    // Not above the best: lower, or the same amount with other bytes.
    let lower = sign_receipt(&key, &ch, UNIT, 1 << 30);
    assert_eq!(reason(&send(lower).await), Some(Refusal::NotAboveBest));
    let same_amount = sign_receipt(&key, &ch, 2 * UNIT, 3 << 30);
    assert_eq!(
        reason(&send(same_amount).await),
        Some(Refusal::NotAboveBest)
    );
    // Beyond the deposit (10 tokens).
    let beyond = sign_receipt(&key, &ch, 10 * UNIT + 1, 9 << 30);
    assert_eq!(reason(&send(beyond).await), Some(Refusal::ExceedsDeposit));
    // The buyer tops up: the same receipt is now within the deposit (the node reads the
    // channel again for a validly signed receipt beyond the deposit it knew).
    Buyer::new(&a, &s.market)
        .await
        .unwrap()
        .top_up(&ch, 5 * UNIT)
        .await
        .unwrap();
    assert!(matches!(send(beyond).await, ReceiptResult::Accepted { .. }));
    let beyond = sign_receipt(&key, &ch, 15 * UNIT + 1, 9 << 30);
    assert_eq!(reason(&send(beyond).await), Some(Refusal::ExceedsDeposit));
    // Signed by another key; a signature that is not even canonical.
    let forged = sign_receipt(&Keypair::new(), &ch, 12 * UNIT, 3 << 30);
    assert_eq!(reason(&send(forged).await), Some(Refusal::BadSignature));
    let mut garbage = sign_receipt(&key, &ch, 12 * UNIT, 3 << 30);
    garbage.signature[63] = 0xff;
    assert_eq!(reason(&send(garbage).await), Some(Refusal::BadSignature));
    // Foreign provider, foreign market, no channel at all.
    let r = sign_receipt(&foreign_key, &foreign, UNIT, 1);
    assert_eq!(reason(&send(r).await), Some(Refusal::ForeignProvider));
    let r = sign_receipt(&elsewhere_key, &elsewhere, UNIT, 1);
    assert_eq!(reason(&send(r).await), Some(Refusal::ForeignMarket));
    let nowhere = Pubkey::new_unique();
    let r = sign_receipt(&key, &nowhere, UNIT, 1);
    assert_eq!(reason(&send(r).await), Some(Refusal::UnknownChannel));
    let lookups = metric(&node.metrics(), "bwx_channel_lookups_total");
    // Refusals are cached: the same garbage again costs no lookup.
    for _ in 0..3 {
        assert_eq!(reason(&send(r).await), Some(Refusal::UnknownChannel));
        let r = sign_receipt(&foreign_key, &foreign, 2 * UNIT, 1);
        assert_eq!(reason(&send(r).await), Some(Refusal::ForeignProvider));
    }
    assert_eq!(
        metric(&node.metrics(), "bwx_channel_lookups_total"),
        lookups
    );

    // Malformed, in JSON (the other elements of the same request are still judged), and the
    // JSON fields form.
    let http = reqwest::Client::new();
    let url = format!("{}{}", node.url(), api::RECEIPTS_PATH);
    let next = sign_receipt(&key, &ch, 14 * UNIT, 14 << 30);
    let body = serde_json::json!({ "receipts": [
        "00ff",
        { "channel": ch.to_string(), "amount": "x" },
        hex::encode(sign_receipt(&key, &ch, 10 * UNIT + 1, 9 << 30).encode()),
        api::ReceiptFields::of(&next),
    ]});
    let answer: api::ReceiptsResponse = http
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reasons: Vec<Option<Refusal>> = answer.results.iter().map(reason).collect();
    assert_eq!(
        reasons,
        [
            Some(Refusal::Malformed),
            Some(Refusal::Malformed),
            None,
            None
        ]
    );
    assert!(matches!(answer.results[2], ReceiptResult::Duplicate { .. }));
    assert!(matches!(answer.results[3], ReceiptResult::Accepted { .. }));
    assert_eq!(
        (answer.accepted, answer.duplicates, answer.refused),
        (1, 1, 2)
    );

    // The request as a whole: not a whole number of receipts, too many, too large, wrong type.
    let status = |r: reqwest::Response| r.status().as_u16();
    let code = |body: String| serde_json::from_str::<api::ErrorBody>(&body).unwrap().code;
    let r = http
        .post(&url)
        .header("content-type", api::BINARY)
        .body(vec![0u8; 117])
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 400);
    let many: Vec<u8> = std::iter::repeat_n(first.encode(), 4_097)
        .flatten()
        .collect();
    let r = http
        .post(&url)
        .header("content-type", api::BINARY)
        .body(many)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), code(r.text().await.unwrap())),
        (413, "too_many_receipts".into())
    );
    let r = http
        .post(&url)
        .header("content-type", api::BINARY)
        .body(vec![0u8; 116 * 20_000])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), code(r.text().await.unwrap())),
        (413, "body_too_large".into())
    );
    let r = http
        .post(&url)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), code(r.text().await.unwrap())),
        (415, "unsupported_media_type".into())
    );

    // What a buyer's app reads back, and the terms.
    let view = sender.channel(&ch).await.unwrap().unwrap();
    assert_eq!(
        (view.best_amount.0, view.best_bytes.0, view.deposit.0),
        (14 * UNIT, 14 << 30, 15 * UNIT)
    );
    assert_eq!(view.best, Some(hex::encode(next.encode())));
    assert!(sender
        .channel(&Pubkey::new_unique())
        .await
        .unwrap()
        .is_none());
    let terms = sender.terms().await.unwrap();
    assert_eq!(
        (
            terms.price_per_gib.0,
            terms.provider.clone(),
            terms.min_dispute_window_secs
        ),
        (UNIT, pda::provider(&me).to_string(), 3_600)
    );
    let health = http
        .get(format!("{}/healthz", node.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);

    // A closed channel: the provider closes it; after the policy round has seen it, more
    // receipts are refused.
    Provider::new(&s.provider, &s.market)
        .await
        .unwrap()
        .close(None, &ch)
        .await
        .unwrap();
    node.policy_round().await.unwrap();
    let after = sign_receipt(&key, &ch, 15 * UNIT, 15 << 30);
    assert_eq!(reason(&send(after).await), Some(Refusal::ChannelClosed));

    // Every reason counted once per receipt refused for it.
    let page = node.metrics();
    for (r, n) in [
        (Refusal::NotAboveBest, 2),
        (Refusal::ExceedsDeposit, 2),
        (Refusal::BadSignature, 2),
        (Refusal::ForeignProvider, 4),
        (Refusal::ForeignMarket, 1),
        (Refusal::UnknownChannel, 4),
        (Refusal::Malformed, 2),
        (Refusal::ChannelClosed, 1),
    ] {
        assert_eq!(
            metric(
                &page,
                &format!("bwx_receipts_refused_total{{reason=\"{}\"}}", r.as_str())
            ),
            n,
            "{r:?}"
        );
    }
    assert_eq!(metric(&page, "bwx_receipts_accepted_total"), 3);
    assert_eq!(metric(&page, "bwx_receipts_duplicate_total"), 2);
    assert!(metric(&page, "bwx_store_commit_seconds_count") >= 2);
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_policy_settles_withdraws_to_the_payout_wallet_and_claims_rewards() {
    let w = World::new().await;
    let s = w.served().await;
    let me = s.provider.payer().pubkey();
    // A market we administer, with rewards: 1 reward token per GiB paid at least 0.5 per
    // GiB, vesting at once.
    let admin = w.wallet(0).await;
    let (market_admin, _) = MarketAdmin::create(&admin, &w.mint, None, market_args())
        .await
        .unwrap();
    let market = market_admin.market();
    let reward_mint = market_admin.create_reward_mint(6).await.unwrap();
    let terms = RewardTerms {
        active: true,
        reward_per_gib: UNIT,
        min_price_per_gib: UNIT / 2,
        epoch_secs: 86_400,
        epoch_cap: 1_000 * UNIT,
        vesting_secs: 0,
    };
    market_admin
        .configure_rewards(&reward_mint, terms)
        .await
        .unwrap();
    register(&s.provider, &market).await;
    let (_b, ch, key) = open(&w, &s.sessions, &market, &me, 10 * UNIT).await;

    let node = start(&w, &s, &s.dir.path().join("p.sqlite"), manual(market)).await;
    let sender = ReceiptSender::new(&node.url()).unwrap();
    // 3 GiB for 3 tokens.
    let r = sign_receipt(&key, &ch, 3 * UNIT, 3 << 30);
    assert!(sender.send_one(&r).await.unwrap().is_stored());
    let report = node.policy_round().await.unwrap();
    assert_eq!(report.settlements.len(), 1);
    assert_eq!(report.settlements[0].outcome, Outcome::Settled);
    // 3 tokens less the 2.5 % fee, all of it withdrawn to the payout wallet.
    assert_eq!(report.withdrawn, 2_925_000);
    let payout = tokens::associated_address(&me, &w.mint, &spl_token_interface::ID);
    let balance = tokens::balance(&w.chain.account(&payout).await.unwrap().unwrap().data).unwrap();
    assert_eq!(balance, 2_925_000);
    let c: Channel = s.provider.require(&ch, "channel").await.unwrap();
    assert_eq!(c.settled, 3 * UNIT);
    // 3 GiB of rewards, claimed into the payout wallet's reward-token account.
    assert_eq!(report.rewards_claimed, 3 * UNIT);
    let reward_account = tokens::associated_address(&me, &reward_mint, &spl_token_interface::ID);
    let rewarded = tokens::balance(
        &w.chain
            .account(&reward_account)
            .await
            .unwrap()
            .unwrap()
            .data,
    )
    .unwrap();
    assert_eq!(rewarded, 3 * UNIT);
    let pm: ProviderMarket = s
        .provider
        .require(&pda::provider_market(&market, &pda::provider(&me)), "pm")
        .await
        .unwrap();
    assert_eq!(pm.earnings, 0);
    // Nothing new: the next round sends nothing.
    let report = node.policy_round().await.unwrap();
    assert!(report.settlements.is_empty());
    assert_eq!((report.withdrawn, report.rewards_claimed), (0, 0));
    let page = node.metrics();
    assert_eq!(metric(&page, "bwx_settlements_sent_total"), 1);
    assert_eq!(metric(&page, "bwx_earnings_withdrawals_total"), 1);
    assert_eq!(metric(&page, "bwx_reward_claims_total"), 1);
    assert_eq!(metric(&page, "bwx_unsettled_base_units"), 0);
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_stopped_node_has_every_acknowledged_receipt_and_a_restart_resumes_settling() {
    let w = World::new().await;
    let s = w.served().await;
    let me = s.provider.payer().pubkey();
    let mut channels = vec![];
    for _ in 0..4 {
        channels.push(open(&w, &s.sessions, &s.market, &me, 10 * UNIT).await);
    }
    let path = s.dir.path().join("node.sqlite");
    let node = start(&w, &s, &path, manual(s.market)).await;
    let sender = ReceiptSender::new(&node.url()).unwrap();
    // Four buyers at once, 50 receipts each, one per request.
    let mut tasks = vec![];
    for (_, ch, key) in &channels {
        let (sender, ch, key) = (sender.clone(), *ch, key.insecure_clone());
        tasks.push(tokio::spawn(async move {
            let mut acked = 0;
            for i in 1..=50u64 {
                let r = sign_receipt(&key, &ch, i * 1_000, i << 20);
                if sender.send_one(&r).await.unwrap().is_stored() {
                    acked = i * 1_000;
                }
            }
            (ch, acked)
        }));
    }
    let mut acked = vec![];
    for t in tasks {
        acked.push(t.await.unwrap());
    }
    let (store, report) = node.shutdown().await.unwrap();
    assert_eq!(report.receipts_accepted, 200);
    drop(store);
    // On disk, straight from SQLite.
    let reopened = ReceiptStore::open(&path).unwrap();
    for (ch, amount) in &acked {
        assert_eq!(
            reopened.best_on_disk(ch).unwrap().map(|b| b.0),
            Some(*amount)
        );
    }
    drop(reopened);
    // A stopped node answers nothing; a restarted one knows every channel without a lookup,
    // and settles exactly the highest acknowledged receipts.
    let node = start(&w, &s, &path, manual(s.market)).await;
    let report = node.policy_round().await.unwrap();
    assert_eq!(
        report
            .settlements
            .iter()
            .filter(|r| r.outcome == Outcome::Settled)
            .count(),
        4
    );
    for (ch, amount) in &acked {
        let c: Channel = s.provider.require(ch, "channel").await.unwrap();
        assert_eq!(c.settled, *amount);
        assert_eq!(
            Book::channel(node.store(), ch).unwrap().settled_amount,
            *amount
        );
    }
    assert_eq!(metric(&node.metrics(), "bwx_channel_lookups_total"), 0);
    node.shutdown().await.unwrap();
}

/// A forced close: receipts are taken until the deadline (the provider can still settle them),
/// refused after it once a settlement round has seen the deadline pass.
#[tokio::test]
async fn receipts_after_a_close_deadline_are_refused() {
    let w = World::new().await;
    let s = w.served().await;
    let me = s.provider.payer().pubkey();
    let (b, ch, key) = open(&w, &s.sessions, &s.market, &me, 10 * UNIT).await;
    let node = start(&w, &s, &s.dir.path().join("d.sqlite"), manual(s.market)).await;
    let sender = ReceiptSender::new(&node.url()).unwrap();
    let r = sign_receipt(&key, &ch, UNIT, 1 << 30);
    assert!(matches!(
        sender.send_one(&r).await.unwrap(),
        ReceiptResult::Accepted { .. }
    ));
    force_close(&b, &s.market, &ch).await; // the buyer forces a close
                                           // The round settles the closing channel at once; receipts are still worth taking.
    let report = node.policy_round().await.unwrap();
    assert_eq!(report.settlements[0].outcome, Outcome::Settled);
    let r = sign_receipt(&key, &ch, 2 * UNIT, 2 << 30);
    assert!(matches!(
        sender.send_one(&r).await.unwrap(),
        ReceiptResult::Accepted { .. }
    ));
    // Past the deadline (the dispute window is 3,600 s), after a round: refused.
    w.chain.advance_time(3_601).await.unwrap();
    let report = node.policy_round().await.unwrap();
    assert_eq!(report.settlements[0].outcome, Outcome::DeadlinePassed);
    let r = sign_receipt(&key, &ch, 3 * UNIT, 3 << 30);
    assert_eq!(
        reason(&sender.send_one(&r).await.unwrap()),
        Some(Refusal::ChannelClosed)
    );
    let c: Channel = s.provider.require(&ch, "channel").await.unwrap();
    assert_eq!(c.settled, UNIT, "nothing is submitted after the deadline");
    node.shutdown().await.unwrap();
}
