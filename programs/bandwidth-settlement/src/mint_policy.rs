//! Mint policy (PROTOCOL §7): any SPL Token mint; Token-2022 mints only when every extension
//! is on the allow-list. Escrow accounting assumes that a transfer of `x` moves exactly `x`,
//! that nobody but the vault's authority can move vault tokens, and that no foreign code runs
//! on a transfer.
//!
//! The mint is checked once, at market creation (and a reward mint when its pool is created),
//! so the policy also refuses everything that would let a mint change behaviour later
//! (PROTOCOL invariant 11): a close authority (the empty mint could be closed and re-created at
//! the same address with any extension; without one a mint can never be closed, and SPL Token
//! mints never can), and a default account state its freeze authority could switch to frozen.
//! Extensions can only be added before a mint is initialised, except metadata and group
//! records, which are harmless. See docs/adr/0008-mints-cannot-change.md.
//!
//! A freeze authority is accepted (USDC has one): its holder can freeze the vault. That risk is
//! documented, not hidden.
use crate::errors::SettlementError;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::spl_token_2022::{
    extension::{
        default_account_state::DefaultAccountState, BaseStateWithExtensions, ExtensionType,
        StateWithExtensions,
    },
    state::{AccountState, Mint},
};

/// Refuses a mint whose extensions could move, tax, hide, hook, freeze or pause escrowed
/// tokens. The mint's owner (token program) has already been checked by the account type.
pub fn check_mint(mint: &AccountInfo) -> Result<()> {
    if *mint.owner == anchor_spl::token::ID {
        return Ok(());
    }
    require_keys_eq!(
        *mint.owner,
        anchor_spl::token_2022::ID,
        SettlementError::MintNotATokenMint
    );
    let data = mint.try_borrow_data()?;
    let state = StateWithExtensions::<Mint>::unpack(&data)?;
    for extension in state.get_extension_types()? {
        check_extension(&state, extension)?;
    }
    Ok(())
}

fn check_extension(state: &StateWithExtensions<Mint>, extension: ExtensionType) -> Result<()> {
    use ExtensionType as E;
    match extension {
        // Metadata and grouping do not affect balances or transfers.
        E::MetadataPointer
        | E::TokenMetadata
        | E::GroupPointer
        | E::TokenGroup
        | E::GroupMemberPointer
        | E::TokenGroupMember => Ok(()),
        // A mint with a close authority and no supply can be closed and re-created at the same
        // address with a permanent delegate: the vault would be drained.
        E::MintCloseAuthority => err!(SettlementError::MintHasCloseAuthority),
        E::DefaultAccountState => {
            let default = state.get_extension::<DefaultAccountState>()?;
            if default.state == AccountState::Frozen as u8 {
                err!(SettlementError::MintDefaultAccountStateFrozen)
            } else if state.base.freeze_authority.is_some() {
                // The freeze authority may switch the default to frozen at any time.
                err!(SettlementError::MintDefaultAccountStateMutable)
            } else {
                Ok(())
            }
        }
        E::PermanentDelegate => err!(SettlementError::MintHasPermanentDelegate),
        E::TransferFeeConfig => err!(SettlementError::MintHasTransferFee),
        E::TransferHook => err!(SettlementError::MintHasTransferHook),
        E::ConfidentialTransferMint
        | E::ConfidentialTransferFeeConfig
        | E::ConfidentialMintBurn => err!(SettlementError::MintHasConfidentialTransfers),
        E::NonTransferable => err!(SettlementError::MintNonTransferable),
        E::Pausable => err!(SettlementError::MintPausable),
        // Interest-bearing and scaled-UI mints make displayed amounts differ from the raw
        // amounts the escrow settles; everything else is unknown and therefore refused.
        _ => {
            msg!("refused mint extension: {:?}", extension);
            err!(SettlementError::MintExtensionNotAllowed)
        }
    }
}
