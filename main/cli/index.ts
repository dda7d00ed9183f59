import { Command, CommanderError } from 'commander';
import { describeError, isUserError } from '../engine/errors.js';
import { registerLibraryCommands } from './commands/library.js';
import { registerTrainCommand } from './commands/train.js';
import { registerServeCommand } from './commands/serve.js';
import { registerModelsCommand } from './commands/models.js';

const program = new Command('docqa')
  .description('Answers questions about the documents in your own folders, offline.')
  .version('0.1.0')
  .showHelpAfterError('(run docqa --help for usage)')
  .exitOverride();

registerLibraryCommands(program);
registerTrainCommand(program);
registerServeCommand(program);
registerModelsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(`docqa: ${describeError(e)}\n`);
    if (!isUserError(e) && process.env.DOCQA_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    process.exitCode = isUserError(e) ? 2 : 1;
  }
}
