//! The demo's set-up: a mint and a market with rewards, the providers (and their nodes), the
//! buyers with a deposit and one channel each.
use super::*;
use bandwidth_client::{
    budget as compute,
    ops::{Buyer, MarketAdmin, Provider},
    receipts::store::{Book, ChannelTerms, ReceiptStore},
    tokens,
};
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, RegisterProviderArgs, RewardTerms},
    state::Channel,
};
use solana_signer::Signer;
use std::sync::Mutex;

/// A mint, funded wallets, the market (fee 2.5 %, a fifth of it burned) and its rewards.
pub(super) async fn market<'a, C: DemoChain>(
    chain: &'a C,
    faucet: Keypair,
    config: &DemoConfig,
    dir: &'a Path,
    nodes: Option<Arc<dyn Chain>>,
) -> Result<Demo<'a, C>, ClientError> {
    log("creating a mint and a market (fee 2.5 %, 20 % of fees burned)");
    let faucet = Client::new(chain, faucet);
    let (admin, finalizer) = (
        Client::new(chain, Keypair::new()),
        Client::new(chain, Keypair::new()),
    );
    let mint = Keypair::new();
    let f = faucet.payer().pubkey();
    let rent = chain.minimum_balance(tokens::MINT_LEN).await?;
    let ixs = tokens::create_mint(
        &f,
        &mint.pubkey(),
        &f,
        DECIMALS,
        &spl_token_interface::ID,
        rent,
    );
    faucet.send(&ixs, &[&mint], compute::TOKEN_SETUP).await?;
    fund(
        &faucet,
        &[admin.payer().pubkey(), finalizer.payer().pubkey()],
    )
    .await?;
    let args = CreateMarketArgs {
        fee_bps: FEE_BPS,
        burn_bps: BURN_BPS,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    let (market_admin, _) = MarketAdmin::create(&admin, &mint.pubkey(), None, args).await?;
    let reward_mint = market_admin.create_reward_mint(DECIMALS).await?;
    let terms = RewardTerms {
        active: true,
        reward_per_gib: REWARD_PER_GIB,
        min_price_per_gib: UNIT / 2,
        epoch_secs: 86_400,
        epoch_cap: REWARD_EPOCH_CAP,
        vesting_secs: 0,
    };
    market_admin.configure_rewards(&reward_mint, terms).await?;
    let market = market_admin.market();
    Ok(Demo {
        chain,
        config: config.clone(),
        dir,
        rng: StdRng::seed_from_u64(config.seed),
        nodes,
        faucet,
        admin,
        finalizer,
        mint: mint.pubkey(),
        market,
        reward_mint,
        sessions: SessionKeys::open(dir.join("sessions"))?,
        providers: vec![],
        buyers: vec![],
        forced: 1 % config.buyers.max(1),
        forced_deadline: 0,
        events: vec![],
    })
}

/// Funds `wallets` with SOL from the faucet, a few per transaction.
async fn fund<C: Chain>(faucet: &Client<&C>, wallets: &[Pubkey]) -> Result<(), ClientError> {
    let from = faucet.payer().pubkey();
    for chunk in wallets.chunks(10) {
        let ixs: Vec<_> = chunk
            .iter()
            .map(|w| solana_system_interface::instruction::transfer(&from, w, 5_000_000_000))
            .collect();
        faucet.send(&ixs, &[], 10_000).await?;
    }
    Ok(())
}

