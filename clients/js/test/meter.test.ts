// The meter's rules (the Rust SDK's `receipts::meter` tests, in TypeScript): a receipt per
// interval at the channel's price, never beyond the deposit, nothing signed for nothing owed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesAddress, DepositExhaustedError, Meter, SessionKey, verifyReceipt } from '../src/index.js';

const MIB = 1n << 20n;
const channel = bytesAddress(new Uint8Array(32).fill(9));

function meter(deposit: bigint) {
  const key = SessionKey.generate();
  return { key, meter: new Meter({ channel, key, pricePerGib: 1_000_000n, deposit, interval: 64n * MIB }) };
}

test('a receipt every interval, at the channel price, signed by the session key', () => {
  const { key, meter: m } = meter(10_000_000n);
  assert.equal(m.record(10n * MIB), undefined);
  const r = m.record(60n * MIB);
  assert.ok(r);
  assert.equal(r.bytes, 70n * MIB);
  assert.equal(r.amount, (70n * MIB * 1_000_000n) >> 30n);
  assert.ok(verifyReceipt(r, key.address));
  assert.equal(m.signNow(), undefined, 'nothing more owed: nothing signed');
});

test('never signs beyond the deposit, and records nothing when refused', () => {
  const { meter: m } = meter(1_000_000n);
  m.record(1024n * MIB); // exactly 1 token
  assert.equal(m.last?.amount, 1_000_000n);
  assert.throws(() => m.record(64n * MIB), (e: unknown) => e instanceof DepositExhaustedError && e.deposit === 1_000_000n);
  assert.equal(m.bytes, 1024n * MIB);
  m.setDeposit(2_000_000n);
  assert.equal(m.record(64n * MIB)?.amount, ((1088n * MIB) * 1_000_000n) >> 30n);
});

test('a meter resumes from its last receipt', () => {
  const { key, meter: m } = meter(10_000_000n);
  const last = m.record(128n * MIB)!;
  const resumed = new Meter({ channel, key, pricePerGib: 1_000_000n, deposit: 10_000_000n, interval: 64n * MIB, last });
  assert.equal(resumed.bytes, 128n * MIB);
  assert.equal(resumed.signNow(), undefined);
  assert.ok(resumed.record(64n * MIB)!.amount > last.amount);
});
