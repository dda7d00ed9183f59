import type { Command, CommanderError } from 'commander';

/** The exit code of every user mistake (README: one line on stderr, exit 2). */
export const USER_MISTAKE_EXIT_CODE = 2;

/**
 * The subcommand the words on the command line name (`docqa models use x` → models use),
 * so the hint can point at the right `--help`.
 */
function commandNamed(program: Command, args: readonly string[]): Command {
  let command = program;
  for (const word of args) {
    if (word.startsWith('-')) continue;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    command = sub;
  }
  return command;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * One line for a command-line mistake that commander found (unknown option or command,
 * missing argument, too many arguments). Commander's own text is two or more lines:
 * "error: …", then "(Did you mean …?)" and a help hint.
 */
export function usageErrorLine(program: Command, error: CommanderError, args: readonly string[]): string {
  const command = commandNamed(program, args);
  const message = error.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\.$/, '');
  const hint =
    error.code === 'commander.excessArguments' && command.name() === 'ask'
      ? '; put the question in quotes'
      : '';
  return `docqa: ${message}${hint} (see ${commandPath(command)} --help)`;
}

/** Commander's codes that end a run without a mistake to report (help and version were printed). */
const PRINTED = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

/** Whether commander stopped on a mistake in the command line (then print `usageErrorLine`). */
export function isCommandLineMistake(error: CommanderError): boolean {
  return !PRINTED.has(error.code);
}

/**
 * The exit code after a CommanderError: 0 after help or version; 2 for a mistake, and for
 * `docqa` or `docqa models` without a command (commander then shows the help on stderr).
 */
export function exitCodeFor(error: CommanderError): number {
  return isCommandLineMistake(error) || error.exitCode !== 0 ? USER_MISTAKE_EXIT_CODE : 0;
}
