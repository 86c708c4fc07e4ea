// A buyer's side of one channel while data flows: the meter signs cumulative receipts as bytes
// arrive (never beyond the deposit), and each is sent to the provider's node, which answers
// only once it has stored it.
import type { Address } from '@solana/kit';
import { InvalidInputError } from './market.js';
import { Meter } from './meter.js';
import type { NodeClient, ReceiptResult } from './node.js';
import type { SessionKey, SignedReceipt } from './receipts.js';

export interface SessionChannel {
  channel: Address;
  key: SessionKey;
  deposit: bigint;
  pricePerGib: bigint;
}

export class ChannelSession {
  readonly meter: Meter;
  private deposit: bigint;

  /** `interval`: bytes between receipts. */
  constructor(
    readonly opened: SessionChannel,
    readonly node: NodeClient,
    interval: bigint,
    last?: SignedReceipt,
  ) {
    this.deposit = opened.deposit;
    this.meter = new Meter({
      channel: opened.channel,
      key: opened.key,
      pricePerGib: opened.pricePerGib,
      deposit: opened.deposit,
      interval,
      last,
    });
  }

  /**
   * `bytes` more were received: when a receipt falls due it is signed and sent. Throws
   * `DepositExhaustedError` (nothing signed) when it would exceed the deposit, and
   * `ReceiptRefusedError` when the node refuses it.
   */
  async received(bytes: bigint): Promise<ReceiptResult | undefined> {
    const receipt = this.meter.record(bytes);
    return receipt ? this.send(receipt) : undefined;
  }

  /** Signs and sends a receipt for everything received so far, if it owes more. */
  async finish(): Promise<ReceiptResult | undefined> {
    const receipt = this.meter.signNow();
    return receipt ? this.send(receipt) : undefined;
  }

  /** The channel was topped up: receipts may go up to the new deposit. */
  toppedUp(deposit: bigint): void {
    this.deposit = deposit;
    this.meter.setDeposit(deposit);
  }

  /** Sends a receipt of this channel, refusing one for another channel or above the deposit. */
  async send(receipt: SignedReceipt): Promise<ReceiptResult> {
    if (receipt.channel !== this.opened.channel) {
      throw new InvalidInputError(`a receipt for channel ${receipt.channel} is not one of channel ${this.opened.channel}`);
    }
    if (receipt.amount > this.deposit) {
      throw new InvalidInputError(`a receipt of ${receipt.amount} is above the channel's deposit of ${this.deposit}`);
    }
    return this.node.submit(receipt);
  }
}
