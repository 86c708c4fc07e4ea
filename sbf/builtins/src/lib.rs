//! What LLVM calls from an SBF program built with upstream tools (sbf/build.sh), defined the
//! way it calls them. Empty on every other target, platform-tools' SBF included (`target_arch`
//! is "sbf" there; these are for "bpf").
//!
//! - **128-bit arithmetic.** LLVM's BPF backend lowers `i128` multiplication and division to
//!   `__multi3`, `__udivti3`, … passing each operand as two 64-bit registers and taking the
//!   result back in r0 and r2. Rust's own compiler-builtins (and `solana-compiler-builtins`,
//!   under rustc 1.95) define them with 128-bit parameters, which rustc passes on BPF through
//!   pointers: every caller would read garbage. Here they are defined in the "unadjusted" ABI,
//!   which LLVM lowers as it lowers its calls, over 64-bit-only arithmetic (a 128-bit
//!   multiplication or division would call back here); `tests` (native) checks that
//!   arithmetic against `u128`/`i128`.
//! - **Memory builtins** as the runtime's syscalls, as platform-tools' builtins do.
#![no_std]
#![cfg_attr(
    all(target_os = "solana", target_arch = "bpf"),
    feature(abi_unadjusted)
)]
#![cfg_attr(
    all(target_os = "solana", target_arch = "bpf"),
    allow(internal_features)
)]

/// `a · b mod 2^128` of (lo, hi) pairs.
pub fn mul128(a_lo: u64, a_hi: u64, b_lo: u64, b_hi: u64) -> (u64, u64) {
    let (lo, carry) = mul64(a_lo, b_lo);
    let hi = carry
        .wrapping_add(a_hi.wrapping_mul(b_lo))
        .wrapping_add(a_lo.wrapping_mul(b_hi));
    (lo, hi)
}

