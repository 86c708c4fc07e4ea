//! `bwx lookup-table create | extend`: a provider's address lookup table, holding its
//! Provider and ProviderMarket accounts and its channels, for v0 settlement transactions.
use crate::context::Ctx;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{lookup, ops::Provider, ClientError};
use serde::Serialize;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Create a table with the signer's provider accounts, the market's reward pool address and
    /// the open channels of the receipt store in a market.
    Create {
        #[arg(long)]
        market: Pubkey,
    },
    /// Add the channels opened since.
    Extend {
        #[arg(long)]
        market: Pubkey,
        #[arg(long)]
        table: Pubkey,
    },
}

#[derive(Debug, Serialize)]
pub struct TableReport {
    pub table: String,
    pub addresses: usize,
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    let client = ctx.client()?;
    let store = ctx.store()?;
    let table = match cmd {
        Cmd::Create { market } => {
            Provider::new(&client, market)
                .await?
                .create_lookup_table(&store)
                .await?
        }
        Cmd::Extend { market, table } => {
            Provider::new(&client, market)
                .await?
                .extend_lookup_table(&store, table)
                .await?;
            *table
        }
    };
    ctx.print(&TableReport {
        table: table.to_string(),
        addresses: lookup::fetch(&client.chain, &table).await?.addresses.len(),
    });
    Ok(true)
}
