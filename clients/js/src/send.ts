// Building, signing, sending and confirming a transaction with @solana/kit, and the program's
// errors by name: a refused transaction throws a ProgramError carrying the IDL's name of the
// error, its code, its message and the transaction's logs.
import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  getSignatureFromTransaction,
  isSolanaError,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  type Commitment,
  type Instruction,
  type Rpc,
  type RpcSubscriptions,
  type Signature,
  type SolanaRpcApi,
  type SolanaRpcSubscriptionsApi,
  type TransactionSigner,
} from '@solana/kit';
import { getSetComputeUnitLimitInstruction } from '@solana-program/compute-budget';
import * as generatedErrors from './generated/errors/bandwidthSettlement.js';
import { BANDWIDTH_SETTLEMENT_PROGRAM_ADDRESS } from './generated/programs/bandwidthSettlement.js';

/** An RPC endpoint and its subscriptions, as the workflows take them. */
export interface Connection {
  rpc: Rpc<SolanaRpcApi>;
  rpcSubscriptions: RpcSubscriptions<SolanaRpcSubscriptionsApi>;
  commitment: Commitment;
}

/** `url` is the JSON-RPC endpoint; subscriptions default to its PubSub port (+1, ws). */
export function connect(url: string, options: { wsUrl?: string; commitment?: Commitment } = {}): Connection {
  const ws = options.wsUrl ?? defaultWsUrl(url);
  return {
    rpc: createSolanaRpc(url),
    rpcSubscriptions: createSolanaRpcSubscriptions(ws),
    commitment: options.commitment ?? 'confirmed',
  };
}

function defaultWsUrl(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  if (u.port) u.port = String(Number(u.port) + 1);
  return u.toString();
}

/** The program's error names by code (6000…), from the IDL. */
const ERROR_NAMES: Map<number, string> = new Map(
  Object.entries(generatedErrors)
    .filter(([k, v]) => k.startsWith('BANDWIDTH_SETTLEMENT_ERROR__') && typeof v === 'number')
    .map(([k, v]) => [v as number, pascal(k.slice('BANDWIDTH_SETTLEMENT_ERROR__'.length))]),
);

function pascal(screaming: string): string {
  return screaming
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The program refused the transaction: `name` is the IDL's name of the error. */
export class ProgramError extends Error {
  override name = 'ProgramError';
  constructor(
    readonly errorName: string,
    readonly code: number,
    readonly errorMessage: string,
    readonly logs: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`${errorName} (${code}): ${errorMessage}`, options);
  }
}

/** The program's error a failed send carries, if it is one of the program's. */
export function programErrorOf(error: unknown): ProgramError | undefined {
  let logs: readonly string[] = [];
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (isSolanaError(e, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)) {
      logs = e.context.logs ?? [];
    }
    if (isSolanaError(e, SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM)) {
      const name = ERROR_NAMES.get(e.context.code);
      if (!name) return undefined;
      const message = generatedErrors.getBandwidthSettlementErrorMessage(
        e.context.code as generatedErrors.BandwidthSettlementError,
      );
      return new ProgramError(name, e.context.code, message, logs, { cause: error });
    }
  }
  return undefined;
}

export interface SendOptions {
  /** Compute-unit limit requested (the program's measured figures: see the Rust SDK's budget). */
  computeUnits?: number;
}

/**
 * Sends `instructions` paid by `payer`, signed by every signer they carry, and waits for
 * confirmation. Throws {@link ProgramError} when the program refuses them.
 */
export async function send(
  conn: Connection,
  payer: TransactionSigner,
  instructions: Instruction[],
  options: SendOptions = {},
): Promise<Signature> {
  const budget = options.computeUnits
    ? [getSetComputeUnitLimitInstruction({ units: options.computeUnits })]
    : [];
  const { value: blockhash } = await conn.rpc.getLatestBlockhash({ commitment: conn.commitment }).send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
    (m) => appendTransactionMessageInstructions([...budget, ...instructions], m),
  );
  const transaction = await signTransactionMessageWithSigners(message);
  const sendAndConfirm = sendAndConfirmTransactionFactory(conn);
  try {
    await sendAndConfirm(transaction as Parameters<typeof sendAndConfirm>[0], { commitment: conn.commitment });
  } catch (e) {
    throw programErrorOf(e) ?? e;
  }
  return getSignatureFromTransaction(transaction);
}

export { BANDWIDTH_SETTLEMENT_PROGRAM_ADDRESS };
