//! `bwx channel open | top-up | close | finalize | show | list`.
use super::{compute, load_market, market::percent, MarketInfo};
use crate::{
    context::Ctx,
    errors::ClientError,
    ix::{self, ChannelKeys},
    pda,
    receipts::{
        sessions::SessionKeys,
        store::{Book, ReceiptStore},
        to_args,
    },
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::OpenChannelArgs,
    state::{Buyer, Channel, ChannelState, Provider},
};
use serde::Serialize;
use solana_signer::Signer;

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

pub async fn show<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
) -> Result<ChannelReport, ClientError> {
    let c: Channel = client.require(channel, "channel").await?;
    let m = load_market(client, &c.market).await?;
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

/// The Provider account for `key`, which may be the Provider account itself or its authority.
pub async fn provider_account<C: Chain>(
    client: &Client<C>,
    key: &Pubkey,
) -> Result<(Pubkey, Provider), ClientError> {
    if let Ok(Some(p)) = client.get::<Provider>(key).await {
        return Ok((*key, p));
    }
    let address = pda::provider(key);
    let p = client.require(&address, "provider").await?;
    Ok((address, p))
}

/// Opens a channel from the payer's escrow to `provider` with a fresh session key, written to
/// `sessions` before the channel exists. `window` defaults to the shortest the market and
/// the provider accept.
pub async fn open<C: Chain>(
    client: &Client<C>,
    sessions: &SessionKeys,
    market: &Pubkey,
    provider: &Pubkey,
    amount: &str,
    window: Option<u32>,
) -> Result<ChannelReport, ClientError> {
    let m = load_market(client, market).await?;
    let (provider, p) = provider_account(client, provider).await?;
    let owner = client.payer().pubkey();
    let escrow = pda::buyer(market, &owner);
    let b: Buyer = client
        .require(&escrow, "buyer escrow (deposit first)")
        .await?;
    let window = window.unwrap_or(
        m.account
            .min_dispute_window_secs
            .max(p.min_dispute_window_secs),
    );
    let channel = pda::channel(&escrow, b.next_channel_id);
    let session = sessions.for_channel(&channel)?;
    let (ix, address) = ix::open_channel(
        owner,
        *market,
        provider,
        b.next_channel_id,
        OpenChannelArgs {
            amount: m.parse(amount)?,
            dispute_window_secs: window,
            receipt_signer: session.pubkey(),
        },
    );
    debug_assert_eq!(address, channel);
    client.send(&[ix], &[], compute::OPEN_CHANNEL).await?;
    show(client, &channel).await
}

async fn keys<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
) -> Result<(ChannelKeys, Channel), ClientError> {
    let c: Channel = client.require(channel, "channel").await?;
    Ok((ChannelKeys::from_account(*channel, &c), c))
}

pub async fn top_up<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
    amount: &str,
) -> Result<ChannelReport, ClientError> {
    let (k, _) = keys(client, channel).await?;
    let m = load_market(client, &k.market).await?;
    let ix = ix::top_up(client.payer().pubkey(), &k, m.parse(amount)?);
    client.send(&[ix], &[], compute::TOP_UP).await?;
    show(client, channel).await
}

#[derive(Debug, Serialize)]
pub struct CloseReport {
    pub channel: String,
    /// "close requested" (buyer) or "closed" (provider).
    pub outcome: &'static str,
    pub close_deadline: Option<i64>,
    /// What the provider settled in its final receipt.
    pub final_amount: Option<String>,
}

