//! `bwx watch`: the SDK's [`Watcher`](bandwidth_client::watcher::Watcher), run until a signal.
use crate::{context::Ctx, output::SettleLine};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    lookup,
    market::load_market,
    settlement::{Outcome, SettleRow},
    watcher::{Round, WatchPolicy, Watcher},
    Client, ClientError, RpcChain,
};
use solana_message::AddressLookupTableAccount;

#[derive(clap::Args)]
pub struct Args {
    /// The market whose decimals --min-unsettled is read in (and rows are shown in).
    #[arg(long)]
    pub market: Pubkey,
    /// Seconds between polls.
    #[arg(long, default_value_t = 10)]
    pub interval: u64,
    /// Report closing channels this close (seconds) to their deadline as late.
    #[arg(long, default_value_t = 120)]
    pub margin: i64,
    /// Settle an open channel once this much (in the mint's units) is unsettled...
    #[arg(long, default_value = "1")]
    pub min_unsettled: String,
    /// ...or once an unsettled amount has waited this long (seconds).
    #[arg(long, default_value_t = 3_600)]
    pub max_age: i64,
    #[arg(long)]
    pub lookup_table: Option<Pubkey>,
    /// Token account of the mint the bounty is paid to (third-party watchers).
    #[arg(long)]
    pub bounty_to: Option<Pubkey>,
    /// Poll once and exit (non-zero if a settlement was refused or failed).
    #[arg(long)]
    pub once: bool,
}

/// What the watcher needs before its first round: the policy in the market's decimals, the
/// lookup table.
async fn prepare(
    client: &Client<RpcChain>,
    args: &Args,
) -> Result<(WatchPolicy, Vec<AddressLookupTableAccount>, u8), ClientError> {
    let m = load_market(client, &args.market).await?;
    let policy = WatchPolicy {
        margin_secs: args.margin,
        min_unsettled: m.parse(&args.min_unsettled)?,
        max_age_secs: args.max_age,
        ..WatchPolicy::default()
    };
    let tables = match &args.lookup_table {
        Some(t) => vec![lookup::fetch_active(&client.chain, t).await?],
        None => vec![],
    };
    Ok((policy, tables, m.decimals))
}

pub async fn execute(args: &Args, ctx: &Ctx) -> Result<bool, ClientError> {
    let client = ctx.client()?;
    // The signal handlers exist from here on: a SIGTERM during start-up or the first round
    // is not lost.
    let stop = bandwidth_node::shutdown_signal();
    tokio::pin!(stop);
    // A cluster that is down when the watcher starts is waited for, not a reason to exit.
    let (policy, tables, decimals) = loop {
        match prepare(&client, args).await {
            Ok(ready) => break ready,
            Err(e) if e.is_transient() && !args.once => {
                eprintln!("bwx watch: cannot start yet, retrying in 2 s: {e}");
                tokio::select! {
                    biased;
                    _ = &mut stop => return Ok(true),
                    _ = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
                }
            }
            Err(e) => return Err(e),
        }
    };
    let mut watcher = Watcher {
        client,
        store: ctx.store()?,
        policy,
        tables,
        bounty_to: args.bounty_to,
    };
    let lines = |rows: &[SettleRow]| {
        rows.iter()
            .map(|r| SettleLine::new(r, Some(decimals)))
            .collect::<Vec<_>>()
    };
    if args.once {
        let rows = watcher.poll().await?;
        ctx.print(&lines(&rows));
        return Ok(!rows.iter().any(|r| r.is_failure()));
    }
    // Runs until SIGINT or SIGTERM: every error is reported and retried in the next round.
    let mut round = 0u64;
    let interval = std::time::Duration::from_secs(args.interval);
    watcher
        .run(interval, stop, |r| {
            round += 1;
            match r {
                Round::Polled(rows) => {
                    let failed = rows.iter().filter(|r| r.is_failure()).count();
                    let settled = rows
                        .iter()
                        .filter(|r| r.outcome == Outcome::Settled)
                        .count();
                    let other = rows.len() - settled - failed;
                    eprintln!("round {round}: {settled} settled, {failed} failed, {other} other");
                    if !rows.is_empty() {
                        ctx.print(&lines(&rows));
                    }
                }
                Round::Failed(e) => eprintln!("round {round}: cluster unavailable, retrying: {e}"),
            }
        })
        .await;
    eprintln!("bwx watch: stopped by signal after {round} rounds");
    Ok(true)
}
