//! Fee, bounty and cumulative-split arithmetic (PROTOCOL §5). Checked, with u128 products.
use crate::{constants::BPS_DENOMINATOR, errors::SettlementError};
use anchor_lang::prelude::*;

/// `floor(x * bps / 10_000)`. Callers guarantee `bps <= 10_000`, so the result is `<= x`.
pub fn bps_of(x: u64, bps: u16) -> Result<u64> {
    let product = u128::from(x)
        .checked_mul(u128::from(bps))
        .ok_or(SettlementError::ArithmeticOverflow)?;
    u64::try_from(product / u128::from(BPS_DENOMINATOR))
        .map_err(|_| error!(SettlementError::ArithmeticOverflow))
}

/// How one settlement from cumulative `settled` to cumulative `amount` is divided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// `amount - settled`: leaves the channel deposit.
    pub gross: u64,
    /// Protocol fee: `fee(amount) - fee(settled)`, so the total fee of a channel depends only on
    /// its final settled amount, never on how many steps reached it (invariant 8).
    pub fee: u64,
    /// Paid to a watcher out of the provider's share; zero unless a watcher settles a closing
    /// channel.
    pub bounty: u64,
    /// Credited to the provider's earnings: `gross - fee - bounty`.
    pub provider: u64,
}

/// Splits a settlement. `pay_bounty` is true only when a watcher settles a CLOSING channel.
pub fn split_settlement(
    settled: u64,
    amount: u64,
    fee_bps: u16,
    bounty_bps: u16,
    pay_bounty: bool,
) -> Result<Split> {
    let gross = amount
        .checked_sub(settled)
        .ok_or(SettlementError::AmountNotAboveSettled)?;
    let fee = bps_of(amount, fee_bps)?
        .checked_sub(bps_of(settled, fee_bps)?)
        .ok_or(SettlementError::ArithmeticOverflow)?;
    let provider_share = gross
        .checked_sub(fee)
        .ok_or(SettlementError::ArithmeticOverflow)?;
    let bounty = if pay_bounty {
        bps_of(provider_share, bounty_bps)?
    } else {
        0
    };
    let provider = provider_share
        .checked_sub(bounty)
        .ok_or(SettlementError::ArithmeticOverflow)?;
    Ok(Split {
        gross,
        fee,
        bounty,
        provider,
    })
}

/// Splits swept fees into the burned part and the treasury part; together they are exact.
pub fn split_fees(total: u64, burn_bps: u16) -> Result<(u64, u64)> {
    let burn = bps_of(total, burn_bps)?;
    let treasury = total
        .checked_sub(burn)
        .ok_or(SettlementError::ArithmeticOverflow)?;
    Ok((treasury, burn))
}

/// Bytes of a settlement that earn rewards: only as many as the payment covers at the minimum
/// price, so that a buyer trading with itself pays at least the protocol fee on every rewarded
/// byte.
pub fn rewarded_bytes(bytes_delta: u64, gross: u64, min_price_per_gib: u64) -> u64 {
    if min_price_per_gib == 0 {
        return 0;
    }
    let paid = u128::from(gross) * u128::from(crate::constants::BYTES_PER_GIB)
        / u128::from(min_price_per_gib);
    u128::from(bytes_delta).min(paid) as u64
}

/// Reward units for `bytes` at `reward_per_gib`, rounded down.
pub fn reward_for(bytes: u64, reward_per_gib: u64) -> u64 {
    let units = u128::from(bytes) * u128::from(reward_per_gib)
        / u128::from(crate::constants::BYTES_PER_GIB);
    u64::try_from(units).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_is_path_independent() {
        // 1 step versus 1 base unit at a time: identical totals.
        let one = split_settlement(0, 999_999, 250, 0, false).unwrap();
        let mut fee = 0;
        let mut provider = 0;
        for a in 1..=999_999u64 {
            let s = split_settlement(a - 1, a, 250, 0, false).unwrap();
            fee += s.fee;
            provider += s.provider;
        }
        assert_eq!((one.fee, one.provider), (fee, provider));
        assert_eq!(one.fee, 24_999);
    }

    #[test]
    fn split_is_exact_at_the_extremes() {
        let s = split_settlement(0, u64::MAX, 1_000, 1_000, true).unwrap();
        assert_eq!(s.fee + s.bounty + s.provider, u64::MAX);
        assert_eq!(s.fee, u64::MAX / 10);
        let s = split_settlement(u64::MAX - 1, u64::MAX, 1_000, 1_000, true).unwrap();
        assert_eq!(s.gross, 1);
        assert_eq!(s.fee + s.bounty + s.provider, 1);
        assert_eq!(
            split_settlement(5, 5, 0, 0, false).unwrap(),
            Split::default()
        );
        assert!(split_settlement(6, 5, 0, 0, false).is_err());
    }

    #[test]
    fn bounty_comes_only_from_the_provider_share() {
        let s = split_settlement(1_000, 11_000, 1_000, 500, true).unwrap();
        assert_eq!(s.gross, 10_000);
        assert_eq!(s.fee, 1_000);
        assert_eq!(s.bounty, 450);
        assert_eq!(s.provider, 8_550);
        let s = split_settlement(1_000, 11_000, 1_000, 500, false).unwrap();
        assert_eq!((s.bounty, s.provider), (0, 9_000));
    }

    #[test]
    fn only_paid_bytes_earn_rewards() {
        const GIB: u64 = 1 << 30;
        // Paid 2 tokens for 4 GiB at a 1-token minimum: 2 GiB count.
        assert_eq!(rewarded_bytes(4 * GIB, 2_000_000, 1_000_000), 2 * GIB);
        // Paid more than the minimum: every byte counts.
        assert_eq!(rewarded_bytes(4 * GIB, 9_000_000, 1_000_000), 4 * GIB);
        assert_eq!(rewarded_bytes(4 * GIB, 0, 1_000_000), 0);
        assert_eq!(rewarded_bytes(4 * GIB, 9_000_000, 0), 0);
        assert_eq!(reward_for(3 * GIB / 2, 1_000), 1_500);
        assert_eq!(reward_for(u64::MAX, u64::MAX), u64::MAX);
    }

    #[test]
    fn fee_split_is_exact() {
        assert_eq!(split_fees(1_001, 5_000).unwrap(), (501, 500));
        assert_eq!(split_fees(u64::MAX, 10_000).unwrap(), (0, u64::MAX));
        assert_eq!(split_fees(7, 0).unwrap(), (7, 0));
    }
}
