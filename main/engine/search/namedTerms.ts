import { analyze } from '../text/analyzer.js';
import { isIndexedCjk } from '../text/cjk.js';

/**
 * Latin-script words with their joiners kept ("Node.js", "C++", "x86_64",
 * "two-factor"): a name is one token however it is written.
 */
const LATIN_WORD = /[A-Za-z][A-Za-z0-9]*(?:[._+#-][A-Za-z0-9]+)*\+*/g;

/** Where a capital letter says nothing: the first word of a sentence. */
const AFTER_SENTENCE_END = /[.?!:;。？！：；]["'“‘(\[\s]*$/u;
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
export function namedTokens(question: string): string[] {
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
      (/^[A-Z]/.test(word) && !sentenceStart);
    if (named) names.add(word);
  }
  return [...names];
}

/** A named word of a question, as written, with its index terms. */
export interface NamedWord {
  name: string;
  terms: string[];
}

/** The question's named words with their index terms (looked up together, then judged by absentNames). */
export function namedWords(question: string): NamedWord[] {
  return namedTokens(question).map((name) => ({ name, terms: analyze(name) }));
}

/**
 * The named words that no passage of the library holds: a word is absent when
 * one of its index terms occurs nowhere ("Node.js" when the library has "node"
 * but never "js").
 */
export function absentNames(
  words: readonly NamedWord[],
  documentFrequency: (term: string) => number,
): string[] {
  return words.filter((w) => w.terms.some((t) => documentFrequency(t) === 0)).map((w) => w.name);
}
