//! A market as clients see it: its accounts and mint decimals, amounts in the mint's units,
//! token accounts.
use crate::{errors::ClientError, ix::MarketKeys, tokens, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::Market;

/// A market and what displaying its amounts needs.
#[derive(Clone, Debug)]
pub struct MarketInfo {
    pub address: Pubkey,
    pub account: Market,
    pub keys: MarketKeys,
    pub decimals: u8,
    /// The market's reward pool, when it has one.
    pub reward_pool: Option<Pubkey>,
}

impl MarketInfo {
    pub fn ui(&self, amount: u64) -> String {
        ui_amount(amount, self.decimals)
    }

    pub fn parse(&self, text: &str) -> Result<u64, ClientError> {
        parse_amount(text, self.decimals)
    }
}

pub async fn load_market<C: Chain>(
    client: &Client<C>,
    address: &Pubkey,
) -> Result<MarketInfo, ClientError> {
    let account: Market = client.require(address, "market").await?;
    let mint = client
        .chain
        .account(&account.mint)
        .await?
        .ok_or(ClientError::NotFound {
            what: "mint",
            address: account.mint,
        })?;
    let (decimals, _) = tokens::mint_info(&mint.data)
        .ok_or_else(|| ClientError::Invalid(format!("{} is not a mint", account.mint)))?;
    let pool = client.pda().reward_pool(address);
    let reward_pool = client.chain.account(&pool).await?.map(|_| pool);
    Ok(MarketInfo {
        address: *address,
        keys: MarketKeys::from_account(*address, &account),
        account,
        decimals,
        reward_pool,
    })
}

/// `amount` base units shown with the mint's decimals: 1500000 at 6 decimals is "1.500000".
pub fn ui_amount(amount: u64, decimals: u8) -> String {
    if decimals == 0 {
        return amount.to_string();
    }
    let scale = 10u128.pow(u32::from(decimals));
    let (whole, frac) = (u128::from(amount) / scale, u128::from(amount) % scale);
    format!("{whole}.{frac:0width$}", width = usize::from(decimals))
}

/// Parses "1.5" into base units at `decimals`, refusing more precision than the mint has.
pub fn parse_amount(text: &str, decimals: u8) -> Result<u64, ClientError> {
    let bad = || {
        ClientError::Input(crate::errors::InputError::BadAmount {
            text: text.to_string(),
            decimals,
        })
    };
    let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if frac.len() > usize::from(decimals)
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let scale = 10u128.pow(u32::from(decimals));
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse::<u128>().map_err(|_| bad())?
            * 10u128.pow((usize::from(decimals) - frac.len()) as u32)
    };
    u64::try_from(whole * scale + frac).map_err(|_| bad())
}

pub fn parse_pubkey(text: &str, what: &str) -> Result<Pubkey, ClientError> {
    text.parse()
        .map_err(|_| ClientError::Invalid(format!("{what} {text:?} is not a base58 address")))
}

/// The associated token account of `owner` for the market's mint, created (paid by the client's
/// payer) if missing.
pub async fn ensure_token_account<C: Chain>(
    client: &Client<C>,
    market: &MarketInfo,
    owner: &Pubkey,
) -> Result<Pubkey, ClientError> {
    let address = tokens::associated_address(owner, &market.keys.mint, &market.keys.token_program);
    if client.chain.account(&address).await?.is_none() {
        let ix = tokens::create_associated_account(
            &client.try_payer()?.pubkey(),
            owner,
            &market.keys.mint,
            &market.keys.token_program,
        );
        client.send(&[ix], &[], crate::budget::TOKEN_SETUP).await?;
    }
    Ok(address)
}

pub async fn token_balance<C: Chain>(
    client: &Client<C>,
    account: &Pubkey,
) -> Result<u64, ClientError> {
    let data = client
        .chain
        .account(account)
        .await?
        .ok_or(ClientError::NotFound {
            what: "token account",
            address: *account,
        })?
        .data;
    tokens::balance(&data)
        .ok_or_else(|| ClientError::Invalid(format!("{account} is not a token account")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_in_the_mints_decimals() {
        assert_eq!(ui_amount(1_500_000, 6), "1.500000");
        assert_eq!(ui_amount(7, 6), "0.000007");
        assert_eq!(ui_amount(42, 0), "42");
        assert_eq!(ui_amount(u64::MAX, 9), "18446744073.709551615");
        assert_eq!(parse_amount("1.5", 6).unwrap(), 1_500_000);
        assert_eq!(parse_amount("0.000001", 6).unwrap(), 1);
        assert_eq!(parse_amount("3", 6).unwrap(), 3_000_000);
        assert_eq!(parse_amount(".25", 2).unwrap(), 25);
        assert_eq!(parse_amount("18446744073.709551615", 9).unwrap(), u64::MAX);
        for bad in [
            "",
            ".",
            "1.0000001",
            "-1",
            "1e6",
            "18446744073.709551616",
            "abc",
        ] {
            assert!(
                parse_amount(bad, 6).is_err() || bad == "18446744073.709551616",
                "{bad}"
            );
        }
        assert!(parse_amount("18446744073.709551616", 9).is_err());
    }
}