/// Closes a channel as whoever the payer is: the buyer requests a close (the dispute window
/// starts); the provider closes at once, settling the best receipt in `store` first.
pub async fn close<C: Chain>(
    client: &Client<C>,
    store: Option<&mut dyn Book>,
    channel: &Pubkey,
) -> Result<CloseReport, ClientError> {
    let (k, c) = keys(client, channel).await?;
    let me = client.payer().pubkey();
    let buyer: Buyer = client.require(&c.buyer, "buyer escrow").await?;
    let provider: Provider = client.require(&c.provider, "provider").await?;
    let m = load_market(client, &c.market).await?;
    if buyer.owner == me {
        client
            .send(&[ix::request_close(me, &k)], &[], compute::REQUEST_CLOSE)
            .await?;
        let c: Channel = client.require(channel, "channel").await?;
        return Ok(CloseReport {
            channel: channel.to_string(),
            outcome: "close requested",
            close_deadline: Some(c.close_deadline),
            final_amount: None,
        });
    }
    if provider.authority != me {
        return Err(ClientError::Invalid(format!(
            "only the channel's buyer ({}) or provider ({}) can close it; anyone can finalize after the deadline",
            buyer.owner, provider.authority
        )));
    }
    let best = store
        .as_ref()
        .and_then(|s| s.best(channel))
        .filter(|b| b.receipt.amount > c.settled);
    let ix = ix::close_by_provider(me, &k, best.as_ref().map(to_args));
    client.send(&[ix], &[], compute::CLOSE_BY_PROVIDER).await?;
    if let Some(store) = store {
        if store.channel(channel).is_some() {
            if let Some(b) = best {
                store.record_settled(channel, b.receipt.amount, b.receipt.bytes)?;
            }
            store.record_closed(channel)?;
        }
    }
    Ok(CloseReport {
        channel: channel.to_string(),
        outcome: "closed",
        close_deadline: None,
        final_amount: best.map(|b| m.ui(b.receipt.amount)),
    })
}

/// Buyer: rates the channel's provider (1–5); it counts at close, weighted by what was paid.
pub async fn rate<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
    rating: u8,
) -> Result<ChannelReport, ClientError> {
    let (k, _) = keys(client, channel).await?;
    let ix = ix::rate_channel(client.payer().pubkey(), &k, rating);
    client.send(&[ix], &[], compute::TOP_UP).await?;
    show(client, channel).await
}

#[derive(Debug, Serialize)]
pub struct FinalizeReport {
    pub channel: String,
    pub refunded_to_buyer: String,
}

/// Anyone, after the deadline: refunds the rest of the deposit and closes the channel.
pub async fn finalize<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
) -> Result<FinalizeReport, ClientError> {
    let (k, c) = keys(client, channel).await?;
    let m = load_market(client, &c.market).await?;
    if c.state != ChannelState::Closing {
        return Err(ClientError::Invalid(format!(
            "channel {channel} is open: the buyer must request a close first"
        )));
    }
    let now = client.chain.clock().await?.unix_timestamp;
    if now < c.close_deadline {
        return Err(ClientError::Invalid(format!(
            "the dispute window ends at {} ({} s from now): finalize after it",
            c.close_deadline,
            c.close_deadline - now
        )));
    }
    client
        .send(&[ix::finalize_close(&k)], &[], compute::FINALIZE)
        .await?;
    Ok(FinalizeReport {
        channel: channel.to_string(),
        refunded_to_buyer: m.ui(c.deposit - c.settled),
    })
}

/// The channels of `owner`'s escrow in `market`.
pub async fn list_for_buyer<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    owner: &Pubkey,
) -> Result<Vec<ChannelRow>, ClientError> {
    Ok(super::buyer::show(client, market, owner).await?.channels)
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

pub fn list_for_provider(store: &ReceiptStore) -> Vec<ServedRow> {
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

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Open {
            market,
            provider,
            amount,
            window,
        } => {
            let client = ctx.client()?;
            let sessions = ctx.sessions()?;
            ctx.print(&open(&client, &sessions, market, provider, amount, *window).await?);
        }
        Cmd::TopUp { channel, amount } => {
            ctx.print(&top_up(&ctx.client()?, channel, amount).await?)
        }
        Cmd::Close { channel } => {
            let mut store = ctx.store()?;
            ctx.print(&close(&ctx.client()?, Some(&mut store), channel).await?);
        }
        Cmd::Finalize { channel } => ctx.print(&finalize(&ctx.client()?, channel).await?),
        Cmd::Show { channel } => ctx.print(&show(&ctx.reader(), channel).await?),
        Cmd::Rate { channel, rating } => ctx.print(&rate(&ctx.client()?, channel, *rating).await?),
        Cmd::List {
            market: Some(market),
            owner,
        } => {
            let client = ctx.reader();
            let owner = match owner {
                Some(o) => *o,
                None => client.try_payer()?.pubkey(),
            };
            ctx.print(&list_for_buyer(&client, market, &owner).await?);
        }
        Cmd::List { market: None, .. } => ctx.print(&list_for_provider(&ctx.store()?)),
    }
    Ok(true)
}
