//! The receipt wire format (PROTOCOL §3), shared by the program and every client.
//!
//! A receipt says "on this channel I have received `bytes` bytes in total and owe `amount`
//! base units in total". The signed message is exactly 52 bytes:
//!
//! | offset | size | field                                |
//! |--------|------|--------------------------------------|
//! | 0      | 4    | domain tag `BWR1`                    |
//! | 4      | 32   | channel account address              |
//! | 36     | 8    | cumulative amount, u64 little-endian |
//! | 44     | 8    | cumulative bytes, u64 little-endian  |
//!
//! On the wire a signed receipt is message ‖ Ed25519 signature (116 bytes). No I/O here: the
//! same code runs on-chain and off-chain, so the two can never disagree on the format.
use anchor_lang::prelude::Pubkey;

/// Domain separation: a signature over this layout can never be valid for another one.
pub const DOMAIN_TAG: [u8; 4] = *b"BWR1";
/// Length of the signed message.
pub const MESSAGE_LEN: usize = 52;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// Length of a signed receipt on the wire: message ‖ signature.
pub const SIGNED_RECEIPT_LEN: usize = MESSAGE_LEN + SIGNATURE_LEN;

/// The content of a receipt: which channel, and the cumulative totals it acknowledges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Receipt {
    pub channel: Pubkey,
    /// Cumulative amount owed, in token base units.
    pub amount: u64,
    /// Cumulative bytes received.
    pub bytes: u64,
}

/// Why a byte string is not a receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    WrongLength { expected: usize, actual: usize },
    WrongDomainTag,
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::WrongLength { expected, actual } => {
                write!(f, "receipt must be {expected} bytes, got {actual}")
            }
            DecodeError::WrongDomainTag => write!(f, "receipt does not start with the BWR1 tag"),
        }
    }
}

/// Builds the 52-byte signed message.
#[inline]
pub fn message(channel: &Pubkey, amount: u64, bytes: u64) -> [u8; MESSAGE_LEN] {
    let mut m = [0u8; MESSAGE_LEN];
    m[..4].copy_from_slice(&DOMAIN_TAG);
    m[4..36].copy_from_slice(channel.as_ref());
    m[36..44].copy_from_slice(&amount.to_le_bytes());
    m[44..52].copy_from_slice(&bytes.to_le_bytes());
    m
}

/// Strict Ed25519 verification of `signature` over the receipt message, by `signer`.
///
/// `verify_strict` rejects non-canonical and small-order encodings of the key and of R and
/// non-canonical `s` (no malleability). On-chain it uses the curve25519 syscalls; natively,
/// curve25519-dalek.
#[inline]
pub fn verify(
    signer: &Pubkey,
    channel: &Pubkey,
    amount: u64,
    bytes: u64,
    signature: &[u8; SIGNATURE_LEN],
) -> bool {
    let msg = message(channel, amount, bytes);
    let key = brine_ed25519::Address::new_from_array(signer.to_bytes());
    brine_ed25519::verify_strict(&key, signature, &[&msg]).is_ok()
}

impl Receipt {
    pub fn message(&self) -> [u8; MESSAGE_LEN] {
        message(&self.channel, self.amount, self.bytes)
    }

    /// Parses a 52-byte message.
    pub fn decode(msg: &[u8]) -> Result<Self, DecodeError> {
        let msg: &[u8; MESSAGE_LEN] = msg.try_into().map_err(|_| DecodeError::WrongLength {
            expected: MESSAGE_LEN,
            actual: msg.len(),
        })?;
        if msg[..4] != DOMAIN_TAG {
            return Err(DecodeError::WrongDomainTag);
        }
        let mut channel = [0u8; 32];
        channel.copy_from_slice(&msg[4..36]);
        let mut amount = [0u8; 8];
        amount.copy_from_slice(&msg[36..44]);
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&msg[44..52]);
        Ok(Receipt {
            channel: Pubkey::new_from_array(channel),
            amount: u64::from_le_bytes(amount),
            bytes: u64::from_le_bytes(bytes),
        })
    }

    pub fn verify(&self, signer: &Pubkey, signature: &[u8; SIGNATURE_LEN]) -> bool {
        verify(signer, &self.channel, self.amount, self.bytes, signature)
    }
}

/// A receipt with its signature, as it travels from buyer to provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedReceipt {
    pub receipt: Receipt,
    pub signature: [u8; SIGNATURE_LEN],
}

impl SignedReceipt {
    /// message ‖ signature, 116 bytes.
    pub fn encode(&self) -> [u8; SIGNED_RECEIPT_LEN] {
        let mut out = [0u8; SIGNED_RECEIPT_LEN];
        out[..MESSAGE_LEN].copy_from_slice(&self.receipt.message());
        out[MESSAGE_LEN..].copy_from_slice(&self.signature);
        out
    }

    pub fn decode(wire: &[u8]) -> Result<Self, DecodeError> {
        if wire.len() != SIGNED_RECEIPT_LEN {
            return Err(DecodeError::WrongLength {
                expected: SIGNED_RECEIPT_LEN,
                actual: wire.len(),
            });
        }
        let receipt = Receipt::decode(&wire[..MESSAGE_LEN])?;
        let mut signature = [0u8; SIGNATURE_LEN];
        signature.copy_from_slice(&wire[MESSAGE_LEN..]);
        Ok(SignedReceipt { receipt, signature })
    }

    pub fn verify(&self, signer: &Pubkey) -> bool {
        self.receipt.verify(signer, &self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_exact() {
        let channel = Pubkey::new_from_array([7u8; 32]);
        let m = message(&channel, 0x0102_0304_0506_0708, 0x1112_1314_1516_1718);
        assert_eq!(&m[..4], b"BWR1");
        assert_eq!(&m[4..36], &[7u8; 32]);
        assert_eq!(&m[36..44], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(
            &m[44..52],
            &[0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11]
        );
        let r = Receipt::decode(&m).unwrap();
        assert_eq!(r.message(), m);
    }

    #[test]
    fn decode_rejects_bad_input() {
        assert_eq!(
            Receipt::decode(&[0u8; 51]),
            Err(DecodeError::WrongLength {
                expected: 52,
                actual: 51
            })
        );
        let mut m = message(&Pubkey::default(), 1, 1);
        m[0] = b'X';
        assert_eq!(Receipt::decode(&m), Err(DecodeError::WrongDomainTag));
        assert!(SignedReceipt::decode(&[0u8; 115]).is_err());
    }
}
