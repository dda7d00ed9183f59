import { createHash } from 'node:crypto';
import { canonicalJson, type FeatureRole, type FeaturizerSpec } from './featurizerSpec.js';

/**
 * The identity hash of one tower: sha256 over its ONNX bytes, the sha256 of
 * every external data file the ONNX references (by name), and the canonical
 * JSON of the featurizer spec as this tower sees it (the spec with only this
 * role's feature cap, so changing the question cap leaves the answer tower's
 * hash, and so the index's vectors, valid).
 */
export function featurizerView(spec: FeaturizerSpec, role: FeatureRole): Record<string, unknown> {
  return { ...spec, maxFeatures: { [role]: spec.maxFeatures[role] } };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function towerHash(
  onnx: Uint8Array,
  externalFiles: ReadonlyMap<string, string>,
  spec: FeaturizerSpec,
  role: FeatureRole,
): string {
  const h = createHash('sha256');
  h.update('docqa-hashed-tower-v1\n');
  h.update(onnx);
  for (const name of [...externalFiles.keys()].sort())
    h.update(`\nexternal ${name} ${externalFiles.get(name)}`);
  h.update(`\nfeaturizer ${canonicalJson(featurizerView(spec, role))}`);
  return h.digest('hex');
}
