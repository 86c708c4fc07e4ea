// The SDK against a real validator (`bwx localnet`, the program's SBF build deployed) and a
// real provider node (`bwx provider serve`): the Rust CLI starts those two and does nothing
// else. A market is created, a provider registers, a buyer funds its escrow, opens a channel
// with a session key and streams metered receipts to the node over HTTP; the node settles by
// itself; the provider closes the channel with the final receipt and withdraws its earnings;
// the buyer withdraws the rest. Every balance is checked to the base unit. Anchor's own
// EventParser reads the program's events, and a refused transaction is an AnchorError by name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import anchorPkg from '@anchor-lang/core';
import { Connection as Web3Connection, PublicKey } from '@solana/web3.js';
import type { Address } from '@solana/kit';
import {
  buyer,
  ChannelSession,
  connect,
  DepositExhaustedError,
  fetchChannel,
  fetchMaybeChannel,
  getCreateMarketInstruction,
  getDepositInstruction,
  InvalidInputError,
  marketAddress,
  NodeClient,
  ProgramError,
  provider,
  ReceiptRefusedError,
  send,
  tokenBalance,
  vaultAddress,
  buyerAddress,
  type Connection,
} from '../src/index.js';
import {
  BWX,
  BWX_LOCALNET,
  createMint,
  eventually,
  freePort,
  fundedTokenAccount,
  keypair,
  PROGRAM_SO,
  repo,
  requireArtifacts,
  start,
  stop,
  tempDir,
} from './harness.js';

// @anchor-lang/core is CommonJS: its exports are the default import's properties.
const { AnchorError, AnchorProvider, BN, BorshCoder, EventParser, Program } = anchorPkg;

const UNIT = 1_000_000n; // one token at 6 decimals
const GIB = 1n << 30n;
const idl = JSON.parse(readFileSync(join(repo, 'idl/bandwidth_settlement.json'), 'utf8'));

const dir = tempDir();
let validator: Awaited<ReturnType<typeof start>>;
let rpcUrl: string;
let conn: Connection;

before(async () => {
  requireArtifacts();
}, { timeout: 1_000 });

after(async () => {
  if (validator) await stop(validator.child);
});

