//! The bench's market: one provider, distinct buyers with one channel each and a signed receipt
//! of full-width values.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    batch::{AggEntry, SettleGroup},
    budget as compute, lookup,
    ops::{Buyer, MarketAdmin, Provider},
    receipts::{sessions::SessionKeys, sign, sign_receipt},
    tokens, Chain, Client, ClientError,
};
use bandwidth_settlement::{
    instructions::{CreateMarketArgs, RegisterProviderArgs},
    state::Channel,
    ReceiptArgs,
};
use bandwidth_testkit::EmbeddedChain;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_message::AddressLookupTableAccount;
use solana_signer::Signer;
use std::path::Path;

const UNIT: u64 = 1_000_000;

pub struct Setup<'a> {
    pub chain: &'a EmbeddedChain,
    faucet: Client<&'a EmbeddedChain>,
    mint: Pubkey,
    pub provider: Client<&'a EmbeddedChain>,
    pub market: Pubkey,
    sessions: SessionKeys,
    /// One channel per buyer, with a receipt of the largest amount and byte count its deposit
    /// allows.
    pub channels: Vec<(Pubkey, ReceiptArgs)>,
    /// The size of the transaction that opened a channel.
    pub open_tx_bytes: std::cell::Cell<usize>,
    budget: fn(u32) -> Vec<Instruction>,
}

/// `buyers` distinct buyers, one channel each to one provider, each with a signed receipt.
pub async fn setup<'a>(
    chain: &'a EmbeddedChain,
    buyers: usize,
    dir: &Path,
) -> Result<Setup<'a>, ClientError> {
    let faucet = Client::new(chain, chain.faucet().insecure_clone());
    let mint = Keypair::new();
    let f = faucet.payer().pubkey();
    let rent = chain.minimum_balance(tokens::MINT_LEN).await?;
    let ixs = tokens::create_mint(&f, &mint.pubkey(), &f, 6, &spl_token_interface::ID, rent);
    faucet.send(&ixs, &[&mint], compute::TOKEN_SETUP).await?;
    let (admin, provider) = (
        Client::new(chain, Keypair::new()),
        Client::new(chain, Keypair::new()),
    );
    let keys = [admin.payer().pubkey(), provider.payer().pubkey()];
    fund(&faucet, &mint.pubkey(), &keys, 10 * UNIT).await?;
    let args = CreateMarketArgs {
        fee_bps: 250,
        burn_bps: 2_000,
        min_dispute_window_secs: 600,
        max_dispute_window_secs: 7 * 86_400,
        fee_change_delay_secs: 86_400,
    };
    let market = MarketAdmin::create(&admin, &mint.pubkey(), None, args)
        .await?
        .0
        .market();
    let terms = RegisterProviderArgs {
        payout: provider.payer().pubkey(),
        min_dispute_window_secs: 3_600,
        bounty_bps: 500,
        endpoint: String::new(),
        region: String::new(),
    };
    Provider::new(&provider, &market)
        .await?
        .register(terms, UNIT)
        .await?;
    let mut s = Setup {
        chain,
        faucet,
        mint: mint.pubkey(),
        provider,
        market,
        sessions: SessionKeys::open(dir.join("sessions"))?,
        channels: vec![],
        open_tx_bytes: Default::default(),
        budget: |units| {
            vec![
                solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(
                    units,
                ),
            ]
        },
    };
    for (i, (address, key)) in s
        .more_channels(buyers, 5 * UNIT)
        .await?
        .into_iter()
        .enumerate()
    {
        // Full-width values: the largest amount and byte count a receipt of this deposit has.
        let receipt = sign(&key, &address, 5 * UNIT - i as u64, u64::MAX - i as u64);
        s.channels.push((address, receipt));
    }
    Ok(s)
}

