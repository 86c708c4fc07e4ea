//! `bwx demo`: the demo ([`bandwidth_demo::demo`]) on a throw-away embedded chain — or, with
//! `-u`, on that cluster over JSON-RPC, paid for by the `-k` signer.
use crate::context::Ctx;
use bandwidth_client::{Chain, ClientError};
use bandwidth_demo::demo::{self, DemoConfig, DemoReport};
use std::{path::Path, sync::Arc};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 20)]
    pub buyers: usize,
    #[arg(long, default_value_t = 3)]
    pub providers: usize,
    #[arg(long, default_value_t = 10)]
    pub rounds: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Run each provider's node on loopback: receipts travel over HTTP.
    #[arg(long)]
    pub network: bool,
}

/// `Ok(false)` if a check fails.
pub async fn execute(args: &Args, ctx: &Ctx) -> Result<bool, ClientError> {
    let config = DemoConfig {
        buyers: args.buyers.max(1),
        providers: args.providers.max(1),
        rounds: args.rounds.max(4),
        seed: args.seed,
        network: args.network,
        ..Default::default()
    };
    let dir = tempfile::tempdir()?;
    let report = if ctx.url_given {
        eprintln!(
            "bwx demo: {} over JSON-RPC, {} providers, {} buyers, paid for by {}",
            ctx.url, config.providers, config.buyers, ctx.keypair
        );
        let mut chain = ctx.chain();
        chain.spinner = false;
        let nodes: Arc<dyn Chain> = Arc::new(ctx.chain());
        demo::run_with_nodes(&chain, ctx.signer()?, &config, dir.path(), Some(nodes)).await?
    } else {
        embedded(&config, dir.path()).await?
    };
    ctx.print(&report);
    Ok(report.all_ok())
}

#[cfg(feature = "embedded")]
async fn embedded(config: &DemoConfig, dir: &Path) -> Result<DemoReport, ClientError> {
    eprintln!(
        "bwx demo: embedded chain, {} providers, {} buyers",
        config.providers, config.buyers
    );
    demo::run(config, dir).await
}

#[cfg(not(feature = "embedded"))]
async fn embedded(_: &DemoConfig, _: &Path) -> Result<DemoReport, ClientError> {
    Err(super::without_embedded_chain("bwx demo without -u"))
}
