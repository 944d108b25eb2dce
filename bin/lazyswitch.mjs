#!/usr/bin/env node
// The lazyswitch CLI: TypeScript sources run through tsx's loader.
import { register } from 'tsx/esm/api';
register();
process.env.LAZYSWITCH_MAIN = '1';
await import('../src/cli/main.ts');