/// Funds `wallets` with SOL and `tokens` of the mint in their associated accounts.
async fn fund(
    faucet: &Client<&EmbeddedChain>,
    mint: &Pubkey,
    wallets: &[Pubkey],
    tokens: u64,
) -> Result<(), ClientError> {
    let (f, token) = (faucet.payer().pubkey(), spl_token_interface::ID);
    for chunk in wallets.chunks(8) {
        let mut ixs = vec![];
        for w in chunk {
            ixs.push(solana_system_interface::instruction::transfer(
                &f,
                w,
                2_000_000_000,
            ));
            ixs.push(tokens::create_associated_account(&f, w, mint, &token));
            let ata = tokens::associated_address(w, mint, &token);
            ixs.push(tokens::mint_to(mint, &ata, &f, tokens, &token));
        }
        faucet.send(&ixs, &[], compute::TOKEN_SETUP * 4).await?;
    }
    Ok(())
}

impl<'a> Setup<'a> {
    pub fn authority(&self) -> Pubkey {
        self.provider.payer().pubkey()
    }

    /// The provider's account.
    pub fn provider_account(&self) -> Pubkey {
        self.provider.pda().provider(&self.authority())
    }

    pub fn addresses(&self) -> Vec<Pubkey> {
        self.channels.iter().map(|(c, _)| *c).collect()
    }

    /// The provider's settlements in the bench's market, with a compute-unit limit only.
    pub fn group(&self) -> SettleGroup<'_> {
        SettleGroup {
            ix: self.provider.ix(),
            payer: self.authority(),
            settler: self.authority(),
            market: self.market,
            provider: self.provider_account(),
            bounty: None,
            compute_budget: &self.budget,
        }
    }

    /// `n` more buyers, each funded with `tokens` base units, all of them deposited into one
    /// channel to the provider: each channel and its session key.
    pub async fn more_channels(
        &self,
        n: usize,
        tokens: u64,
    ) -> Result<Vec<(Pubkey, Keypair)>, ClientError> {
        let buyers: Vec<Client<&EmbeddedChain>> = (0..n)
            .map(|_| Client::new(self.chain, Keypair::new()))
            .collect();
        let wallets: Vec<Pubkey> = buyers.iter().map(|b| b.payer().pubkey()).collect();
        fund(&self.faucet, &self.mint, &wallets, tokens).await?;
        let mut out = vec![];
        for b in &buyers {
            let buyer = Buyer::new(b, &self.market).await?;
            buyer.deposit(tokens, None).await?;
            let before = b.stats().bytes;
            let opened = buyer
                .open_channel(&self.sessions, &self.authority(), tokens, None)
                .await?;
            self.open_tx_bytes.set((b.stats().bytes - before) as usize);
            out.push((opened.channel, self.sessions.load(&opened.channel)?));
        }
        Ok(out)
    }

    /// An aggregated entry for a receipt of (amount, bytes) on `channel`, as the chain has it.
    pub async fn agg_entry(
        &self,
        channel: &Pubkey,
        key: &Keypair,
        amount: u64,
        bytes: u64,
    ) -> Result<AggEntry, ClientError> {
        let on_chain: Channel = self.provider.require(channel, "channel").await?;
        Ok(AggEntry::new(
            *channel,
            &on_chain,
            sign_receipt(key, channel, amount, bytes),
        ))
    }

    pub async fn expect_settled(&self, channel: &Pubkey, amount: u64) -> Result<(), ClientError> {
        let c: Channel = self.provider.require(channel, "channel").await?;
        if c.settled != amount {
            return Err(ClientError::Invalid(format!("{channel} was not settled")));
        }
        Ok(())
    }

    /// A lookup table of the provider's accounts and `channels`, active from the next slot.
    pub async fn table(
        &self,
        channels: &[Pubkey],
    ) -> Result<AddressLookupTableAccount, ClientError> {
        let (provider, pda) = (self.provider_account(), self.provider.pda());
        let mut addresses = vec![
            provider,
            pda.provider_market(&self.market, &provider),
            pda.reward_pool(&self.market),
        ];
        addresses.extend(channels);
        let table = lookup::create(&self.provider, &addresses).await?;
        self.chain.advance_slots(1).await?;
        lookup::fetch(self.chain, &table).await
    }
}
