//! Program-derived addresses, built on the program's own seed constants.
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{state::seeds, ID};

pub fn market(mint: &Pubkey, creator: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[seeds::MARKET, mint.as_ref(), creator.as_ref()], &ID).0
}

pub fn vault(market: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[seeds::VAULT, market.as_ref()], &ID).0
}

pub fn buyer(market: &Pubkey, owner: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[seeds::BUYER, market.as_ref(), owner.as_ref()], &ID).0
}

pub fn provider(authority: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[seeds::PROVIDER, authority.as_ref()], &ID).0
}

pub fn provider_market(market: &Pubkey, provider: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[seeds::PROVIDER_MARKET, market.as_ref(), provider.as_ref()],
        &ID,
    )
    .0
}

pub fn channel(buyer: &Pubkey, channel_id: u64) -> Pubkey {
    Pubkey::find_program_address(
        &[seeds::CHANNEL, buyer.as_ref(), &channel_id.to_le_bytes()],
        &ID,
    )
    .0
}

pub fn reward_pool(market: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[seeds::REWARD_POOL, market.as_ref()], &ID).0
}
