import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../main/engine/models/catalogue.js';
import { en } from '../../renderer/src/i18n/en.js';
import { isMessageKey } from '../../renderer/src/i18n/translate.js';
import { zh } from '../../renderer/src/i18n/zh.js';

describe("the models catalogue's texts in Settings", () => {
  it('exist for every catalogue model in both languages, the English being the catalogue’s own', () => {
    for (const entry of CATALOGUE) {
      for (const part of ['title', 'recommendation'] as const) {
        const key = `model.${entry.id}.${part}`;
        expect(isMessageKey(key), key).toBe(true);
        if (!isMessageKey(key)) continue;
        expect(en[key], key).toBe(entry[part]);
        expect(zh[key], key).toMatch(/\p{Script=Han}/u);
      }
    }
    // No text for a model the catalogue no longer has.
    const ids = new Set(CATALOGUE.map((e) => e.id));
    for (const key of Object.keys(en).filter((k) => k.startsWith('model.')))
      expect(ids, key).toContain(key.split('.').slice(1, -1).join('.'));
  });
});
