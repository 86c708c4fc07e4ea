//! Program-derived addresses, built on the program's own seed constants.
//!
//! Each `find_*` helper returns the address and its bump and takes an optional program id:
//! `None` is the program this SDK was built with ([`crate::PROGRAM_ID`]); a deployment at
//! another address passes its own. The short helpers without `find_` are the addresses of the
//! built-in program, which is what the instruction builders in [`crate::ix`] target.
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{state::seeds, ID};

fn find(seeds: &[&[u8]], program_id: Option<&Pubkey>) -> (Pubkey, u8) {
    Pubkey::find_program_address(seeds, program_id.unwrap_or(&ID))
}

/// A market: `[market, mint, creator]`.
pub fn find_market(mint: &Pubkey, creator: &Pubkey, program_id: Option<&Pubkey>) -> (Pubkey, u8) {
    find(
        &[seeds::MARKET, mint.as_ref(), creator.as_ref()],
        program_id,
    )
}

/// A market's pooled token account: `[vault, market]`.
pub fn find_vault(market: &Pubkey, program_id: Option<&Pubkey>) -> (Pubkey, u8) {
    find(&[seeds::VAULT, market.as_ref()], program_id)
}

/// A buyer's escrow in a market: `[buyer, market, owner]`.
pub fn find_buyer(market: &Pubkey, owner: &Pubkey, program_id: Option<&Pubkey>) -> (Pubkey, u8) {
    find(&[seeds::BUYER, market.as_ref(), owner.as_ref()], program_id)
}

/// A provider, shared by every market it joins: `[provider, authority]`.
pub fn find_provider(authority: &Pubkey, program_id: Option<&Pubkey>) -> (Pubkey, u8) {
    find(&[seeds::PROVIDER, authority.as_ref()], program_id)
}

/// A provider's earnings and statistics in a market: `[earnings, market, provider]`.
pub fn find_provider_market(
    market: &Pubkey,
    provider: &Pubkey,
    program_id: Option<&Pubkey>,
) -> (Pubkey, u8) {
    find(
        &[seeds::PROVIDER_MARKET, market.as_ref(), provider.as_ref()],
        program_id,
    )
}

/// A buyer's channel number `channel_id`: `[channel, buyer account, channel_id u64 LE]`.
pub fn find_channel(buyer: &Pubkey, channel_id: u64, program_id: Option<&Pubkey>) -> (Pubkey, u8) {
    find(
        &[seeds::CHANNEL, buyer.as_ref(), &channel_id.to_le_bytes()],
        program_id,
    )
}

/// A market's reward pool, the reward mint's authority: `[rewards, market]`.
pub fn find_reward_pool(market: &Pubkey, program_id: Option<&Pubkey>) -> (Pubkey, u8) {
    find(&[seeds::REWARD_POOL, market.as_ref()], program_id)
}

pub fn market(mint: &Pubkey, creator: &Pubkey) -> Pubkey {
    find_market(mint, creator, None).0
}

pub fn vault(market: &Pubkey) -> Pubkey {
    find_vault(market, None).0
}

pub fn buyer(market: &Pubkey, owner: &Pubkey) -> Pubkey {
    find_buyer(market, owner, None).0
}

pub fn provider(authority: &Pubkey) -> Pubkey {
    find_provider(authority, None).0
}

pub fn provider_market(market: &Pubkey, provider: &Pubkey) -> Pubkey {
    find_provider_market(market, provider, None).0
}

pub fn channel(buyer: &Pubkey, channel_id: u64) -> Pubkey {
    find_channel(buyer, channel_id, None).0
}

pub fn reward_pool(market: &Pubkey) -> Pubkey {
    find_reward_pool(market, None).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_deployment_has_other_addresses_and_the_bumps_verify() {
        let (mint, creator) = (Pubkey::new_unique(), Pubkey::new_unique());
        let (ours, bump) = find_market(&mint, &creator, None);
        assert_eq!(ours, market(&mint, &creator));
        let fork = Pubkey::new_unique();
        let (theirs, their_bump) = find_market(&mint, &creator, Some(&fork));
        assert_ne!(ours, theirs);
        for (address, bump, program) in [(ours, bump, ID), (theirs, their_bump, fork)] {
            let rebuilt = Pubkey::create_program_address(
                &[seeds::MARKET, mint.as_ref(), creator.as_ref(), &[bump]],
                &program,
            )
            .unwrap();
            assert_eq!(rebuilt, address);
        }
    }
}

/// The program's addresses under `program_id`: [`Pda::default`] is the program this SDK was
/// built with; a deployment at another address passes its own ([`crate::Client::pda`] follows
/// the client's program id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pda {
    pub program_id: Pubkey,
}

impl Default for Pda {
    fn default() -> Self {
        Pda::new(ID)
    }
}

impl Pda {
    pub const fn new(program_id: Pubkey) -> Pda {
        Pda { program_id }
    }

    fn id(&self) -> Option<&Pubkey> {
        Some(&self.program_id)
    }

    pub fn market(&self, mint: &Pubkey, creator: &Pubkey) -> Pubkey {
        find_market(mint, creator, self.id()).0
    }

    pub fn vault(&self, market: &Pubkey) -> Pubkey {
        find_vault(market, self.id()).0
    }

    pub fn buyer(&self, market: &Pubkey, owner: &Pubkey) -> Pubkey {
        find_buyer(market, owner, self.id()).0
    }

    pub fn provider(&self, authority: &Pubkey) -> Pubkey {
        find_provider(authority, self.id()).0
    }

    pub fn provider_market(&self, market: &Pubkey, provider: &Pubkey) -> Pubkey {
        find_provider_market(market, provider, self.id()).0
    }

    pub fn channel(&self, buyer: &Pubkey, channel_id: u64) -> Pubkey {
        find_channel(buyer, channel_id, self.id()).0
    }

    pub fn reward_pool(&self, market: &Pubkey) -> Pubkey {
        find_reward_pool(market, self.id()).0
    }
}
