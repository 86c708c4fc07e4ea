//! Checks of instruction arguments that more than one instruction makes (create and update a
//! market; register and update a provider), kept in one place so that they cannot drift apart.
use crate::{constants::*, errors::SettlementError};
use anchor_lang::prelude::*;

/// Market dispute-window bounds must lie within the hard caps and be ordered.
pub fn validate_window_bounds(min: u32, max: u32) -> Result<()> {
    require!(
        MIN_DISPUTE_WINDOW_SECS <= min && min <= max && max <= MAX_DISPUTE_WINDOW_SECS,
        SettlementError::InvalidDisputeWindowBounds
    );
    Ok(())
}

/// Checks shared by register and update.
pub fn validate_provider_terms(
    min_dispute_window_secs: u32,
    bounty_bps: u16,
    endpoint: &str,
    region: &str,
) -> Result<()> {
    require!(
        (MIN_DISPUTE_WINDOW_SECS..=MAX_DISPUTE_WINDOW_SECS).contains(&min_dispute_window_secs),
        SettlementError::InvalidProviderDisputeWindow
    );
    require!(bounty_bps <= MAX_BOUNTY_BPS, SettlementError::BountyTooHigh);
    require!(
        endpoint.len() <= MAX_ENDPOINT_LEN as usize,
        SettlementError::EndpointTooLong
    );
    require!(
        region.len() <= MAX_REGION_LEN as usize,
        SettlementError::RegionTooLong
    );
    Ok(())
}
