// Talking to a provider's node (`bwx provider serve`; the HTTP API of docs/protocol.md §9 and the
// Rust SDK's `api` module): receipts posted in their 116-byte form (or JSON), each answered
// accepted, duplicate or refused with a named reason; the channel and terms views. Transient
// failures (unreachable, 429, 5xx) are retried with backoff; a refusal never is.
import type { Address } from '@solana/kit';
import { concat, fromHex, toHex } from './bytes.js';
import { decodeSignedReceipt, encodeSignedReceipt, type SignedReceipt } from './receipts.js';

/** Why a node refused a receipt (the Rust SDK's `api::Refusal`). */
export type Refusal =
  | 'malformed'
  | 'bad_signature'
  | 'unknown_channel'
  | 'foreign_provider'
  | 'foreign_market'
  | 'channel_closed'
  | 'exceeds_deposit'
  | 'not_above_best';

export type ReceiptResult =
  | { status: 'accepted'; channel: Address; amount: bigint; previous: bigint }
  | { status: 'duplicate'; channel: Address; amount: bigint }
  | { status: 'refused'; channel?: Address; reason: Refusal; message: string };

/** The node refused a receipt: do not resend it as it is. */
export class ReceiptRefusedError extends Error {
  override name = 'ReceiptRefusedError';
  constructor(
    readonly reason: Refusal,
    readonly detail: string,
    readonly channel?: Address,
  ) {
    super(`the node refused the receipt (${reason}): ${detail}`);
  }
}

/** The node refused the whole request, or could not be reached after every retry. */
export class NodeError extends Error {
  override name = 'NodeError';
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ChannelView {
  channel: Address;
  deposit: bigint;
  best?: SignedReceipt;
  bestAmount: bigint;
  bestBytes: bigint;
  settledAmount: bigint;
  settledBytes: bigint;
  unsettled: bigint;
  closingDeadline?: number;
  closed: boolean;
}

export interface Terms {
  market: Address;
  mint: Address;
  decimals: number;
  provider: Address;
  authority: Address;
  payout: Address;
  pricePerGib: bigint;
  minDisputeWindowSecs: number;
  watcherBountyBps: number;
  endpoint: string;
  maxReceiptsPerRequest: number;
}

export interface NodeClientOptions {
  /** Attempts for a transient failure (default 5), backing off from `backoffMs` (default 100). */
  attempts?: number;
  backoffMs?: number;
  fetch?: typeof fetch;
}

export class NodeClient {
  private readonly base: string;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;

  /** `endpoint`: the node's base URL, as its provider registered it on-chain. */
  constructor(endpoint: string, options: NodeClientOptions = {}) {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RangeError(`a node's endpoint is an http(s) URL, not ${endpoint}`);
    }
    this.base = endpoint.replace(/\/+$/, '');
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.backoffMs = options.backoffMs ?? 100;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Posts receipts (binary, or JSON) and returns the node's answer for each, in order. */
  async post(receipts: SignedReceipt[], format: 'binary' | 'json' = 'binary'): Promise<ReceiptResult[]> {
    if (receipts.length === 0) return [];
    const init: RequestInit =
      format === 'binary'
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream' },
            body: concat(...receipts.map(encodeSignedReceipt)) as Uint8Array<ArrayBuffer>,
          }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ receipts: receipts.map((r) => toHex(encodeSignedReceipt(r))) }),
          };
    const body = (await this.request('/v1/receipts', init)) as { results: unknown[] };
    return body.results.map(parseResult);
  }

  /** Posts one receipt; resolves once it is durably stored, throws {@link ReceiptRefusedError}. */
  async submit(receipt: SignedReceipt): Promise<Exclude<ReceiptResult, { status: 'refused' }>> {
    const [result] = await this.post([receipt]);
    if (result.status === 'refused') throw new ReceiptRefusedError(result.reason, result.message, result.channel);
    return result;
  }

  async channel(address: Address): Promise<ChannelView> {
    const v = (await this.request(`/v1/channels/${address}`, { method: 'GET' })) as Record<string, unknown>;
    return {
      channel: v.channel as Address,
      deposit: BigInt(v.deposit as string),
      best: v.best ? decodeSignedReceipt(fromHex(v.best as string)) : undefined,
      bestAmount: BigInt(v.best_amount as string),
      bestBytes: BigInt(v.best_bytes as string),
      settledAmount: BigInt(v.settled_amount as string),
      settledBytes: BigInt(v.settled_bytes as string),
      unsettled: BigInt(v.unsettled as string),
      closingDeadline: (v.closing_deadline as number | null) ?? undefined,
      closed: v.closed as boolean,
    };
  }

  async terms(): Promise<Terms> {
    const t = (await this.request('/v1/terms', { method: 'GET' })) as Record<string, unknown>;
    return {
      market: t.market as Address,
      mint: t.mint as Address,
      decimals: t.decimals as number,
      provider: t.provider as Address,
      authority: t.authority as Address,
      payout: t.payout as Address,
      pricePerGib: BigInt(t.price_per_gib as string),
      minDisputeWindowSecs: t.min_dispute_window_secs as number,
      watcherBountyBps: t.watcher_bounty_bps as number,
      endpoint: t.endpoint as string,
      maxReceiptsPerRequest: t.max_receipts_per_request as number,
    };
  }

  private async request(path: string, init: RequestInit): Promise<unknown> {
    let last: unknown;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
      let response: Response;
      try {
        response = await this.fetchImpl(this.base + path, init);
      } catch (e) {
        last = new NodeError(`the node at ${this.base} is unreachable: ${(e as Error).message}`);
        continue;
      }
      const text = await response.text();
      if (response.ok) return JSON.parse(text);
      const error = parseError(text);
      last = new NodeError(
        `the node answered ${response.status}${error ? ` ${error.code}: ${error.error}` : ''}`,
        response.status,
        error?.code,
      );
      if (response.status !== 429 && response.status < 500) break;
    }
    throw last;
  }
}

function parseError(text: string): { code: string; error: string } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseResult(v: unknown): ReceiptResult {
  const r = v as Record<string, string>;
  switch (r.status) {
    case 'accepted':
      return { status: 'accepted', channel: r.channel as Address, amount: BigInt(r.amount), previous: BigInt(r.previous) };
    case 'duplicate':
      return { status: 'duplicate', channel: r.channel as Address, amount: BigInt(r.amount) };
    case 'refused':
      return { status: 'refused', channel: r.channel as Address | undefined, reason: r.reason as Refusal, message: r.message };
    default:
      throw new NodeError(`the node answered a receipt with an unknown status ${JSON.stringify(r.status)}`);
  }
}
