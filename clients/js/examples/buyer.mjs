// A buyer in ~30 lines: deposit, open a channel to a provider, stream metered receipts to its
// node. `node buyer.mjs <MARKET> <PROVIDER_ACCOUNT> <KEYPAIR_FILE> [RPC_URL]`, the keypair's
// wallet holding some of the market's tokens (e.g. on `bwx localnet`).
import { buyer, ChannelSession, connect, fetchProvider, NodeClient } from '@bandwidth-settlement/sdk';
import { address, createKeyPairSignerFromBytes } from '@solana/kit';
import { readFileSync } from 'node:fs';

const [market, provider] = process.argv.slice(2, 4).map(address);
const conn = connect(process.argv[5] ?? 'http://127.0.0.1:8899');
const wallet = await createKeyPairSignerFromBytes(new Uint8Array(JSON.parse(readFileSync(process.argv[4], 'utf8'))));

const { free } = await buyer.deposit(conn, wallet, market, { ui: '5', decimals: 6 });
console.log(`escrow: ${free} base units free`);
const channel = await buyer.openChannel(conn, wallet, { market, provider, amount: { ui: '2', decimals: 6 } });
console.log(`channel ${channel.channel} (keep its session key: ${Buffer.from(channel.key.seed).toString('hex')})`);

const { data } = await fetchProvider(conn.rpc, provider);
const session = new ChannelSession(channel, new NodeClient(data.endpoint), 64n << 20n);
for (let i = 0; i < 16; i++) {
  const answer = await session.received(64n << 20n); // 64 MiB more arrived
  if (answer) console.log(`receipt for ${answer.amount} base units: ${answer.status}`);
}
await session.finish();
console.log(`owe ${session.meter.last.amount} base units for ${session.meter.bytes} bytes`);