/// The providers, each at its price; with `network`, each one's node on loopback, whose
/// address is the endpoint registered on-chain.
pub(super) async fn providers<C: DemoChain>(demo: &mut Demo<'_, C>) -> Result<(), ClientError> {
    log(&format!("registering {} providers", demo.config.providers));
    let keys: Vec<Keypair> = (0..demo.config.providers).map(|_| Keypair::new()).collect();
    let wallets: Vec<Pubkey> = keys.iter().map(|k| k.pubkey()).collect();
    fund(&demo.faucet, &wallets).await?;
    for (i, key) in keys.into_iter().enumerate() {
        let node_key = key.insecure_clone();
        let client = Client::new(demo.chain, key);
        let price = [UNIT * 4 / 5, UNIT, UNIT * 6 / 5][i % 3];
        let listener = match &demo.nodes {
            Some(_) => Some(tokio::net::TcpListener::bind("127.0.0.1:0").await?),
            None => None,
        };
        let endpoint = match &listener {
            Some(l) => format!("http://{}", l.local_addr()?),
            None => format!("https://node-{i}.example.net:4433"),
        };
        let args = RegisterProviderArgs {
            payout: client.payer().pubkey(),
            min_dispute_window_secs: 3_600,
            bounty_bps: 500,
            endpoint,
            region: ["eu-west", "us-east", "ap-south"][i % 3].into(),
        };
        Provider::new(&client, &demo.market)
            .await?
            .register(args, price)
            .await?;
        let path = demo.dir.join(format!("provider-{i}.sqlite"));
        let store: SharedStore = Arc::new(Mutex::new(ReceiptStore::open(path)?));
        let node = match (&demo.nodes, listener) {
            // Settlement stays with the demo's script; the node takes the receipts.
            (Some(chain), Some(listener)) => Some(
                bandwidth_node::Node::builder(demo.market)
                    .chain(chain.clone())
                    .signer(node_key)
                    .shared_store(store.clone())
                    .listener(listener)
                    .policy_interval(None)
                    .start()
                    .await?,
            ),
            _ => None,
        };
        let provider = DemoProvider {
            client,
            store,
            node,
            price,
            received: 0,
        };
        demo.providers.push(provider);
    }
    Ok(())
}

/// The buyers: tokens, a deposit, one channel each with a fresh session key. Buyer 0 reserves
/// little and will have to top up; buyer 1 will force a close.
pub(super) async fn buyers<C: DemoChain>(demo: &mut Demo<'_, C>) -> Result<(), ClientError> {
    log(&format!(
        "{} buyers deposit and open a channel each, with a fresh session key per channel",
        demo.config.buyers
    ));
    let keys: Vec<Keypair> = (0..demo.config.buyers).map(|_| Keypair::new()).collect();
    let wallets: Vec<Pubkey> = keys.iter().map(|k| k.pubkey()).collect();
    fund(&demo.faucet, &wallets).await?;
    mint_tokens(demo, &wallets).await?;
    for (i, key) in keys.into_iter().enumerate() {
        let client = Client::new(demo.chain, key);
        let buyer = Buyer::new(&client, &demo.market).await?;
        buyer.deposit(DEPOSIT, None).await?;
        let p = i % demo.providers.len();
        let deposit = if i == 0 { UNIT } else { 20 * UNIT };
        let provider_key = demo.providers[p].client.payer().pubkey();
        let opened = buyer
            .open_channel(&demo.sessions, &provider_key, deposit, None)
            .await?;
        let c: Channel = client.require(&opened.channel, "channel").await?;
        // Without nodes, the provider learns the channel's terms from the chain before serving
        // it (a node does that by itself at the first receipt).
        let sender = match demo.nodes {
            Some(_) => Some(ReceiptSender::for_provider(&client, &provider_key).await?),
            None => {
                tell(
                    &mut demo.providers[p].store,
                    demo.market,
                    opened.channel,
                    &c,
                )?;
                None
            }
        };
        let session = demo.sessions.load(&opened.channel)?;
        let meter = Meter::new(
            opened.channel,
            session,
            c.price_per_gib,
            c.deposit,
            demo.config.interval,
        );
        demo.buyers.push(DemoBuyer {
            client,
            provider: p,
            channel: opened.channel,
            meter,
            sender,
        });
    }
    Ok(())
}

/// A provider's own store learns a channel's terms (after an opening or a top-up).
pub(super) fn tell(
    store: &mut SharedStore,
    market: Pubkey,
    channel: Pubkey,
    c: &Channel,
) -> Result<(), ClientError> {
    store.add_channel(ChannelTerms {
        channel,
        market,
        signer: c.receipt_signer,
        deposit: c.deposit,
    })
}

/// Every buyer's associated token account, with its tokens.
async fn mint_tokens<C: DemoChain>(
    demo: &Demo<'_, C>,
    wallets: &[Pubkey],
) -> Result<(), ClientError> {
    let (f, mint, token) = (
        demo.faucet.payer().pubkey(),
        demo.mint,
        spl_token_interface::ID,
    );
    for chunk in wallets.chunks(5) {
        let mut ixs = vec![];
        for w in chunk {
            let ata = tokens::associated_address(w, &mint, &token);
            ixs.push(tokens::create_associated_account(&f, w, &mint, &token));
            ixs.push(tokens::mint_to(&mint, &ata, &f, WALLET_TOKENS, &token));
        }
        demo.faucet
            .send(&ixs, &[], compute::TOKEN_SETUP * 2)
            .await?;
    }
    Ok(())
}
