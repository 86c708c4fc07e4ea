// Generates src/generated/ from the committed IDL (../../idl/bandwidth_settlement.json) with
// Codama: instruction builders, account decoders, the error map and PDA helpers, on
// @solana/kit. Anchor's IDL has no notion of remaining accounts; the instructions that take
// them get them here, as the program documents them (lib.rs, docs/protocol.md §4), so that a
// client never has to guess. `npm run generate`; CI fails when the output differs from what is
// committed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  argumentValueNode,
  arrayTypeNode,
  instructionArgumentNode,
  instructionNode,
  instructionRemainingAccountsNode,
  publicKeyTypeNode,
  remainderCountNode,
} from '@codama/nodes';
import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import { renderVisitor } from '@codama/renderers-js';
import { bottomUpTransformerVisitor, visit } from '@codama/visitors-core';

const idl = JSON.parse(readFileSync(new URL('../../../idl/bandwidth_settlement.json', import.meta.url), 'utf8'));

/** Writable remaining accounts of an instruction, from an extra argument `name`. */
function withRemainingAccounts(instruction, name, docs) {
  return {
    select: `[instructionNode]${instruction}`,
    transform: (node) =>
      instructionNode({
        ...node,
        extraArguments: [
          ...(node.extraArguments ?? []),
          instructionArgumentNode({ name, type: arrayTypeNode(publicKeyTypeNode(), remainderCountNode()), docs }),
        ],
        remainingAccounts: [instructionRemainingAccountsNode(argumentValueNode(name), { isWritable: true, docs })],
      }),
  };
}

const root = visit(
  rootNodeFromAnchor(idl),
  bottomUpTransformerVisitor([
    withRemainingAccounts('settleMany', 'channels', ['The channels, one per receipt and in the same order (1 to 32).']),
    withRemainingAccounts('settleManyAgg', 'channels', ['The channels, in the order of the entries (1 to 32).']),
    withRemainingAccounts('sweepFees', 'providerMarkets', ["The ProviderMarket accounts whose fees are swept, all of this market."]),
  ]),
);
const out = fileURLToPath(new URL('../src/generated', import.meta.url));
visit(root, renderVisitor(out, { deleteFolderBeforeRendering: true, formatCode: true }));
