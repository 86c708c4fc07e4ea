//! A market's admin: creating the market, its terms, the admin handover, the reward pool; and
//! the fee sweep, which anyone may send.
use super::{provider::mint_decimals, Landed};
use crate::{
    budget as compute,
    errors::{ClientError, InputError},
    market::{load_market, MarketInfo},
    tokens, Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, RewardTerms, UpdateMarketArgs},
    state::ProviderMarket,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Byte offset of `ProviderMarket.market` (after the discriminator, version and bump): the
/// filter that finds a market's providers in one request.
pub const PROVIDER_MARKET_MARKET_OFFSET: usize = 8 + 1 + 1;

/// Provider accounts swept per transaction: keeps the transaction well under its size limit.
pub const PROVIDERS_PER_SWEEP: usize = 20;

/// The client's signer as the admin of `market`.
pub struct MarketAdmin<'c, C: Chain> {
    client: &'c Client<C>,
    market: Pubkey,
}

/// Fees swept to the treasury and the burn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Swept {
    pub providers: usize,
    pub total: u64,
    pub to_treasury: u64,
    pub burned: u64,
    pub transactions: Vec<Landed>,
}

impl<'c, C: Chain> MarketAdmin<'c, C> {
    /// The admin of an existing market.
    pub fn new(client: &'c Client<C>, market: Pubkey) -> Self {
        MarketAdmin { client, market }
    }

    pub fn market(&self) -> Pubkey {
        self.market
    }

    /// Creates a market for `mint` with the signer as creator and admin; the treasury defaults
    /// to the signer's associated token account (created if missing).
    pub async fn create(
        client: &'c Client<C>,
        mint: &Pubkey,
        treasury: Option<Pubkey>,
        args: CreateMarketArgs,
    ) -> Result<(Self, Landed), ClientError> {
        let mint_account = client
            .chain
            .account(mint)
            .await?
            .ok_or(ClientError::NotFound {
                what: "mint",
                address: *mint,
            })?;
        let token_program = mint_account.owner;
        let admin = client.try_payer()?.pubkey();
        let treasury = match treasury {
            Some(t) => t,
            None => own_token_account(client, mint, &token_program).await?,
        };
        let ix = client
            .ix()
            .create_market(admin, *mint, token_program, treasury, args);
        let landed = client.land(&[ix], &[], compute::CREATE_MARKET).await?;
        let market = client.pda().market(mint, &admin);
        Ok((MarketAdmin { client, market }, landed))
    }

    /// Pause, a fee change (announced, effective after the market's delay), the burn share,
    /// the dispute-window bounds, the unbonding delay; `new_treasury` moves the treasury.
    pub async fn update(
        &self,
        new_treasury: Option<Pubkey>,
        args: UpdateMarketArgs,
    ) -> Result<Landed, ClientError> {
        let ix = self
            .client
            .ix()
            .update_market(self.signer()?, self.market, new_treasury, args);
        self.client.land(&[ix], &[], compute::ADMIN).await
    }

    /// Names the next admin, who takes over by [`accept_admin`](Self::accept_admin) (the
    /// default address withdraws a proposal).
    pub async fn propose_admin(&self, new_admin: &Pubkey) -> Result<Landed, ClientError> {
        let ix = self
            .client
            .ix()
            .propose_admin(self.signer()?, self.market, *new_admin);
        self.client.land(&[ix], &[], compute::ADMIN).await
    }

    /// The proposed admin (the client's signer) takes over.
    pub async fn accept_admin(&self) -> Result<Landed, ClientError> {
        let ix = self.client.ix().accept_admin(self.signer()?, self.market);
        self.client.land(&[ix], &[], compute::ADMIN).await
    }

