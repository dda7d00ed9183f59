import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeError, UserError } from '../errors.js';
import type { FeatureRole } from './featurizerSpec.js';
import { parseCommonManifest, type FileRecord, type HashedManifest } from './manifest.js';
import { readModelInfo, type ModelInfo } from './onnx/modelInfo.js';
import { sha256Hex } from './towerIdentity.js';

/** Reading a pack's files with one-line UserErrors for whatever is missing or corrupt. */
export async function readOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${what} is missing: ${file}`, file);
    throw new UserError(`cannot read ${what} ${file}: ${describeError(e)}`, file, { cause: e });
  }
}

/** The folder's manifest.json, parsed as JSON (not yet validated). */
export async function readPackManifest(
  dir: string,
): Promise<{ root: string; raw: Record<string, unknown>; file: string }> {
  const root = path.resolve(dir);
  const stat = await fs.stat(root).catch(() => null);
  if (!stat?.isDirectory()) throw new UserError(`tower pack folder not found: ${root}`, root);
  const file = path.join(root, 'manifest.json');
  const text = await readOrFail(file, 'pack manifest');
  try {
    return { root, raw: JSON.parse(text.toString('utf8')) as Record<string, unknown>, file };
  } catch (e) {
    throw new UserError(`corrupt pack manifest ${file}: ${describeError(e)}`, file, { cause: e });
  }
}

function recordOf(root: string, manifest: { files: Record<string, FileRecord> }, name: string): FileRecord {
  const record = manifest.files[name];
  if (!record)
    throw new UserError(
      `pack manifest ${path.join(root, 'manifest.json')} does not list ${name} under "files"`,
      path.join(root, name),
    );
  return record;
}

function mismatch(file: string): UserError {
  return new UserError(
    `pack file ${file} does not match its manifest entry (truncated, corrupt or modified)`,
    file,
  );
}

/** A file's bytes checked against the manifest's sha256 and size; returns the file. */
export async function verifiedFile(
  root: string,
  manifest: { files: Record<string, FileRecord> },
  name: string,
): Promise<Buffer> {
  const file = path.join(root, name);
  const record = recordOf(root, manifest, name);
  const data = await readOrFail(file, 'pack file');
  if (data.byteLength !== record.bytes || sha256Hex(data) !== record.sha256) throw mismatch(file);
  return data;
}

/**
 * Every file the manifest lists, hashed and compared (openPack checks the
 * ONNX files this way but only the sizes of external weight files, which
 * can be hundreds of MB: hashing them would cost most of the load time).
 */
export async function verifyPack(dir: string): Promise<{ root: string; files: number; bytes: number }> {
  const { root, raw, file } = await readPackManifest(dir);
  const manifest = parseCommonManifest(raw, file);
  let bytes = 0;
  for (const name of Object.keys(manifest.files))
    bytes += (await verifiedFile(root, manifest, name)).byteLength;
  return { root, files: Object.keys(manifest.files).length, bytes };
}

export interface CheckedTower {
  role: FeatureRole;
  model: string;
  bytes: Uint8Array;
  info: ModelInfo;
  /** External data files the ONNX names. */
  externalFiles: string[];
}

/**
 * The cheap checks, before any worker starts: the tower's ONNX against the
 * manifest (hash, size), its output width against `dim`, and the external
 * files it names (listed, present, long enough).
 */
export async function checkTower(root: string, m: HashedManifest, role: FeatureRole): Promise<CheckedTower> {
  const name = m.hashedNgram[role === 'question' ? 'question' : 'answer'].model;
  const model = path.join(root, name);
  const record = recordOf(root, m, name);
  const bytes = await readOrFail(model, 'tower model');
  if (bytes.byteLength !== record.bytes || sha256Hex(bytes) !== record.sha256) throw mismatch(model);
  let info;
  try {
    info = readModelInfo(bytes);
  } catch (e) {
    throw new UserError(`corrupt tower model ${model}: ${describeError(e)}`, model, { cause: e });
  }
  const width = info.outputs[0]?.shape[1];
  if (width !== m.dim)
    throw new UserError(
      `pack ${root}: manifest says dim ${m.dim} but ${name} outputs ${String(width)}`,
      model,
    );
  const needed = new Map<string, number>();
  for (const r of info.external)
    needed.set(r.location, Math.max(needed.get(r.location) ?? 0, r.offset + r.length));
  for (const [location, end] of needed) {
    const file = path.join(root, location);
    const rec = recordOf(root, m, location);
    const size = (await fs.stat(file).catch(() => null))?.size;
    if (size === undefined) throw new UserError(`pack file is missing: ${file}`, file);
    if (size !== rec.bytes || size < end) throw mismatch(file);
  }
  return { role, model, bytes, info, externalFiles: [...needed.keys()] };
}
