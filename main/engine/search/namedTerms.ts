import { analyze } from '../text/analyzer.js';
import { isIndexedCjk } from '../text/cjk.js';
import type { ChineseName } from './translateQuery.js';

/**
 * Latin-script words with their joiners kept ("Node.js", "C++", "x86_64",
 * "two-factor"): a name is one token however it is written.
 */
const LATIN_WORD = /[A-Za-z][A-Za-z0-9]*(?:[._+#-][A-Za-z0-9]+)*\+*/g;

/** Words joined by a hyphen ("two-factor", "hard-coded", "read-only"). */
const HYPHENATED_COMPOUND = /[A-Za-z]-[A-Za-z]/;

export interface NameOptions {
  /**
   * Hyphenated compounds of ordinary words name a concept as one term
   * ("two-factor authentication"): a library that lacks one of their words
   * lacks the concept. Only where the library is mostly in the question's
   * language: in a library of the other language such words are translated,
   * so their absence says nothing.
   */
  compounds?: boolean;
}

/**
 * Where a capital letter says nothing: the first word of a sentence, or of a
 * line (a heading, a list item: pasted text keeps its line breaks).
 */
const AFTER_SENTENCE_END = /(?:[.?!:;。？！：；]|\n)["'“‘(\[\s]*$/u;
const OPENING = /^["'“‘(\[\s]*$/u;

function hasCjk(text: string): boolean {
  for (const ch of text) if (isIndexedCjk(ch.codePointAt(0)!)) return true;
  return false;
}

/**
 * The words of a question that name a specific thing (a product, a program, a
 * format, an organisation): what the documents must mention if they answer it.
 * People write names differently from other words, in any domain: with a
 * capital inside a sentence ("Docker", "Fedora"), in capitals or mixed case
 * ("RPM", "GOsa"), with digits ("ext4") or joiners ("Node.js"); and in a
 * Chinese question, in Latin script at all ("Moodle", "Flatpak"). A lower-case
 * English word is an ordinary word, which a paraphrase may change freely.
 * Returned as written, each once.
 */
export function namedTokens(question: string, options: NameOptions = {}): string[] {
  const inCjk = hasCjk(question);
  const names = new Set<string>();
  for (const m of question.matchAll(LATIN_WORD)) {
    const word = m[0];
    if (word.length < 2) continue;
    const rest = word.slice(1);
    // What precedes the word, up to a few characters (a question may be long).
    const before = question.slice(Math.max(0, m.index - 8), m.index);
    const sentenceStart = (m.index <= 8 && OPENING.test(before)) || AFTER_SENTENCE_END.test(before);
    const named =
      inCjk ||
      /[A-Z]/.test(rest) ||
      /[0-9]/.test(word) ||
      /[._+#]/.test(word) ||
      (options.compounds === true && HYPHENATED_COMPOUND.test(word)) ||
      (/^[A-Z]/.test(word) && !sentenceStart);
    if (named) names.add(word);
  }
  return [...names];
}

/** A named word of a question, as written, with its index terms. */
export interface NamedWord {
  name: string;
  terms: string[];
  /**
   * Each term's word as the question writes it, lower case and without
   * diacritics ("ad" for "AD"); absent when the name does not split into as
   * many words as terms.
   */
  surfaces?: string[];
}

/**
 * The Latin-script words of a text as written: lower case, no diacritics, split
 * where the analyzer splits Latin text (and from Chinese characters next to them).
 */
export function nameSurfaces(name: string): string[] {
  return (
    name
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .match(/[\p{Script=Latin}\p{N}]+/gu) ?? []
  );
}

/** The question's named words with their index terms (looked up together, then judged by absentNames). */
export function namedWords(question: string, options: NameOptions = {}): NamedWord[] {
  return namedTokens(question, options).map((name) => {
    const terms = analyze(name);
    const surfaces = nameSurfaces(name);
    return surfaces.length === terms.length ? { name, terms, surfaces } : { name, terms };
  });
}

/**
 * Whether a word of a passage is the name's word as written: the same word, or
 * the one its plural ("Chromebooks" asked, "Chromebook" written, or the other
 * way). Stemming alone would let "added" stand for "AD" (both index as "ad");
 * a name is written the same wherever it occurs.
 */
export function writesName(surface: string, word: string): boolean {
  const plural = (a: string, b: string) => a === `${b}s` || a === `${b}es`;
  return word === surface || plural(word, surface) || plural(surface, word);
}

const LATIN_OR_DIGIT = /[\p{Script=Latin}\p{N}]/u;
const FOLDED_LATIN = /[\u00c0-\u024f\u1e00-\u1eff]/;
const FULLWIDTH = /[\uff01-\uff5e]/;

/**
 * Whether `text` writes the name's word `surface` (nameSurfaces form) as a word
 * of its own, or its plural, or the singular of a plural surface: what
 * writesName accepts, found by searching the text rather than splitting it into
 * words (a name is checked against up to 200 passages per question). `exact`:
 * that word and no other form (a spelling correction's word).
 */
export function textWritesName(text: string, surface: string, exact = false): boolean {
  let folded = text.toLowerCase();
  if (FULLWIDTH.test(folded)) folded = folded.normalize('NFKC');
  if (FOLDED_LATIN.test(folded)) folded = folded.normalize('NFD').replace(/\p{M}/gu, '');
  const forms = [surface];
  if (!exact && surface.endsWith('es')) forms.push(surface.slice(0, -2));
  if (!exact && surface.endsWith('s')) forms.push(surface.slice(0, -1));
  const wordChar = (i: number) => i >= 0 && i < folded.length && LATIN_OR_DIGIT.test(folded[i]);
  for (const form of forms) {
    if (!form) continue;
    for (let at = folded.indexOf(form); at >= 0; at = folded.indexOf(form, at + 1)) {
      if (wordChar(at - 1)) continue;
      let end = at + form.length;
      if (exact) {
        if (!wordChar(end)) return true;
        continue;
      }
      if (folded.startsWith('es', end) && !wordChar(end + 2)) end += 2;
      else if (folded[end] === 's' && !wordChar(end + 1)) end += 1;
      if (!wordChar(end) && writesName(surface, folded.slice(at, end))) return true;
    }
  }
  return false;
}

/**
 * The named words that no passage of the library holds: a word is absent when
 * one of its index terms occurs nowhere ("Node.js" when the library has "node"
 * but never "js"), or, where `written` can tell, when no passage holding the
 * term writes the name's word (`written` returns null when it cannot tell:
 * too many passages to read).
 */
export function absentNames(
  words: readonly NamedWord[],
  documentFrequency: (term: string) => number,
  written?: (term: string, surface: string) => boolean | null,
): string[] {
  return words
    .filter((w) =>
      w.terms.some(
        (t, i) => documentFrequency(t) === 0 || (w.surfaces && written?.(t, w.surfaces[i]) === false),
      ),
    )
    .map((w) => w.name);
}

/**
 * The Chinese names (chineseNames in translateQuery.ts) that the library holds
 * neither as written (every index term of the name) nor in any of their
 * English translations (every stem of one sense: "raspberri" and "pi").
 */
export function absentChineseNames(
  names: readonly ChineseName[],
  documentFrequency: (term: string) => number,
): string[] {
  const held = (terms: string[]) => terms.length > 0 && terms.every((t) => documentFrequency(t) > 0);
  return names.filter((n) => !held(n.terms) && !n.translations.some(held)).map((n) => n.name);
}
