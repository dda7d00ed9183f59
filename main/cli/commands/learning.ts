import type { Command } from 'commander';
import { SIGNAL_KINDS } from '../../engine/vocabulary/values.js';
import type { LibraryCliOptions } from '../libraryCommands.js';
// Types only: erased at run time, so this module still loads nothing heavy.
import type { LearningAction, LearningCliOptions } from '../learningCommands.js';

const dbOption = ['--db <file>', 'library database (default: your per-user library, or $DOCQA_DB)'] as const;
const modelOption = [
  '--model <pack>',
  'tower pack folder (default: the library setting, else the built-in pack)',
] as const;

/**
 * `docqa feedback` (what the user says of a passage in a logged answer) and
 * `docqa learning …` (what has been learned from it, and the user's hold on it).
 * Heavy modules load inside each action, as for the other commands.
 */
export function registerLearningCommands(program: Command): void {
  program
    .command('feedback')
    .description(
      'say which passage of an answer answered it (good) or did not (bad); open, preview and copy are weaker signals',
    )
    .argument('<answer-id>', 'the answer id that docqa ask printed (its --json has it as "answerId")')
    .argument('<rank>', 'the passage, by its number in that answer (1 = the first)')
    .argument('<signal>', SIGNAL_KINDS.join(' | '))
    .option(...dbOption)
    .option(...modelOption)
    .option('--json', 'print the outcome as one JSON object')
    .action(async (answerId: string, rank: string, signal: string, options: LibraryCliOptions) => {
      const { runFeedbackCommand } = await import('../learningCommands.js');
      await runFeedbackCommand(answerId, rank, signal, options);
    });

  const learning = program
    .command('learning')
    .description(
      'what DocQA has learned from your signals: status (default), export, erase, restore, pause, resume, learn',
    );

  const sub = (name: string, description: string): Command =>
    learning
      .command(name, { isDefault: name === 'status' })
      .description(description)
      .option(...dbOption)
      .option(...modelOption)
      .option('--json', 'machine-readable output');

  const action =
    (name: LearningAction) =>
    async (options: LearningCliOptions): Promise<void> => {
      const { runLearningCommand } = await import('../learningCommands.js');
      await runLearningCommand(name, options);
    };

  // The default command: `docqa learning bogus` reaches it with 'bogus' as an argument, which is a mistyped command.
  sub('status', 'signals kept, the learned model in use and its held-back figures, the last run')
    .allowExcessArguments()
    .action(async (options: LearningCliOptions, command: Command) => {
      if (command.args.length) {
        const { UserError } = await import('../../engine/errors.js');
        throw new UserError(
          `unknown command '${command.args[0]}' (see docqa learning --help)`,
          command.args[0],
        );
      }
      await action('status')(options);
    });
  sub('export', 'every signal as JSON Lines (question, passage, signal, time, pack, ranker, passages above)')
    .option('--out <file>', 'write to this file instead of the standard output')
    .action(action('export'));
  sub('erase', 'forget every signal, the answers log and what was learned (search is as before learning)')
    .option('--yes', 'really erase (nothing is asked; export first to keep a copy)')
    .action(action('erase'));
  sub('restore', 'go back to the learned model before the one in use (or the pack’s own)').action(
    action('restore'),
  );
  sub('pause', 'stop learning (signals are still kept; models stop changing)').action(action('pause'));
  sub('resume', 'learn from signals again').action(action('resume'));
  sub('learn', 'learn from the signals so far now, and show whether the new model became active').action(
    action('learn'),
  );
}
