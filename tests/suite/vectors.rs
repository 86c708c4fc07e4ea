//! The receipt test vectors in `docs/test-vectors/receipts.json`, for clients in other
//! languages: each vector's message, key and signature are checked against the program's own
//! encoding and verifier. `UPDATE_VECTORS=1 cargo test -p bandwidth-tests --test integration
//! -- vectors::` rewrites the file (Ed25519 signatures are deterministic, so it only changes
//! when a vector is added).
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::receipt::{self, Receipt, SignedReceipt};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use std::path::PathBuf;

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/test-vectors/receipts.json")
}

/// The group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

fn add_l(s: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(s[i]) + u16::from(L[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    out
}

struct Case {
    name: &'static str,
    seed: [u8; 32],
    channel: [u8; 32],
    amount: u64,
    bytes: u64,
    /// What is done to the honest signature or key after signing.
    tamper: Tamper,
}

#[derive(Clone, Copy, PartialEq)]
enum Tamper {
    None,
    /// The amount changed after signing.
    Amount,
    /// The signature's `s` replaced by `s + L` (the same value mod L: a malleated signature).
    SPlusL,
    /// Signed over the same values for another channel.
    OtherChannel,
    /// The signer is the identity point (small order): no signature is valid for it.
    SmallOrderKey,
}

fn cases() -> Vec<Case> {
    let seed = |b: u8| [b; 32];
    let channel = |b: u8| {
        let mut c = [0u8; 32];
        for (i, x) in c.iter_mut().enumerate() {
            *x = b.wrapping_add(i as u8);
        }
        c
    };
    vec![
        Case {
            name: "first receipt",
            seed: seed(1),
            channel: channel(10),
            amount: 1,
            bytes: 1_048_576,
            tamper: Tamper::None,
        },
        Case {
            name: "one token for one GiB at 6 decimals",
            seed: seed(2),
            channel: channel(20),
            amount: 1_000_000,
            bytes: 1 << 30,
            tamper: Tamper::None,
        },
        Case {
            name: "full-width values",
            seed: seed(3),
            channel: channel(30),
            amount: u64::MAX,
            bytes: u64::MAX,
            tamper: Tamper::None,
        },
        Case {
            name: "zero bytes",
            seed: seed(4),
            channel: channel(40),
            amount: 123_456_789,
            bytes: 0,
            tamper: Tamper::None,
        },
        Case {
            name: "amount changed after signing",
            seed: seed(5),
            channel: channel(50),
            amount: 2_000_000,
            bytes: 3 << 30,
            tamper: Tamper::Amount,
        },
        Case {
            name: "malleated signature (s + L)",
            seed: seed(6),
            channel: channel(60),
            amount: 5,
            bytes: 5,
            tamper: Tamper::SPlusL,
        },
        Case {
            name: "signed for another channel",
            seed: seed(7),
            channel: channel(70),
            amount: 9,
            bytes: 9,
            tamper: Tamper::OtherChannel,
        },
        Case {
            name: "small-order signer key",
            seed: seed(8),
            channel: channel(80),
            amount: 1,
            bytes: 1,
            tamper: Tamper::SmallOrderKey,
        },
    ]
}

fn vector(c: &Case) -> Value {
    let key = SigningKey::from_bytes(&c.seed);
    let mut public = key.verifying_key().to_bytes();
    let channel = Pubkey::new_from_array(c.channel);
    let signed_channel = if c.tamper == Tamper::OtherChannel {
        Pubkey::new_from_array([0xee; 32])
    } else {
        channel
    };
    let mut signature = key
        .sign(&receipt::message(&signed_channel, c.amount, c.bytes))
        .to_bytes();
    let mut amount = c.amount;
    match c.tamper {
        Tamper::Amount => amount += 1,
        Tamper::SPlusL => {
            let s = add_l(&signature[32..]);
            signature[32..].copy_from_slice(&s);
        }
        Tamper::SmallOrderKey => {
            public = [0u8; 32];
            public[0] = 1;
        }
        Tamper::None | Tamper::OtherChannel => {}
    }
    let r = SignedReceipt {
        receipt: Receipt {
            channel,
            amount,
            bytes: c.bytes,
        },
        signature,
    };
    let valid = r.verify(&Pubkey::new_from_array(public));
    json!({
        "name": c.name,
        "signer_seed": if c.tamper == Tamper::SmallOrderKey { Value::Null } else { hex::encode(c.seed).into() },
        "signer_public_key": hex::encode(public),
        "signer_public_key_base58": Pubkey::new_from_array(public).to_string(),
        "channel": channel.to_string(),
        "channel_hex": hex::encode(c.channel),
        "amount": amount.to_string(),
        "bytes": c.bytes.to_string(),
        "message": hex::encode(r.receipt.message()),
        "signature": hex::encode(signature),
        "receipt": hex::encode(r.encode()),
        "valid": valid,
    })
}

fn document() -> Value {
    json!({
        "format": "BWR1 receipt, docs/protocol.md §3",
        "message": "52 bytes: 'BWR1' (4) ‖ channel address (32) ‖ cumulative amount u64 LE (8) ‖ cumulative bytes u64 LE (8)",
        "receipt": "message ‖ Ed25519 signature (64): 116 bytes",
        "verification": "RFC 8032 Ed25519, strict: canonical encodings, no small-order key or R, s < L (as ed25519-dalek verify_strict)",
        "integers": "amount and bytes are decimal strings (u64 does not fit a JSON number)",
        "vectors": cases().iter().map(vector).collect::<Vec<_>>(),
    })
}

#[test]
fn receipt_test_vectors_hold() {
    let expected = document();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(path().parent().unwrap()).unwrap();
        std::fs::write(
            path(),
            serde_json::to_string_pretty(&expected).unwrap() + "\n",
        )
        .unwrap();
    }
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(path()).expect("docs/test-vectors/receipts.json"),
    )
    .unwrap();
    assert_eq!(
        committed, expected,
        "docs/test-vectors/receipts.json is stale: regenerate it with UPDATE_VECTORS=1"
    );
    // And read back the way another client would: from the hex and the decimal strings.
    let mut valid = 0;
    for v in committed["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let hex32 = |k: &str| -> [u8; 32] {
            hex::decode(v[k].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        };
        let channel = Pubkey::new_from_array(hex32("channel_hex"));
        assert_eq!(
            channel.to_string(),
            v["channel"].as_str().unwrap(),
            "{name}"
        );
        let amount: u64 = v["amount"].as_str().unwrap().parse().unwrap();
        let bytes: u64 = v["bytes"].as_str().unwrap().parse().unwrap();
        let message = hex::decode(v["message"].as_str().unwrap()).unwrap();
        assert_eq!(message, receipt::message(&channel, amount, bytes), "{name}");
        let wire = hex::decode(v["receipt"].as_str().unwrap()).unwrap();
        let decoded = SignedReceipt::decode(&wire).unwrap();
        assert_eq!(decoded.encode().to_vec(), wire, "{name}");
        assert_eq!(
            hex::encode(decoded.signature),
            v["signature"].as_str().unwrap(),
            "{name}"
        );
        let key = Pubkey::new_from_array(hex32("signer_public_key"));
        if let Some(seed) = v["signer_seed"].as_str() {
            let seed: [u8; 32] = hex::decode(seed).unwrap().try_into().unwrap();
            let derived = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
            assert_eq!(derived, key.to_bytes(), "{name}");
        }
        let ok = decoded.verify(&key);
        assert_eq!(ok, v["valid"].as_bool().unwrap(), "{name}");
        valid += usize::from(ok);
    }
    assert_eq!(valid, 4, "four valid vectors, four invalid ones");
}

