// Bundles the package (src/index.ts -> dist/index.js, ESM, dependencies left as imports) and
// the tests (test/*.test.ts -> dist-test/, for `node --test`). Types: `tsc` (dist/types).
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const common = { bundle: true, format: 'esm', packages: 'external', target: 'es2022', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', platform: 'neutral' });
const tests = readdirSync('test').filter((f) => f.endsWith('.test.ts')).map((f) => `test/${f}`);
await build({ ...common, entryPoints: tests, outdir: 'dist-test', outExtension: { '.js': '.mjs' }, platform: 'node' });
