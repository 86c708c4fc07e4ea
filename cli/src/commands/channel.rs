//! `bwx channel open | top-up | close | finalize | rate | show | list`.
use crate::{context::Ctx, output::percent};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    market::MarketInfo,
    ops::{buyer::finalize_close, views, Buyer, Provider},
    receipts::store::ReceiptStore,
    Chain, Client, ClientError,
};
use bandwidth_settlement::state::{Buyer as Escrow, Channel, ChannelState};
use serde::Serialize;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Buyer: open a channel to a provider, with a fresh session key written to disk first.
    Open {
        #[arg(long)]
        market: Pubkey,
        /// The provider's authority (or Provider account).
        #[arg(long)]
        provider: Pubkey,
        #[arg(long)]
        amount: String,
        /// Dispute window in seconds [default: the shortest both sides accept].
        #[arg(long)]
        window: Option<u32>,
    },
    /// Buyer: move free balance into an open channel's deposit.
    TopUp {
        #[arg(long)]
        channel: Pubkey,
        #[arg(long)]
        amount: String,
    },
    /// Buyer: start the dispute window. Provider: settle the best stored receipt and close.
    Close {
        #[arg(long)]
        channel: Pubkey,
    },
    /// Anyone, after the deadline: refund the rest to the buyer and close.
    Finalize {
        #[arg(long)]
        channel: Pubkey,
    },
    /// A channel's terms and state (no signer needed).
    Show {
        #[arg(long)]
        channel: Pubkey,
    },
    /// Buyer: rate the channel's provider, 1 to 5 (counted at close, weighted by what you paid).
    Rate {
        #[arg(long)]
        channel: Pubkey,
        #[arg(long)]
        rating: u8,
    },
    /// A buyer's channels in a market (with --market; no signer needed with --owner), or the
    /// channels in the provider's receipt store.
    List {
        #[arg(long)]
        market: Option<Pubkey>,
        #[arg(long, requires = "market")]
        owner: Option<Pubkey>,
    },
}

/// One channel, for lists.
#[derive(Debug, Serialize)]
pub struct ChannelRow {
    pub channel: String,
    pub id: u64,
    pub state: &'static str,
    pub deposit: String,
    pub settled: String,
    pub settled_bytes: u64,
    pub close_deadline: Option<i64>,
}

impl ChannelRow {
    pub fn new(m: &MarketInfo, address: &Pubkey, c: &Channel) -> ChannelRow {
        ChannelRow {
            channel: address.to_string(),
            id: c.channel_id,
            state: state_name(c.state),
            deposit: m.ui(c.deposit),
            settled: m.ui(c.settled),
            settled_bytes: c.settled_bytes,
            close_deadline: (c.state == ChannelState::Closing).then_some(c.close_deadline),
        }
    }
}

fn state_name(s: ChannelState) -> &'static str {
    match s {
        ChannelState::Open => "open",
        ChannelState::Closing => "closing",
    }
}

