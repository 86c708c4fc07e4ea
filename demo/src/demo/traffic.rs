//! The demo's rounds of traffic: buyers meter what they receive and sign receipts; providers
//! store them (or their nodes do, over HTTP); halfway, providers settle; then one buyer forces
//! a close and its provider answers inside the dispute window.
use super::*;
use bandwidth_client::{
    api::ReceiptResult,
    ops::{Buyer, Provider},
    receipts::{
        meter::MeterError,
        store::{Accepted, Book},
    },
    settlement::SettleRow,
};
use bandwidth_settlement::{receipt::SignedReceipt, state::Channel};
use rand::Rng;

/// Receipts a buyer may sign per round (one every `interval` bytes of 24 random chunks).
const CHUNKS_PER_ROUND: usize = 24;

/// The rounds where providers settle and where buyer 1 forces a close. Its provider answers in
/// the round after, which must exist (with 4 rounds, a close forced in the last one was never
/// answered: the buyer paid less than it signed).
fn schedule(rounds: usize) -> (usize, usize) {
    let settle_round = rounds / 2 - 1;
    (settle_round, (settle_round + 2).min(rounds - 2))
}

pub(super) async fn round<C: DemoChain>(
    demo: &mut Demo<'_, C>,
    round: usize,
) -> Result<(), ClientError> {
    let (settle_round, force_round) = schedule(demo.config.rounds);
    let mut inbox: Vec<Vec<SignedReceipt>> = vec![vec![]; demo.providers.len()];
    for i in 0..demo.buyers.len() {
        if i == demo.forced && round > force_round {
            continue; // this buyer stopped and forced a close
        }
        let outbox = meter(demo, i).await?;
        let b = &demo.buyers[i];
        match &b.sender {
            Some(sender) => demo.providers[b.provider].received += post(sender, &outbox).await?,
            None => inbox[b.provider].extend(outbox),
        }
    }
    for (p, receipts) in inbox.into_iter().enumerate() {
        store(&mut demo.providers[p], &receipts)?;
    }
    if round == settle_round {
        log("providers settle their best receipts");
        for p in &mut demo.providers {
            let provider = Provider::new(&p.client, &demo.market).await?;
            no_failure(provider.settle(&mut p.store, None, &[]).await?)?;
        }
    }
    if round == force_round {
        force_close(demo, round).await?;
    }
    if round == force_round + 1 {
        answer_forced_close(demo).await?;
    }
    Ok(())
}

/// One buyer's traffic of a round and the receipts its meter signed. A meter that refuses to
/// sign beyond the deposit makes the buyer top up and go on.
async fn meter<C: DemoChain>(
    demo: &mut Demo<'_, C>,
    i: usize,
) -> Result<Vec<SignedReceipt>, ClientError> {
    let mut outbox = vec![];
    for _ in 0..CHUNKS_PER_ROUND {
        let chunk = demo.rng.gen_range(1..=16u64) << 20;
        match demo.buyers[i].meter.record(chunk) {
            Ok(signed) => outbox.extend(signed),
            Err(MeterError::DepositExhausted { .. }) => {
                top_up(demo, i).await?;
                let signed = demo.buyers[i].meter.record(chunk).map_err(invalid)?;
                outbox.extend(signed);
            }
            Err(e) => return Err(invalid(e)),
        }
    }
    Ok(outbox)
}

async fn top_up<C: DemoChain>(demo: &mut Demo<'_, C>, i: usize) -> Result<(), ClientError> {
    let b = &mut demo.buyers[i];
    Buyer::new(&b.client, &demo.market)
        .await?
        .top_up(&b.channel, 5 * UNIT)
        .await?;
    let c: Channel = b.client.require(&b.channel, "channel").await?;
    b.meter.set_deposit(c.deposit);
    // A node reads the channel again when a receipt is beyond the deposit it knew; a store of
    // the provider's own is told.
    if b.sender.is_none() {
        setup::tell(
            &mut demo.providers[b.provider].store,
            demo.market,
            b.channel,
            &c,
        )?;
    }
    demo.events.push(format!(
        "buyer {i}: the meter refused to sign beyond the deposit; the buyer topped up 5 and went on"
    ));
    Ok(())
}

