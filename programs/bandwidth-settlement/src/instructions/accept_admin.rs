use crate::{errors::SettlementError, events::AdminChanged, state::*};
use anchor_lang::prelude::*;

/// Second step of a market admin handover: the proposed admin signs, so a typo in the
/// proposal can never hand the market to a key nobody holds.
#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    pub new_admin: Signer<'info>,
    #[account(
        mut,
        constraint = market.pending_admin == new_admin.key() @ SettlementError::NotPendingAdmin,
    )]
    pub market: Box<Account<'info, Market>>,
}

impl AcceptAdmin<'_> {
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let market = &mut ctx.accounts.market;
        let previous = market.admin;
        market.admin = market.pending_admin;
        market.pending_admin = Pubkey::default();
        crate::events::emit(&AdminChanged {
            market: market.key(),
            previous_admin: previous,
            admin: market.admin,
        });
        Ok(())
    }
}
