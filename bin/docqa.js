#!/usr/bin/env node
// The `docqa` command. `npm ci` builds out/node via the `prepare` script; from a
// source checkout without a build we fall back to running the TypeScript directly.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = new URL('../out/node/main/cli/index.js', import.meta.url);
if (existsSync(fileURLToPath(compiled)) && !process.env.DOCQA_FROM_SOURCE) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(fileURLToPath(new URL('../main/cli/index.ts', import.meta.url))).href);
}
