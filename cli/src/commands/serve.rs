//! `bwx provider serve`: the provider's node ([`bandwidth_node`]), until SIGTERM or SIGINT:
//! its settings from the flags over a YAML file, amounts read in the market's units.
use crate::context::Ctx;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    market::load_market, receipts::store::ReceiptStore, watcher::WatchPolicy, Chain, Client,
    ClientError,
};
use bandwidth_node::{Limits, Node, NodeConfig, PolicyConfig};
use serde::Deserialize;
use std::{path::PathBuf, sync::Arc, time::Duration};

/// Every option can also be set in a YAML file (`--node-config`; `-C/--config` stays the Solana
/// CLI config), keys as the long flags with
/// underscores: `market`, `listen`, `settle_interval`, ...); a flag wins over the file.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// YAML file with the node's settings.
    // Not `config`: that id is the global -C/--config.
    #[arg(long)]
    pub node_config: Option<PathBuf>,
    /// The market to serve.
    #[arg(long)]
    pub market: Option<Pubkey>,
    /// Address to listen on [default: 127.0.0.1:8910; 8900 is the validator's PubSub port].
    #[arg(long)]
    pub listen: Option<String>,
    /// Receipt store [default: <data dir>/receipts.sqlite].
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Seconds between settlement rounds [default: 10].
    #[arg(long)]
    pub settle_interval: Option<u64>,
    /// Settle an open channel once this much (mint units) is unsettled... [default: 1]
    #[arg(long)]
    pub min_unsettled: Option<String>,
    /// ...or once an unsettled amount has waited this long (seconds) [default: 3600].
    #[arg(long)]
    pub max_age: Option<i64>,
    /// Closing channels this close to their deadline (seconds) are reported late [default: 120].
    #[arg(long)]
    pub margin: Option<i64>,
    /// Address lookup table for v0 settlements (bwx lookup-table create).
    #[arg(long)]
    pub lookup_table: Option<Pubkey>,
    /// Withdraw earnings to the payout wallet once they reach this (mint units), or "never"
    /// [default: 1].
    #[arg(long)]
    pub withdraw_above: Option<String>,
    /// Claim rewards once this many base units of the reward mint have vested, or "never"
    /// [default: 1].
    #[arg(long)]
    pub claim_rewards_above: Option<String>,
    /// Largest request body, bytes [default: 2097152].
    #[arg(long)]
    pub max_body_bytes: Option<usize>,
    /// Most receipts per request [default: 4096].
    #[arg(long)]
    pub max_receipts: Option<usize>,
    /// Connections served at once [default: 1024].
    #[arg(long)]
    pub max_connections: Option<usize>,
    /// Signature verification threads [default: one per core].
    #[arg(long)]
    pub verify_threads: Option<usize>,
    /// Log filter (RUST_LOG syntax) [default: info].
    #[arg(long)]
    pub log: Option<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct File {
    market: Option<String>,
    listen: Option<String>,
    store: Option<PathBuf>,
    settle_interval: Option<u64>,
    min_unsettled: Option<String>,
    max_age: Option<i64>,
    margin: Option<i64>,
    lookup_table: Option<String>,
    withdraw_above: Option<String>,
    claim_rewards_above: Option<String>,
    max_body_bytes: Option<usize>,
    max_receipts: Option<usize>,
    max_connections: Option<usize>,
    verify_threads: Option<usize>,
    log: Option<String>,
}

fn key(what: &str, text: Option<String>) -> Result<Option<Pubkey>, ClientError> {
    text.map(|t| {
        t.parse().map_err(|_| {
            ClientError::Invalid(format!("{what} {t:?} in the config file is not an address"))
        })
    })
    .transpose()
}

/// The flags over the file.
fn merge(args: &Args) -> Result<Args, ClientError> {
    let file: File = match &args.node_config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                ClientError::Invalid(format!(
                    "cannot read the node config {}: {e}",
                    path.display()
                ))
            })?;
            serde_yaml::from_str(&text)
                .map_err(|e| ClientError::Invalid(format!("node config {}: {e}", path.display())))?
        }
        None => File::default(),
    };
    Ok(Args {
        node_config: None,
        market: args.market.or(key("market", file.market)?),
        listen: args.listen.clone().or(file.listen),
        store: args.store.clone().or(file.store),
        settle_interval: args.settle_interval.or(file.settle_interval),
        min_unsettled: args.min_unsettled.clone().or(file.min_unsettled),
        max_age: args.max_age.or(file.max_age),
        margin: args.margin.or(file.margin),
        lookup_table: args
            .lookup_table
            .or(key("lookup_table", file.lookup_table)?),
        withdraw_above: args.withdraw_above.clone().or(file.withdraw_above),
        claim_rewards_above: args
            .claim_rewards_above
            .clone()
            .or(file.claim_rewards_above),
        max_body_bytes: args.max_body_bytes.or(file.max_body_bytes),
        max_receipts: args.max_receipts.or(file.max_receipts),
        max_connections: args.max_connections.or(file.max_connections),
        verify_threads: args.verify_threads.or(file.verify_threads),
        log: args.log.clone().or(file.log),
    })
}

