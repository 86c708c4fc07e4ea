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
    /// Paid to a watcher out of the provider's share: `bounty(amount) - bounty(settled)`, zero
    /// unless a watcher settles a closing channel in its bounty phase.
    pub bounty: u64,
    /// Credited to the provider's earnings: `gross - fee - bounty`.
    pub provider: u64,
}

/// The provider's cumulative share of a channel settled up to `x`, before bounties:
/// `x - fee(x)`. Never decreases as `x` grows (the fee grows by at most 1 per base unit).
fn share_of(x: u64, fee_bps: u16) -> Result<u64> {
    x.checked_sub(bps_of(x, fee_bps)?)
        .ok_or_else(|| error!(SettlementError::ArithmeticOverflow))
}

/// Splits a settlement. `pay_bounty` is true only when a watcher settles a CLOSING channel in
/// its bounty phase.
///
/// Fee and bounty are both differences of one cumulative function (`fee(x)`, and
/// `floor(share(x) * bounty_bps / 10_000)`), so rounding never depends on how many steps
/// reached `amount`: settling a receipt in one step or in many gives the same totals, with
/// or without a bounty (invariant 8), provided the same steps are bounty-paying.
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
        bps_of(share_of(amount, fee_bps)?, bounty_bps)?
            .checked_sub(bps_of(share_of(settled, fee_bps)?, bounty_bps)?)
            .ok_or(SettlementError::ArithmeticOverflow)?
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

/// Bytes of a channel settled up to cumulative (`amount`, `bytes`) that earn rewards: at most
/// as many as the protocol fee actually paid covers at the minimum price.
///
/// `covered = floor(fee(amount) * 10_000 / fee_bps) <= amount` is the part of the payment on
/// which a whole fee was paid, so every rewarded GiB carries at least
/// `min_price_per_gib * fee_bps / 10_000` of fees; a channel whose fee rounds to zero (below
/// `10_000 / fee_bps` base units) earns nothing, and a channel without a fee never does.
/// Cumulative, like the fee: settling in one step or in many accrues the same rewards.
pub fn rewardable_bytes(amount: u64, bytes: u64, fee_bps: u16, min_price_per_gib: u64) -> u64 {
    if fee_bps == 0 || min_price_per_gib == 0 {
        return 0;
    }
    // bps_of cannot fail for bps <= 10_000; a zero fee is the safe answer if it ever did.
    let fee = u128::from(bps_of(amount, fee_bps).unwrap_or(0));
    let covered = fee * u128::from(BPS_DENOMINATOR) / u128::from(fee_bps);
    let paid_bytes =
        covered * u128::from(crate::constants::BYTES_PER_GIB) / u128::from(min_price_per_gib);
    u128::from(bytes).min(paid_bytes) as u64
}

/// Reward units for `bytes` at `reward_per_gib`, rounded down.
pub fn reward_for(bytes: u64, reward_per_gib: u64) -> u64 {
    let units = u128::from(bytes) * u128::from(reward_per_gib)
        / u128::from(crate::constants::BYTES_PER_GIB);
    u64::try_from(units).unwrap_or(u64::MAX)
}

/// What a settlement from (`settled`, `settled_bytes`) to (`amount`, `bytes`) accrues under
/// the given terms: (rewarded bytes, reward units). Both are differences of cumulative
/// functions, so the total over any sequence of settlements depends only on where it ends
/// (for unchanged terms). When the terms changed in between, the difference saturates at
/// zero: nothing is accrued twice and nothing is accrued retroactively.
pub fn reward_accrual(
    (settled, settled_bytes): (u64, u64),
    (amount, bytes): (u64, u64),
    fee_bps: u16,
    min_price_per_gib: u64,
    reward_per_gib: u64,
) -> (u64, u64) {
    let before = rewardable_bytes(settled, settled_bytes, fee_bps, min_price_per_gib);
    let after = rewardable_bytes(amount, bytes, fee_bps, min_price_per_gib);
    let units =
        reward_for(after, reward_per_gib).saturating_sub(reward_for(before, reward_per_gib));
    (after.saturating_sub(before), units)
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
    fn only_fee_backed_bytes_earn_rewards() {
        const GIB: u64 = 1 << 30;
        // 1 % fee, minimum price 1 token (10^6 units) per GiB.
        let rb = |amount, bytes| rewardable_bytes(amount, bytes, 100, 1_000_000);
        // Paid 2 tokens for 4 GiB: 2 GiB count.
        assert_eq!(rb(2_000_000, 4 * GIB), 2 * GIB);
        // Paid more than the minimum: every byte counts.
        assert_eq!(rb(9_000_000, 4 * GIB), 4 * GIB);
        assert_eq!(rb(0, 4 * GIB), 0);
        assert_eq!(rewardable_bytes(9_000_000, 4 * GIB, 100, 0), 0);
        assert_eq!(rewardable_bytes(9_000_000, 4 * GIB, 0, 1_000_000), 0);
        // Below 10_000 / fee_bps = 100 units no fee is paid, so nothing is rewarded...
        assert_eq!(rb(99, u64::MAX), 0);
        // ...and from there on only whole fee units count: 100..=199 all cover 100.
        assert_eq!(rb(100, u64::MAX), 100 * GIB / 1_000_000);
        assert_eq!(rb(199, u64::MAX), rb(100, u64::MAX));
        assert_eq!(reward_for(3 * GIB / 2, 1_000), 1_500);
        assert_eq!(reward_for(u64::MAX, u64::MAX), u64::MAX);
    }

    #[test]
    fn rewards_are_path_independent() {
        const GIB: u64 = 1 << 30;
        let terms = (250u16, 1_000_000u64, 1_000_000u64);
        let once = reward_accrual((0, 0), (5_000_000, 7 * GIB), terms.0, terms.1, terms.2);
        let (mut bytes, mut units) = (0, 0);
        let mut at = (0u64, 0u64);
        for i in 1..=1_000u64 {
            let next = (
                5_000 * i,
                7 * GIB / 1_000 * i + u64::from(i == 1_000) * (7 * GIB % 1_000),
            );
            let (b, u) = reward_accrual(at, next, terms.0, terms.1, terms.2);
            bytes += b;
            units += u;
            at = next;
        }
        assert_eq!(at, (5_000_000, 7 * GIB));
        assert_eq!((bytes, units), once);
    }

    #[test]
    fn bounties_are_path_independent() {
        // 1 step versus 1 base unit at a time, every step paying the bounty.
        let one = split_settlement(0, 99_999, 250, 500, true).unwrap();
        let (mut fee, mut bounty, mut provider) = (0, 0, 0);
        for a in 1..=99_999u64 {
            let s = split_settlement(a - 1, a, 250, 500, true).unwrap();
            fee += s.fee;
            bounty += s.bounty;
            provider += s.provider;
            assert_eq!(s.fee + s.bounty + s.provider, 1);
        }
        assert_eq!((one.fee, one.bounty, one.provider), (fee, bounty, provider));
    }

    #[test]
    fn fee_split_is_exact() {
        assert_eq!(split_fees(1_001, 5_000).unwrap(), (501, 500));
        assert_eq!(split_fees(u64::MAX, 10_000).unwrap(), (0, u64::MAX));
        assert_eq!(split_fees(7, 0).unwrap(), (7, 0));
    }
}
