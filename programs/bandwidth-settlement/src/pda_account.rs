//! Creation of program-derived accounts that nobody can block.
//!
//! Anyone can send lamports to an address before an account exists there. Anchor 1.2's `init`
//! then switches to the `CreateAccountAllowPrefund` system instruction (SIMD-0312), which is
//! feature-gated: on a cluster where it is not active, one lamport sent to a buyer's next
//! channel address would stop that buyer from ever opening a channel again. Every PDA of this
//! program is therefore created here: `CreateAccount` when the address is empty, transfer +
//! allocate + assign when it was pre-funded. Both work on every cluster.
use crate::errors::SettlementError;
use anchor_lang::{
    prelude::*,
    system_program::{self, Allocate, Assign, CreateAccount, Transfer},
};

/// Creates `target` (a PDA of `seeds`) with `space` bytes, owned by `owner`, rent paid by
/// `payer`.
pub fn create_pda<'info>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    space: usize,
    owner: &Pubkey,
    seeds: &[&[u8]],
) -> Result<()> {
    // An account already owned by a program exists: refuse with a name, not a system error.
    require_keys_eq!(
        *target.owner,
        system_program::ID,
        SettlementError::AccountAlreadyExists
    );
    let signer: &[&[&[u8]]] = &[seeds];
    let required = Rent::get()?.minimum_balance(space);
    let current = target.lamports();
    if current == 0 {
        let accounts = CreateAccount {
            from: payer.clone(),
            to: target.clone(),
        };
        return system_program::create_account(
            CpiContext::new_with_signer(system_program::ID, accounts, signer),
            required,
            space as u64,
            owner,
        );
    }
    if required > current {
        let accounts = Transfer {
            from: payer.clone(),
            to: target.clone(),
        };
        system_program::transfer(
            CpiContext::new(system_program::ID, accounts),
            required - current,
        )?;
    }
    let accounts = Allocate {
        account_to_allocate: target.clone(),
    };
    system_program::allocate(
        CpiContext::new_with_signer(system_program::ID, accounts, signer),
        space as u64,
    )?;
    let accounts = Assign {
        account_to_assign: target.clone(),
    };
    system_program::assign(
        CpiContext::new_with_signer(system_program::ID, accounts, signer),
        owner,
    )
}

/// Creates a program account at its PDA and writes `value` (discriminator + data) into it.
pub fn init_account<'info, T: AccountSerialize>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    space: usize,
    seeds: &[&[u8]],
    value: &T,
) -> Result<()> {
    create_pda(payer, target, space, &crate::ID, seeds)?;
    store(target, value)
}

/// Writes `value` into a program account.
pub fn store<T: AccountSerialize>(target: &AccountInfo, value: &T) -> Result<()> {
    let mut data = target.try_borrow_mut_data()?;
    let mut writer: &mut [u8] = &mut data;
    value.try_serialize(&mut writer)
}

/// Reads a program account, checking owner and discriminator.
pub fn load<T: AccountDeserialize>(target: &AccountInfo) -> Result<T> {
    require_keys_eq!(
        *target.owner,
        crate::ID,
        ErrorCode::AccountOwnedByWrongProgram
    );
    let data = target.try_borrow_data()?;
    T::try_deserialize(&mut &data[..])
}
