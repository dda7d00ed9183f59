import type { Command } from 'commander';
import { PROVIDER_NAMES, type ProviderName } from '../../engine/vocabulary/values.js';
import { chosenLibraryFile } from '../libraryFile.js';

/** `docqa serve`: web mode (renderer + API on 127.0.0.1 behind a per-run token). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'open DocQA in your browser: serves the interface on 127.0.0.1 only, behind an access token that is new on every run and valid until the server stops (the printed address carries it)',
    )
    .option(
      '--port <n>',
      'port to listen on (default 7840, or any free port when that one is taken; 0 = any)',
    )
    .option('--host <host>', 'interface to listen on: only 127.0.0.1 or localhost are accepted', '127.0.0.1')
    .option('--db <file>', 'library database (default: your per-user library, or $DOCQA_DB)')
    .option('--model <pack>', 'tower pack folder for this session')
    .option('--provider <name>', `execution provider: ${PROVIDER_NAMES.join(', ')}`)
    .option('--open', 'open the address in your default browser')
    .option('--no-watch', 'do not index what changed in the folders, at start or while running')
    .option('--json', 'print the address as one JSON line')
    .action(async (options: ServeCliOptions) => {
      const [{ runServe }, { defaultDbPath }] = await Promise.all([
        import('../../server/runServe.js'),
        import('../../engine/library/defaultDbPath.js'),
      ]);
      await runServe({ ...options, dbPath: chosenLibraryFile(options.db) ?? defaultDbPath() });
    });
}

interface ServeCliOptions {
  port?: string;
  host?: string;
  db?: string;
  model?: string;
  provider?: ProviderName;
  open?: boolean;
  watch?: boolean;
  json?: boolean;
}
