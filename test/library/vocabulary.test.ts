import { describe, expect, it } from 'vitest';
import { apiInputs } from '../../main/api/contract.js';
import { isUserError } from '../../main/engine/errors.js';
import { parseSettingsPatch } from '../../main/engine/library/settings.js';
import {
  CHUNK_OVERLAP_CHARS,
  CHUNK_TARGET_CHARS,
  PROVIDER_NAMES,
  THREADS,
} from '../../main/engine/vocabulary/values.js';

/** Whether the engine takes a settings patch (it throws a UserError when not). */
function engineTakes(patch: Record<string, unknown>): boolean {
  try {
    parseSettingsPatch(patch);
    return true;
  } catch (e) {
    if (!isUserError(e)) throw e;
    return false;
  }
}

const contractTakes = (patch: Record<string, unknown>): boolean =>
  apiInputs.updateSettings.safeParse(patch).success;

describe('one vocabulary: the contract and the engine agree', () => {
  const limits = {
    threads: THREADS,
    chunkTargetChars: CHUNK_TARGET_CHARS,
    chunkOverlapChars: CHUNK_OVERLAP_CHARS,
  };
  for (const [key, { min, max }] of Object.entries(limits)) {
    it(`${key}: ${min} to ${max}, both ends included`, () => {
      for (const [value, ok] of [
        [min, true],
        [max, true],
        [min - 1, false],
        [max + 1, false],
      ] as const) {
        expect(contractTakes({ [key]: value }), `contract, ${key}=${value}`).toBe(ok);
        expect(engineTakes({ [key]: value }), `engine, ${key}=${value}`).toBe(ok);
      }
    });
  }

  it('takes every provider name and nothing else', () => {
    for (const provider of [...PROVIDER_NAMES, 'tpu']) {
      const ok = provider !== 'tpu';
      expect(contractTakes({ provider, questionProvider: provider })).toBe(ok);
      expect(engineTakes({ provider, questionProvider: provider })).toBe(ok);
    }
  });
});
