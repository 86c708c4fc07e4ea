// The buyer's workflows: each builds the instruction, checks what can be checked before
// sending (amounts against the escrow and the deposit, the mint's decimals, the market's and
// provider's terms), sends it with any Kit signer, waits for confirmation and returns what
// changed, read back from the chain.
import type { Address, Signature, TransactionSigner } from '@solana/kit';
import { fetchBuyer, fetchMaybeBuyer } from './generated/accounts/buyer.js';
import { fetchChannel, fetchMaybeChannel, type Channel } from './generated/accounts/channel.js';
import { fetchMaybeProvider } from './generated/accounts/provider.js';
import { fetchMaybeProviderMarket } from './generated/accounts/providerMarket.js';
import { ChannelState } from './generated/types/channelState.js';
import { getDepositInstruction } from './generated/instructions/deposit.js';
import { getFinalizeCloseInstruction } from './generated/instructions/finalizeClose.js';
import { getOpenChannelInstruction } from './generated/instructions/openChannel.js';
import { getRateChannelInstruction } from './generated/instructions/rateChannel.js';
import { getRequestCloseInstruction } from './generated/instructions/requestClose.js';
import { getTopUpInstruction } from './generated/instructions/topUp.js';
import { getWithdrawInstruction } from './generated/instructions/withdraw.js';
import {
  baseUnits,
  InvalidInputError,
  loadMarket,
  tokenAccountOf,
  tokenBalance,
  type MarketInfo,
  type UiAmount,
} from './market.js';
import { buyerAddress, channelAddress, providerMarketAddress } from './pdas.js';
import { SessionKey } from './receipts.js';
import { send, type Connection } from './send.js';

/** Compute units requested per instruction: measured on the SBF VM (the Rust SDK's budget). */
export const COMPUTE_UNITS = {
  deposit: 95_000,
  withdraw: 29_000,
  openChannel: 90_000,
  topUp: 11_000,
  requestClose: 12_000,
  finalizeClose: 13_000,
  rateChannel: 11_000,
} as const;

type MarketRef = Address | MarketInfo;

async function market(conn: Connection, m: MarketRef): Promise<MarketInfo> {
  return typeof m === 'string' ? loadMarket(conn, m) : m;
}

function positive(what: string, amount: bigint): bigint {
  if (amount <= 0n) throw new InvalidInputError(`${what} must be greater than zero`);
  return amount;
}

/** Moves tokens from the owner's token account into its escrow (created on the first deposit). */
export async function deposit(
  conn: Connection,
  owner: TransactionSigner,
  marketRef: MarketRef,
  amount: bigint | UiAmount,
  options: { source?: Address } = {},
): Promise<{ signature: Signature; buyer: Address; free: bigint }> {
  const m = await market(conn, marketRef);
  const value = positive('deposit', baseUnits(amount, m, 'deposit'));
  if (m.account.paused) throw new InvalidInputError(`market ${m.address} is paused: deposits are refused`);
  const source = options.source ?? (await tokenAccountOf(m, owner.address));
  const held = await tokenBalance(conn, source).catch(() => 0n);
  if (held < value) throw new InvalidInputError(`${source} holds ${held}, less than the deposit of ${value}`);
  const buyer = await buyerAddress(m.address, owner.address);
  const ix = getDepositInstruction({
    owner,
    market: m.address,
    vault: m.account.vault,
    mint: m.account.mint,
    tokenProgram: m.account.tokenProgram,
    buyer,
    source,
    amount: value,
  });
  const signature = await send(conn, owner, [ix], { computeUnits: COMPUTE_UNITS.deposit });
  const after = await fetchBuyer(conn.rpc, buyer, { commitment: conn.commitment });
  return { signature, buyer, free: after.data.free };
}

