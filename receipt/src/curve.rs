//! The two point operations the verifiers need: on-chain the curve25519 syscalls, natively
//! curve25519-dalek computing exactly what the syscalls compute (the runtime implements them
//! with the same crate: decompress or fail, canonical scalars or fail).

/// `curve_id` of the Edwards form in the curve25519 syscalls.
#[cfg(target_os = "solana")]
const CURVE25519_EDWARDS: u64 = 0;

/// Whether `point` decompresses to a point of the curve (`sol_curve_validate_point`).
#[cfg(target_os = "solana")]
pub fn validate_edwards(point: &[u8; 32]) -> bool {
    let mut unused = 0u8;
    // SAFETY: the syscall reads 32 bytes from `point` and writes nothing we read.
    let status = unsafe {
        solana_define_syscall::definitions::sol_curve_validate_point(
            CURVE25519_EDWARDS,
            point.as_ptr(),
            &mut unused,
        )
    };
    status == 0
}

/// `Σ scalars[i]·points[i]`, compressed (`sol_curve_multiscalar_mul`); `None` when a scalar is
/// not canonical or a point does not decompress.
#[cfg(target_os = "solana")]
pub fn multiscalar_multiply_edwards(scalars: &[[u8; 32]], points: &[[u8; 32]]) -> Option<[u8; 32]> {
    if scalars.len() != points.len() {
        return None;
    }
    let mut result = [0u8; 32];
    // SAFETY: the syscall reads `points.len()` 32-byte scalars and points and writes 32 bytes.
    let status = unsafe {
        solana_define_syscall::definitions::sol_curve_multiscalar_mul(
            CURVE25519_EDWARDS,
            scalars.as_ptr().cast(),
            points.as_ptr().cast(),
            points.len() as u64,
            result.as_mut_ptr(),
        )
    };
    (status == 0).then_some(result)
}

#[cfg(not(target_os = "solana"))]
pub fn validate_edwards(point: &[u8; 32]) -> bool {
    curve25519_dalek::edwards::CompressedEdwardsY(*point)
        .decompress()
        .is_some()
}

#[cfg(not(target_os = "solana"))]
pub fn multiscalar_multiply_edwards(scalars: &[[u8; 32]], points: &[[u8; 32]]) -> Option<[u8; 32]> {
    use curve25519_dalek::{
        edwards::{CompressedEdwardsY, EdwardsPoint},
        scalar::Scalar,
        traits::VartimeMultiscalarMul,
    };
    if scalars.len() != points.len() {
        return None;
    }
    let scalars = scalars
        .iter()
        .map(|s| Option::<Scalar>::from(Scalar::from_canonical_bytes(*s)))
        .collect::<Option<alloc::vec::Vec<_>>>()?;
    let points = points
        .iter()
        .map(|p| CompressedEdwardsY(*p).decompress())
        .collect::<Option<alloc::vec::Vec<_>>>()?;
    Some(
        EdwardsPoint::vartime_multiscalar_mul(scalars, points)
            .compress()
            .to_bytes(),
    )
}
