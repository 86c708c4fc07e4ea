// The provider's workflows (and a watcher's, for settlements): register and join a market,
// settle one receipt, many, or many half-aggregated, close a channel with its final receipt,
// withdraw earnings. Each checks what can be checked before sending (every receipt verified
// against its channel's signer, amounts against deposits), sends with any Kit signer, waits
// for confirmation and returns what changed, read back from the chain.
import type { Address, Signature, TransactionSigner } from '@solana/kit';
import { fetchChannel, fetchMaybeChannel, type Channel } from './generated/accounts/channel.js';
import { fetchProvider } from './generated/accounts/provider.js';
import { fetchProviderMarket } from './generated/accounts/providerMarket.js';
import { getCloseByProviderInstruction } from './generated/instructions/closeByProvider.js';
import { getJoinMarketInstruction } from './generated/instructions/joinMarket.js';
import { getRegisterProviderInstruction } from './generated/instructions/registerProvider.js';
import { getSettleInstruction } from './generated/instructions/settle.js';
import { getSettleManyInstruction } from './generated/instructions/settleMany.js';
import { getSettleManyAggInstruction } from './generated/instructions/settleManyAgg.js';
import { getWithdrawEarningsInstruction } from './generated/instructions/withdrawEarnings.js';
import { aggregatedReceipts, MAX_BATCH } from './halfagg.js';
import { InvalidInputError, loadMarket, tokenAccountOf } from './market.js';
import { providerAddress, providerMarketAddress, rewardPoolAddress } from './pdas.js';
import { verifyReceipt, type SignedReceipt } from './receipts.js';
import { send, type Connection } from './send.js';

/** Compute units requested (the Rust SDK's budget, measured on the SBF VM). */
export const COMPUTE_UNITS = {
  provider: 90_000,
  settleBase: 100_000,
  settlePerChannel: 27_300,
  settleAggBase: 115_000,
  settleAggPerChannel: 48_000,
  closeByProvider: 105_000,
  withdrawEarnings: 29_000,
  max: 1_400_000,
} as const;

/** Registers the authority as a provider (its Provider account), then joins `market`. */
export async function registerProvider(
  conn: Connection,
  authority: TransactionSigner,
  params: {
    market: Address;
    pricePerGib: bigint;
    payout?: Address;
    minDisputeWindowSecs?: number;
    bountyBps?: number;
    endpoint?: string;
    region?: string;
  },
): Promise<{ signature: Signature; provider: Address; providerMarket: Address }> {
  if (params.endpoint && !/^https?:\/\//.test(params.endpoint)) {
    throw new InvalidInputError(`an endpoint is an http(s) URL, not ${params.endpoint}`);
  }
  const provider = await providerAddress(authority.address);
  const providerMarket = await providerMarketAddress(params.market, provider);
  const register = getRegisterProviderInstruction({
    authority,
    provider,
    payout: params.payout ?? authority.address,
    minDisputeWindowSecs: params.minDisputeWindowSecs ?? 600,
    bountyBps: params.bountyBps ?? 0,
    endpoint: params.endpoint ?? '',
    region: params.region ?? '',
  });
  const join = getJoinMarketInstruction({
    authority,
    provider,
    market: params.market,
    providerMarket,
    pricePerGib: params.pricePerGib,
  });
  const signature = await send(conn, authority, [register, join], { computeUnits: 2 * COMPUTE_UNITS.provider });
  return { signature, provider, providerMarket };
}

interface Entry {
  channel: Address;
  receipt: SignedReceipt;
}

