import { describe, expect, it } from 'vitest';
import { stemmer } from 'stemmer';
import { analyze } from '../../main/engine/text/analyzer.js';
import { inflectionKeys, inflectionStem } from '../../main/engine/text/inflection.js';

describe('inflectionStem', () => {
  it("joins a word's inflections and keeps apart what only derivation relates", () => {
    expect(inflectionStem('policies')).toBe(inflectionStem('policy'));
    expect(inflectionStem('policy')).not.toBe(inflectionStem('police'));
    expect(inflectionStem('organizations')).toBe('organization');
    expect(inflectionStem('organ')).toBe('organ');
    expect(inflectionStem('hoping')).toBe('hope');
    expect(inflectionStem('running')).toBe('run');
    expect(inflectionStem('installing')).toBe('install');
    expect(inflectionStem('conflated')).toBe('conflate');
    expect(inflectionStem('agreed')).toBe('agree');
    expect(inflectionStem('caresses')).toBe('caress');
    // Short words and words with digits are left as the analyzer leaves them.
    expect(inflectionStem('os')).toBe('os');
    expect(inflectionStem('mp3s')).toBe('mp3s');
  });

  it('gives the same index stem to every word of one inflectional stem', () => {
    const words = `policy policies police policed organ organs organization organizations organize
      generate generated general generally experiment experience operating operates operate
      international intern hoping hope hop hopping embedded embed using use used caused cause
      happy happiness agreed agree feeding feed conflated conflating sizing size`.split(/\s+/);
    const stems = new Map<string, Set<string>>();
    for (const w of words) {
      const key = inflectionStem(w);
      stems.set(key, (stems.get(key) ?? new Set()).add(stemmer(w)));
    }
    for (const [key, set] of stems) expect([...set], key).toHaveLength(1);
  });
});

describe('inflectionKeys', () => {
  it('tries the e that -ed or -ing took first, unless a doubled consonant was undone', () => {
    expect(inflectionKeys('using')).toEqual(['use', 'us']);
    expect(inflectionKeys('caused')).toEqual(['cause', 'caus']);
    expect(inflectionKeys('released')).toEqual(['release', 'releas']);
    expect(inflectionKeys('closed')).toEqual(['close']); // Porter puts it back itself
    expect(inflectionKeys('opened')).toEqual(['opene', 'open']);
    expect(inflectionKeys('planned')).toEqual(['plan']);
    expect(inflectionKeys('hoping')).toEqual(['hope']);
    expect(inflectionKeys('files')).toEqual(['file', 'fil']);
    // Step 1a leaves the e of -es: both are tried, the plain one first.
    expect(inflectionKeys('tomatoes')).toEqual(['tomatoe', 'tomato']);
    expect(inflectionKeys('horses')).toEqual(['horse', 'hors']);
  });
});

describe('analyze with surfaces', () => {
  it("records each token's word before stemming, and '' for CJK tokens", () => {
    const surfaces: string[] = [];
    expect(analyze('Résumés 数据库 policies', { surfaces })).toEqual(['resum', '数据', '据库', 'polici']);
    expect(surfaces).toEqual(['resumes', '', '', 'policies']);
  });
});
