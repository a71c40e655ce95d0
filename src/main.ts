#!/usr/bin/env node
import { keepHeapLean } from './main/heap-policy.js';

// A server sizes its young generation before anything else loads: Node parses every module of a static
// import graph before running any, and loading the CLI's ~1,000 modules alone grows V8's young generation to
// 8 MB a semi-space (main/heap-policy.ts; the old generation's flag waits until it listens, main/serve.ts).
// Commands that run and exit keep V8's defaults.
if (process.argv[2] === 'serve') keepHeapLean('start');
await import('./main/command-line.js');