/** The channels of `entries`, each checked: of `provider`, one market, receipt valid for it. */
async function checkedChannels(conn: Connection, entries: Entry[]): Promise<Channel[]> {
  const channels: Channel[] = [];
  for (const { channel, receipt } of entries) {
    const c = await fetchMaybeChannel(conn.rpc, channel, { commitment: conn.commitment });
    if (!c.exists) throw new InvalidInputError(`${channel} is not an open channel of this program`);
    if (receipt.channel !== channel) {
      throw new InvalidInputError(`a receipt for channel ${receipt.channel} cannot settle channel ${channel}`);
    }
    if (receipt.amount > c.data.deposit) {
      throw new InvalidInputError(`a receipt of ${receipt.amount} is above channel ${channel}'s deposit of ${c.data.deposit}`);
    }
    if (!verifyReceipt(receipt, c.data.receiptSigner)) {
      throw new InvalidInputError(`the receipt for ${channel} is not signed by its receipt signer`);
    }
    channels.push(c.data);
  }
  const first = channels[0];
  if (channels.some((c) => c.market !== first.market || c.provider !== first.provider)) {
    throw new InvalidInputError('every channel of a batch must be of one provider in one market');
  }
  return channels;
}

/** Settled amounts and the provider's earnings after a settlement. */
export interface Settled {
  signature: Signature;
  settled: bigint[];
  earnings: bigint;
}

async function settledAfter(conn: Connection, signature: Signature, entries: Entry[], pm: Address): Promise<Settled> {
  const settled = [];
  for (const e of entries) settled.push((await fetchChannel(conn.rpc, e.channel, { commitment: conn.commitment })).data.settled);
  const earnings = (await fetchProviderMarket(conn.rpc, pm, { commitment: conn.commitment })).data.earnings;
  return { signature, settled, earnings };
}

/** Settles one receipt (anyone may; the provider earns it). */
export async function settle(conn: Connection, settler: TransactionSigner, entry: Entry): Promise<Settled> {
  return settleMany(conn, settler, [entry]);
}

/** Settles one receipt on each of several channels of one provider, in one transaction. */
export async function settleMany(conn: Connection, settler: TransactionSigner, entries: Entry[]): Promise<Settled> {
  if (entries.length === 0 || entries.length > MAX_BATCH) {
    throw new InvalidInputError(`a batch settles 1 to ${MAX_BATCH} channels, not ${entries.length}`);
  }
  const [c] = await checkedChannels(conn, entries);
  const providerMarket = await providerMarketAddress(c.market, c.provider);
  const common = { settler, provider: c.provider, providerMarket, rewardPool: await rewardPoolAddress(c.market) };
  const receipt = (r: SignedReceipt) => ({ amount: r.amount, bytes: r.bytes, signature: r.signature });
  const ix =
    entries.length === 1
      ? getSettleInstruction({ ...common, channel: entries[0].channel, receipt: receipt(entries[0].receipt) })
      : getSettleManyInstruction({
          ...common,
          receipts: entries.map((e) => receipt(e.receipt)),
          channels: entries.map((e) => e.channel),
        });
  const units = COMPUTE_UNITS.settleBase + COMPUTE_UNITS.settlePerChannel * entries.length;
  const signature = await send(conn, settler, [ix], { computeUnits: Math.min(units, COMPUTE_UNITS.max) });
  return settledAfter(conn, signature, entries, providerMarket);
}

/**
 * Settles several channels of one provider with half-aggregated receipts: one 32-byte scalar
 * for the batch, R and two varints per channel (docs/protocol.md §3.1, §3.2), built here from
 * the buyers' ordinary receipts.
 */
export async function settleManyAgg(conn: Connection, settler: TransactionSigner, entries: Entry[]): Promise<Settled> {
  if (entries.length === 0 || entries.length > MAX_BATCH) {
    throw new InvalidInputError(`a batch settles 1 to ${MAX_BATCH} channels, not ${entries.length}`);
  }
  const channels = await checkedChannels(conn, entries);
  const c = channels[0];
  const { s, entries: data } = aggregatedReceipts(
    entries.map((e, i) => ({
      signer: channels[i].receiptSigner,
      receipt: e.receipt,
      channel: { settled: channels[i].settled, deposit: channels[i].deposit, pricePerGib: channels[i].pricePerGib },
    })),
  );
  const providerMarket = await providerMarketAddress(c.market, c.provider);
  const ix = getSettleManyAggInstruction({
    settler,
    provider: c.provider,
    providerMarket,
    rewardPool: await rewardPoolAddress(c.market),
    s,
    entries: data,
    channels: entries.map((e) => e.channel),
  });
  const units = COMPUTE_UNITS.settleAggBase + COMPUTE_UNITS.settleAggPerChannel * entries.length;
  if (units > COMPUTE_UNITS.max) {
    throw new InvalidInputError(`${entries.length} aggregated receipts need more than a transaction's compute units`);
  }
  const signature = await send(conn, settler, [ix], { computeUnits: units });
  return settledAfter(conn, signature, entries, providerMarket);
}