test('a buyer and a provider, from TypeScript, against the validator and a node', { timeout: 600_000 }, async () => {
  const admin = await keypair(dir, 'admin');
  const alice = await keypair(dir, 'buyer');
  const prov = await keypair(dir, 'provider');
  const rpcPort = await freePort();
  validator = await start(
    BWX_LOCALNET,
    ['--reset', '--ledger', join(dir, 'ledger'), '--rpc-port', String(rpcPort), '--faucet-port', String(await freePort()),
     '--fund', admin.path, '--fund', alice.path, '--fund', prov.path, '--program', PROGRAM_SO, '--data-dir', dir],
    /^started in/,
    'bwx localnet',
  );
  // The program runs as deployed: its SBF build, not hosted natively.
  assert.ok(validator.lines.some((l) => l.includes(': the SBF build')), validator.lines.join('\n'));
  rpcUrl = `http://127.0.0.1:${rpcPort}`;
  conn = connect(rpcUrl);

  // The admin: a mint, a treasury, a market (2.5 % fee).
  const mint = await createMint(conn, admin.signer, dir);
  const treasury = await fundedTokenAccount(conn, admin.signer, mint, admin.signer.address, 0n);
  const market = await marketAddress(mint, admin.signer.address);
  await send(conn, admin.signer, [
    getCreateMarketInstruction({
      creator: admin.signer,
      market,
      mint,
      vault: await vaultAddress(market),
      treasury,
      feeBps: 250,
      burnBps: 2_000,
      minDisputeWindowSecs: 600,
      maxDisputeWindowSecs: 86_400,
      feeChangeDelaySecs: 86_400,
    }),
  ]);

  // The provider registers its node's endpoint and joins at 1 token per GiB; its node starts.
  const nodePort = await freePort();
  const endpoint = `http://127.0.0.1:${nodePort}`;
  const { provider: providerAccount } = await provider.registerProvider(conn, prov.signer, {
    market,
    pricePerGib: UNIT,
    endpoint,
  });
  const payoutAta = await fundedTokenAccount(conn, admin.signer, mint, prov.signer.address, 0n);
  const node = await start(
    BWX,
    ['provider', 'serve', '--market', market, '-k', prov.path, '-u', rpcUrl, '--listen', `127.0.0.1:${nodePort}`,
     '--store', join(dir, 'receipts.sqlite'), '--settle-interval', '1', '--min-unsettled', '0.000001',
     '--withdraw-above', 'never', '--claim-rewards-above', 'never', '--data-dir', dir],
    /listening on/,
    'bwx provider serve',
  );

  try {
    // The buyer: 100 tokens in its wallet, 100 in escrow, a channel of 40 to the provider.
    const wallet = await fundedTokenAccount(conn, admin.signer, mint, alice.signer.address, 100n * UNIT);
    const deposited = await buyer.deposit(conn, alice.signer, market, 100n * UNIT);
    assert.equal(deposited.free, 100n * UNIT);
    assert.equal(await tokenBalance(conn, wallet), 0n);
    // Bad input never leaves the SDK: decimals that are not the mint's, more than the escrow holds.
    await assert.rejects(buyer.deposit(conn, alice.signer, market, { ui: '1', decimals: 9 }), InvalidInputError);
    await assert.rejects(
      buyer.openChannel(conn, alice.signer, { market, provider: providerAccount, amount: 101n * UNIT }),
      InvalidInputError,
    );
    const opened = await buyer.openChannel(conn, alice.signer, { market, provider: providerAccount, amount: 40n * UNIT });
    assert.equal(opened.deposit, 40n * UNIT);
    assert.equal(opened.pricePerGib, UNIT);

    // 10 GiB received, a receipt every 256 MiB, each acknowledged by the node once stored.
    const session = new ChannelSession(opened, new NodeClient(endpoint), 256n << 20n);
    for (let i = 0; i < 40; i++) {
      const result = await session.received(256n << 20n);
      assert.equal(result?.status, 'accepted');
    }
    const last = session.meter.last!;
    assert.equal(last.amount, 10n * UNIT);

    // A tampered receipt and one beyond the deposit, sent straight to the node: refused by name.
    const nodeClient = new NodeClient(endpoint);
    const tampered = { ...last, amount: last.amount + 1n };
    await assert.rejects(nodeClient.submit(tampered), (e: unknown) => e instanceof ReceiptRefusedError && e.reason === 'bad_signature');
    const beyond = opened.key.sign({ channel: opened.channel, amount: 41n * UNIT, bytes: 41n * GIB });
    await assert.rejects(nodeClient.submit(beyond), (e: unknown) => e instanceof ReceiptRefusedError && e.reason === 'exceeds_deposit');
    // The SDK refuses them before sending: above the deposit, another channel's, the meter's limit.
    await assert.rejects(session.send(beyond), InvalidInputError);
    await assert.rejects(session.send({ ...last, channel: providerAccount }), InvalidInputError);
    assert.throws(() => session.meter.record(31n * GIB), DepositExhaustedError);

    // The node settles by itself.
    await eventually('the node settles the channel', async () => {
      const c = await fetchChannel(conn.rpc, opened.channel);
      return c.data.settled === last.amount ? true : undefined;
    });
    // The node's own view catches up with the chain at its next round.
    const view = await eventually('the node records the settlement', async () => {
      const v = await nodeClient.channel(opened.channel);
      return v.unsettled === 0n ? v : undefined;
    });
    assert.equal(view.bestAmount, 10n * UNIT);
    assert.equal(view.settledAmount, 10n * UNIT);

    // The provider closes with the final receipt the node holds (already settled: skipped),
    // the rest of the deposit goes back to the escrow; then it withdraws its earnings.
    const closed = await provider.closeByProvider(conn, prov.signer, opened.channel, view.best);
    assert.equal(closed.refunded, 30n * UNIT);
    assert.equal((await fetchMaybeChannel(conn.rpc, opened.channel)).exists, false);
    const fee = (10n * UNIT * 250n) / 10_000n;
    assert.equal(closed.earnings, 10n * UNIT - fee);
    const withdrawn = await provider.withdrawEarnings(conn, prov.signer, market);
    assert.equal(withdrawn.destination, payoutAta);
    assert.equal(await tokenBalance(conn, payoutAta), 10n * UNIT - fee);

    // The buyer withdraws everything it did not spend.
    const out = await buyer.withdraw(conn, alice.signer, market);
    assert.equal(out.withdrawn, 90n * UNIT);
    assert.equal(await tokenBalance(conn, wallet), 90n * UNIT);

    // Anchor's standard EventParser reads the program's events from the deposit's log...
    const tx = await conn.rpc
      .getTransaction(deposited.signature, { maxSupportedTransactionVersion: 0, encoding: 'json', commitment: 'confirmed' })
      .send();
    const parser = new EventParser(new PublicKey(idl.address), new BorshCoder(idl));
    const events = [...parser.parseLogs(tx!.meta!.logMessages as string[])];
    const depositedEvent = events.find((e) => e.name === 'Deposited');
    assert.ok(depositedEvent, JSON.stringify(events.map((e) => e.name)));
    assert.equal(depositedEvent.data.amount.toString(), (100n * UNIT).toString());

    // Anchor's account resolver derives the escrow of a deposit from the IDL alone.
    const anchor = new Program(
      idl,
      new AnchorProvider(new Web3Connection(rpcUrl), { publicKey: new PublicKey(alice.signer.address) } as never, {}),
    );
    const resolved = await anchor.methods
      .deposit(new BN(1))
      .accountsPartial({
        owner: new PublicKey(alice.signer.address),
        market: new PublicKey(market),
        vault: new PublicKey(await vaultAddress(market)),
        mint: new PublicKey(mint),
        tokenProgram: new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'),
        source: new PublicKey(wallet),
      })
      .instruction();
    assert.equal(resolved.keys[5].pubkey.toBase58(), await buyerAddress(market, alice.signer.address));

    // ...and a transaction the program refuses is an AnchorError with the IDL's name.
    const zero = getDepositInstruction({
      owner: alice.signer,
      market,
      vault: await vaultAddress(market),
      mint,
      buyer: await buyerAddress(market, alice.signer.address),
      source: wallet,
      amount: 0n,
    });
    const refused = await send(conn, alice.signer, [zero]).then(
      () => assert.fail('a deposit of 0 was accepted'),
      (e: unknown) => e,
    );
    assert.ok(refused instanceof ProgramError, String(refused));
    assert.equal(refused.errorName, 'ZeroAmount');
    const anchorError = AnchorError.parse([...refused.logs]);
    assert.ok(anchorError, refused.logs.join('\n'));
    assert.equal(anchorError.error.errorCode.code, 'ZeroAmount');
  } finally {
    assert.equal(await stop(node.child), 0, node.lines.join('\n'));
  }
});

export type { Address };