fn halfagg_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/test-vectors/halfagg.json")
}

/// A batch of three receipts: each receipt's parts, the transcript, the coefficients, the
/// aggregate S, and the compact entries for given settled amounts and prices (§3.1, §3.2).
fn halfagg_document() -> Value {
    use bandwidth_settlement::halfagg::{self, Item};
    let batch: Vec<(u8, u8, u64, u64, u64, u64)> = vec![
        // (seed, channel byte, amount, bytes, settled, price_per_gib)
        (
            21,
            0xa0,
            10_500_000,
            halfagg::expected_bytes(10_500_000, 1_000_000) + 500,
            3_000_000,
            1_000_000,
        ),
        (22, 0xb0, 1, 0, 0, 0),
        (23, 0xc0, u64::MAX, u64::MAX, 0, 1),
    ];
    let mut signers = vec![];
    let mut rs = vec![];
    let mut ss = vec![];
    let mut messages = vec![];
    let mut receipts = vec![];
    for (seed, c, amount, bytes, settled, price) in &batch {
        let key = SigningKey::from_bytes(&[*seed; 32]);
        let channel = Pubkey::new_from_array([*c; 32]);
        let message = receipt::message(&channel, *amount, *bytes);
        let sig = key.sign(&message).to_bytes();
        signers.push(key.verifying_key().to_bytes());
        rs.push(<[u8; 32]>::try_from(&sig[..32]).unwrap());
        ss.push(<[u8; 32]>::try_from(&sig[32..]).unwrap());
        messages.push(message);
        receipts.push(json!({
            "signer_seed": hex::encode([*seed; 32]),
            "signer_public_key": hex::encode(key.verifying_key().to_bytes()),
            "channel": channel.to_string(),
            "amount": amount.to_string(),
            "bytes": bytes.to_string(),
            "message": hex::encode(message),
            "signature": hex::encode(sig),
            "channel_settled": settled.to_string(),
            "channel_deposit": amount.to_string(),
            "channel_price_per_gib": price.to_string(),
        }));
    }
    let items: Vec<Item> = (0..batch.len())
        .map(|i| Item {
            signer: &signers[i],
            r: &rs[i],
            message: &messages[i],
        })
        .collect();
    let s = halfagg::aggregate(&items, &ss).unwrap();
    let mut entries = vec![];
    let mut entry_hex = vec![];
    for (i, (_, _, amount, bytes, settled, price)) in batch.iter().enumerate() {
        let mut one = vec![];
        // The deposit is the amount: the window has to cover only the distance to `settled`.
        halfagg::encode_entry(&mut one, &rs[i], *amount, *bytes, *settled, *amount, *price);
        entry_hex.push(hex::encode(&one));
        entries.extend(one);
    }
    assert!(halfagg::verify(&items, &s));
    json!({
        "format": "half-aggregated receipts and compact entries, docs/protocol.md §3.1 and §3.2",
        "receipts": receipts,
        "transcript": hex::encode(halfagg::transcript(&items)),
        "coefficients": halfagg::coefficients(&items).iter().map(|z| hex::encode(z.to_bytes())).collect::<Vec<_>>(),
        "s": hex::encode(s),
        "entries_per_channel": entry_hex,
        "entries": hex::encode(entries),
        "valid": true,
    })
}

#[test]
fn halfagg_test_vectors_hold() {
    let expected = halfagg_document();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(
            halfagg_path(),
            serde_json::to_string_pretty(&expected).unwrap() + "\n",
        )
        .unwrap();
    }
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(halfagg_path()).expect("docs/test-vectors/halfagg.json"),
    )
    .unwrap();
    assert_eq!(
        committed, expected,
        "docs/test-vectors/halfagg.json is stale: regenerate it with UPDATE_VECTORS=1"
    );
    // Read back as another client would: the entries decode to each receipt's values.
    let entries = hex::decode(committed["entries"].as_str().unwrap()).unwrap();
    let mut d = bandwidth_settlement::halfagg::EntryDecoder::new(&entries);

    for r in committed["receipts"].as_array().unwrap() {
        let num = |k: &str| r[k].as_str().unwrap().parse::<u64>().unwrap();
        let (_, amount, bytes) = d
            .next(num("channel_settled"), num("channel_price_per_gib"))
            .unwrap();
        assert_eq!((amount, bytes), (num("amount"), num("bytes")));
    }
}
