//! Fuzzing of the pure functions, with proptest over arbitrary bytes (cargo-fuzz targets for
//! longer runs are in `fuzz/`): the receipt decoders, every instruction's data decoder, the
//! program's entry point, and the fee arithmetic. No input may panic, and whatever is accepted
//! is exactly what a strict reference accepts.
use anchor_lang::{AnchorDeserialize, AnchorSerialize, Discriminator};
use bandwidth_settlement::{
    instruction as ix,
    math::{split_fees, split_settlement},
    receipt::{Receipt, SignedReceipt, DOMAIN_TAG, MESSAGE_LEN, SIGNED_RECEIPT_LEN},
};
use proptest::prelude::*;

fn cases(default: u32) -> ProptestConfig {
    ProptestConfig::with_cases(
        std::env::var("FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

/// Bytes that are often near-valid: the right length and tag, or anything at all.
fn receipt_bytes(len: usize) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2 * len),
        proptest::collection::vec(any::<u8>(), len).prop_map(|mut v| {
            v[..4].copy_from_slice(&DOMAIN_TAG);
            v
        }),
    ]
}

proptest! {
    #![proptest_config(cases(20_000))]

    /// The decoder accepts exactly 52 bytes starting with BWR1, and re-encodes them unchanged.
    #[test]
    fn receipt_decoder(bytes in receipt_bytes(MESSAGE_LEN)) {
        let reference = bytes.len() == MESSAGE_LEN && bytes[..4] == DOMAIN_TAG;
        match Receipt::decode(&bytes) {
            Ok(r) => {
                prop_assert!(reference);
                prop_assert_eq!(&r.message()[..], &bytes[..]);
            }
            Err(_) => prop_assert!(!reference),
        }
    }

    #[test]
    fn signed_receipt_decoder(bytes in receipt_bytes(SIGNED_RECEIPT_LEN)) {
        let reference = bytes.len() == SIGNED_RECEIPT_LEN && bytes[..4] == DOMAIN_TAG;
        match SignedReceipt::decode(&bytes) {
            Ok(r) => {
                prop_assert!(reference);
                prop_assert_eq!(&r.encode()[..], &bytes[..]);
            }
            Err(_) => prop_assert!(!reference),
        }
    }
}

/// Decodes instruction data as `T` (after its discriminator) and checks that whatever it
/// accepts is canonical: re-encoding gives back exactly the bytes consumed.
fn strict_decode<T: AnchorDeserialize + AnchorSerialize + Discriminator>(
    data: &[u8],
) -> Result<(), TestCaseError> {
    let Some(args) = data.strip_prefix(T::DISCRIMINATOR) else {
        return Ok(());
    };
    let mut rest = args;
    if let Ok(value) = T::deserialize(&mut rest) {
        let consumed = &args[..args.len() - rest.len()];
        let mut again = vec![];
        value.serialize(&mut again).unwrap();
        prop_assert_eq!(&again[..], consumed);
    }
    Ok(())
}

/// Every instruction's data: a discriminator (real or not) followed by arbitrary bytes.
fn instruction_data() -> impl Strategy<Value = Vec<u8>> {
    let discriminators: Vec<&'static [u8]> = vec![
        ix::CreateMarket::DISCRIMINATOR,
        ix::UpdateMarket::DISCRIMINATOR,
        ix::Deposit::DISCRIMINATOR,
        ix::Withdraw::DISCRIMINATOR,
        ix::RegisterProvider::DISCRIMINATOR,
        ix::UpdateProvider::DISCRIMINATOR,
        ix::JoinMarket::DISCRIMINATOR,
        ix::SetPrice::DISCRIMINATOR,
        ix::OpenChannel::DISCRIMINATOR,
        ix::TopUp::DISCRIMINATOR,
        ix::Settle::DISCRIMINATOR,
        ix::SettleMany::DISCRIMINATOR,
        ix::RequestClose::DISCRIMINATOR,
        ix::FinalizeClose::DISCRIMINATOR,
        ix::CloseByProvider::DISCRIMINATOR,
        ix::WithdrawEarnings::DISCRIMINATOR,
        ix::SweepFees::DISCRIMINATOR,
    ];
    (
        prop::sample::select(discriminators),
        proptest::collection::vec(any::<u8>(), 0..600),
        any::<bool>(),
    )
        .prop_map(|(d, tail, keep)| {
            let mut data = if keep { d.to_vec() } else { vec![] };
            data.extend(tail);
            data
        })
}

