//! Fixtures shared by the tests of the SDK's operations, the watcher and the node: an embedded
//! chain with a mint, funded wallets, default market and provider terms, and the few steps
//! most of them take (a deposit and a channel).

use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    ops::{Buyer, MarketAdmin, Provider},
    receipts::sessions::SessionKeys,
    tokens, Chain, Client,
};
use bandwidth_settlement::instructions::{CreateMarketArgs, RegisterProviderArgs};
use bandwidth_testkit::EmbeddedChain;
use solana_keypair::Keypair;
use solana_signer::Signer;

pub const UNIT: u64 = 1_000_000;

pub struct World {
    /// Shared, so that a provider's node (which needs a `'static` chain) can run on it too.
    pub chain: std::sync::Arc<EmbeddedChain>,
    pub mint: Pubkey,
}

impl World {
    pub async fn new() -> World {
        let chain = EmbeddedChain::start_hosted(&bandwidth_tests::hosting()).await;
        let chain = std::sync::Arc::new(chain);
        let faucet = Client::new(&*chain, chain.faucet().insecure_clone());
        let mint = Keypair::new();
        let rent = chain.minimum_balance(tokens::MINT_LEN).await.unwrap();
        let f = faucet.payer().pubkey();
        let ixs = tokens::create_mint(&f, &mint.pubkey(), &f, 6, &spl_token_interface::ID, rent);
        faucet.send(&ixs, &[&mint], 100_000).await.unwrap();
        World {
            chain,
            mint: mint.pubkey(),
        }
    }

    /// A market of this world's mint with the default terms, and its admin.
    pub async fn market(&self) -> (Client<&EmbeddedChain>, Pubkey) {
        let admin = self.wallet(0).await;
        let (created, _) = MarketAdmin::create(&admin, &self.mint, None, market_args())
            .await
            .unwrap();
        let market = created.market();
        (admin, market)
    }

    /// A funded wallet holding `tokens` in its associated token account.
    pub async fn wallet(&self, tokens: u64) -> Client<&EmbeddedChain> {
        self.wallet_with_key(tokens).await.0
    }

    /// [`wallet`](Self::wallet), and its key (for a second client of the same wallet).
    pub async fn wallet_with_key(&self, tokens: u64) -> (Client<&EmbeddedChain>, Keypair) {
        let faucet = Client::new(&*self.chain, self.chain.faucet().insecure_clone());
        let k = Keypair::new();
        let f = faucet.payer().pubkey();
        let ata = tokens::associated_address(&k.pubkey(), &self.mint, &spl_token_interface::ID);
        let ixs = [
            solana_system_interface::instruction::transfer(&f, &k.pubkey(), 10_000_000_000),
            tokens::create_associated_account(
                &f,
                &k.pubkey(),
                &self.mint,
                &spl_token_interface::ID,
            ),
            tokens::mint_to(&self.mint, &ata, &f, tokens, &spl_token_interface::ID),
        ];
        faucet.send(&ixs, &[], 100_000).await.unwrap();
        (Client::new(&*self.chain, k.insecure_clone()), k)
    }
}

/// A market with one registered provider (price 1 per GiB), and a place for its files.
pub struct Served<'a> {
    pub market: Pubkey,
    pub provider: Client<&'a EmbeddedChain>,
    pub provider_key: Keypair,
    pub sessions: SessionKeys,
    pub dir: tempfile::TempDir,
}

impl World {
    pub async fn served(&self) -> Served<'_> {
        let dir = tempfile::tempdir().unwrap();
        let (_admin, market) = self.market().await;
        let (p, provider_key) = self.wallet_with_key(0).await;
        Provider::new(&p, &market)
            .await
            .unwrap()
            .register(provider_args(p.payer().pubkey()), UNIT)
            .await
            .unwrap();
        Served {
            market,
            provider: p,
            provider_key,
            sessions: SessionKeys::open(dir.path().join("sessions")).unwrap(),
            dir,
        }
    }
}

pub fn market_args() -> CreateMarketArgs {
    CreateMarketArgs {
        fee_bps: 250,
        burn_bps: 2_000,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    }
}

pub fn provider_args(payout: Pubkey) -> RegisterProviderArgs {
    RegisterProviderArgs {
        payout,
        min_dispute_window_secs: 3_600,
        bounty_bps: 500,
        endpoint: "https://p.example.net".into(),
        region: "eu".into(),
    }
}

/// The buyer deposits `deposit` and opens a channel of `amount` to `provider` (its authority):
/// the channel's address.
pub async fn open_channel<C: Chain>(
    b: &Client<C>,
    sessions: &SessionKeys,
    market: &Pubkey,
    provider: &Pubkey,
    deposit: u64,
    amount: u64,
) -> Pubkey {
    let buyer = Buyer::new(b, market).await.unwrap();
    buyer.deposit(deposit, None).await.unwrap();
    buyer
        .open_channel(sessions, provider, amount, None)
        .await
        .unwrap()
        .channel
}

/// The channel's buyer (the client's signer) starts the dispute window: the deadline.
pub async fn force_close<C: Chain>(b: &Client<C>, market: &Pubkey, channel: &Pubkey) -> i64 {
    Buyer::new(b, market)
        .await
        .unwrap()
        .request_close(channel)
        .await
        .unwrap()
        .deadline
}

/// `owner`'s free balance in its escrow (the client's signer's).
pub async fn free_balance<C: Chain>(b: &Client<C>, market: &Pubkey) -> u64 {
    Buyer::new(b, market)
        .await
        .unwrap()
        .escrow_account()
        .await
        .unwrap()
        .free
}
