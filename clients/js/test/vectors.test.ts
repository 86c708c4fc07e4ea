// docs/test-vectors/ byte for byte: receipts (message, signature, wire form, verdict) and a
// half-aggregated batch (transcript, coefficients, S, compact entries).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Address } from '@solana/kit';
import {
  aggregate,
  aggregatedReceipts,
  bytesAddress,
  coefficient,
  decodeSignedReceipt,
  encodeSignedReceipt,
  fromHex,
  receiptMessage,
  SessionKey,
  toHex,
  transcript,
  verifyReceipt,
} from '../src/index.js';

const vectors = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../docs/test-vectors/${name}`, import.meta.url), 'utf8'));

test('every receipt vector: message, signature, wire form and verdict', () => {
  const { vectors: all } = vectors('receipts.json');
  assert.equal(all.length, 8);
  for (const v of all) {
    const wire = decodeSignedReceipt(fromHex(v.receipt));
    assert.equal(toHex(receiptMessage(wire)), v.message, v.name);
    assert.equal(toHex(encodeSignedReceipt(wire)), v.receipt, v.name);
    const signer = bytesAddress(fromHex(v.signer_public_key));
    assert.equal(verifyReceipt(wire, signer), v.valid, v.name);
    if (v.valid) {
      // Signing the same receipt with the vector's key gives the same signature (RFC 8032 is
      // deterministic).
      const key = SessionKey.fromSeed(fromHex(v.signer_seed));
      assert.equal(key.address, signer);
      const signed = key.sign({ channel: v.channel as Address, amount: BigInt(v.amount), bytes: BigInt(v.bytes) });
      assert.equal(toHex(signed.signature), v.signature, v.name);
    }
  }
});

test('the half-aggregation vector: transcript, coefficients, S and entries', () => {
  const v = vectors('halfagg.json');
  const items = v.receipts.map((r: Record<string, string>) => ({
    signer: bytesAddress(fromHex(r.signer_public_key)),
    receipt: {
      channel: r.channel as Address,
      amount: BigInt(r.amount),
      bytes: BigInt(r.bytes),
      signature: fromHex(r.signature),
    },
    channel: {
      settled: BigInt(r.channel_settled),
      deposit: BigInt(r.channel_deposit),
      pricePerGib: BigInt(r.channel_price_per_gib),
    },
  }));
  const d = transcript(items);
  assert.equal(toHex(d), v.transcript);
  v.coefficients.forEach((z: string, i: number) => {
    const le = coefficient(d, i + 1).toString(16).padStart(64, '0').match(/../g)!.reverse().join('');
    assert.equal(le, z);
  });
  assert.equal(toHex(aggregate(items)), v.s);
  const built = aggregatedReceipts(items);
  assert.equal(toHex(built.s), v.s);
  assert.equal(toHex(built.entries), v.entries);
});

test('bad input is refused before anything is signed', () => {
  const key = SessionKey.generate();
  const channel = bytesAddress(new Uint8Array(32).fill(7));
  assert.throws(() => key.sign({ channel, amount: -1n, bytes: 0n }), RangeError);
  assert.throws(() => key.sign({ channel, amount: 1n << 64n, bytes: 0n }), RangeError);
  assert.throws(() => decodeSignedReceipt(new Uint8Array(115)), /116 bytes/);
  assert.throws(() => SessionKey.fromSeed(new Uint8Array(31)), /32 bytes/);
});