fn never(text: &str) -> bool {
    matches!(text.trim(), "never" | "off" | "none")
}

/// The node's configuration from the merged options, amounts read in the market's units.
pub async fn node_config<C: Chain>(
    client: &Client<C>,
    a: &Args,
) -> Result<NodeConfig, ClientError> {
    let market = a.market.ok_or_else(|| {
        ClientError::Invalid("which market? pass --market (or market: in --node-config)".into())
    })?;
    let m = load_market(client, &market).await?;
    let defaults = NodeConfig {
        program_id: client.program_id,
        ..NodeConfig::new(market)
    };
    let withdraw_above = match a.withdraw_above.as_deref() {
        Some(t) if never(t) => None,
        Some(t) => Some(m.parse(t)?),
        None => Some(m.parse("1")?),
    };
    let claim_rewards_above = match a.claim_rewards_above.as_deref() {
        Some(t) if never(t) => None,
        Some(t) => Some(t.trim().parse().map_err(|_| {
            ClientError::Invalid(format!(
                "--claim-rewards-above {t:?}: base units of the reward mint, or never"
            ))
        })?),
        None => Some(1),
    };
    Ok(NodeConfig {
        market,
        program_id: defaults.program_id,
        limits: Limits {
            max_body_bytes: a.max_body_bytes.unwrap_or(defaults.limits.max_body_bytes),
            max_receipts_per_request: a
                .max_receipts
                .unwrap_or(defaults.limits.max_receipts_per_request),
            max_connections: a.max_connections.unwrap_or(defaults.limits.max_connections),
            ..defaults.limits
        },
        verify_threads: a.verify_threads.unwrap_or(defaults.verify_threads),
        commit_batch: defaults.commit_batch,
        batch_verify: true,
        priority_fee: defaults.priority_fee,
        policy: PolicyConfig {
            watch: WatchPolicy {
                margin_secs: a.margin.unwrap_or(120),
                min_unsettled: m.parse(a.min_unsettled.as_deref().unwrap_or("1"))?,
                max_age_secs: a.max_age.unwrap_or(3_600),
                ..WatchPolicy::default()
            },
            lookup_table: a.lookup_table,
            withdraw_above,
            claim_rewards_above,
        },
        policy_interval: Some(Duration::from_secs(a.settle_interval.unwrap_or(10).max(1))),
    })
}

pub async fn execute(args: &Args, ctx: &Ctx) -> Result<bool, ClientError> {
    let a = merge(args)?;
    if a.market.is_none() {
        return Err(ClientError::Invalid(
            "which market? pass --market (or market: in --node-config)".into(),
        ));
    }
    init_logs(a.log.as_deref().unwrap_or("info"))?;
    let stop = bandwidth_node::shutdown_signal();
    // The signer is loaded once (a prompt:// signer asks once).
    let signer: bandwidth_client::client::SharedSigner = Arc::new(ctx.signer()?);
    let client = ctx.reader();
    let mut config = node_config(&client, &a).await?;
    config.priority_fee = ctx.priority_fee;
    let store = match &a.store {
        Some(path) => ReceiptStore::open(path)?,
        None => ctx.store()?,
    };
    // A service writes logs, not a terminal spinner.
    let mut rpc = ctx.chain();
    rpc.spinner = false;
    let node = Node::builder(config.market)
        .config(config)
        .chain(Arc::new(rpc))
        .shared_signer(signer)
        .store(store)
        .listen(a.listen.as_deref().unwrap_or("127.0.0.1:8910"))
        .start()
        .await?;
    eprintln!("bwx provider serve: listening on {}", node.url());
    stop.await;
    tracing::info!("signal received: stopping");
    let (_, report) = node.shutdown().await?;
    ctx.print(&report);
    Ok(true)
}

fn init_logs(filter: &str) -> Result<(), ClientError> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .map_err(|e| ClientError::Invalid(format!("--log {filter:?} is not a log filter: {e}")))?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}
