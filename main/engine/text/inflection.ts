/**
 * An English word's inflectional stem: step 1 of Porter's algorithm (plurals,
 * -ed, -ing, final y), and none of the derivational steps that follow it. The
 * index's full Porter stem joins words a dictionary must keep apart
 * ("organization" and "organ" → organ, "policy" and "police" → polic,
 * "international" and "intern" → intern); this joins only a word's inflections
 * ("policies" → polici, "policy" → polici; "police", "policed" → polic). The
 * full stem is a function of this one, so words sharing an inflectional stem
 * share their index stem too.
 *
 * Input: a lower-case word as the analyzer reads it (NFKC, diacritics
 * removed). Words of two letters or fewer, or with anything but a–z, are
 * returned as they are, as the analyzer leaves them unstemmed.
 */
export function inflectionStem(word: string): string {
  return inflection(word).stem;
}

/**
 * The inflectional stems to look a word up by, likeliest first. Porter's step
 * 1 puts back the e that -ed or -ing took only after one consonant-vowel-
 * consonant ("hoping" → hope), so "using", "caused", "released" give us, caus,
 * releas; the form with e ("use", "cause", "release") is tried first, then the
 * stem as it is ("opened" → opene, then open). Not after a doubled consonant
 * was undone ("planned" is plan, not plane).
 */
export function inflectionKeys(word: string): string[] {
  const { stem, restorableE } = inflection(word);
  if (restorableE) return [`${stem}e`, stem];
  // Step 1a takes only the s of -es (not of -sses, -ies): "boxes", "buses",
  // "tomatoes" give boxe, buse, tomatoe; "horses" gives horse, rightly. Both are tried.
  if (/[^si]es$|[^s]ses$/.test(word) && stem.endsWith('e') && stem.length > 2)
    return [stem, stem.slice(0, -1)];
  return [stem];
}

function inflection(word: string): { stem: string; restorableE: boolean } {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return { stem: word, restorableE: false };
  let w = word;
  // Step 1a.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (!w.endsWith('ss') && w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b.
  let trimmed = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    trimmed = true;
  } else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    trimmed = true;
  }
  let restorableE = false;
  if (trimmed) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (endsWithDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w) === 1 && endsConsonantVowelConsonant(w)) w += 'e';
    else restorableE = !w.endsWith('e') && !w.endsWith('y');
  }
  // Step 1c.
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  return { stem: w, restorableE };
}

function isConsonant(w: string, i: number): boolean {
  const c = w[i];
  if ('aeiou'.includes(c)) return false;
  if (c === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
}

/** Porter's m: the number of vowel-consonant sequences, [C](VC)^m[V]. */
function measure(stem: string): number {
  let m = 0;
  let i = 0;
  const n = stem.length;
  while (i < n && isConsonant(stem, i)) i++;
  while (i < n) {
    while (i < n && !isConsonant(stem, i)) i++;
    if (i >= n) break;
    while (i < n && isConsonant(stem, i)) i++;
    m++;
  }
  return m;
}

function hasVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

function endsWithDoubleConsonant(w: string): boolean {
  const n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1);
}

/** Porter's *o: consonant-vowel-consonant at the end, the last not w, x or y. */
function endsConsonantVowelConsonant(w: string): boolean {
  const n = w.length;
  return (
    n >= 3 &&
    isConsonant(w, n - 3) &&
    !isConsonant(w, n - 2) &&
    isConsonant(w, n - 1) &&
    !'wxy'.includes(w[n - 1])
  );
}
