//! Anyone can send lamports to an address before an account exists there. Such a gift must
//! never block the creation of a market, vault, buyer escrow, provider, provider market or
//! channel (see `pda_account` in the program).
use bandwidth_client::{ix, pda};
use bandwidth_tests::*;
use solana_signer::Signer;

async fn gift(env: &mut Env, to: anchor_lang::prelude::Pubkey, lamports: u64) {
    let ix = solana_system_interface::instruction::transfer(&env.payer(), &to, lamports);
    env.must(&[ix], &[]).await;
}

#[tokio::test]
async fn prefunded_addresses_cannot_block_account_creation() {
    // The smallest gift the runtime accepts (rent exemption of an empty account), and a large
    // one exceeding every account's rent.
    for big in [false, true] {
        let mut env = Env::new().await;
        let rent = env.rent().await;
        let lamports = if big {
            5_000_000_000
        } else {
            rent.minimum_balance(0)
        };
        let mint = env.create_mint(TOKEN_2022, &[]).await;
        let admin = env.wallet().await;
        let treasury = env.token_account(mint, admin.pubkey()).await;
        let market = pda::market(&mint, &admin.pubkey());
        gift(&mut env, market, lamports).await;
        gift(&mut env, pda::vault(&market), lamports).await;
        let ix = ix::DEFAULT.create_market(
            admin.pubkey(),
            mint,
            TOKEN_2022,
            treasury,
            Env::default_market_args(),
        );
        env.must(&[ix], &[&admin]).await;
        let m = MarketFixture {
            keys: bandwidth_client::ix::MarketKeys::derive(
                mint,
                admin.pubkey(),
                TOKEN_2022,
                treasury,
            ),
            admin,
            treasury_owner: env.payer(),
        };
        assert_eq!(env.token_balance(m.keys.vault).await, 0);

        // Provider identity and provider market.
        let authority = env.wallet().await;
        let provider = pda::provider(&authority.pubkey());
        gift(&mut env, provider, lamports).await;
        gift(&mut env, pda::provider_market(&market, &provider), lamports).await;
        let register = ix::DEFAULT.register_provider(
            authority.pubkey(),
            Env::default_provider_args(authority.pubkey()),
        );
        let join = ix::DEFAULT.join_market(authority.pubkey(), market, UNIT);
        env.must(&[register, join], &[&authority]).await;

        // Buyer escrow, and the buyer's next channel.
        let b = env.buyer(&m, 10 * UNIT).await;
        let buyer = b.buyer(&m);
        gift(&mut env, buyer, lamports).await;
        let ix = ix::DEFAULT.deposit(b.wallet.pubkey(), &m.keys, b.token, 10 * UNIT);
        env.must(&[ix], &[&b.wallet]).await;
        assert_eq!(env.buyer_account(&m, &b).await.free, 10 * UNIT);
        gift(&mut env, pda::channel(&buyer, 0), lamports).await;
        let p = ProviderFixture {
            provider,
            payout_token: treasury,
            payout: authority.insecure_clone(),
            authority,
        };
        let c = env.open_channel(&m, &b, &p, UNIT, HOUR as u32).await;
        assert_eq!(env.channel(&c).await.deposit, UNIT);
    }
}
