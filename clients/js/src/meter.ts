// The buyer's meter (the Rust SDK's `receipts::meter`, same rules): counts the bytes received
// on a channel and signs a new cumulative receipt every `interval` bytes at the channel's
// price, never for more than the channel's deposit.
import type { Address } from '@solana/kit';
import { checkU64 } from './bytes.js';
import { BYTES_PER_GIB } from './halfagg.js';
import type { SessionKey, SignedReceipt } from './receipts.js';

/** The receipt due would owe more than the deposit: top up the channel or stop the transfer. */
export class DepositExhaustedError extends Error {
  override name = 'DepositExhaustedError';
  constructor(
    readonly bytes: bigint,
    readonly amount: bigint,
    readonly deposit: bigint,
  ) {
    super(`${bytes} bytes cost ${amount}, more than the deposit of ${deposit}: top up the channel or stop the transfer`);
  }
}

export interface MeterOptions {
  channel: Address;
  /** The channel's receipt signer. */
  key: SessionKey;
  /** The channel's snapshotted price, base units per GiB. */
  pricePerGib: bigint;
  deposit: bigint;
  /** Bytes between receipts (at least 1). */
  interval: bigint;
  /** The last receipt signed, to resume after a restart. */
  last?: SignedReceipt;
}

export class Meter {
  readonly channel: Address;
  private readonly key: SessionKey;
  readonly pricePerGib: bigint;
  private deposit: bigint;
  private readonly interval: bigint;
  private total: bigint;
  private lastSigned?: SignedReceipt;

  constructor(o: MeterOptions) {
    this.channel = o.channel;
    this.key = o.key;
    this.pricePerGib = checkU64('pricePerGib', o.pricePerGib);
    this.deposit = checkU64('deposit', o.deposit);
    this.interval = checkU64('interval', o.interval) || 1n;
    this.lastSigned = o.last;
    this.total = o.last?.bytes ?? 0n;
  }

  /** Bytes received so far. */
  get bytes(): bigint {
    return this.total;
  }

  get last(): SignedReceipt | undefined {
    return this.lastSigned;
  }

  /** What `bytes` cumulative bytes cost, rounded down in the buyer's favour. */
  priceOf(bytes: bigint): bigint {
    return (bytes * this.pricePerGib) / BYTES_PER_GIB;
  }

  /**
   * Records `more` bytes; returns the new receipt when the total crosses a multiple of the
   * interval. Throws {@link DepositExhaustedError}, recording nothing, when that would owe more
   * than the deposit.
   */
  record(more: bigint): SignedReceipt | undefined {
    const total = checkU64('bytes received', this.total + checkU64('bytes', more));
    if (total / this.interval === this.total / this.interval) {
      this.withinDeposit(total);
      this.total = total;
      return undefined;
    }
    const receipt = this.signAt(total);
    this.total = total;
    return receipt;
  }

  /** A receipt for everything received so far, if it owes more than the last one. */
  signNow(): SignedReceipt | undefined {
    return this.signAt(this.total);
  }

  /** The deposit grew (a top-up). */
  setDeposit(deposit: bigint): void {
    this.deposit = checkU64('deposit', deposit);
  }

  private withinDeposit(bytes: bigint): bigint {
    const amount = this.priceOf(bytes);
    if (amount > this.deposit) throw new DepositExhaustedError(bytes, amount, this.deposit);
    return amount;
  }

  private signAt(bytes: bigint): SignedReceipt | undefined {
    const amount = this.withinDeposit(bytes);
    // A receipt that owes nothing more settles nothing: it is not signed.
    if (amount === 0n || (this.lastSigned && this.lastSigned.amount >= amount)) return undefined;
    this.lastSigned = this.key.sign({ channel: this.channel, amount, bytes });
    return this.lastSigned;
  }
}
