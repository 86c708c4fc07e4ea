use crate::pda_account::init_account;
use crate::{
    constants::*, events::ProviderRegistered, state::*, validation::validate_provider_terms,
};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct RegisterProviderArgs {
    /// Wallet whose token accounts may receive earnings.
    pub payout: Pubkey,
    /// Shortest dispute window accepted on new channels.
    pub min_dispute_window_secs: u32,
    /// Watcher bounty, at most `MAX_BOUNTY_BPS`.
    pub bounty_bps: u16,
    /// How buyers reach the node (URL or host:port), at most 128 bytes.
    pub endpoint: String,
    /// Free-form region label, at most 32 bytes.
    pub region: String,
}

#[derive(Accounts)]
pub struct RegisterProvider<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    /// CHECK: created by the handler at this PDA (see `pda_account`).
    #[account(mut, seeds = [seeds::PROVIDER, authority.key().as_ref()], bump)]
    pub provider: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl RegisterProvider<'_> {
    fn validate(&self, args: &RegisterProviderArgs) -> Result<()> {
        validate_provider_terms(
            args.min_dispute_window_secs,
            args.bounty_bps,
            &args.endpoint,
            &args.region,
        )
    }

    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: RegisterProviderArgs) -> Result<()> {
        let authority = ctx.accounts.authority.key();
        let provider = Provider {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.provider,
            active: true,
            authority,
            payout: args.payout,
            min_dispute_window_secs: args.min_dispute_window_secs,
            bounty_bps: args.bounty_bps,
            endpoint: args.endpoint,
            region: args.region,
            registered_at: Clock::get()?.unix_timestamp,
            reserved: [0; 64],
        };
        init_account(
            &ctx.accounts.authority.to_account_info(),
            &ctx.accounts.provider.to_account_info(),
            Provider::SPACE,
            &[seeds::PROVIDER, authority.as_ref(), &[provider.bump]],
            &provider,
        )?;
        crate::events::emit(&ProviderRegistered {
            provider: ctx.accounts.provider.key(),
            authority,
            payout: provider.payout,
            min_dispute_window_secs: provider.min_dispute_window_secs,
            bounty_bps: provider.bounty_bps,
            endpoint: provider.endpoint,
            region: provider.region,
        });
        Ok(())
    }
}
