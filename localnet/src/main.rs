//! `bwx-localnet` (run as `bwx localnet`): a local Agave validator with the settlement program,
//! until SIGINT or SIGTERM. Then every `bwx` command works against it with `-u localhost`, and so
//! does any other Solana client.
use bandwidth_localnet::{Config, Hosting, Localnet};
use clap::Parser;
use solana_signer::Signer;
use std::{path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
    name = "bwx localnet",
    bin_name = "bwx localnet",
    about = "A local Agave validator with the bandwidth settlement program (JSON-RPC on 127.0.0.1:8899)"
)]
struct Args {
    /// JSON-RPC port (PubSub on the next one).
    #[arg(long, default_value_t = 8899)]
    rpc_port: u16,
    #[arg(long, default_value_t = 9900)]
    faucet_port: u16,
    /// Where the ledger lives [default: <data dir>/localnet-ledger].
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Start from a new genesis (deletes the ledger).
    #[arg(long)]
    reset: bool,
    /// Keypair file funded with SOL in genesis [default: the Solana CLI's keypair,
    /// ~/.config/solana/id.json, created when there is none]. Repeat to fund several.
    #[arg(long = "fund")]
    fund: Vec<PathBuf>,
    /// SOL given to each funded keypair.
    #[arg(long, default_value_t = 1_000)]
    sol: u64,
    /// The SBF build to deploy; when absent, the program is hosted natively.
    #[arg(long, default_value = "target/deploy/bandwidth_settlement.so")]
    program: PathBuf,
    /// Where bwx keeps its data [default: ~/.config/bwx].
    #[arg(long, env = "BWX_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let data_dir = args
        .data_dir
        .unwrap_or_else(|| home().join(".config").join("bwx"));
    let ledger = args
        .ledger
        .unwrap_or_else(|| data_dir.join("localnet-ledger"));
    let fund_paths = if args.fund.is_empty() {
        // No Solana CLI needed: the keypair it would make, made here (as `solana-keygen new`).
        let default = home().join(".config/solana/id.json");
        if !default.exists() {
            let created = default
                .parent()
                .map(std::fs::create_dir_all)
                .transpose()
                .map_err(|e| e.to_string())
                .and_then(|_| {
                    bandwidth_client::receipts::sessions::write_keypair(
                        &default,
                        &solana_keypair::Keypair::new(),
                    )
                    .map_err(|e| e.to_string())
                });
            match created {
                Ok(()) => println!("created   {} (a new keypair)", default.display()),
                Err(e) => {
                    eprintln!("error: cannot create {}: {e}", default.display());
                    return ExitCode::FAILURE;
                }
            }
        }
        vec![default]
    } else {
        args.fund
    };
    let mut fund = vec![];
    for path in &fund_paths {
        match bandwidth_client::receipts::sessions::read_keypair(path) {
            Ok(k) => fund.push((k.pubkey(), args.sol * 1_000_000_000)),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let config = Config {
        ledger: ledger.clone(),
        reset: args.reset,
        rpc_port: args.rpc_port,
        faucet_port: args.faucet_port,
        fund: fund.clone(),
        program_so: Some(args.program),
    };
    let net = match Localnet::start(config).await {
        Ok(net) => net,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match &net.hosting {
        Hosting::Native => println!(
            "program {}: hosted NATIVELY (compiled into this process; no SBF build found)",
            bandwidth_settlement::ID
        ),
        Hosting::Sbf(path) => println!(
            "program {}: the SBF build {}",
            bandwidth_settlement::ID,
            path.display()
        ),
    }
    println!("JSON-RPC  {}", net.rpc_url);
    println!("PubSub    {}", net.pubsub_url);
    println!("faucet    {}", net.faucet);
    println!("ledger    {}", ledger.display());
    for (address, lamports) in &fund {
        println!("funded    {address} with {} SOL", lamports / 1_000_000_000);
    }
    println!(
        "started in {:.1} s; stop with Ctrl-C",
        net.started_in.as_secs_f64()
    );
    bandwidth_node::shutdown_signal().await;
    println!("stopping");
    // Dropping the validator joins its threads: not on the async runtime.
    let _ = tokio::task::spawn_blocking(move || drop(net)).await;
    ExitCode::SUCCESS
}
