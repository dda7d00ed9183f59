/**
 * Builds the English word list of the built-in pack (`english-words.txt`) from
 * SCOWL's American and British lists as Debian ships them (packages wamerican
 * and wbritish), and records it in the pack's manifest and README.
 *
 *   apt-get download wamerican wbritish
 *   for f in w*.deb; do dpkg-deb -x "$f" words; done
 *   npx tsx scripts/build-word-list.ts --words words/usr/share/dict/american-english \
 *       --words words/usr/share/dict/british-english \
 *       --copyright words/usr/share/doc/wamerican/copyright [--pack DIR]
 *   npx tsx scripts/build-word-list.ts [--pack DIR]   (records a pack's list again)
 *
 * Spelling correction (search/spelling.ts) leaves a word of this list as
 * written: a real word the library lacks ("autistic", "Octavia") is not a
 * misspelling of the one it holds one letter away ("artistic", "Octavian"). Only
 * what the corrector asks is kept: lower-cased words of 5 to 30 ASCII letters
 * (a possessive 's dropped), sorted, one a line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { ENGLISH_WORDS_COPYRIGHT_FILE, ENGLISH_WORDS_FILE } from '../main/engine/search/englishWords.js';
import { MAX_CORRECTED_LETTERS, MIN_CORRECTED_LETTERS } from '../main/engine/search/spelling.js';
import { recordInPackManifest } from './packManifestRecord.js';
import { writePackReadmeSection } from './packReadmeSection.js';

const { values } = parseArgs({
  options: {
    words: { type: 'string', multiple: true },
    copyright: { type: 'string' },
    pack: { type: 'string' },
  },
});
const packDir = path.resolve(values.pack ?? builtinPackDir());
const wordsFile = path.join(packDir, ENGLISH_WORDS_FILE);
const copyrightFile = path.join(packDir, ENGLISH_WORDS_COPYRIGHT_FILE);
let sourceFiles: string[];
if (values.words?.length) {
  if (!values.copyright) throw new Error("give the word lists' copyright file too: --copyright FILE");
  const plain = new RegExp(`^[a-z]{${MIN_CORRECTED_LETTERS},${MAX_CORRECTED_LETTERS}}$`);
  const words = new Set<string>();
  for (const file of values.words)
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const word = line.trim().toLowerCase().replace(/'s$/, '');
      if (plain.test(word)) words.add(word);
    }
  writeFileSync(wordsFile, `${[...words].sort().join('\n')}\n`);
  writeFileSync(copyrightFile, readFileSync(values.copyright));
  sourceFiles = values.words.map((f) => path.basename(f));
} else {
  // No lists given: record the pack's own files again (scripts/train-builtin.ts rewrites the
  // manifest and README of a pack that already has them).
  if (!existsSync(wordsFile) || !existsSync(copyrightFile))
    throw new Error(
      `${packDir} has no ${ENGLISH_WORDS_FILE}: give --words FILE [--words FILE] --copyright FILE`,
    );
  const recorded = JSON.parse(readFileSync(path.join(packDir, 'manifest.json'), 'utf8')) as {
    englishWords?: { sourceFiles?: string[] };
  };
  sourceFiles = recorded.englishWords?.sourceFiles ?? ['american-english', 'british-english'];
}
const bytes = readFileSync(wordsFile);
const copyright = readFileSync(copyrightFile);
const sorted = bytes.toString('utf8').trim().split('\n');

const ATTRIBUTION = `${ENGLISH_WORDS_FILE}: SCOWL (Spell Checker Oriented Word Lists) by Kevin Atkinson, as Debian's wamerican and wbritish packages ship it (http://wordlist.aspell.net/); "Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify, distribute and sell these word lists, the associated scripts, the output created from the scripts, and its documentation for any purpose is hereby granted without fee, provided that the above copyright notice appears in all copies and that both that copyright notice and this permission notice appear in supporting documentation. Kevin Atkinson makes no representations about the suitability of this array for any purpose. It is provided "as is" without express or implied warranty." (the notices of SCOWL's sources in ${ENGLISH_WORDS_COPYRIGHT_FILE}); reduced by scripts/build-word-list.ts`;
recordInPackManifest(packDir, {
  files: { [ENGLISH_WORDS_FILE]: bytes, [ENGLISH_WORDS_COPYRIGHT_FILE]: copyright },
  key: 'englishWords',
  section: {
    file: ENGLISH_WORDS_FILE,
    source: 'SCOWL (Debian wamerican, wbritish)',
    copyright: ENGLISH_WORDS_COPYRIGHT_FILE,
    sourceFiles,
    words: sorted.length,
    use: 'spelling correction leaves these words as written',
    builtBy: 'scripts/build-word-list.ts',
  },
  attribution: ATTRIBUTION,
});

writePackReadmeSection(
  packDir,
  '<!-- english words: made by scripts/build-word-list.ts -->',
  '<!-- /english words -->',
  [
    `## English words (\`${ENGLISH_WORDS_FILE}\`)`,
    '',
    `Spelling correction leaves a question's word as written when it is an English word, even if the library lacks it ("autistic" is not a misspelling of "artistic"). ${sorted.length} words of ${MIN_CORRECTED_LETTERS} to ${MAX_CORRECTED_LETTERS} letters (${(bytes.byteLength / 1024).toFixed(0)} KiB), lower-cased, from SCOWL's American and British lists as Debian's \`wamerican\` and \`wbritish\` packages ship them, by \`scripts/build-word-list.ts\`.`,
    '',
    'SCOWL (Spell Checker Oriented Word Lists), Copyright 2000-2011 by Kevin Atkinson (http://wordlist.aspell.net/). Permission to use, copy, modify, distribute and sell these word lists, the associated scripts, the output created from the scripts, and its documentation for any purpose is hereby granted without fee, provided that the above copyright notice appears in all copies and that both that copyright notice and this permission notice appear in supporting documentation. Kevin Atkinson makes no representations about the suitability of this array for any purpose. It is provided "as is" without express or implied warranty. SCOWL also carries the notices of its sources (Moby Words II, public domain; 12Dicts, Alan Beale; and others), reproduced in full in `english-words-copyright.txt` (Debian\'s `/usr/share/doc/wamerican/copyright`).',
  ],
);
console.log(`${ENGLISH_WORDS_FILE}: ${sorted.length} words, ${(bytes.byteLength / 1024).toFixed(0)} KiB`);
