#!/usr/bin/env node
// The `ficus` command of package.json's "bin": runs cli/ficus.ts in this very process, with
// tsx's ESM loader registered first (the CLI is TypeScript and is not built). No child process:
// the CLI's exit codes, its signal handlers (Ctrl-C stops `ficus start` cleanly) and its stdio are
// the command's own.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/ficus.ts', import.meta.url).href);
