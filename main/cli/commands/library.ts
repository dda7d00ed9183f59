import type { Command } from 'commander';
import {
  DEFAULT_SEARCH_MODE,
  inWords,
  K_LIMITS,
  PROVIDER_NAMES,
  SEARCH_MODES,
} from '../../engine/vocabulary/values.js';
// Types only: erased at run time, so this module still loads nothing heavy.
import type { IngestCliOptions, LibraryCliOptions, QueryCliOptions } from '../libraryCommands.js';

// Heavy modules (SQLite, ONNX, pdf.js) are imported inside the actions, so
// `docqa --help` and each command start fast.

const crossLingualOption = [
  '--no-cross-lingual',
  'do not also search the question translated into the other language (overrides the setting)',
] as const;

const asWrittenOption = [
  '--as-written',
  "search the question's words exactly as written: no word the documents lack is read as a misspelling",
] as const;

const dbOption = ['--db <file>', 'library database (default: your per-user library, or $DOCQA_DB)'] as const;
const modelOption = [
  '--model <pack>',
  'tower pack folder (default: the library setting, else the built-in pack)',
] as const;
const providerOption = ['--provider <name>', `execution provider: ${PROVIDER_NAMES.join(', ')}`] as const;
const kOption = [
  '--k <n>',
  `passages to return (${K_LIMITS.min}-${K_LIMITS.max})`,
  String(K_LIMITS.default),
] as const;
const modeOption = ['--mode <mode>', inWords(SEARCH_MODES), DEFAULT_SEARCH_MODE] as const;

export function registerLibraryCommands(program: Command): void {
  program
    .command('ingest')
    .description('add folders to the library and index their documents (unchanged files are skipped)')
    .argument('<folder...>', 'folders to index')
    .option(...dbOption)
    .option(...modelOption)
    .option(...providerOption)
    .option('--force', 're-read every file, even unchanged ones')
    .option('--retry-failed', 're-read the files that failed last time')
    .option(
      '--ignore <pattern>',
      "gitignore-style pattern of files to leave out of these folders (repeatable; replaces the folders' earlier list)",
      (pattern: string, list: string[] = []) => [...list, pattern],
    )
    .option('--json', 'print the summary as JSON')
    .action(async (folders: string[], options: IngestCliOptions) => {
      const { runIngestCommand } = await import('../libraryCommands.js');
      await runIngestCommand(folders, options);
    });

  program
    .command('ask')
    .description('ask a question about your documents')
    .argument('<question>', 'the question, in any language')
    .option(...dbOption)
    .option(...modelOption)
    .option(...providerOption)
    .option(...kOption)
    .option(...modeOption)
    .option(...crossLingualOption)
    .option(...asWrittenOption)
    .option('--json', 'print the answer as one JSON object')
    .action(async (question: string, options: QueryCliOptions) => {
      const { runAskCommand } = await import('../libraryCommands.js');
      await runAskCommand(question, options);
    });

  program
    .command('search')
    .description('answer many questions: one JSON line per question, in input order')
    .requiredOption('--batch <file>', 'JSON Lines file with at least {"id", "question"} per line')
    .option(...dbOption)
    .option(...modelOption)
    .option(...providerOption)
    .option(...kOption)
    .option(...modeOption)
    .option(...crossLingualOption)
    .option(...asWrittenOption)
    .option('--json', 'JSON Lines output (the only format)')
    .action(async (options: QueryCliOptions & { batch: string }) => {
      const { runSearchBatchCommand } = await import('../libraryCommands.js');
      await runSearchBatchCommand(options);
    });

  program
    .command('eval')
    .description(
      'index evaluation sets and score retrieval (hit@1/5/10, MRR@10; manuals-format sets per kind)',
    )
    .argument('<set-dir...>', 'evaluation sets: folders with docs/ and questions.jsonl')
    .option('--pool', 'one library for all sets')
    .option('--mode <modes>', `${SEARCH_MODES.join(', ')} or a comma-separated list`, DEFAULT_SEARCH_MODE)
    .option('--model <pack>', 'tower pack folder (default: the built-in pack)')
    .option('--k <n>', 'passages retrieved per question', '10')
    .option('--db <file>', 'keep the index in this file and reuse it next time (default: a temporary file)')
    .option('--chunk-chars <n>', 'target chunk size for the index (default: the library default, 800)')
    .option('--dump <file>', "write every question's outcome (first hit, top paths) as JSON Lines")
    .option('--json', 'one JSON object per set and mode (manuals-format sets: per kind)')
    .action(
      async (
        sets: string[],
        options: QueryCliOptions & { pool?: boolean; chunkChars?: string; dump?: string },
      ) => {
        const { runEvalCommand } = await import('../libraryCommands.js');
        await runEvalCommand(sets, options);
      },
    );

  program
    .command('status')
    .description('folders, counts, failed files with their reasons, tower pack and provider')
    .option(...dbOption)
    .option(...modelOption)
    .option(...providerOption)
    .option('--json', 'print the status as JSON')
    .action(async (options: LibraryCliOptions) => {
      const { runStatusCommand } = await import('../libraryCommands.js');
      await runStatusCommand(options);
    });

  program
    .command('watch')
    .description('index the library folders, then keep re-indexing files as they change (Ctrl+C stops)')
    .option(...dbOption)
    .option(...modelOption)
    .option(...providerOption)
    .option('--json', 'one JSON line per event')
    .action(async (options: LibraryCliOptions) => {
      const { runWatchCommand } = await import('../libraryCommands.js');
      await runWatchCommand(options);
    });

  program
    .command('remove')
    .description('remove a folder from the library (its files on disk are not touched)')
    .argument('<folder>', 'the folder as it was added')
    .option(...dbOption)
    .option(
      '--undo',
      'put back a folder removed in the last 10 minutes, with what you said of its passages, and index it',
    )
    .option(...modelOption)
    .option(...providerOption)
    .action(async (folder: string, options: LibraryCliOptions & { undo?: boolean }) => {
      const { runRemoveCommand } = await import('../libraryCommands.js');
      await runRemoveCommand(folder, options);
    });

  program
    .command('demo')
    .description('index the built-in sample documents and answer a few questions about them')
    .option('--db <file>', 'where to keep the demo library (default: DocQA/demo.sqlite in your data folder)')
    .option(...modelOption)
    .option(...providerOption)
    .option('--json', 'print the answers as JSON')
    .action(async (options: LibraryCliOptions) => {
      const { runDemoCommand } = await import('../libraryCommands.js');
      await runDemoCommand(options);
    });
}