    /// Creates a reward mint (SPL Token) whose only authority is the market's reward pool.
    pub async fn create_reward_mint(&self, decimals: u8) -> Result<Pubkey, ClientError> {
        let mint = Keypair::new();
        let rent = self.client.chain.minimum_balance(tokens::MINT_LEN).await?;
        let ixs = tokens::create_mint(
            &self.signer()?,
            &mint.pubkey(),
            &self.client.pda().reward_pool(&self.market),
            decimals,
            &spl_token_interface::ID,
            rent,
        );
        self.client
            .send(&ixs, &[&mint], compute::TOKEN_SETUP)
            .await?;
        Ok(mint.pubkey())
    }

    /// Creates the reward pool with `mint` (made by
    /// [`create_reward_mint`](Self::create_reward_mint)) or changes its terms.
    pub async fn configure_rewards(
        &self,
        mint: &Pubkey,
        terms: RewardTerms,
    ) -> Result<Landed, ClientError> {
        let owner = self
            .client
            .chain
            .account(mint)
            .await?
            .ok_or(ClientError::NotFound {
                what: "reward mint",
                address: *mint,
            })?
            .owner;
        let ix =
            self.client
                .ix()
                .configure_rewards(self.signer()?, self.market, *mint, owner, terms);
        self.client
            .land(&[ix], &[], compute::CONFIGURE_REWARDS)
            .await
    }

    /// The decimals of a reward mint, to read reward amounts in.
    pub async fn reward_decimals(&self, mint: &Pubkey) -> Result<u8, ClientError> {
        mint_decimals(self.client, mint, "reward mint").await
    }

    fn signer(&self) -> Result<Pubkey, ClientError> {
        Ok(self.client.try_payer()?.pubkey())
    }
}

/// Anyone: sweeps the accrued fees of every provider of `market` (found through the chain's
/// account index) to the treasury and the burn, [`PROVIDERS_PER_SWEEP`] per transaction.
pub async fn sweep_fees<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<Swept, ClientError> {
    let m: MarketInfo = load_market(client, market).await?;
    let due: Vec<(Pubkey, u64)> = client
        .accounts_of::<ProviderMarket>(PROVIDER_MARKET_MARKET_OFFSET, market)
        .await?
        .into_iter()
        .filter(|(_, pm)| pm.fees_accrued > 0 && pm.market == *market)
        .map(|(address, pm)| (address, pm.fees_accrued))
        .collect();
    if due.is_empty() {
        return Err(InputError::NoFees(*market).into());
    }
    let mut swept = Swept {
        providers: due.len(),
        total: 0,
        to_treasury: 0,
        burned: 0,
        transactions: vec![],
    };
    for chunk in due.chunks(PROVIDERS_PER_SWEEP) {
        // The program splits each sweep on its own: so does the total.
        let chunk_total: u64 = chunk.iter().map(|(_, f)| f).sum();
        let (t, b) = bandwidth_settlement::math::split_fees(chunk_total, m.account.burn_bps)
            .map_err(|e| ClientError::Invalid(e.to_string()))?;
        let pms: Vec<Pubkey> = chunk.iter().map(|(a, _)| *a).collect();
        let units = compute::SWEEP_BASE + compute::SWEEP_PER_PROVIDER * pms.len() as u32;
        let ix = client.ix().sweep_fees(&m.keys, &pms);
        swept
            .transactions
            .push(client.land(&[ix], &[], units).await?);
        swept.total += chunk_total;
        swept.to_treasury += t;
        swept.burned += b;
    }
    Ok(swept)
}

/// The signer's associated token account for `mint`, created if missing.
async fn own_token_account<C: Chain>(
    client: &Client<C>,
    mint: &Pubkey,
    token_program: &Pubkey,
) -> Result<Pubkey, ClientError> {
    let me = client.try_payer()?.pubkey();
    let address = tokens::associated_address(&me, mint, token_program);
    if client.chain.account(&address).await?.is_none() {
        let ix = tokens::create_associated_account(&me, &me, mint, token_program);
        client.send(&[ix], &[], compute::TOKEN_SETUP).await?;
    }
    Ok(address)
}
