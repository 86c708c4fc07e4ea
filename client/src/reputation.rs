//! A provider's score, computed off-chain from its on-chain record in a market. Every input
//! costs real money to fake: settled volume pays the protocol fee, ratings are weighted by what
//! the rating buyer paid, stake is locked for the unbonding delay, and a forced close a
//! provider fails to answer cannot be hidden.
//!
//! ```text
//! score = 100 · R² · (ρ / 5) · (1 − ½·e^(−(v + s) / 100))
//!   R = (answered + 1) / (answered + missed + 1)   forced closes answered (1 with no history)
//!   ρ = Σ(rating · paid) / Σ paid                   paid-weighted rating, 3 with no rating
//!   v = tokens settled by the provider's buyers, s = tokens staked (incl. unbonding)
//! ```
//!
//! Reliability is squared because a missed forced close is the one failure that costs a buyer
//! waiting time; the last factor rises from ½ (nothing at stake, no history) towards 1.
use bandwidth_settlement::state::ProviderMarket;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Score {
    pub score: f64,
    pub reliability: f64,
    pub rating: f64,
    pub volume_tokens: f64,
    pub stake_tokens: f64,
}

pub fn score(pm: &ProviderMarket, decimals: u8) -> Score {
    let unit = 10f64.powi(i32::from(decimals));
    let answered = pm.forced_closes_answered as f64;
    let missed = pm.forced_closes_missed as f64;
    let reliability = (answered + 1.0) / (answered + missed + 1.0);
    let rating = if pm.rating_weight > 0 {
        pm.rating_weighted_sum as f64 / pm.rating_weight as f64
    } else {
        3.0
    };
    let volume_tokens = pm.amount_settled as f64 / unit;
    let stake_tokens = (pm.stake as f64 + pm.unbonding as f64) / unit;
    let confidence = 1.0 - 0.5 * (-(volume_tokens + stake_tokens) / 100.0).exp();
    Score {
        score: 100.0 * reliability * reliability * (rating / 5.0) * confidence,
        reliability,
        rating,
        volume_tokens,
        stake_tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm() -> ProviderMarket {
        ProviderMarket {
            version: 1,
            ..Default::default()
        }
    }

    #[test]
    fn a_newcomer_scores_30_and_money_at_stake_raises_it() {
        let s = score(&pm(), 6);
        assert!((s.score - 30.0).abs() < 1e-9);
        let staked = ProviderMarket {
            stake: 1_000_000_000,
            ..pm()
        };
        assert!(score(&staked, 6).score > 59.9);
    }

    #[test]
    fn ratings_are_weighted_by_what_was_paid() {
        // 5 stars on 1 token paid, 1 star on 9 tokens paid: 1.4.
        let p = ProviderMarket {
            ratings: 2,
            rating_weight: 10_000_000,
            rating_weighted_sum: 5 * 1_000_000 + 9_000_000,
            ..pm()
        };
        assert!((score(&p, 6).rating - 1.4).abs() < 1e-9);
    }

    #[test]
    fn a_missed_forced_close_halves_reliability() {
        let p = ProviderMarket {
            forced_closes_missed: 1,
            ..pm()
        };
        let s = score(&p, 6);
        assert!((s.reliability - 0.5).abs() < 1e-9);
        assert!((s.score - 7.5).abs() < 1e-9);
        let p = ProviderMarket {
            forced_closes_answered: 9,
            forced_closes_missed: 1,
            ..pm()
        };
        assert!((score(&p, 6).reliability - 10.0 / 11.0).abs() < 1e-9);
    }
}
