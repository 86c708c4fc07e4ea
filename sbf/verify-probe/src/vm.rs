//! What a program needs on the SBF VM without std or the Solana SDK crates: the entrypoint
//! (input parsing for exactly one account), a bump allocator, the panic handler and the
//! measuring window. The builtins come from `bandwidth-sbf-builtins`.
use crate::Report;
use core::alloc::{GlobalAlloc, Layout};
use solana_define_syscall::definitions as sys;

/// Where the runtime maps the heap, and its default size.
const HEAP_START: usize = 0x3_0000_0000;
const HEAP_LEN: usize = 32 * 1024;
/// Spare room the runtime leaves after each account's data (`MAX_PERMITTED_DATA_INCREASE`).
const DATA_INCREASE: usize = 10 * 1024;

/// Allocates upwards from the start of the heap; the first word of the heap holds the next
/// free address (statics cannot be written on SBF), 0 before the first allocation.
struct Bump;

fn heap_next() -> *mut usize {
    HEAP_START as *mut usize
}

fn heap_used() -> usize {
    // SAFETY: the heap is mapped and zeroed by the runtime; only this allocator writes it.
    let next = unsafe { *heap_next() };
    next.saturating_sub(HEAP_START)
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let next = match *heap_next() {
            0 => HEAP_START + core::mem::size_of::<usize>(),
            n => n,
        };
        let start = (next + layout.align() - 1) & !(layout.align() - 1);
        match start.checked_add(layout.size()) {
            Some(end) if end <= HEAP_START + HEAP_LEN => {
                *heap_next() = end;
                start as *mut u8
            }
            _ => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    let msg = b"bandwidth-sbf-probe: panic";
    // SAFETY: the syscalls read the given bytes and abort the program.
    unsafe {
        sys::sol_log_(msg.as_ptr(), msg.len() as u64);
        sys::sol_panic_(msg.as_ptr(), msg.len() as u64, 0, 0)
    }
}

/// Runs `f` between two reads of the remaining compute units.
fn window(f: &mut dyn FnMut() -> u64) -> Report {
    let heap_before = heap_used();
    // SAFETY: the syscall takes no arguments.
    let before = unsafe { sys::sol_remaining_compute_units() };
    let passed = f();
    let after = unsafe { sys::sol_remaining_compute_units() };
    Report {
        units: before.saturating_sub(after),
        heap: (heap_used() - heap_before) as u64,
        passed,
    }
}

/// # Safety
/// Called by the runtime with its serialized input (one account, then the instruction data).
#[no_mangle]
pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
    let read_u64 = |at: usize| (input.add(at) as *const u64).read_unaligned() as usize;
    if read_u64(0) != 1 {
        return 1;
    }
    // dup marker, signer, writable, executable, padding, key, owner, lamports, then the length.
    let data_len = read_u64(8 + 8 + 32 + 32 + 8);
    let data_at = 8 + 8 + 32 + 32 + 8 + 8;
    let data = core::slice::from_raw_parts(input.add(data_at), data_len);
    let mut ix_at = data_at + data_len + DATA_INCREASE + 8;
    ix_at += ix_at.wrapping_neg() & 7;
    let ix = core::slice::from_raw_parts(input.add(ix_at + 8), read_u64(ix_at));
    match crate::run(ix, data, window) {
        Some(report) => {
            let out = report.encode();
            sys::sol_set_return_data(out.as_ptr(), out.len() as u64);
            0
        }
        None => 2,
    }
}