/**
 * The provider closes a channel at once: settles `finalReceipt` if given (skipped if already
 * settled), refunds the rest of the deposit to the buyer's escrow, and returns the rent.
 */
export async function closeByProvider(
  conn: Connection,
  authority: TransactionSigner,
  channel: Address,
  finalReceipt?: SignedReceipt,
): Promise<{ signature: Signature; settled: bigint; refunded: bigint; earnings: bigint }> {
  const c = await fetchMaybeChannel(conn.rpc, channel, { commitment: conn.commitment });
  if (!c.exists) throw new InvalidInputError(`${channel} is not an open channel of this program`);
  const provider = await fetchProvider(conn.rpc, c.data.provider, { commitment: conn.commitment });
  if (provider.data.authority !== authority.address) {
    throw new InvalidInputError(`channel ${channel} is provider ${provider.data.authority}'s, not ${authority.address}'s`);
  }
  if (finalReceipt) await checkedChannels(conn, [{ channel, receipt: finalReceipt }]);
  const providerMarket = await providerMarketAddress(c.data.market, c.data.provider);
  const ix = getCloseByProviderInstruction({
    authority,
    provider: c.data.provider,
    channel,
    buyer: c.data.buyer,
    providerMarket,
    rentPayer: c.data.rentPayer,
    rewardPool: await rewardPoolAddress(c.data.market),
    finalReceipt: finalReceipt
      ? { amount: finalReceipt.amount, bytes: finalReceipt.bytes, signature: finalReceipt.signature }
      : null,
  });
  const signature = await send(conn, authority, [ix], { computeUnits: COMPUTE_UNITS.closeByProvider });
  const settled = finalReceipt && finalReceipt.amount > c.data.settled ? finalReceipt.amount : c.data.settled;
  const earnings = (await fetchProviderMarket(conn.rpc, providerMarket, { commitment: conn.commitment })).data.earnings;
  return { signature, settled, refunded: c.data.deposit - settled, earnings };
}

/** Moves `amount` (default: all) of the provider's earnings to a token account of its payout wallet. */
export async function withdrawEarnings(
  conn: Connection,
  authority: TransactionSigner,
  marketAddress: Address,
  options: { amount?: bigint; destination?: Address } = {},
): Promise<{ signature: Signature; withdrawn: bigint; destination: Address }> {
  const m = await loadMarket(conn, marketAddress);
  const provider = await providerAddress(authority.address);
  const providerMarket = await providerMarketAddress(m.address, provider);
  const pm = await fetchProviderMarket(conn.rpc, providerMarket, { commitment: conn.commitment });
  const amount = options.amount ?? pm.data.earnings;
  if (amount <= 0n || amount > pm.data.earnings) {
    throw new InvalidInputError(`earnings are ${pm.data.earnings}: cannot withdraw ${amount}`);
  }
  const payout = (await fetchProvider(conn.rpc, provider, { commitment: conn.commitment })).data.payout;
  const destination = options.destination ?? (await tokenAccountOf(m, payout));
  const ix = getWithdrawEarningsInstruction({
    authority,
    provider,
    market: m.address,
    vault: m.account.vault,
    mint: m.account.mint,
    tokenProgram: m.account.tokenProgram,
    providerMarket,
    destination,
    amount,
  });
  const signature = await send(conn, authority, [ix], { computeUnits: COMPUTE_UNITS.withdrawEarnings });
  return { signature, withdrawn: amount, destination };
}