#[derive(Debug, Serialize)]
pub struct ChannelReport {
    pub channel: String,
    pub id: u64,
    pub state: &'static str,
    pub market: String,
    pub buyer_escrow: String,
    pub provider: String,
    pub receipt_signer: String,
    pub deposit: String,
    pub settled: String,
    pub remaining: String,
    pub settled_bytes: u64,
    pub fee: String,
    pub watcher_bounty: String,
    pub price_per_gib: String,
    pub dispute_window_secs: u32,
    pub close_deadline: Option<i64>,
    pub opened_at: i64,
    pub rating: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct CloseReport {
    pub channel: String,
    /// "close requested" (buyer) or "closed" (provider).
    pub outcome: &'static str,
    pub close_deadline: Option<i64>,
    /// What the provider settled with its final receipt.
    pub final_amount: Option<String>,
    pub signature: String,
}

#[derive(Debug, Serialize)]
pub struct FinalizeReport {
    pub channel: String,
    pub refunded_to_buyer: String,
    pub signature: String,
}

/// The channels a provider serves, as its receipt store knows them, with what is unsettled.
#[derive(Debug, Serialize)]
pub struct ServedRow {
    pub channel: String,
    pub best_amount: Option<u64>,
    pub best_bytes: Option<u64>,
    pub settled_amount: u64,
    pub unsettled: u64,
    pub close_deadline: Option<i64>,
    pub closed: bool,
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Open {
            market,
            provider,
            amount,
            window,
        } => {
            let client = ctx.client()?;
            let buyer = Buyer::new(&client, market).await?;
            let amount = buyer.market().parse(amount)?;
            let opened = buyer
                .open_channel(&ctx.sessions()?, provider, amount, *window)
                .await?;
            ctx.print(&report(&client, &opened.channel).await?);
        }
        Cmd::TopUp { channel, amount } => {
            let client = ctx.client()?;
            let buyer = Buyer::new(&client, &market_of(&client, channel).await?).await?;
            buyer.top_up(channel, buyer.market().parse(amount)?).await?;
            ctx.print(&report(&client, channel).await?);
        }
        Cmd::Close { channel } => ctx.print(&close(ctx, channel).await?),
        Cmd::Finalize { channel } => {
            let client = ctx.client()?;
            let m = views::channel(&client, channel).await?.info;
            let done = finalize_close(&client, channel).await?;
            ctx.print(&FinalizeReport {
                channel: channel.to_string(),
                refunded_to_buyer: m.ui(done.refunded),
                signature: done.landed.signature.to_string(),
            });
        }
        Cmd::Show { channel } => ctx.print(&report(&ctx.reader(), channel).await?),
        Cmd::Rate { channel, rating } => {
            let client = ctx.client()?;
            let buyer = Buyer::new(&client, &market_of(&client, channel).await?).await?;
            buyer.rate(channel, *rating).await?;
            ctx.print(&report(&client, channel).await?);
        }
        Cmd::List {
            market: Some(market),
            owner,
        } => {
            let client = ctx.reader();
            let owner = match owner {
                Some(o) => *o,
                None => client.try_payer()?.pubkey(),
            };
            ctx.print(
                &super::buyer::report(&client, market, &owner)
                    .await?
                    .channels,
            );
        }
        Cmd::List { market: None, .. } => ctx.print(&served(&ctx.store()?)),
    }
    Ok(true)
}

async fn market_of<C: Chain>(client: &Client<C>, channel: &Pubkey) -> Result<Pubkey, ClientError> {
    Ok(client.require::<Channel>(channel, "channel").await?.market)
}

/// The buyer requests a close; the provider closes at once with its best stored receipt.
async fn close(ctx: &Ctx, channel: &Pubkey) -> Result<CloseReport, ClientError> {
    let client = ctx.client()?;
    let c: Channel = client.require(channel, "channel").await?;
    let escrow: Escrow = client.require(&c.buyer, "buyer escrow").await?;
    if escrow.owner == client.payer().pubkey() {
        let requested = Buyer::new(&client, &c.market)
            .await?
            .request_close(channel)
            .await?;
        return Ok(CloseReport {
            channel: channel.to_string(),
            outcome: "close requested",
            close_deadline: Some(requested.deadline),
            final_amount: None,
            signature: requested.landed.signature.to_string(),
        });
    }
    let provider = Provider::new(&client, &c.market).await?;
    let mut store = ctx.store()?;
    let closed = provider.close(Some(&mut store), channel).await?;
    Ok(CloseReport {
        channel: channel.to_string(),
        outcome: "closed",
        close_deadline: None,
        final_amount: closed.final_amount.map(|a| provider.market().ui(a)),
        signature: closed.landed.signature.to_string(),
    })
}

pub async fn report<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
) -> Result<ChannelReport, ClientError> {
    let v = views::channel(client, channel).await?;
    let (m, c) = (&v.info, &v.account);
    Ok(ChannelReport {
        channel: channel.to_string(),
        id: c.channel_id,
        state: state_name(c.state),
        market: c.market.to_string(),
        buyer_escrow: c.buyer.to_string(),
        provider: c.provider.to_string(),
        receipt_signer: c.receipt_signer.to_string(),
        deposit: m.ui(c.deposit),
        settled: m.ui(c.settled),
        remaining: m.ui(c.deposit - c.settled),
        settled_bytes: c.settled_bytes,
        fee: percent(c.fee_bps),
        watcher_bounty: percent(c.bounty_bps),
        price_per_gib: m.ui(c.price_per_gib),
        dispute_window_secs: c.dispute_window_secs,
        close_deadline: (c.state == ChannelState::Closing).then_some(c.close_deadline),
        opened_at: c.opened_at,
        rating: (c.rating > 0).then_some(c.rating),
    })
}

pub fn served(store: &ReceiptStore) -> Vec<ServedRow> {
    store
        .channels()
        .into_iter()
        .map(|c| ServedRow {
            channel: c.terms.channel.to_string(),
            best_amount: c.best.map(|b| b.receipt.amount),
            best_bytes: c.best.map(|b| b.receipt.bytes),
            settled_amount: c.settled_amount,
            unsettled: c.unsettled(),
            close_deadline: c.close_deadline,
            closed: c.closed,
        })
        .collect()
}
