import { mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { FileRecord, Precision } from '../towers/transformer/manifest.js';
import { CATALOGUE, findCatalogueEntry, type CatalogueFile } from './catalogue.js';
import { checkPins, downloadFile, isTransient, probe, type RemoteFile } from './download.js';
import { importFolder, type ImportedPack } from './importFolder.js';
import { packFolderName, pathExists as exists } from './paths.js';
import { etaSeconds, RateMeter, type DownloadProgress } from './progress.js';

export interface DownloadPackOptions {
  modelsDir: string;
  precision?: Precision;
  /** Hub revision (branch, tag or commit); default the catalogue's pinned one. */
  revision?: string;
  /** Hub base URL; default $HF_ENDPOINT, else https://huggingface.co (mirrors and tests override it). */
  endpoint?: string;
  name?: string;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Resume attempts per file after a broken connection. */
  retries?: number;
}

export interface DownloadedPack extends ImportedPack {
  /** Commit the hub served. */
  commit: string | null;
  /** Bytes transferred by this call (resumed bytes not counted) and how long it took. */
  bytesTransferred: number;
  seconds: number;
}

// Room left over after the download, so the disk is not filled to the last byte.
const FREE_DISK_MARGIN = 64 * 1024 * 1024;

/**
 * Download a catalogue pack from the hub's URL layout
 * `<endpoint>/<repo>/resolve/<revision>/<path>` into a staging folder under
 * the models dir (kept between runs, so an interrupted download resumes),
 * verify every file, then install it as a pack (moving, not copying).
 */
export async function downloadPack(id: string, options: DownloadPackOptions): Promise<DownloadedPack> {
  const entry = findCatalogueEntry(id);
  if (!entry)
    throw new UserError(`unknown model "${id}"; known: ${CATALOGUE.map((e) => e.id).join(', ')}`, id);
  const precision = options.precision ?? entry.defaultPrecision;
  const variant = entry.variants[precision];
  if (!variant)
    throw new UserError(
      `${entry.id} has no ${precision} variant (has ${Object.keys(entry.variants).join(', ')})`,
      precision,
    );
  const revision = options.revision ?? entry.revision;
  // Pinned sizes/hashes describe the catalogue's revision only.
  const pinsApply = revision === entry.revision;
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(
    /\/+$/,
    '',
  );
  const name = options.name ?? entry.id;
  const dest = path.join(options.modelsDir, packFolderName(name));
  if (!options.force && (await exists(dest)))
    throw new UserError(
      `a pack named "${packFolderName(name)}" is already installed at ${dest} (use --force to replace it)`,
      dest,
    );

  const wanted: (CatalogueFile & { optional?: boolean })[] = [
    ...entry.files.map((f) => ({ ...f, optional: f.path === 'tokenizer_config.json' })),
    variant,
  ];
  const staging = path.join(
    options.modelsDir,
    '.downloads',
    `${entry.id}@${packFolderName(revision)}-${precision}`,
  );
  await mkdir(staging, { recursive: true });

  const remotes: { file: CatalogueFile; remote: RemoteFile }[] = [];
  for (const f of wanted) {
    const url = `${endpoint}/${entry.repo}/resolve/${encodeURIComponent(revision)}/${f.path.split('/').map(encodeURIComponent).join('/')}`;
    try {
      remotes.push({ file: f, remote: await probe(url, options.signal) });
    } catch (e) {
      if (f.optional && /HTTP 404/.test((e as Error).message)) continue;
      throw e;
    }
  }
  const pinsOf = (f: CatalogueFile) => (pinsApply ? { sha256: f.sha256, bytes: f.bytes } : {});
  for (const r of remotes) checkPins(r.file.path, r.remote, pinsOf(r.file));
  const commit =
    remotes.find((r) => r.remote.commit)?.remote.commit ??
    (/^[0-9a-f]{40}$/.test(revision) ? revision : null);

  const sizeOf = (r: (typeof remotes)[number]) =>
    (pinsApply ? r.file.bytes : undefined) ?? r.remote.bytes ?? 0;
  const bytesTotal = remotes.reduce((a, r) => a + sizeOf(r), 0);
  const onDisk = await Promise.all(remotes.map((r) => diskBytes(path.join(staging, r.file.path))));
  await checkFreeDisk(options.modelsDir, bytesTotal - onDisk.reduce((a, b) => a + b, 0));

  const meter = new RateMeter();
  const started = performance.now();
  let transferred = 0;
  const known: Record<string, FileRecord> = {};
  for (const [i, r] of remotes.entries()) {
    const target = path.join(staging, r.file.path);
    const expected = pinsOf(r.file);
    const report = (fileOnDisk: number) => {
      onDisk[i] = fileOnDisk;
      const done = onDisk.reduce((a, b) => a + b, 0);
      const rate = meter.rate();
      options.onProgress?.({
        file: r.file.path,
        fileIndex: i,
        files: remotes.length,
        bytesDone: done,
        bytesTotal,
        bytesPerSecond: rate,
        etaSeconds: etaSeconds(bytesTotal - done, rate),
      });
    };
    report(onDisk[i]);
    // A file finished by an earlier run goes back through verification as a complete part.
    if (await exists(target)) await rename(target, `${target}.part`);
    for (let attempt = 0; ; attempt++) {
      let before = 0;
      try {
        known[r.file.path] = await downloadFile(r.remote, target, expected, {
          signal: options.signal,
          onBytes: (fileOnDisk, fileTransferred) => {
            transferred += fileTransferred - before;
            before = fileTransferred;
            meter.add(transferred);
            report(fileOnDisk);
          },
        });
        break;
      } catch (e) {
        if (!isTransient(e) || attempt >= (options.retries ?? 3)) throw e;
      }
    }
  }

  const imported = await importFolder(staging, {
    modelsDir: options.modelsDir,
    name,
    precision,
    onnxFile: variant.path,
    catalogueId: entry.id,
    force: options.force,
    move: true,
    knownFiles: known,
    source: { repo: entry.repo, revision: commit ?? revision },
  });
  await rm(staging, { recursive: true, force: true });
  return {
    ...imported,
    commit,
    bytesTransferred: transferred,
    seconds: (performance.now() - started) / 1000,
  };
}

async function checkFreeDisk(dir: string, needed: number): Promise<void> {
  const s = await statfs(dir);
  const free = Number(s.bavail) * Number(s.bsize);
  if (needed + FREE_DISK_MARGIN > free) {
    throw new UserError(
      `not enough free disk space in ${dir}: the download needs ${mib(needed)} MiB (+${mib(FREE_DISK_MARGIN)} MiB margin), ${mib(free)} MiB free`,
      dir,
    );
  }
}

const mib = (b: number) => (b / 1048576).toFixed(1);

/** Bytes already there for a file: the finished file, else its `.part`. */
async function diskBytes(file: string): Promise<number> {
  for (const f of [file, `${file}.part`]) {
    const s = await stat(f).catch(() => null);
    if (s) return s.size;
  }
  return 0;
}
