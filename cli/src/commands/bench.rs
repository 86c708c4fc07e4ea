//! `bwx bench` and `bwx bench ingest` ([`bandwidth_demo::bench`]): on a throw-away embedded
//! chain, printed as tables.
use crate::context::Ctx;
use bandwidth_client::ClientError;
use bandwidth_demo::bench::{self, ingest::IngestConfig};
use bandwidth_testkit::Hosting;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: Option<Cmd>,
    /// The program's SBF build to run on the VM (compute units measured); when absent, the
    /// program is hosted natively.
    #[arg(long, default_value = "target/deploy/bandwidth_settlement.so")]
    pub program: std::path::PathBuf,
}

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Receipts per second a provider node durably acknowledges over loopback HTTP, and the
    /// latency, with N concurrent buyer connections.
    Ingest(IngestArgs),
}

#[derive(clap::Args, Debug)]
pub struct IngestArgs {
    /// Concurrent buyer connections, one run each.
    #[arg(long, value_delimiter = ',', default_value = "1,16,256")]
    pub connections: Vec<usize>,
    /// Receipts per request for each run [default: 256 for 1 connection, 32 for 16, 2 for
    /// 256: about 500 receipts in flight].
    #[arg(long, value_delimiter = ',')]
    pub per_request: Vec<usize>,
    /// Receipts per run.
    #[arg(long, default_value_t = 60_000)]
    pub receipts: usize,
    /// Verify each signature on its own (the program's code) instead of in batches: for
    /// comparison.
    #[arg(long)]
    pub single_verify: bool,
    /// Most receipts per group commit; 1 commits (and fsyncs) each receipt on its own: for
    /// comparison.
    #[arg(long, default_value_t = IngestConfig::default().commit_batch)]
    pub commit_batch: usize,
}

pub async fn execute(args: &Args, ctx: &Ctx) -> Result<bool, ClientError> {
    let dir = tempfile::tempdir()?;
    if let Some(Cmd::Ingest(a)) = &args.what {
        let config = IngestConfig {
            connections: a.connections.clone(),
            per_request: a.per_request.clone(),
            receipts: a.receipts,
            single_verify: a.single_verify,
            commit_batch: a.commit_batch.max(1),
        };
        ctx.print(&bench::ingest::run(&config, dir.path()).await?);
        return Ok(true);
    }
    let hosting = if args.program.exists() {
        Hosting::Sbf(args.program.clone())
    } else {
        Hosting::Native
    };
    eprintln!("bwx bench: embedded chain, one provider, 78 buyers, program {hosting:?}");
    ctx.print(&bench::run(dir.path(), &hosting).await?);
    Ok(true)
}