/** Moves `amount` (default: all of it) of the free balance back to the owner's token account. */
export async function withdraw(
  conn: Connection,
  owner: TransactionSigner,
  marketRef: MarketRef,
  amount?: bigint | UiAmount,
  options: { destination?: Address } = {},
): Promise<{ signature: Signature; withdrawn: bigint; free: bigint }> {
  const m = await market(conn, marketRef);
  const buyer = await buyerAddress(m.address, owner.address);
  const escrow = await fetchMaybeBuyer(conn.rpc, buyer, { commitment: conn.commitment });
  if (!escrow.exists) throw new InvalidInputError(`${owner.address} has no escrow in market ${m.address}`);
  const value = amount === undefined ? escrow.data.free : baseUnits(amount, m, 'withdrawal');
  positive('withdrawal', value);
  if (value > escrow.data.free) {
    throw new InvalidInputError(`the escrow's free balance is ${escrow.data.free}, less than ${value}`);
  }
  const ix = getWithdrawInstruction({
    owner,
    market: m.address,
    vault: m.account.vault,
    mint: m.account.mint,
    tokenProgram: m.account.tokenProgram,
    buyer,
    destination: options.destination ?? (await tokenAccountOf(m, owner.address)),
    amount: value,
  });
  const signature = await send(conn, owner, [ix], { computeUnits: COMPUTE_UNITS.withdraw });
  const after = await fetchBuyer(conn.rpc, buyer, { commitment: conn.commitment });
  return { signature, withdrawn: value, free: after.data.free };
}

export interface OpenedChannel {
  signature: Signature;
  channel: Address;
  /** The channel's receipt signer: keep its seed, it signs every receipt of this channel. */
  key: SessionKey;
  deposit: bigint;
  pricePerGib: bigint;
  disputeWindowSecs: number;
}

/**
 * Opens a channel to `provider` (its Provider account) with `amount` of the free balance,
 * signed for by a new session key (or `key`). The dispute window defaults to the longest of
 * the market's and the provider's minimums.
 */
export async function openChannel(
  conn: Connection,
  owner: TransactionSigner,
  params: {
    market: MarketRef;
    provider: Address;
    amount: bigint | UiAmount;
    disputeWindowSecs?: number;
    key?: SessionKey;
  },
): Promise<OpenedChannel> {
  const m = await market(conn, params.market);
  const value = positive('channel deposit', baseUnits(params.amount, m, 'channel deposit'));
  if (m.account.paused) throw new InvalidInputError(`market ${m.address} is paused: new channels are refused`);
  const provider = await fetchMaybeProvider(conn.rpc, params.provider, { commitment: conn.commitment });
  if (!provider.exists) throw new InvalidInputError(`${params.provider} is not a provider of this program`);
  if (!provider.data.active) throw new InvalidInputError(`provider ${params.provider} takes no new channels`);
  const providerMarket = await providerMarketAddress(m.address, params.provider);
  const pm = await fetchMaybeProviderMarket(conn.rpc, providerMarket, { commitment: conn.commitment });
  if (!pm.exists) throw new InvalidInputError(`provider ${params.provider} has not joined market ${m.address}`);
  const floor = Math.max(m.account.minDisputeWindowSecs, provider.data.minDisputeWindowSecs);
  const window = params.disputeWindowSecs ?? floor;
  if (window < floor || window > m.account.maxDisputeWindowSecs) {
    throw new InvalidInputError(
      `a dispute window of ${window} s is outside ${floor}…${m.account.maxDisputeWindowSecs} s (market and provider bounds)`,
    );
  }
  const buyer = await buyerAddress(m.address, owner.address);
  const escrow = await fetchMaybeBuyer(conn.rpc, buyer, { commitment: conn.commitment });
  const free = escrow.exists ? escrow.data.free : 0n;
  if (free < value) throw new InvalidInputError(`the escrow's free balance is ${free}, less than ${value}: deposit first`);
  const channel = await channelAddress(buyer, escrow.exists ? escrow.data.nextChannelId : 0n);
  const key = params.key ?? SessionKey.generate();
  const ix = getOpenChannelInstruction({
    owner,
    market: m.address,
    buyer,
    provider: params.provider,
    providerMarket,
    channel,
    amount: value,
    disputeWindowSecs: window,
    receiptSigner: key.address,
  });
  const signature = await send(conn, owner, [ix], { computeUnits: COMPUTE_UNITS.openChannel });
  const opened = await fetchChannel(conn.rpc, channel, { commitment: conn.commitment });
  return {
    signature,
    channel,
    key,
    deposit: opened.data.deposit,
    pricePerGib: opened.data.pricePerGib,
    disputeWindowSecs: opened.data.disputeWindowSecs,
  };
}

