use crate::{
    errors::SettlementError, events::ProviderUpdated, state::*, validation::validate_provider_terms,
};
use anchor_lang::prelude::*;

/// Every field is optional: `None` leaves the setting as it is. Changes apply to channels
/// opened afterwards; open channels keep the terms they snapshotted.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateProviderArgs {
    pub payout: Option<Pubkey>,
    pub min_dispute_window_secs: Option<u32>,
    pub bounty_bps: Option<u16>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// `false` stops new channels; existing ones run to their close.
    pub active: Option<bool>,
}

#[derive(Accounts)]
pub struct UpdateProvider<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
}

impl UpdateProvider<'_> {
    fn validate(&self, args: &UpdateProviderArgs) -> Result<()> {
        let p = &self.provider;
        validate_provider_terms(
            args.min_dispute_window_secs
                .unwrap_or(p.min_dispute_window_secs),
            args.bounty_bps.unwrap_or(p.bounty_bps),
            args.endpoint.as_deref().unwrap_or(&p.endpoint),
            args.region.as_deref().unwrap_or(&p.region),
        )
    }

    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: UpdateProviderArgs) -> Result<()> {
        let provider = &mut ctx.accounts.provider;
        if let Some(payout) = args.payout {
            provider.payout = payout;
        }
        if let Some(window) = args.min_dispute_window_secs {
            provider.min_dispute_window_secs = window;
        }
        if let Some(bounty) = args.bounty_bps {
            provider.bounty_bps = bounty;
        }
        if let Some(endpoint) = args.endpoint {
            provider.endpoint = endpoint;
        }
        if let Some(region) = args.region {
            provider.region = region;
        }
        if let Some(active) = args.active {
            provider.active = active;
        }
        crate::events::emit(&ProviderUpdated {
            provider: provider.key(),
            payout: provider.payout,
            min_dispute_window_secs: provider.min_dispute_window_secs,
            bounty_bps: provider.bounty_bps,
            active: provider.active,
            endpoint: provider.endpoint.clone(),
            region: provider.region.clone(),
        });
        Ok(())
    }
}
