use crate::{errors::SettlementError, events::AdminProposed, state::*};
use anchor_lang::prelude::*;

/// First step of a market admin handover: the admin names its successor, who must accept.
/// Proposing the default address withdraws a proposal.
#[derive(Accounts)]
pub struct ProposeAdmin<'info> {
    pub admin: Signer<'info>,
    #[account(mut, has_one = admin @ SettlementError::NotMarketAdmin)]
    pub market: Box<Account<'info, Market>>,
}

impl ProposeAdmin<'_> {
    pub fn handle(ctx: Context<Self>, new_admin: Pubkey) -> Result<()> {
        let market = &mut ctx.accounts.market;
        market.pending_admin = new_admin;
        crate::events::emit(&AdminProposed {
            market: market.key(),
            admin: market.admin,
            pending_admin: new_admin,
        });
        Ok(())
    }
}
