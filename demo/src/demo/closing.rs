//! The end of the demo's sessions: ratings and final receipts, cooperative closes, the forced
//! close finalized (or closed by its provider on a cluster), withdrawals and the fee sweep.
use super::*;
use bandwidth_client::{
    ops::{admin::sweep_fees, admin::Swept, buyer::finalize_close, Buyer, Provider},
    receipts::store::Book,
};

pub(super) async fn end_sessions<C: DemoChain>(demo: &mut Demo<'_, C>) -> Result<(), ClientError> {
    log("sessions end: buyers rate their providers; final receipts; providers close cooperatively");
    for i in 0..demo.buyers.len() {
        if i != demo.forced {
            final_receipt(demo, i).await?;
        }
    }
    let now = demo.chain.clock().await?.unix_timestamp;
    let forced = &demo.buyers[demo.forced];
    if demo.chain.warp(demo.forced_deadline - now).await? {
        log("the forced close is finalized after its deadline (clock warp)");
        finalize_close(&demo.finalizer, &forced.channel).await?;
    } else {
        log("the forced close is closed by its provider (a cluster's clock cannot be warped)");
        let p = &mut demo.providers[forced.provider];
        let store: &mut dyn Book = &mut p.store;
        Provider::new(&p.client, &demo.market)
            .await?
            .close(Some(store), &forced.channel)
            .await?;
        demo.events.push(format!(
            "buyer {}'s forced close was closed by its provider before the deadline",
            demo.forced
        ));
    }
    Ok(())
}

/// A buyer rates its provider and signs what its meter has not yet; the provider closes the
/// channel with it.
async fn final_receipt<C: DemoChain>(demo: &mut Demo<'_, C>, i: usize) -> Result<(), ClientError> {
    let b = &mut demo.buyers[i];
    let rating = [5, 4, 3][b.provider % 3];
    Buyer::new(&b.client, &demo.market)
        .await?
        .rate(&b.channel, rating)
        .await?;
    let signed = b
        .meter
        .sign_now()
        .map_err(|e| ClientError::Invalid(e.to_string()))?;
    let p = &mut demo.providers[b.provider];
    if let Some(r) = signed {
        match &b.sender {
            Some(sender) => p.received += traffic::post(sender, &[r]).await?,
            None => traffic::store(p, &[r])?,
        }
    }
    let store: &mut dyn Book = &mut p.store;
    Provider::new(&p.client, &demo.market)
        .await?
        .close(Some(store), &b.channel)
        .await?;
    Ok(())
}

/// Buyers withdraw their escrow, providers their earnings and rewards; the fees are swept.
pub(super) async fn withdraw_and_sweep<C: DemoChain>(
    demo: &mut Demo<'_, C>,
) -> Result<Swept, ClientError> {
    log("everyone withdraws; fees are swept");
    for b in &demo.buyers {
        Buyer::new(&b.client, &demo.market)
            .await?
            .withdraw(None, None)
            .await?;
    }
    for p in &demo.providers {
        let provider = Provider::new(&p.client, &demo.market).await?;
        provider.withdraw_earnings(None, None).await?;
        provider.claim_rewards().await?;
    }
    sweep_fees(&demo.admin, &demo.market).await
}
