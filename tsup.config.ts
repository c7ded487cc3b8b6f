import { defineConfig } from 'tsup'

// Library: ESM + CJS with type declarations for both; `engram/langchain` is a second entry so the
// main one never loads the optional @langchain/core. Splitting (also for CJS) lets both entries share
// one copy of the core, so an EngramError from either is the same class. CLI: ESM only, with a shebang.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', langchain: 'src/integrations/langchain/index.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    shims: true,
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
])