async function ownChannel(conn: Connection, owner: TransactionSigner, address: Address): Promise<Channel> {
  const c = await fetchMaybeChannel(conn.rpc, address, { commitment: conn.commitment });
  if (!c.exists) throw new InvalidInputError(`${address} is not an open channel of this program`);
  const buyer = await fetchBuyer(conn.rpc, c.data.buyer, { commitment: conn.commitment });
  if (buyer.data.owner !== owner.address) {
    throw new InvalidInputError(`channel ${address} belongs to ${buyer.data.owner}, not ${owner.address}`);
  }
  return c.data;
}

/** Moves `amount` of the free balance into an open channel's deposit. */
export async function topUp(
  conn: Connection,
  owner: TransactionSigner,
  channel: Address,
  amount: bigint | UiAmount,
): Promise<{ signature: Signature; deposit: bigint }> {
  const c = await ownChannel(conn, owner, channel);
  const m = await loadMarket(conn, c.market);
  const value = positive('top-up', baseUnits(amount, m, 'top-up'));
  if (c.state !== ChannelState.Open) throw new InvalidInputError(`channel ${channel} is closing: it cannot be topped up`);
  const escrow = await fetchBuyer(conn.rpc, c.buyer, { commitment: conn.commitment });
  if (escrow.data.free < value) {
    throw new InvalidInputError(`the escrow's free balance is ${escrow.data.free}, less than ${value}: deposit first`);
  }
  const ix = getTopUpInstruction({ owner, market: c.market, buyer: c.buyer, channel, amount: value });
  const signature = await send(conn, owner, [ix], { computeUnits: COMPUTE_UNITS.topUp });
  const after = await fetchChannel(conn.rpc, channel, { commitment: conn.commitment });
  return { signature, deposit: after.data.deposit };
}

/** Starts the dispute window: after its deadline anyone can finalize the close. */
export async function requestClose(
  conn: Connection,
  owner: TransactionSigner,
  channel: Address,
): Promise<{ signature: Signature; closeDeadline: bigint }> {
  const c = await ownChannel(conn, owner, channel);
  if (c.state !== ChannelState.Open) throw new InvalidInputError(`channel ${channel} is already closing`);
  const providerMarket = await providerMarketAddress(c.market, c.provider);
  const ix = getRequestCloseInstruction({ owner, buyer: c.buyer, channel, providerMarket });
  const signature = await send(conn, owner, [ix], { computeUnits: COMPUTE_UNITS.requestClose });
  const after = await fetchChannel(conn.rpc, channel, { commitment: conn.commitment });
  return { signature, closeDeadline: after.data.closeDeadline };
}

/** After the deadline, anyone: refunds `deposit − settled` to the escrow and closes the channel. */
export async function finalizeClose(
  conn: Connection,
  payer: TransactionSigner,
  channel: Address,
): Promise<{ signature: Signature; refunded: bigint }> {
  const c = await fetchMaybeChannel(conn.rpc, channel, { commitment: conn.commitment });
  if (!c.exists) throw new InvalidInputError(`${channel} is not an open channel of this program`);
  const providerMarket = await providerMarketAddress(c.data.market, c.data.provider);
  const ix = getFinalizeCloseInstruction({
    channel,
    buyer: c.data.buyer,
    providerMarket,
    rentPayer: c.data.rentPayer,
  });
  const signature = await send(conn, payer, [ix], { computeUnits: COMPUTE_UNITS.finalizeClose });
  return { signature, refunded: c.data.deposit - c.data.settled };
}

/** Rates the provider 1–5; counted at close, weighted by what was paid on the channel. */
export async function rateChannel(
  conn: Connection,
  owner: TransactionSigner,
  channel: Address,
  rating: number,
): Promise<{ signature: Signature }> {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
    throw new InvalidInputError(`a rating is 1 to 5, not ${rating}`);
  }
  const c = await ownChannel(conn, owner, channel);
  const ix = getRateChannelInstruction({ owner, buyer: c.buyer, channel, rating });
  return { signature: await send(conn, owner, [ix], { computeUnits: COMPUTE_UNITS.rateChannel }) };
}
