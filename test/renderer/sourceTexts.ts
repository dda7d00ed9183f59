/**
 * The texts a TypeScript expression in the engine's source can evaluate to, as
 * samples: each string or template literal, with every `${…}` filled by '7'
 * ("7.0 MB" for a formatBytes(…) call) or, for a conditional between literals,
 * by each of its branches. Enough to hold every reason the engine writes to a
 * pattern in main/api/failureReasons.ts without listing the reasons by hand.
 */

interface Parsed {
  samples: string[];
  end: number;
}

const OPEN = '([{';
const CLOSE = ')]}';

/** The samples of the expression starting at `start`, up to a top-level `,` or `;` or a closing bracket (not consumed). */
export function expressionTexts(source: string, start: number): Parsed {
  const literals: string[] = [];
  let skeleton = '';
  let depth = 0;
  let i = start;
  for (; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'" || c === '"') {
      const close = source.indexOf(c, i + 1);
      literals.push(source.slice(i + 1, close));
      skeleton += '\0';
      i = close;
    } else if (c === '`') {
      const template = templateTexts(source, i);
      literals.push(...template.samples);
      skeleton += '\0';
      i = template.end;
    } else if (OPEN.includes(c)) {
      depth++;
      skeleton += c;
    } else if (CLOSE.includes(c)) {
      if (depth === 0) break;
      depth--;
      skeleton += c;
    } else if ((c === ',' || c === ';') && depth === 0) {
      break;
    } else {
      skeleton += c;
    }
  }
  const expression = skeleton.trim();
  if (expression === '\0') return { samples: literals, end: i };
  if (!expression.includes('?')) {
    // Not a literal and no choice between literals: a value the sentence carries.
    return { samples: [/^formatBytes\(/.test(expression) ? '7.0 MB' : '7'], end: i };
  }
  // A conditional: its literal branches, and '7' where its last branch is a value ("a ? `x` : n").
  const lastBranch = expression.slice(expression.lastIndexOf(':') + 1).trim();
  return { samples: lastBranch === '\0' ? literals : [...literals, '7'], end: i };
}

/** The samples of the template literal whose opening backtick is at `start`; `end` is its closing backtick. */
export function templateTexts(source: string, start: number): Parsed {
  let samples = [''];
  let i = start + 1;
  const append = (options: string[]): void => {
    samples = samples.flatMap((s) => options.map((o) => s + o));
  };
  while (source[i] !== '`') {
    if (source[i] === '\\') {
      append([source.slice(i, i + 2)]);
      i += 2;
    } else if (source.startsWith('${', i)) {
      const inner = expressionTexts(source, i + 2);
      append(inner.samples);
      i = inner.end + 1; // past the closing brace
    } else {
      append([source[i]!]);
      i++;
    }
  }
  return { samples, end: i };
}

/** The samples of the argument that follows each match of `call` (a pattern ending just before the argument). */
export function argumentTexts(source: string, call: RegExp): string[] {
  const texts: string[] = [];
  for (const m of source.matchAll(new RegExp(call.source, 'g'))) {
    texts.push(...expressionTexts(source, m.index + m[0].length).samples);
  }
  return texts;
}
