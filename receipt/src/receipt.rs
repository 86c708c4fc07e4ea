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
use solana_address::Address as Pubkey;

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

/// Canonical encodings of the eight points of order dividing 8: strict verification refuses
/// them as keys.
pub const SMALL_ORDER: [[u8; 32]; 8] = {
    let mut t = [[0u8; 32]; 8];
    // Identity (y = 1) and y = -1 (order 2).
    t[0][0] = 1;
    t[1][0] = 0xec;
    let mut i = 1;
    while i < 31 {
        t[1][i] = 0xff;
        i += 1;
    }
    t[1][31] = 0x7f;
    // y = 0: order 4, with x positive or negative.
    t[3][31] = 0x80;
    // Order 8: y = ±sqrt-related constants, each with both signs of x.
    t[4] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ];
    t[5] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0xfa,
    ];
    t[6] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ];
    t[7] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x85,
    ];
    t
};

/// Whether `key` could ever sign a receipt the program accepts: exactly the key checks of
/// `verify_strict`, so that `open_channel` can refuse a channel that could never be settled.
///
/// The verifier refuses a key that is not a canonical RFC 8032 encoding (y >= p, or x = 0
/// with its sign bit set: the "negative zero" encodings of y = 1 and y = p - 1), a canonical
/// encoding of one of the eight small-order points, and a y that is not on the curve. The
/// last check decompresses the point: the `sol_curve_validate_point` syscall on-chain,
/// curve25519-dalek natively. `tests::usable_signers_are_exactly_the_verifiers_keys`
/// checks this against the verifier itself over every encoding of every small-order point and
/// many random keys.
pub fn is_usable_signer(key: &Pubkey) -> bool {
    let k = key.to_bytes();
    is_canonical_encoding(&k) && !SMALL_ORDER.contains(&k) && crate::curve::validate_edwards(&k)
}

/// RFC 8032 canonical point encoding: y < p = 2^255 - 19, and no sign bit on x = 0.
pub fn is_canonical_encoding(k: &[u8; 32]) -> bool {
    // The top 250 bits of y all ones: y is p - 1 (0xec), p .. 2^255 - 1 (0xed..), or less.
    let y_top_ones = (k[31] & 0x7f) == 0x7f && k[1..31].iter().all(|b| *b == 0xff);
    if y_top_ones && k[0] >= 0xed {
        return false;
    }
    if k[31] & 0x80 != 0 {
        // x = 0 exactly at y = 1 and y = p - 1.
        let y_is_one = k[0] == 1 && k[1..31].iter().all(|b| *b == 0) && k[31] & 0x7f == 0;
        let y_is_minus_one = y_top_ones && k[0] == 0xec;
        if y_is_one || y_is_minus_one {
            return false;
        }
    }
    true
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

    /// The verifier's own answer to "can this key ever sign?": with the challenge fixed at
    /// zero, `[s]B = R + [0]A` holds for R = B, s = 1, so `verify_prehashed_strict` accepts
    /// iff the key passes every check the verifier makes of a key.
    fn verifier_accepts_key(key: &[u8; 32]) -> bool {
        const B: [u8; 32] = [
            0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
            0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
            0x66, 0x66, 0x66, 0x66,
        ];
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&B);
        sig[32] = 1;
        let key = brine_ed25519::Address::new_from_array(*key);
        brine_ed25519::verify_prehashed_strict(&key, &sig, &[0u8; 64]).is_ok()
    }

    /// y + p as a 32-byte little-endian encoding, if it is below 2^255 (sign bit kept).
    fn plus_p(k: [u8; 32]) -> Option<[u8; 32]> {
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        let mut out = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let y = if i == 31 { k[i] & 0x7f } else { k[i] };
            let sum = u16::from(y) + u16::from(p[i]) + carry;
            out[i] = sum as u8;
            carry = sum >> 8;
        }
        (out[31] & 0x80 == 0 && carry == 0).then(|| {
            out[31] |= k[31] & 0x80;
            out
        })
    }

    #[test]
    fn usable_signers_are_exactly_the_verifiers_keys() {
        let mut keys: Vec<[u8; 32]> = vec![];
        // Every small-order point in every encoding: canonical, sign bit flipped, y + p.
        for t in SMALL_ORDER {
            for k in [t, {
                let mut f = t;
                f[31] ^= 0x80;
                f
            }] {
                keys.push(k);
                keys.extend(plus_p(k));
            }
        }
        // y = 0 (two points) and y = 1 have aliases above p, in both signs.
        assert_eq!(keys.len(), 8 * 2 + 3 * 2);
        // Every non-canonical y (p ..= 2^255 - 1), both signs.
        for low in 0xed..=0xffu8 {
            for sign in [0x7f, 0xff] {
                let mut k = [0xffu8; 32];
                k[0] = low;
                k[31] = sign;
                keys.push(k);
            }
        }
        // Ordinary keys, and random bytes (about half of them are not on the curve).
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let mut k = [0u8; 32];
            for chunk in k.chunks_mut(8) {
                x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = x;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
            }
            keys.push(k);
        }
        let mut usable = 0;
        for k in &keys {
            let ours = is_usable_signer(&Pubkey::new_from_array(*k));
            assert_eq!(ours, verifier_accepts_key(k), "key {k:02x?}");
            usable += usize::from(ours);
        }
        // The random keys do exercise both answers.
        assert!(usable > 8_000 && usable < 12_000, "{usable} usable");
        // The two encodings the check used to miss.
        let mut negative_one = [0u8; 32];
        negative_one[0] = 1;
        negative_one[31] = 0x80;
        let mut negative_minus_one = [0xffu8; 32];
        negative_minus_one[0] = 0xec;
        for k in [negative_one, negative_minus_one] {
            assert!(!is_usable_signer(&Pubkey::new_from_array(k)));
        }
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
