import { Command, CommanderError } from 'commander';
import { describeError, isUserError } from '../engine/errors.js';
import { registerLibraryCommands } from './commands/library.js';
import { registerTrainCommand } from './commands/train.js';
import { registerServeCommand } from './commands/serve.js';
import { registerModelsCommand } from './commands/models.js';
import { registerLearningCommands } from './commands/learning.js';
import { guardOutputStreams } from './outputStreams.js';
import { printable } from './terminalText.js';
import { openedLibrary } from './libraryInUse.js';
import { explainDiskFull } from '../engine/store/diskFull.js';
import { exitCodeFor, isCommandLineMistake, USER_MISTAKE_EXIT_CODE, usageErrorLine } from './usageErrors.js';

guardOutputStreams();

const program = new Command('docqa')
  .description('Answers questions about the documents in your own folders, offline.')
  .version('0.1.0')
  // Commander's own error text is two lines; the catch below prints one (README: one line, exit 2).
  .configureOutput({ outputError: () => undefined })
  .exitOverride();

registerLibraryCommands(program);
registerTrainCommand(program);
registerServeCommand(program);
registerModelsCommand(program);
registerLearningCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    if (isCommandLineMistake(e))
      process.stderr.write(`${printable(usageErrorLine(program, e, process.argv.slice(2)))}\n`);
    process.exitCode = exitCodeFor(e);
  } else {
    const library = openedLibrary();
    if (library) e = explainDiskFull(e, library);
    process.stderr.write(`docqa: ${printable(describeError(e))}\n`);
    if (!isUserError(e) && process.env.DOCQA_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    process.exitCode = isUserError(e) ? USER_MISTAKE_EXIT_CODE : 1;
  }
}
