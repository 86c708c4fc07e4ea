//! The buyer's meter: counts bytes received on a channel and signs a new cumulative receipt
//! every `interval` bytes at the channel's price, never for more than the channel's deposit.
use super::sign_receipt;
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::receipt::SignedReceipt;
use solana_keypair::Keypair;

/// Bytes in a GiB: prices are per 2^30 bytes.
pub const GIB: u64 = 1 << 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
    /// The receipt due would owe more than the deposit: top up or close the channel.
    #[error("{bytes} bytes cost {amount}, more than the deposit of {deposit}: top up the channel or stop the transfer")]
    DepositExhausted {
        bytes: u64,
        amount: u64,
        deposit: u64,
    },
    #[error("byte counter overflow")]
    Overflow,
}

pub struct Meter {
    channel: Pubkey,
    signer: Keypair,
    price_per_gib: u64,
    deposit: u64,
    interval: u64,
    bytes: u64,
    last: Option<SignedReceipt>,
    signed: u64,
}

impl Meter {
    /// `signer` is the channel's receipt signer (its session key); `interval` > 0.
    pub fn new(
        channel: Pubkey,
        signer: Keypair,
        price_per_gib: u64,
        deposit: u64,
        interval: u64,
    ) -> Meter {
        Meter {
            channel,
            signer,
            price_per_gib,
            deposit,
            interval: interval.max(1),
            bytes: 0,
            last: None,
            signed: 0,
        }
    }

    /// Resumes a meter from the last receipt it signed (e.g. after a restart).
    pub fn resume(mut self, last: SignedReceipt) -> Meter {
        self.bytes = last.receipt.bytes;
        self.last = Some(last);
        self
    }

    /// What `bytes` cumulative bytes cost at the channel's price, rounded down in the
    /// buyer's favour.
    pub fn price_of(&self, bytes: u64) -> u64 {
        let amount = u128::from(bytes) * u128::from(self.price_per_gib) / u128::from(GIB);
        u64::try_from(amount).unwrap_or(u64::MAX)
    }

    /// Records `more` bytes received. Returns the new cumulative receipt when the total
    /// crosses a multiple of the interval. Refuses, recording nothing, when that receipt would
    /// owe more than the deposit.
    pub fn record(&mut self, more: u64) -> Result<Option<SignedReceipt>, MeterError> {
        let total = self.bytes.checked_add(more).ok_or(MeterError::Overflow)?;
        let crossed = total / self.interval > self.bytes / self.interval;
        if !crossed {
            self.check_within_deposit(total)?;
            self.bytes = total;
            return Ok(None);
        }
        let receipt = self.sign_at(total)?;
        self.bytes = total;
        Ok(receipt)
    }

    /// Signs a receipt for everything received so far (e.g. when the session ends), if it
    /// owes more than the last one.
    pub fn sign_now(&mut self) -> Result<Option<SignedReceipt>, MeterError> {
        self.sign_at(self.bytes)
    }

    fn check_within_deposit(&self, bytes: u64) -> Result<u64, MeterError> {
        let amount = self.price_of(bytes);
        if amount > self.deposit {
            return Err(MeterError::DepositExhausted {
                bytes,
                amount,
                deposit: self.deposit,
            });
        }
        Ok(amount)
    }

    fn sign_at(&mut self, bytes: u64) -> Result<Option<SignedReceipt>, MeterError> {
        let amount = self.check_within_deposit(bytes)?;
        // A receipt that owes nothing more settles nothing: do not sign it.
        if amount == 0 || self.last.is_some_and(|l| l.receipt.amount >= amount) {
            return Ok(None);
        }
        let receipt = sign_receipt(&self.signer, &self.channel, amount, bytes);
        self.last = Some(receipt);
        self.signed += 1;
        Ok(Some(receipt))
    }

    /// The deposit grew (a top-up).
    pub fn set_deposit(&mut self, deposit: u64) {
        self.deposit = deposit;
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub fn deposit(&self) -> u64 {
        self.deposit
    }

    pub fn last(&self) -> Option<&SignedReceipt> {
        self.last.as_ref()
    }

    /// Receipts signed by this meter.
    pub fn signed(&self) -> u64 {
        self.signed
    }

    pub fn channel(&self) -> Pubkey {
        self.channel
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_signer::Signer;

    fn meter(deposit: u64) -> (Meter, Pubkey) {
        let key = Keypair::new();
        let signer = key.pubkey();
        let channel = Pubkey::new_unique();
        (
            Meter::new(channel, key, 1_000_000, deposit, 64 << 20),
            signer,
        )
    }

    #[test]
    fn signs_every_interval_at_the_channel_price() {
        let (mut m, signer) = meter(10_000_000);
        assert_eq!(m.record(63 << 20).unwrap(), None);
        let r = m.record(1 << 20).unwrap().expect("crossed 64 MiB");
        assert_eq!((r.receipt.bytes, r.receipt.amount), (64 << 20, 62_500));
        assert!(r.verify(&signer));
        // Several intervals at once: one receipt for the new total.
        let r = m.record(200 << 20).unwrap().unwrap();
        assert_eq!(r.receipt.bytes, 264 << 20);
        assert_eq!(m.signed(), 2);
    }

    #[test]
    fn never_signs_beyond_the_deposit() {
        let (mut m, _) = meter(1_000_000); // 1 GiB worth
        let r = m.record(GIB).unwrap().unwrap();
        assert_eq!(r.receipt.amount, 1_000_000);
        let before = m.bytes();
        let err = m.record(64 << 20).unwrap_err();
        assert!(matches!(
            err,
            MeterError::DepositExhausted {
                deposit: 1_000_000,
                ..
            }
        ));
        assert_eq!(m.bytes(), before, "nothing recorded");
        assert_eq!(m.last().unwrap().receipt.amount, 1_000_000);
        // A top-up lets it continue.
        m.set_deposit(2_000_000);
        assert!(m.record(64 << 20).unwrap().is_some());
    }

    #[test]
    fn amounts_only_grow_and_round_for_the_buyer() {
        let (mut m, _) = meter(u64::MAX);
        let mut last = 0;
        for _ in 0..1_000 {
            if let Some(r) = m.record(13 << 20).unwrap() {
                assert!(r.receipt.amount > last);
                assert_eq!(
                    u128::from(r.receipt.amount),
                    u128::from(r.receipt.bytes) * 1_000_000 / u128::from(GIB)
                );
                last = r.receipt.amount;
            }
        }
        assert_eq!(m.price_of(GIB - 1), 999_999);
    }
}
