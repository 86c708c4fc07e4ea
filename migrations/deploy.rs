//! Post-deployment script for the official toolchain: after `anchor deploy`, create the first
//! market on the cluster.
//!
//! ```sh
//! cargo run -p bandwidth-cli --example deploy -- -u localhost \
//!     -k ~/.config/solana/id.json [--mint <MINT> | --create-test-mint]
//! ```
//!
//! With `--create-test-mint` (localnet) it creates a 6-decimal SPL Token mint owned by the
//! payer and mints it 1,000,000 tokens. It uses the same client code, and the same `-u`/`-k`
//! conventions (and Solana CLI config defaults), as `bwx`.
use anchor_lang::prelude::Pubkey;
use bandwidth_cli::{
    commands::market,
    context::{Ctx, GlobalArgs},
};
use bandwidth_client::{ops::MarketAdmin, tokens, Chain, ClientError};
use bandwidth_settlement::instructions::CreateMarketArgs;
use clap::Parser;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    global: GlobalArgs,
    /// Mint of the market to create.
    #[arg(long, conflicts_with = "create_test_mint")]
    mint: Option<Pubkey>,
    /// Create a test mint first (localnet).
    #[arg(long)]
    create_test_mint: bool,
    #[arg(long, default_value_t = 250)]
    fee_bps: u16,
    #[arg(long, default_value_t = 2_000)]
    burn_bps: u16,
}

async fn run(args: Args) -> Result<(), ClientError> {
    let ctx = Ctx::new(&args.global)?;
    let client = ctx.client()?;
    let program = client
        .chain
        .account(&ctx.program_id)
        .await?
        .filter(|a| a.executable)
        .ok_or_else(|| {
            ClientError::Invalid(format!(
                "program {} is not deployed on {}: run `anchor deploy` first",
                ctx.program_id, ctx.url
            ))
        })?;
    eprintln!(
        "program {} deployed (owner {})",
        ctx.program_id, program.owner
    );
    let mint = match (args.mint, args.create_test_mint) {
        (Some(m), _) => m,
        (None, true) => {
            let mint = Keypair::new();
            let payer = client.payer().pubkey();
            let rent = client.chain.minimum_balance(tokens::MINT_LEN).await?;
            let token = spl_token_interface::ID;
            let mut ixs = tokens::create_mint(&payer, &mint.pubkey(), &payer, 6, &token, rent);
            let ata = tokens::associated_address(&payer, &mint.pubkey(), &token);
            ixs.push(tokens::create_associated_account(
                &payer,
                &payer,
                &mint.pubkey(),
                &token,
            ));
            ixs.push(tokens::mint_to(
                &mint.pubkey(),
                &ata,
                &payer,
                1_000_000_000_000,
                &token,
            ));
            client.send(&ixs, &[&mint], 200_000).await?;
            eprintln!("test mint {} created", mint.pubkey());
            mint.pubkey()
        }
        (None, false) => {
            return Err(ClientError::Invalid(
                "pass --mint <MINT>, or --create-test-mint on a local validator".into(),
            ))
        }
    };
    let terms = CreateMarketArgs {
        fee_bps: args.fee_bps,
        burn_bps: args.burn_bps,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    let (admin, _) = MarketAdmin::create(&client, &mint, None, terms).await?;
    ctx.print(&market::report(&client, &admin.market()).await?);
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
