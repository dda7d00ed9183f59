import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import type { Precision } from '../../engine/towers/transformer/manifest.js';
import type { Pooling } from '../../engine/towers/transformer/pooling.js';
import { printable, safe } from '../terminalText.js';

/**
 * `docqa models list|import|download|use|verify|providers`: pretrained transformer
 * packs (catalogue, offline import, hub download) and which pack a library uses.
 * Heavy modules load inside each action so `docqa ask` stays quick to start.
 */
export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('pretrained tower packs: list, import a folder, download from the catalogue, use one')
    .option(
      '--models-dir <dir>',
      'where packs are installed (default: $DOCQA_MODELS_DIR or the per-user data folder)',
    );

  const modelsDir = async (): Promise<string> => {
    const { defaultModelsDir } = await import('../../engine/models/paths.js');
    const dir = models.opts<{ modelsDir?: string }>().modelsDir;
    return dir ? path.resolve(dir) : defaultModelsDir();
  };

  models
    .command('list')
    .description('installed packs and the catalogue of recommended ones')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const { listInstalledPacks, catalogueListing } = await import('../../engine/models/installed.js');
      const dir = await modelsDir();
      const installed = await listInstalledPacks(dir);
      const catalogue = catalogueListing(installed);
      if (o.json)
        return void process.stdout.write(`${JSON.stringify({ modelsDir: dir, installed, catalogue })}\n`);
      const out: string[] = [safe`Installed packs (${dir}):`];
      if (!installed.length) out.push('  (none; the built-in pack is always available)');
      for (const p of installed)
        out.push(
          `  ${printable(p.name).padEnd(28)} ${printable(p.kind).padEnd(12)} ${String(p.dim).padStart(4)}-d  ${printable(p.precision ?? '').padEnd(5)} ${mib(p.bytes)} MiB  ${printable(p.license)}`,
        );
      out.push('', 'Catalogue (docqa models download <id>):');
      for (const c of catalogue) {
        const size = c.downloadBytes === null ? 'size at download' : `${mib(c.downloadBytes)} MiB`;
        out.push(
          `  ${(c.installed ? '* ' : '  ') + c.id.padEnd(24)} ${String(c.dim).padStart(4)}-d ${c.pooling.padEnd(5)} ${c.license.padEnd(4)} ${c.defaultPrecision} ${size}`,
        );
        out.push(`      ${c.recommendation}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });

  models
    .command('import <folder>')
    .description('install a model folder exported from the Hugging Face hub (offline installs)')
    .option('--name <name>', 'pack name (default: the catalogue id, else the folder name)')
    .option('--catalogue <id>', 'take settings from this catalogue entry')
    .option('--precision <p>', 'which ONNX file: fp32 | fp16 | int8')
    .option('--onnx <file>', 'the ONNX file inside the folder, when it has an unusual name')
    .option('--pooling <p>', 'mean | cls | none')
    .option('--query-prefix <text>', 'text put before questions (e5: "query: ")')
    .option('--passage-prefix <text>', 'text put before passages (e5: "passage: ")')
    .option('--max-length <n>', 'tokens per text, special tokens included')
    .option(
      '--question <folder>',
      'a separate question encoder export (DPR-style pair; <folder> is then the context encoder)',
    )
    .option('--license <text>', 'licence of the weights, when the folder does not say')
    .option('--force', 'replace an installed pack of the same name')
    .option('--json', 'machine-readable output')
    .action(async (folder: string, o: Record<string, string | boolean | undefined>) => {
      const { importFolder } = await import('../../engine/models/importFolder.js');
      const got = await importFolder(folder, {
        modelsDir: await modelsDir(),
        name: o.name as string | undefined,
        catalogueId: o.catalogue as string | undefined,
        precision: oneOf(o.precision, ['fp32', 'fp16', 'int8'] as const, '--precision') as
          Precision | undefined,
        onnxFile: o.onnx as string | undefined,
        pooling: oneOf(o.pooling, ['mean', 'cls', 'none'] as const, '--pooling') as Pooling | undefined,
        questionPrefix: o.queryPrefix as string | undefined,
        answerPrefix: o.passagePrefix as string | undefined,
        maxLength: o.maxLength === undefined ? undefined : positiveInt(o.maxLength as string, '--max-length'),
        questionFolder: o.question as string | undefined,
        license: o.license as string | undefined,
        force: Boolean(o.force),
      });
      report(
        o.json,
        { dir: got.dir, manifest: got.manifest },
        `installed ${got.manifest.name} (${got.manifest.dim}-d, ${got.manifest.pooling} pooling, ${got.manifest.transformer.precision}) at ${got.dir}\nuse it with: docqa models use ${got.manifest.name}`,
      );
    });

  models
    .command('download <id>')
    .description('download a catalogue pack from the Hugging Face hub (resumable; Ctrl-C to pause)')
    .option('--revision <rev>', 'hub revision (default: the one the catalogue pins)')
    .option('--precision <p>', 'fp32 | fp16 | int8 (default: the catalogue default)')
    .option('--name <name>', 'install under another name')
    .option('--force', 'replace an installed pack of the same name')
    .option('--json', 'machine-readable output (no progress bar)')
    .action(
      async (
        id: string,
        o: { revision?: string; precision?: string; name?: string; force?: boolean; json?: boolean },
      ) => {
        const { downloadPack } = await import('../../engine/models/downloadPack.js');
        const { formatProgress } = await import('../../engine/models/progress.js');
        const ac = new AbortController();
        const onSigint = () => ac.abort();
        process.once('SIGINT', onSigint);
        const tty = !o.json && process.stderr.isTTY;
        let last = 0;
        try {
          const got = await downloadPack(id, {
            modelsDir: await modelsDir(),
            revision: o.revision,
            precision: oneOf(o.precision, ['fp32', 'fp16', 'int8'] as const, '--precision') as
              Precision | undefined,
            name: o.name,
            force: o.force,
            signal: ac.signal,
            onProgress: (p) => {
              const now = Date.now();
              if (o.json || now - last < (tty ? 100 : 5000)) return;
              last = now;
              process.stderr.write(tty ? `\r\x1b[K${formatProgress(p)}` : `${formatProgress(p)}\n`);
            },
          });
          if (tty) process.stderr.write('\r\x1b[K');
          report(
            o.json,
            {
              dir: got.dir,
              commit: got.commit,
              bytesTransferred: got.bytesTransferred,
              seconds: got.seconds,
              manifest: got.manifest,
            },
            `installed ${got.manifest.name} @ ${got.commit ?? o.revision ?? 'pinned revision'} (${mib(got.bytesTransferred)} MiB in ${got.seconds.toFixed(1)} s) at ${got.dir}\nuse it with: docqa models use ${got.manifest.name}`,
          );
        } finally {
          if (tty) process.stderr.write('\r\x1b[K');
          process.off('SIGINT', onSigint);
        }
      },
    );

  models
    .command('use <pack>')
    .description(
      'switch a library to a pack (name, folder, or "builtin"); re-embeds when the answer tower changes, search keeps the old vectors meanwhile',
    )
    .option('--db <file>', 'library file (default: $DOCQA_DB or the per-user library)')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: { db?: string; json?: boolean }) => {
      const { openLibrary } = await import('../libraryCommands.js');
      const packDir = ref === 'builtin' ? null : await packDirFor(ref, await modelsDir());
      // As every library command opens it: the re-index notice, a full disk said as such.
      const lib = await openLibrary({ db: o.db }, false);
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      const tty = !o.json && process.stderr.isTTY;
      try {
        const result = await lib.reembed({
          packDir,
          signal: ac.signal,
          onProgress: (p) => {
            if (!tty || p.phase !== 'embedding') return;
            const eta =
              p.etaSeconds === null
                ? '--:--'
                : `${Math.floor(p.etaSeconds / 60)}:${String(p.etaSeconds % 60).padStart(2, '0')}`;
            process.stderr.write(
              `\r\x1b[Kre-embedding ${p.chunksDone}/${p.chunksTotal} chunks  ${p.rate.toFixed(1)} chunks/s  ETA ${eta}`,
            );
          },
        });
        if (tty) process.stderr.write('\r\x1b[K');
        const status = await lib.status();
        if (result.phase === 'cancelled') {
          throw new UserError(
            `re-embedding paused at ${result.chunksDone}/${result.chunksTotal} chunks; search keeps the previous vectors; run the same command again to continue`,
          );
        }
        const what =
          result.chunksTotal === 0
            ? 'no re-embedding needed'
            : `re-embedded ${result.chunksDone} chunks in ${(result.elapsedMs / 1000).toFixed(1)} s`;
        report(
          o.json,
          { packDir, pack: status.pack, result, needsReembed: status.needsReembed },
          `${status.dbPath} now uses ${status.pack.name} ${status.pack.version} (${what})`,
        );
      } finally {
        process.off('SIGINT', onSigint);
        await lib.close();
      }
    });

  models
    .command('verify [pack]')
    .description(
      'check every file of a pack against its manifest (name, folder, or "builtin", the default): a damaged install is named',
    )
    .option('--json', 'machine-readable output')
    .action(async (ref: string | undefined, o: { json?: boolean }) => {
      const { verifyPack } = await import('../../engine/towers/packFiles.js');
      const { builtinPackDir } = await import('../../engine/towers/builtinPack.js');
      const dir = !ref || ref === 'builtin' ? builtinPackDir() : await packDirFor(ref, await modelsDir());
      const checked = await verifyPack(dir);
      report(
        o.json,
        checked,
        `${checked.root}: ${checked.files} files match the manifest (${mib(checked.bytes)} MiB)`,
      );
    });

  models
    .command('providers')
    .description("execution providers this machine's onnxruntime-node offers")
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const { availableProviders } = await import('../../engine/towers/sessions.js');
      const available = availableProviders();
      report(
        o.json,
        { available },
        `onnxruntime-node offers: ${available.join(', ')}\n` +
          'cpu works everywhere. For CUDA (Linux x64, NVIDIA driver + CUDA 12): reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci.\n' +
          'DirectML (Windows) and CoreML (macOS) come with onnxruntime-node on those platforms. Choose with Settings → provider or --provider.',
      );
    });
}

/** JSON as is, or the text for a person with anything from a manifest or path made printable. */
function report(json: boolean | string | undefined, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${printable(text, { multiline: true })}\n`);
}

/**
 * The pack folder `docqa models use <ref>` means. resolvePackDir's message fits a name that
 * is not installed; a folder that exists but is not a pack is told what it lacks.
 */
async function packDirFor(ref: string, modelsDir: string): Promise<string> {
  const { resolvePackDir } = await import('../../engine/models/installed.js');
  try {
    return await resolvePackDir(ref, modelsDir);
  } catch (e) {
    const dir = path.resolve(ref);
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat?.isFile()) throw new UserError(`${dir} is a file: a pack is a folder with a manifest.json`, ref);
    if (!stat?.isDirectory()) throw e;
    const hubExport = existsSync(path.join(dir, 'tokenizer.json'));
    throw new UserError(
      hubExport
        ? `no manifest.json in ${dir}: it looks like a Hugging Face export, install it with "docqa models import ${ref}"`
        : `no manifest.json in ${dir}: not a DocQA model pack`,
      ref,
    );
  }
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], flag: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new UserError(`${flag} must be one of ${allowed.join(', ')} (got ${String(v)})`, flag);
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 4)
    throw new UserError(`${flag} must be a whole number of at least 4 (got ${v})`, flag);
  return n;
}

const mib = (b: number) => (b / 1048576).toFixed(1);
