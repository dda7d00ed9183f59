import { UserError } from '../errors.js';
import type { FeatureRole, FeaturizerSpec } from './featurizerSpec.js';
import { parseHashedManifest, type HashedManifest, type HashedTowerFiles } from './manifest.js';
import type { HashedTowerParams, TableStorage } from './onnx/hashedTower.js';
import type { InitializerInfo } from './onnx/modelInfo.js';
import { checkTower, readPackManifest, verifiedFile, type CheckedTower } from './packFiles.js';

export interface HashedPackContents {
  manifest: HashedManifest;
  featurizer: FeaturizerSpec;
  question: HashedTowerParams;
  /** The same object as `question` in a shared-weights pack. */
  answer: HashedTowerParams;
}

const FLOAT = 1;
const INT8 = 3;
const FLOAT16 = 10;

/**
 * A hashed-ngram pack's weights, read back into the parameters
 * buildHashedTowerModel takes (e.g. to fine-tune a pack). Files are checked
 * against the manifest as openPack does. A tensor both towers take from the
 * same place in an external file (a tied table) comes back as one typed
 * array, so `question.table.data === answer.table.data` tells a tied table.
 */
export async function readHashedPack(dir: string): Promise<HashedPackContents> {
  const { root, raw, file } = await readPackManifest(dir);
  const manifest = parseHashedManifest(raw, file);
  const binFiles = new Map<string, Promise<Buffer>>();
  const shared = new Map<string, ArrayBufferView>();

  const bin = (name: string): Promise<Buffer> => {
    if (!binFiles.has(name)) {
      binFiles.set(name, verifiedFile(root, manifest, name));
    }
    return binFiles.get(name)!;
  };

  /** One initializer as a typed array of its data type (copied, so aligned and detached from the file). */
  const tensor = async <T extends ArrayBufferView>(
    tower: CheckedTower,
    init: InitializerInfo,
    dataType: number,
    make: (bytes: Uint8Array) => T,
  ): Promise<T> => {
    if (init.dataType !== dataType) {
      throw new UserError(
        `${tower.model}: tensor ${init.name} has data type ${init.dataType}, expected ${dataType}`,
        tower.model,
      );
    }
    if (init.external) {
      const { location, offset, length } = init.external;
      const key = `${location}:${offset}:${length}`;
      if (!shared.has(key)) {
        const bytes = (await bin(location)).subarray(offset, offset + length);
        shared.set(key, make(new Uint8Array(bytes)));
      }
      return shared.get(key) as T;
    }
    if (!init.raw) throw new UserError(`${tower.model}: tensor ${init.name} has no raw data`, tower.model);
    return make(new Uint8Array(init.raw));
  };
  const f32 = (b: Uint8Array): Float32Array => new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  const f16 = (b: Uint8Array): Uint16Array => new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
  const i8 = (b: Uint8Array): Int8Array => new Int8Array(b.buffer, b.byteOffset, b.byteLength);

  const readTower = async (role: FeatureRole, desc: HashedTowerFiles): Promise<HashedTowerParams> => {
    const tower = await checkTower(root, manifest, role);
    const byName = new Map(tower.info.initializers.map((i) => [i.name, i]));
    const need = (name: string): InitializerInfo => {
      const init = byName.get(name);
      if (!init)
        throw new UserError(
          `${tower.model} has no tensor ${name}, which its manifest entry implies`,
          tower.model,
        );
      return init;
    };
    const tableInit = need('table');
    const [rows, dimIn] = tableInit.dims;
    if (rows === undefined || dimIn === undefined)
      throw new UserError(`${tower.model}: table is not 2-D`, tower.model);
    let table: TableStorage;
    if (desc.table === 'float32')
      table = { dtype: 'float32', data: await tensor(tower, tableInit, FLOAT, f32) };
    else if (desc.table === 'float16')
      table = { dtype: 'float16', data: await tensor(tower, tableInit, FLOAT16, f16) };
    else {
      table = {
        dtype: 'int8',
        data: await tensor(tower, tableInit, INT8, i8),
        scales: await tensor(tower, need('table_scales'), FLOAT, f32),
      };
    }
    const params: HashedTowerParams = { rows, dimIn, table, pooling: desc.pooling };
    if (desc.normalizePooled) params.normalizePooled = true;
    if (desc.int8Compute === 'integer') params.int8Compute = 'integer';
    if (desc.termWeights) params.termWeights = await tensor(tower, need('term_weights'), FLOAT, f32);
    if (desc.projection) {
      params.projection = {
        weight: await tensor(tower, need('proj_weight'), FLOAT, f32),
        dim: desc.projection.dim,
        activation: desc.projection.activation,
        residual: desc.projection.residual,
      };
      if (desc.projection.bias) params.projection.bias = await tensor(tower, need('proj_bias'), FLOAT, f32);
    }
    return params;
  };

  const question = await readTower('question', manifest.hashedNgram.question);
  const answer =
    manifest.hashedNgram.answer.model === manifest.hashedNgram.question.model
      ? question
      : await readTower('passage', manifest.hashedNgram.answer);
  return { manifest, featurizer: manifest.hashedNgram.featurizer, question, answer };
}
