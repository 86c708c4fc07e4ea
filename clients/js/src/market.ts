// A market as a client sees it (its account and its mint's decimals), amounts in base units or
// in the mint's units, and token accounts.
import { findAssociatedTokenPda } from '@solana-program/token';
import type { Address } from '@solana/kit';
import { checkU64 } from './bytes.js';
import { fetchMaybeMarket, type Market } from './generated/accounts/market.js';
import type { Connection } from './send.js';

export interface MarketInfo {
  address: Address;
  account: Market;
  decimals: number;
}

/** Bad input, refused before anything is sent. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

export async function loadMarket(conn: Connection, address: Address): Promise<MarketInfo> {
  const market = await fetchMaybeMarket(conn.rpc, address);
  if (!market.exists) throw new InvalidInputError(`${address} is not a market of this program`);
  const supply = await conn.rpc.getTokenSupply(market.data.mint, { commitment: conn.commitment }).send();
  return { address, account: market.data, decimals: supply.value.decimals };
}

/** An amount in the mint's units ("1.5"), with the decimals the caller believes the mint has. */
export interface UiAmount {
  ui: string;
  decimals: number;
}

/** `amount` in base units: a bigint as it is, a UI amount checked against the mint's decimals. */
export function baseUnits(amount: bigint | UiAmount, market: MarketInfo, what = 'amount'): bigint {
  if (typeof amount === 'bigint') return checkU64(what, amount);
  if (amount.decimals !== market.decimals) {
    throw new InvalidInputError(
      `${what} ${amount.ui} is given with ${amount.decimals} decimals; the market's mint has ${market.decimals}`,
    );
  }
  return parseUiAmount(amount.ui, market.decimals, what);
}

/** "1.5" at 6 decimals is 1 500 000 base units; more fractional digits than decimals is refused. */
export function parseUiAmount(text: string, decimals: number, what = 'amount'): bigint {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new InvalidInputError(`${what} ${JSON.stringify(text)} is not a decimal number`);
  const fraction = m[2] ?? '';
  if (fraction.length > decimals) {
    throw new InvalidInputError(`${what} ${text} has more than the mint's ${decimals} decimals`);
  }
  return checkU64(what, BigInt(m[1] + fraction.padEnd(decimals, '0')));
}

/** The associated token account of `owner` for the market's mint. */
export async function tokenAccountOf(market: MarketInfo, owner: Address): Promise<Address> {
  const [ata] = await findAssociatedTokenPda({
    owner,
    mint: market.account.mint,
    tokenProgram: market.account.tokenProgram,
  });
  return ata;
}

export async function tokenBalance(conn: Connection, account: Address): Promise<bigint> {
  const r = await conn.rpc.getTokenAccountBalance(account, { commitment: conn.commitment }).send();
  return BigInt(r.value.amount);
}
