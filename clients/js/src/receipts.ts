// Receipts (docs/protocol.md §3): the 52-byte message, plain Ed25519 signatures by the
// channel's receipt signer (a per-channel session key), and strict verification exactly as the
// program verifies them: canonical encodings, no small-order key or R, s < L, cofactorless.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import type { Address } from '@solana/kit';
import {
  addressBytes,
  bytesAddress,
  checkU64,
  concat,
  fromHex,
  leToBigint,
  readU64Le,

  u64Le,
} from './bytes.js';

export const DOMAIN_TAG = new TextEncoder().encode('BWR1');
export const MESSAGE_LEN = 52;
export const SIGNATURE_LEN = 64;
/** message ‖ signature, as a receipt travels to a provider's node. */
export const SIGNED_RECEIPT_LEN = MESSAGE_LEN + SIGNATURE_LEN;
/** The order of the Ed25519 group. */
export const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/** "On `channel` I have received `bytes` bytes in total and owe `amount` base units." */
export interface Receipt {
  channel: Address;
  amount: bigint;
  bytes: bigint;
}

export interface SignedReceipt extends Receipt {
  signature: Uint8Array;
}

/** Why bytes are not a receipt. */
export class MalformedReceiptError extends Error {
  override name = 'MalformedReceiptError';
}

/** `BWR1 ‖ channel ‖ amount u64 LE ‖ bytes u64 LE`. */
export function receiptMessage(r: Receipt): Uint8Array {
  return concat(
    DOMAIN_TAG,
    addressBytes(r.channel),
    u64Le(checkU64('amount', r.amount)),
    u64Le(checkU64('bytes', r.bytes)),
  );
}

export function decodeReceiptMessage(message: Uint8Array): Receipt {
  if (message.length !== MESSAGE_LEN) {
    throw new MalformedReceiptError(`a receipt message is ${MESSAGE_LEN} bytes, got ${message.length}`);
  }
  if (!DOMAIN_TAG.every((b, i) => message[i] === b)) {
    throw new MalformedReceiptError('a receipt message starts with the BWR1 tag');
  }
  return {
    channel: bytesAddress(message.slice(4, 36)),
    amount: readU64Le(message, 36),
    bytes: readU64Le(message, 44),
  };
}

/** message ‖ signature, 116 bytes. */
export function encodeSignedReceipt(r: SignedReceipt): Uint8Array {
  if (r.signature.length !== SIGNATURE_LEN) {
    throw new MalformedReceiptError(`a signature is ${SIGNATURE_LEN} bytes, got ${r.signature.length}`);
  }
  return concat(receiptMessage(r), r.signature);
}

export function decodeSignedReceipt(wire: Uint8Array | string): SignedReceipt {
  const bytes = typeof wire === 'string' ? fromHex(wire) : wire;
  if (bytes.length !== SIGNED_RECEIPT_LEN) {
    throw new MalformedReceiptError(`a signed receipt is ${SIGNED_RECEIPT_LEN} bytes, got ${bytes.length}`);
  }
  return { ...decodeReceiptMessage(bytes.slice(0, MESSAGE_LEN)), signature: bytes.slice(MESSAGE_LEN) };
}

/**
 * A channel's receipt signer: an Ed25519 key made for that channel only (a session key), so
 * that nothing but receipts of that channel is ever signed with it. Keep `seed` where the app
 * keeps its secrets: it is the key.
 */
export class SessionKey {
  readonly publicKey: Uint8Array;

  private constructor(readonly seed: Uint8Array) {
    this.publicKey = ed25519.getPublicKey(seed);
  }

  static generate(): SessionKey {
    return new SessionKey(ed25519.utils.randomSecretKey());
  }

  /** A key from its 32-byte seed (as saved from `seed`). */
  static fromSeed(seed: Uint8Array): SessionKey {
    if (seed.length !== 32) throw new RangeError(`a session key's seed is 32 bytes, got ${seed.length}`);
    return new SessionKey(Uint8Array.from(seed));
  }

  get address(): Address {
    return bytesAddress(this.publicKey);
  }

  sign(r: Receipt): SignedReceipt {
    const receipt = { channel: r.channel, amount: checkU64('amount', r.amount), bytes: checkU64('bytes', r.bytes) };
    return { ...receipt, signature: ed25519.sign(receiptMessage(receipt), this.seed) };
  }
}

const Point = ed25519.Point;

/** A point the strict verifier accepts as a key or R: canonical and not of small order. */
function strictPoint(bytes: Uint8Array) {
  try {
    const p = Point.fromBytes(bytes, false);
    return p.isSmallOrder() ? undefined : p;
  } catch {
    return undefined;
  }
}

/** The Ed25519 challenge `SHA-512(R ‖ A ‖ M) mod L`. */
export function challenge(r: Uint8Array, signer: Uint8Array, message: Uint8Array): bigint {
  return leToBigint(sha512(concat(r, signer, message))) % L;
}

/**
 * Whether `receipt` is signed by `signer` as the program requires (§3): what `settle`
 * accepts, and what a provider's node accepts.
 */
export function verifyReceipt(receipt: SignedReceipt, signer: Address): boolean {
  if (receipt.signature.length !== SIGNATURE_LEN) return false;
  const a = addressBytes(signer);
  const rBytes = receipt.signature.slice(0, 32);
  const s = leToBigint(receipt.signature.slice(32));
  const A = strictPoint(a);
  const R = strictPoint(rBytes);
  if (!A || !R || s >= L) return false;
  const k = challenge(rBytes, a, receiptMessage(receipt));
  return Point.BASE.multiplyUnsafe(s).equals(R.add(A.multiplyUnsafe(k)));
}