proptest! {
    #![proptest_config(cases(20_000))]

    #[test]
    fn instruction_data_decoders(data in instruction_data()) {
        strict_decode::<ix::CreateMarket>(&data)?;
        strict_decode::<ix::UpdateMarket>(&data)?;
        strict_decode::<ix::Deposit>(&data)?;
        strict_decode::<ix::Withdraw>(&data)?;
        strict_decode::<ix::RegisterProvider>(&data)?;
        strict_decode::<ix::UpdateProvider>(&data)?;
        strict_decode::<ix::JoinMarket>(&data)?;
        strict_decode::<ix::SetPrice>(&data)?;
        strict_decode::<ix::OpenChannel>(&data)?;
        strict_decode::<ix::TopUp>(&data)?;
        strict_decode::<ix::Settle>(&data)?;
        strict_decode::<ix::SettleMany>(&data)?;
        strict_decode::<ix::RequestClose>(&data)?;
        strict_decode::<ix::FinalizeClose>(&data)?;
        strict_decode::<ix::CloseByProvider>(&data)?;
        strict_decode::<ix::WithdrawEarnings>(&data)?;
        strict_decode::<ix::SweepFees>(&data)?;
    }

    /// The program's entry point with no accounts: every input is refused, none panics.
    #[test]
    fn entry_point_refuses_without_panicking(data in instruction_data()) {
        let result = bandwidth_settlement::entry(&bandwidth_settlement::ID, &[], &data);
        prop_assert!(result.is_err());
    }

    /// Fees: a settlement's split is exact (fee + bounty + provider = gross), the fee differs
    /// from the exact proportional fee of the increment by less than one base unit (rounding
    /// never favours the caller by a unit or more), and the bounty comes from the provider's
    /// share only.
    #[test]
    fn settlement_split_is_exact_and_fair(
        settled in any::<u64>(),
        delta in any::<u64>(),
        fee_bps in 0u16..=1_000,
        bounty_bps in 0u16..=1_000,
        pay in any::<bool>(),
    ) {
        let amount = settled.saturating_add(delta);
        let s = split_settlement(settled, amount, fee_bps, bounty_bps, pay).unwrap();
        prop_assert_eq!(s.fee as u128 + s.bounty as u128 + s.provider as u128, (amount - settled) as u128);
        let exact = (u128::from(amount - settled) * u128::from(fee_bps)) as f64 / 10_000.0;
        prop_assert!((s.fee as f64 - exact).abs() < 1.0 + exact * 1e-12, "fee {} vs exact {}", s.fee, exact);
        let share = s.gross - s.fee;
        prop_assert!(s.bounty <= share / 10 + 1);
        if !pay { prop_assert_eq!(s.bounty, 0); }
    }

    /// Path independence: any sequence of settlements reaching `a` takes fee(a) in total.
    #[test]
    fn fees_depend_only_on_the_final_amount(steps in proptest::collection::vec(1u64..1_000_000_000, 1..50), fee_bps in 0u16..=1_000) {
        let (mut settled, mut fees, mut provider) = (0u64, 0u64, 0u64);
        for d in steps {
            let s = split_settlement(settled, settled + d, fee_bps, 0, false).unwrap();
            fees += s.fee;
            provider += s.provider;
            settled += d;
        }
        let once = split_settlement(0, settled, fee_bps, 0, false).unwrap();
        prop_assert_eq!((fees, provider), (once.fee, once.provider));
    }

    #[test]
    fn swept_fees_split_exactly(total in any::<u64>(), burn_bps in 0u16..=10_000) {
        let (treasury, burned) = split_fees(total, burn_bps).unwrap();
        prop_assert_eq!(treasury as u128 + burned as u128, total as u128);
    }
}
