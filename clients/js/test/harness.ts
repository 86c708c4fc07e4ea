// What the localnet tests need around the SDK: the Rust CLI's validator and provider node as
// child processes (nothing else of the Rust side), keypair files they read, a test mint.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { getCreateAccountInstruction } from '@solana-program/system';
import {
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getInitializeMint2Instruction,
  getMintToInstruction,
  TOKEN_PROGRAM_ADDRESS,
} from '@solana-program/token';
import { createKeyPairSignerFromBytes, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { send, type Connection } from '../src/index.js';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (env: string, name: string) => process.env[env] ?? join(repo, 'target/debug', name);
export const BWX = bin('BWX_BIN', 'bwx');
export const BWX_LOCALNET = bin('BWX_LOCALNET_BIN', 'bwx-localnet');
export const PROGRAM_SO = process.env.BWX_PROGRAM_SO ?? join(repo, 'target/deploy/bandwidth_settlement.so');

export function requireArtifacts(): void {
  for (const [path, how] of [
    [BWX, 'cargo test --workspace (or cargo build -p bandwidth-cli)'],
    [BWX_LOCALNET, 'cargo test --workspace (or cargo build -p bandwidth-localnet)'],
    [PROGRAM_SO, 'bash sbf/build.sh program'],
  ]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`${how}\` from the repository first`);
  }
}

export const tempDir = () => mkdtempSync(join(tmpdir(), 'bwx-js-'));

/** A keypair, and its file in the Solana CLI's format for the Rust tools. */
export async function keypair(dir: string, name: string): Promise<{ signer: KeyPairSigner; path: string }> {
  const seed = ed25519.utils.randomSecretKey();
  const bytes = new Uint8Array([...seed, ...ed25519.getPublicKey(seed)]);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(Array.from(bytes)));
  return { signer: await createKeyPairSignerFromBytes(bytes), path };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A child process and the lines it printed; resolves once a line matches `ready`. */
export function start(cmd: string, args: string[], ready: RegExp, what: string): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        lines.push(line);
        if (ready.test(line)) resolve({ child, lines });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready:\n${lines.join('\n')}`)));
  });
}

export function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** A new SPL Token mint (6 decimals) whose authority is `authority`. */
export async function createMint(conn: Connection, authority: KeyPairSigner, dir: string): Promise<Address> {
  const mint = (await keypair(dir, 'mint')).signer;
  const rent = await conn.rpc.getMinimumBalanceForRentExemption(82n).send();
  await send(conn, authority, [
    getCreateAccountInstruction({ payer: authority, newAccount: mint, lamports: rent, space: 82, programAddress: TOKEN_PROGRAM_ADDRESS }),
    getInitializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: authority.address }),
  ]);
  return mint.address;
}

/** The owner's associated token account of `mint`, created if needed, with `amount` minted to it. */
export async function fundedTokenAccount(
  conn: Connection,
  authority: KeyPairSigner,
  mint: Address,
  owner: Address,
  amount: bigint,
): Promise<Address> {
  const [ata] = await findAssociatedTokenPda({ owner, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  const ixs: Instruction[] = [getCreateAssociatedTokenIdempotentInstruction({ payer: authority, ata, owner, mint })];
  if (amount > 0n) ixs.push(getMintToInstruction({ mint, token: ata, mintAuthority: authority, amount }));
  await send(conn, authority, ixs);
  return ata;
}

/** Polls `check` until it returns a value (at most `attempts` times, `everyMs` apart). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, attempts = 240, everyMs = 250): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not after ${attempts} polls`);
}
