import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { CATALOGUE, type CatalogueEntry } from './catalogue.js';
import { pathExists } from './paths.js';

/** A pack folder found in the models dir (any kind), as `models list` and Settings show it. */
export interface InstalledPack {
  name: string;
  dir: string;
  kind: string;
  version: string;
  dim: number;
  license: string;
  precision: string | null;
  /** Catalogue id it was downloaded as / matched at import. */
  catalogueId: string | null;
  bytes: number;
}

export interface CatalogueListing {
  id: string;
  title: string;
  repo: string;
  revision: string;
  revisionPinned: boolean;
  license: string;
  languages: string[];
  dim: number;
  pooling: string;
  recommendation: string;
  defaultPrecision: string;
  precisions: string[];
  /** Download size of the default precision when every file's size is pinned, else null. */
  downloadBytes: number | null;
  installed: boolean;
}

export async function listInstalledPacks(modelsDir: string): Promise<InstalledPack[]> {
  const names = await readdir(modelsDir).catch(() => [] as string[]);
  const packs: InstalledPack[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const dir = path.join(modelsDir, name);
    const m = await readManifest(dir).catch(() => null);
    if (!m) continue;
    const files = (m.files ?? {}) as Record<string, { bytes?: number }>;
    const t = m.transformer as { precision?: string; source?: { catalogueId?: string } } | undefined;
    packs.push({
      name: String(m.name ?? name),
      dir,
      kind: String(m.kind ?? 'unknown'),
      version: String(m.version ?? ''),
      dim: Number(m.dim ?? 0),
      license: String(m.license ?? 'unknown'),
      precision: t?.precision ?? null,
      catalogueId: t?.source?.catalogueId ?? null,
      bytes: Object.values(files).reduce((a, f) => a + (f.bytes ?? 0), 0),
    });
  }
  return packs;
}

export function catalogueListing(installed: readonly InstalledPack[]): CatalogueListing[] {
  return CATALOGUE.map((e) => ({
    id: e.id,
    title: e.title,
    repo: e.repo,
    revision: e.revision,
    revisionPinned: e.revisionPinned,
    license: e.license,
    languages: e.languages,
    dim: e.dim,
    pooling: e.pooling,
    recommendation: e.recommendation,
    defaultPrecision: e.defaultPrecision,
    precisions: Object.keys(e.variants),
    downloadBytes: downloadBytes(e),
    installed: installed.some((p) => p.catalogueId === e.id || p.name === e.id),
  }));
}

function downloadBytes(e: CatalogueEntry): number | null {
  const files = [
    ...e.files.filter((f) => f.path !== 'tokenizer_config.json' && f.path !== 'config.json'),
    e.variants[e.defaultPrecision]!,
  ];
  return files.every((f) => f.bytes !== undefined) ? files.reduce((a, f) => a + f.bytes!, 0) : null;
}

/**
 * What `docqa models use <ref>` means by ref: an installed pack's name, or a
 * path to any pack folder (one with a manifest.json).
 */
export async function resolvePackDir(ref: string, modelsDir: string): Promise<string> {
  for (const dir of [path.join(modelsDir, ref), path.resolve(ref)]) {
    if (await pathExists(path.join(dir, 'manifest.json'))) return dir;
  }
  const names = (await listInstalledPacks(modelsDir)).map((p) => p.name);
  throw new UserError(
    `no pack "${ref}" in ${modelsDir} and no pack folder at that path${names.length ? ` (installed: ${names.join(', ')})` : ''}`,
    ref,
  );
}

async function readManifest(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
}
