// Every address of the program (docs/protocol.md §2), for any deployment of it.
import {
  getAddressEncoder,
  getProgramDerivedAddress,
  getU64Encoder,
  getUtf8Encoder,
  type Address,
} from '@solana/kit';
import { BANDWIDTH_SETTLEMENT_PROGRAM_ADDRESS } from './generated/programs/bandwidthSettlement.js';

type Seed = string | Address | bigint;

async function pda(seeds: Seed[], programAddress: Address): Promise<Address> {
  const [address] = await getProgramDerivedAddress({
    programAddress,
    seeds: seeds.map((s, i) =>
      typeof s === 'bigint'
        ? getU64Encoder().encode(s)
        : i === 0
          ? getUtf8Encoder().encode(s)
          : getAddressEncoder().encode(s as Address),
    ),
  });
  return address;
}

const P = BANDWIDTH_SETTLEMENT_PROGRAM_ADDRESS as Address;

export const marketAddress = (mint: Address, creator: Address, program = P) => pda(['market', mint, creator], program);
export const vaultAddress = (market: Address, program = P) => pda(['vault', market], program);
export const buyerAddress = (market: Address, owner: Address, program = P) => pda(['buyer', market, owner], program);
export const providerAddress = (authority: Address, program = P) => pda(['provider', authority], program);
export const providerMarketAddress = (market: Address, provider: Address, program = P) =>
  pda(['earnings', market, provider], program);
/** A buyer's channel `id` (its `next_channel_id` when it was opened). */
export const channelAddress = (buyer: Address, id: bigint, program = P) => pda(['channel', buyer, id], program);
export const rewardPoolAddress = (market: Address, program = P) => pda(['rewards', market], program);