/// The full 128-bit product of two u64 as (lo, hi), from 32-bit halves.
fn mul64(a: u64, b: u64) -> (u64, u64) {
    let (a0, a1, b0, b1) = (a & 0xffff_ffff, a >> 32, b & 0xffff_ffff, b >> 32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let middle = (p00 >> 32) + (p01 & 0xffff_ffff) + (p10 & 0xffff_ffff);
    let lo = (p00 & 0xffff_ffff) | (middle << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
    (lo, hi)
}

/// Unsigned 128-bit (quotient, remainder) as ((lo, hi), (lo, hi)); division by zero gives
/// (0, n) (Rust checks for zero before calling, as it must on every target). Native 64-bit
/// divisions on 32-bit digits (Knuth's algorithm D, as in Hacker's Delight `divlu`), so a
/// division costs tens of instructions, not a 128-round loop.
pub fn divmod128(n_lo: u64, n_hi: u64, d_lo: u64, d_hi: u64) -> ((u64, u64), (u64, u64)) {
    if d_hi == 0 {
        if d_lo == 0 {
            return ((0, 0), (n_lo, n_hi));
        }
        if n_hi == 0 {
            return ((n_lo / d_lo, 0), (n_lo % d_lo, 0));
        }
        // Two digits of 64 bits: n_hi / d, then (remainder ‖ n_lo) / d.
        let (q_hi, r_hi) = (n_hi / d_lo, n_hi % d_lo);
        let (q_lo, r) = divlu(r_hi, n_lo, d_lo);
        return ((q_lo, q_hi), (r, 0));
    }
    if (n_hi, n_lo) < (d_hi, d_lo) {
        return ((0, 0), (n_lo, n_hi));
    }
    // d ≥ 2^64, so the quotient fits 64 bits: estimate it from the top 64 bits of d
    // normalized, then correct by one (Hacker's Delight, `divllu`).
    let s = d_hi.leading_zeros();
    let v1 = if s == 0 {
        d_hi
    } else {
        (d_hi << s) | (d_lo >> (64 - s))
    };
    let (q1, _) = divlu(n_hi >> 1, (n_lo >> 1) | (n_hi << 63), v1);
    let mut q = (q1 >> (63 - s)).saturating_sub(1);
    // r = n − q·d (fits: q·d ≤ n).
    let (p_lo, p_mid) = mul64(q, d_lo);
    let p_hi = p_mid.wrapping_add(q.wrapping_mul(d_hi));
    let (mut r_lo, borrow) = n_lo.overflowing_sub(p_lo);
    let mut r_hi = n_hi.wrapping_sub(p_hi).wrapping_sub(u64::from(borrow));
    if (r_hi, r_lo) >= (d_hi, d_lo) {
        q += 1;
        let (lo, borrow) = r_lo.overflowing_sub(d_lo);
        r_hi = r_hi.wrapping_sub(d_hi).wrapping_sub(u64::from(borrow));
        r_lo = lo;
    }
    ((q, 0), (r_lo, r_hi))
}

/// (u1 ‖ u0) / v for u1 < v: (quotient, remainder), both 64-bit.
fn divlu(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    const B: u64 = 1 << 32;
    let s = v.leading_zeros();
    let v = v << s;
    let (vn1, vn0) = (v >> 32, v & 0xffff_ffff);
    let un32 = if s == 0 {
        u1
    } else {
        (u1 << s) | (u0 >> (64 - s))
    };
    let un10 = u0 << s;
    let (un1, un0) = (un10 >> 32, un10 & 0xffff_ffff);
    let digit = |un: u64, low: u64| {
        let (mut q, mut rhat) = (un / vn1, un % vn1);
        while q >= B || q * vn0 > B * rhat + low {
            q -= 1;
            rhat += vn1;
            if rhat >= B {
                break;
            }
        }
        q
    };
    let q1 = digit(un32, un1);
    let un21 = un32
        .wrapping_mul(B)
        .wrapping_add(un1)
        .wrapping_sub(q1.wrapping_mul(v));
    let q0 = digit(un21, un0);
    let r = un21
        .wrapping_mul(B)
        .wrapping_add(un0)
        .wrapping_sub(q0.wrapping_mul(v))
        >> s;
    (q1 * B + q0, r)
}

/// Two's-complement negation of a (lo, hi) pair.
fn neg(lo: u64, hi: u64) -> (u64, u64) {
    let (lo, borrow) = 0u64.overflowing_sub(lo);
    (lo, 0u64.wrapping_sub(hi).wrapping_sub(u64::from(borrow)))
}

/// |x| of a signed (lo, hi) pair, and whether it was negative.
fn abs(lo: u64, hi: u64) -> ((u64, u64), bool) {
    if (hi as i64) < 0 {
        (neg(lo, hi), true)
    } else {
        ((lo, hi), false)
    }
}

/// Signed 128-bit (quotient, remainder), truncating as Rust's `/` and `%` do.
pub fn idivmod128(n_lo: u64, n_hi: u64, d_lo: u64, d_hi: u64) -> ((u64, u64), (u64, u64)) {
    let ((n_lo, n_hi), n_neg) = abs(n_lo, n_hi);
    let ((d_lo, d_hi), d_neg) = abs(d_lo, d_hi);
    let (q, r) = divmod128(n_lo, n_hi, d_lo, d_hi);
    let q = if n_neg != d_neg { neg(q.0, q.1) } else { q };
    let r = if n_neg { neg(r.0, r.1) } else { r };
    (q, r)
}

#[cfg(all(target_os = "solana", target_arch = "bpf"))]
mod symbols {
    use solana_define_syscall::definitions as sys;

    // LLVM calls these with each operand in two registers and takes the result from r0 and
    // r2: the "unadjusted" ABI hands rustc's i128 to LLVM as it is, so LLVM lowers these
    // definitions exactly as it lowers its calls (compiler-builtins does the same for
    // `__multi3` on win64). Strong symbols: compiler-builtins' own are weak.
    fn split(x: i128) -> (u64, u64) {
        (x as u64, (x >> 64) as u64)
    }

    fn join((lo, hi): (u64, u64)) -> i128 {
        ((hi as i128) << 64) | lo as i128
    }

    macro_rules! int_builtins {
        ($($name:ident = |$a:ident, $b:ident, $c:ident, $d:ident| $e:expr;)*) => {$(
            #[no_mangle]
            extern "unadjusted" fn $name(x: i128, y: i128) -> i128 {
                let (($a, $b), ($c, $d)) = (split(x), split(y));
                join($e)
            }
        )*};
    }

    int_builtins! {
        __multi3 = |a, b, c, d| super::mul128(a, b, c, d);
        __udivti3 = |a, b, c, d| super::divmod128(a, b, c, d).0;
        __umodti3 = |a, b, c, d| super::divmod128(a, b, c, d).1;
        __divti3 = |a, b, c, d| super::idivmod128(a, b, c, d).0;
        __modti3 = |a, b, c, d| super::idivmod128(a, b, c, d).1;
    }

    /// # Safety
    /// As C's `memcpy`: `n` bytes readable at `src`, writable at `dst`, not overlapping.
    #[no_mangle]
    unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        sys::sol_memcpy_(dst, src, n as u64);
        dst
    }

    /// # Safety
    /// As C's `memmove`.
    #[no_mangle]
    unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        sys::sol_memmove_(dst, src, n as u64);
        dst
    }

    /// # Safety
    /// As C's `memset`.
    #[no_mangle]
    unsafe extern "C" fn memset(s: *mut u8, c: i32, n: usize) -> *mut u8 {
        sys::sol_memset_(s, c as u8, n as u64);
        s
    }

    /// # Safety
    /// As C's `memcmp`.
    #[no_mangle]
    unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        let mut result = 0i32;
        sys::sol_memcmp_(a, b, n as u64, &mut result);
        result
    }

    /// # Safety
    /// As C's `bcmp`.
    #[no_mangle]
    unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        memcmp(a, b, n)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn split(x: u128) -> (u64, u64) {
        (x as u64, (x >> 64) as u64)
    }

    fn join((lo, hi): (u64, u64)) -> u128 {
        u128::from(lo) | (u128::from(hi) << 64)
    }

    /// Edge values and a deterministic spread of others.
    fn samples() -> std::vec::Vec<u128> {
        let mut v = std::vec![
            0,
            1,
            2,
            3,
            7,
            u64::MAX as u128,
            1u128 << 64,
            (1u128 << 64) + 1,
            u128::MAX,
            u128::MAX - 1,
            i128::MAX as u128,
            i128::MIN as u128,
            (i128::MIN + 1) as u128
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834u128;
        for _ in 0..300 {
            x = x
                .wrapping_mul(0x2545_f491_4f6c_dd1d_9e37_79b9_7f4a_7c15)
                .wrapping_add(1);
            v.push(x >> (x as u32 % 128));
        }
        v
    }

    #[test]
    fn arithmetic_matches_u128_and_i128() {
        let s = samples();
        for &a in &s {
            for &b in &s {
                let (al, ah) = split(a);
                let (bl, bh) = split(b);
                assert_eq!(join(mul128(al, ah, bl, bh)), a.wrapping_mul(b));
                if let (Some(q), Some(r)) = (a.checked_div(b), a.checked_rem(b)) {
                    let (dq, dr) = divmod128(al, ah, bl, bh);
                    assert_eq!((join(dq), join(dr)), (q, r), "{a} / {b}");
                    let (ai, bi) = (a as i128, b as i128);
                    if !(ai == i128::MIN && bi == -1) {
                        let (q, r) = idivmod128(al, ah, bl, bh);
                        assert_eq!((join(q) as i128, join(r) as i128), (ai / bi, ai % bi));
                    }
                }
            }
        }
    }
}
