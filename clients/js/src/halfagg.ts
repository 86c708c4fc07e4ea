// Half-aggregated receipts (docs/protocol.md §3.1) and the compact entries of a batch (§3.2):
// what a settler computes from the buyers' ordinary receipts before `settle_many_agg`.
import { sha512 } from '@noble/hashes/sha2.js';
import type { Address } from '@solana/kit';
import { addressBytes, bigintToLe, concat, leToBigint, u16Le, U64_MAX } from './bytes.js';
import { L, MalformedReceiptError, receiptMessage, type SignedReceipt } from './receipts.js';

export const TRANSCRIPT_TAG = new TextEncoder().encode('BWR1-HALFAGG-v1');
/** Most receipts one batch may carry. */
export const MAX_BATCH = 32;
export const BYTES_PER_GIB = 1n << 30n;

/** One receipt of a batch: its channel's signer and the receipt. */
export interface BatchItem {
  signer: Address;
  receipt: SignedReceipt;
}

/** `D = SHA-512(tag ‖ n u16 LE ‖ A_1 ‖ R_1 ‖ M_1 ‖ … ‖ A_n ‖ R_n ‖ M_n)`. */
export function transcript(items: BatchItem[]): Uint8Array {
  const parts = [TRANSCRIPT_TAG, u16Le(items.length)];
  for (const { signer, receipt } of items) {
    parts.push(addressBytes(signer), receipt.signature.slice(0, 32), receiptMessage(receipt));
  }
  return sha512(concat(...parts));
}

/** `z_i`: the first 16 bytes of `SHA-512(D ‖ i u16 LE)`, little-endian, 1 instead of 0; i ≥ 1. */
export function coefficient(d: Uint8Array, i: number): bigint {
  const z = leToBigint(sha512(concat(d, u16Le(i))).slice(0, 16));
  return z === 0n ? 1n : z;
}

/** `S = Σ z_i·s_i mod L` (32 bytes, little-endian). */
export function aggregate(items: BatchItem[]): Uint8Array {
  if (items.length === 0 || items.length > MAX_BATCH) {
    throw new RangeError(`a batch holds 1 to ${MAX_BATCH} receipts, not ${items.length}`);
  }
  const d = transcript(items);
  let s = 0n;
  items.forEach(({ receipt }, i) => {
    const si = leToBigint(receipt.signature.slice(32));
    if (si >= L) throw new MalformedReceiptError(`receipt ${i + 1}'s signature is not canonical (s ≥ L)`);
    s = (s + coefficient(d, i + 1) * si) % L;
  });
  return bigintToLe(s, 32);
}

/** The bytes `amount` pays for at `pricePerGib`: `amount · 2^30 / price` (0 when free). */
export function expectedBytes(amount: bigint, pricePerGib: bigint): bigint {
  if (pricePerGib === 0n) return 0n;
  const e = (amount * BYTES_PER_GIB) / pricePerGib;
  return e > U64_MAX ? U64_MAX : e;
}

/** What the chain holds of a channel, as the entry's encoding is relative to it. */
export interface ChannelTerms {
  settled: bigint;
  deposit: bigint;
  pricePerGib: bigint;
}

const FULL = 10;

function groups(value: bigint, count: number): number[] {
  const out: number[] = [];
  let v = value;
  for (let g = 0; g < count; g++) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(g + 1 < count ? byte | 0x80 : byte);
  }
  return out;
}

/**
 * One channel's entry: `R ‖ amount ‖ bytes`, the amount as the fewest 7-bit groups that decode
 * to it in a window covering both the settled amount and the deposit (so that settlements by
 * anyone else in between cannot change it), the bytes as a zigzag varint relative to what the
 * amount pays for.
 */
export function encodeEntry(receipt: SignedReceipt, channel: ChannelTerms): Uint8Array {
  const { amount, bytes } = receipt;
  const dist = (a: bigint, b: bigint) => (a > b ? a - b : b - a);
  const above = channel.deposit > amount ? channel.deposit - amount : 0n;
  const distance = dist(amount, channel.settled) > above ? dist(amount, channel.settled) : above;
  let k = FULL;
  for (let g = 1; g < FULL; g++) {
    if (distance < 1n << BigInt(7 * g - 1)) {
      k = g;
      break;
    }
  }
  const value = k === FULL ? amount : amount & ((1n << BigInt(7 * k)) - 1n);
  const diff = bytes - expectedBytes(amount, channel.pricePerGib);
  const zigzag = diff >= 0n ? diff << 1n : ((-diff) << 1n) - 1n;
  let zk = FULL;
  for (let g = 1; g <= FULL; g++) {
    if (zigzag < 1n << BigInt(7 * g)) {
      zk = g;
      break;
    }
  }
  return concat(receipt.signature.slice(0, 32), Uint8Array.from(groups(value, k)), Uint8Array.from(groups(zigzag, zk)));
}

/** `settle_many_agg`'s argument for `items` in this order, each with its channel's terms. */
export function aggregatedReceipts(items: (BatchItem & { channel: ChannelTerms })[]): {
  s: Uint8Array;
  entries: Uint8Array;
} {
  return {
    s: aggregate(items),
    entries: concat(...items.map((it) => encodeEntry(it.receipt, it.channel))),
  };
}
