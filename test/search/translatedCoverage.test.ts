import { describe, expect, it } from 'vitest';
import { translatedCoverage, type CrossLingualRecall } from '../../main/engine/search/crossLingual.js';

/** A Chinese question "AD 域账号备份" over an English library: 备份 translates to "backup", which the library holds. */
function recall(unread: string[] = []): CrossLingualRecall {
  return {
    candidates: new Map(),
    translatedTerms: ['backup'],
    groups: [
      { source: '备份', sourceUnits: ['备', '份'], members: [{ terms: ['backup'], display: 'backup' }] },
    ],
    framingUnits: new Set(),
    unread: new Set(unread),
    // "ad" has Chinese translations (额外, 公元), none of them in an English library.
    absentGroups: [{ source: 'ad', sourceUnits: ['ad'], members: [{ terms: ['额外'], display: '额外' }] }],
    stats: { chunks: 100, df: new Map([['backup', 5]]) },
  };
}

describe('translatedCoverage', () => {
  it('counts a translated word as covered when one of its translations is in the passage', () => {
    expect(translatedCoverage(recall(), new Set(['备', '份']), new Set(['backup', 'restor']))).toBe(1);
    expect(translatedCoverage(recall(), new Set(['备', '份']), new Set(['restor']))).toBe(0);
  });

  it('weighs a Latin word of the question as itself when its translations are not in the library', () => {
    // The library's own language: "ad" must be in the passage itself, and here it is not.
    const without = translatedCoverage(recall(), new Set(['备', '份', 'ad']), new Set(['backup']));
    expect(without).toBeGreaterThan(0);
    expect(without).toBeLessThan(1);
    expect(translatedCoverage(recall(), new Set(['备', '份', 'ad']), new Set(['backup', 'ad']))).toBe(1);
  });

  it('leaves out the words of pasted text that were never translated', () => {
    // "restor" came after the words translated: neither covered nor missing.
    expect(translatedCoverage(recall(['restor']), new Set(['备', '份', 'restor']), new Set(['backup']))).toBe(
      1,
    );
    expect(translatedCoverage(recall(), new Set(['备', '份', 'restor']), new Set(['backup']))).toBeLessThan(
      1,
    );
  });

  it('counts a name that no passage holds, in either language, as not covered', () => {
    const units = new Set(['备', '份', '树', '莓', '派']);
    expect(translatedCoverage(recall(), units, new Set(['backup']))).toBe(1);
    const withName = translatedCoverage(recall(), units, new Set(['backup']), ['树莓派']);
    // The name weighs as an absent term (IDF of df 0 in 100 passages), "backup" as its own (df 5).
    const absentIdf = Math.log(100.5 / 0.5);
    const backupIdf = Math.log(95.5 / 5.5);
    expect(withName).toBeCloseTo(backupIdf / (backupIdf + absentIdf), 10);
  });
});
