// @bandwidth-settlement/sdk: the bandwidth settlement program from TypeScript.
export * from './generated/index.js';
export * from './bytes.js';
export * from './receipts.js';
export * from './halfagg.js';
export * from './meter.js';
export * from './node.js';
export * from './send.js';
export * from './market.js';
export * from './pdas.js';
export * from './session.js';
export * as buyer from './buyer.js';
export * as provider from './provider.js';