fn invalid(e: impl std::fmt::Display) -> ClientError {
    ClientError::Invalid(e.to_string())
}

/// Sends a buyer's receipts to its provider's node; every one must be acknowledged as new.
pub(super) async fn post(
    sender: &ReceiptSender,
    receipts: &[SignedReceipt],
) -> Result<u64, ClientError> {
    let results = sender.send(receipts).await?;
    if let Some(r) = results
        .iter()
        .find(|r| !matches!(r, ReceiptResult::Accepted { .. }))
    {
        return Err(invalid(format!(
            "a valid receipt was refused by the node: {r:?}"
        )));
    }
    Ok(results.len() as u64)
}

/// A provider's own store takes the receipts in one group commit; every one must be new.
pub(super) fn store<C: Chain>(
    p: &mut DemoProvider<'_, C>,
    receipts: &[SignedReceipt],
) -> Result<(), ClientError> {
    let verdicts = p
        .store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .accept_batch(receipts)?;
    for v in verdicts {
        match v {
            Ok(Accepted::New { .. }) => p.received += 1,
            other => return Err(invalid(format!("a valid receipt was refused: {other:?}"))),
        }
    }
    Ok(())
}

async fn force_close<C: DemoChain>(
    demo: &mut Demo<'_, C>,
    round: usize,
) -> Result<(), ClientError> {
    log("buyer 1 rates its provider 2 and forces a close of its channel");
    let forced = demo.forced;
    let b = &demo.buyers[forced];
    let buyer = Buyer::new(&b.client, &demo.market).await?;
    buyer.rate(&b.channel, 2).await?;
    let requested = buyer.request_close(&b.channel).await?;
    demo.forced_deadline = requested.deadline;
    demo.events.push(format!(
        "buyer {forced} forced a close in round {round}; deadline {}",
        requested.deadline
    ));
    let p = b.provider;
    Book::record_closing(&mut demo.providers[p].store, &b.channel, requested.deadline)
}

/// Half an hour into the one-hour window (on a cluster: now), the provider settles the closing
/// channel.
async fn answer_forced_close<C: DemoChain>(demo: &mut Demo<'_, C>) -> Result<(), ClientError> {
    let warped = demo.chain.warp(1_800).await?;
    let b = &demo.buyers[demo.forced];
    let (p, channel) = (b.provider, b.channel);
    let provider = &mut demo.providers[p];
    let rows = Provider::new(&provider.client, &demo.market)
        .await?
        .settle(&mut provider.store, Some(channel), &[])
        .await?;
    let rows = no_failure(rows)?;
    demo.events.push(format!(
        "provider {p} settled the closing channel {} into the window: {} ({})",
        if warped { "30 minutes" } else { "moments" },
        rows[0]
            .amount
            .map(|a| bandwidth_client::market::ui_amount(a, DECIMALS))
            .unwrap_or_default(),
        rows[0].outcome
    ));
    Ok(())
}

/// The demo settles on a healthy chain: any refused or failed settlement is a failed demo.
pub(super) fn no_failure(rows: Vec<SettleRow>) -> Result<Vec<SettleRow>, ClientError> {
    match rows.iter().find(|r| r.is_failure()) {
        Some(r) => Err(invalid(format!(
            "settling {} was {}: {}",
            r.channel,
            r.outcome,
            r.error.as_deref().unwrap_or("")
        ))),
        None => Ok(rows),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_forced_close_is_answered_in_a_later_round() {
        for rounds in 4..40 {
            let (settle, force) = super::schedule(rounds);
            assert!(settle < force && force + 1 < rounds, "{rounds} rounds");
        }
        assert_eq!(super::schedule(10), (4, 6));
    }
}
