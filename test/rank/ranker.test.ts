import { describe, expect, it } from 'vitest';
import { scoreGbdt, validateGbdt, type GbdtModel } from '../../main/engine/rank/gbdt.js';
import {
  collapseDuplicates,
  demoteTablesOfContents,
  DUPLICATE_JACCARD,
  nearDuplicate,
} from '../../main/engine/rank/passageHygiene.js';
import { seededRandom } from '../library/random.js';
import { isTableOfContents, passageShape } from '../../main/engine/rank/passageKind.js';
import {
  analyseQuestion,
  computesFeatureSet,
  FEATURE_COUNT,
  FEATURE_NAMES,
  RANK_FEATURE_SET,
  rankingFeatures,
} from '../../main/engine/rank/rankFeatures.js';
import { trainLambdaMart } from '../../main/engine/train/lambdaMart.js';
import { builtinWordVectors, WordVectors } from '../../main/engine/rank/wordVectors.js';

/** A small seeded generator, so the synthetic data is the same on every machine. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('LambdaMART trainer and tree evaluator', () => {
  it('learns a ranking that a hidden rule defines, and scores the same way every time', () => {
    const r = rng(3);
    // The answer is the candidate with the largest x0 + x2 (x1 is noise).
    const queries = Array.from({ length: 120 }, () => {
      const rows = Array.from({ length: 12 }, () => Float32Array.from([r(), r(), r()]));
      const best = rows.reduce((b, x, i) => (x[0] + x[2] > rows[b][0] + rows[b][2] ? i : b), 0);
      return { rows, labels: rows.map((_, i) => (i === best ? 1 : 0)) };
    });
    const model = trainLambdaMart(queries.slice(0, 80), ['a', 'b', 'c'], 'test', {
      trees: 60,
      learningRate: 0.2,
      maxDepth: 3,
      minLeafRows: 10,
      lambda: 1,
      bins: 32,
    });
    validateGbdt(model);
    const hit1 = (qs: typeof queries) =>
      qs.filter((q) => {
        const scores = q.rows.map((x) => scoreGbdt(model, x));
        return q.labels[scores.indexOf(Math.max(...scores))] === 1;
      }).length / qs.length;
    // Random choice among 12 would be ~0.08 on questions it never saw.
    expect(hit1(queries.slice(80))).toBeGreaterThan(0.5);
    // Same data, same model (no randomness, no threading).
    const again = trainLambdaMart(queries.slice(0, 80), ['a', 'b', 'c'], 'test', {
      trees: 60,
      learningRate: 0.2,
      maxDepth: 3,
      minLeafRows: 10,
      lambda: 1,
      bins: 32,
    });
    expect(again).toEqual(model);
  });

  it('lets a weighted group of questions count for more when the groups want different rankings', () => {
    const r = rng(11);
    const options = { trees: 30, learningRate: 0.2, maxDepth: 2, minLeafRows: 10, lambda: 1, bins: 32 };
    // Two kinds of question nothing in the rows tells apart: one answered by the largest x0,
    // the other (fewer, as Chinese questions are in the training files) by the largest x1.
    const make = (n: number, f: number) =>
      Array.from({ length: n }, () => {
        const rows = Array.from({ length: 10 }, () => Float32Array.from([r(), r()]));
        const best = rows.reduce((b, x, i) => (x[f] > rows[b][f] ? i : b), 0);
        return { rows, labels: rows.map((_, i) => (i === best ? 1 : 0)) };
      });
    const many = make(150, 0);
    const few = make(50, 1);
    const hit1 = (model: GbdtModel, qs: typeof many) =>
      qs.filter((q) => {
        const scores = q.rows.map((x) => scoreGbdt(model, x));
        return q.labels[scores.indexOf(Math.max(...scores))] === 1;
      }).length / qs.length;
    const plain = trainLambdaMart([...many, ...few], ['x0', 'x1'], 'test', options);
    const weighted = trainLambdaMart(
      [...many, ...few.map((q) => ({ ...q, weight: 6 }))],
      ['x0', 'x1'],
      'test',
      options,
    );
    expect(hit1(weighted, few)).toBeGreaterThan(hit1(plain, few) + 0.1);
    expect(hit1(weighted, many)).toBeLessThan(hit1(plain, many));
    // Weight 1 is no weight.
    expect(
      trainLambdaMart([...many, ...few.map((q) => ({ ...q, weight: 1 }))], ['x0', 'x1'], 'test', options),
    ).toEqual(plain);
  });

  it('continues boosting from a model: its trees come first, unchanged, and the new ones learn what it missed', () => {
    const r = rng(5);
    const options = { trees: 40, learningRate: 0.2, maxDepth: 3, minLeafRows: 10, lambda: 1, bins: 32 };
    const make = (rule: (x: Float32Array) => number) =>
      Array.from({ length: 120 }, () => {
        const rows = Array.from({ length: 12 }, () => Float32Array.from([r(), r(), r()]));
        const best = rows.reduce((b, x, i) => (rule(x) > rule(rows[b]) ? i : b), 0);
        return { rows, labels: rows.map((_, i) => (i === best ? 1 : 0)) };
      });
    const hit1 = (model: GbdtModel, qs: { rows: Float32Array[]; labels: number[] }[]) =>
      qs.filter((q) => {
        const scores = q.rows.map((x) => scoreGbdt(model, x));
        return q.labels[scores.indexOf(Math.max(...scores))] === 1;
      }).length / qs.length;
    // The first model knows x0; the user's choices follow x0 + x2.
    const first = trainLambdaMart(
      make((x) => x[0]),
      ['a', 'b', 'c'],
      'test',
      options,
    );
    const shifted = make((x) => x[0] + x[2]);
    const refined = trainLambdaMart(shifted.slice(0, 80), ['a', 'b', 'c'], 'test', {
      ...options,
      init: first,
    });
    expect(refined.trees.slice(0, first.trees.length)).toEqual(first.trees);
    expect(refined.trees.length).toBe(first.trees.length + options.trees);
    expect(hit1(refined, shifted.slice(80))).toBeGreaterThan(hit1(first, shifted.slice(80)) + 0.1);
    expect(() => trainLambdaMart(shifted, ['a', 'b', 'd'], 'test', { ...options, init: first })).toThrow(
      /cannot continue/,
    );
  });

  it('rejects trees whose children point backwards (a cycle would never end)', () => {
    const bad: GbdtModel = {
      format: 'docqa-gbdt-1',
      featureSet: 'x',
      features: ['a'],
      baseScore: 0,
      trees: [
        { feature: [0, -1, -1], threshold: [0.5, 0, 0], left: [0, 0, 0], right: [2, 0, 0], value: [0, 1, 2] },
      ],
    };
    expect(() => validateGbdt(bad)).toThrow(/child index/);
  });
});

const HTML_TOC = `Chapter 6. Building the package

Table of Contents

6.1. Complete (re)build
6.2. Autobuilder
6.3. debuild command
6.4. pbuilder package
6.5. git-buildpackage command and similar
6.6. Quick rebuild`;

const MARKDOWN_TOC = `## Contents

1. Introduction
2. Installing
   2.1 Requirements
   2.2 Download
3. Configuration
4. Troubleshooting`;

// pdfjs gives a PDF's contents page as lines with dot leaders and page numbers.
const PDF_TOC = `Contents
1 Getting started . . . . . . . . 3
1.1 Unpacking . . . . . . . . . . 4
1.2 First boot . . . . . . . . . 6
2 Daily use . . . . . . . . . . . 9
2.1 Cleaning . . . . . . . . . . 11`;

const PROSE = `6.4. pbuilder package

For a clean room (chroot) build environment to verify the build dependencies, the pbuilder package is very useful.
First let's initialize the local pbuilder chroot system as follows.
$ sudo pbuilder create`;

const CHINESE_TOC = `目录

1. 第一步
2. 从头开始
2.1. Debian 软件包维护者
2.2. 打包的工作方式
3. 修改源代码`;

describe('table-of-contents detection', () => {
  it.each([
    ['HTML manual', HTML_TOC],
    ['Markdown', MARKDOWN_TOC],
    ['PDF contents page', PDF_TOC],
    ['Chinese manual', CHINESE_TOC],
  ])('marks a %s table of contents', (_, text) => {
    expect(isTableOfContents(passageShape(text))).toBe(true);
  });

  it('keeps a section that starts with a numbered heading and goes on in sentences', () => {
    expect(isTableOfContents(passageShape(PROSE))).toBe(false);
  });

  it('puts tables of contents after the passages that answer', () => {
    const items = [
      { text: HTML_TOC, path: 'build.html', folderId: 1 },
      { text: PROSE, path: 'build.html', folderId: 1 },
    ];
    expect(demoteTablesOfContents(items).map((x) => x.text)).toEqual([PROSE, HTML_TOC]);
  });
});

describe('duplicate collapse', () => {
  it('shows the same text from two files once, with the other file in alsoIn', () => {
    const a = {
      text: '6.3.9. Modifying PXE installations\n\nThe PXE installation uses a preseed file.',
      path: 'bookworm.html',
      folderId: 1,
    };
    const b = {
      text: '6.3.10. Modifying PXE installations\n\nThe PXE   installation uses a preseed file.',
      path: 'bullseye.html',
      folderId: 1,
    };
    const c = { text: 'Something else entirely about printers and queues.', path: 'other.html', folderId: 1 };
    const out = collapseDuplicates([a, b, c]);
    expect(out.map((x) => x.path)).toEqual(['bookworm.html', 'other.html']);
    expect(out[0].alsoIn.map((x) => x.path)).toEqual(['bullseye.html']);
  });

  it('sees the same text in Markdown, HTML, a PDF or an office file as one, whatever its markup', () => {
    const markdown = {
      text: '# Pruning\n\nPrune in late winter, before the buds swell.\n\n| Tree | Prune in | Yield |\n|------|----------|-------|\n| Apple | February | 150 kg |\n| Pear | March | 90 kg |',
      path: 'orchard.md',
      folderId: 1,
    };
    const html = {
      text: 'Pruning\n\nPrune in late winter, before the buds swell.\n\nTree Prune in Yield\nApple February 150 kg\nPear March 90 kg',
      path: 'orchard.html',
      folderId: 1,
    };
    const deck = {
      text: 'Pruning\n\n“Prune in late winter”, before the buds swell.\n\nTree | Prune in | Yield\nApple | February | 150 kg\nPear | March | 90 kg',
      path: 'orchard.pptx',
      folderId: 1,
    };
    // Other words, or other numbers, are other text.
    const otherYear = {
      ...html,
      text: html.text.replace('150 kg', '175 kg').replace('90 kg', '60 kg'),
      path: 'orchard-2025.html',
    };
    const out = collapseDuplicates([markdown, html, deck, otherYear]);
    expect(out.map((x) => [x.path, x.alsoIn.map((d) => d.path)])).toEqual([
      ['orchard.md', ['orchard.html', 'orchard.pptx']],
      ['orchard-2025.html', []],
    ]);
  });

  it('decides a near-duplicate exactly as the Jaccard ratio does, at the threshold too', () => {
    const random = seededRandom(7);
    const jaccard = (a: Set<number>, b: Set<number>) => {
      const shared = [...a].filter((x) => b.has(x)).length;
      return shared / (a.size + b.size - shared);
    };
    let near = 0;
    for (let pair = 0; pair < 3000; pair++) {
      // Two sets around a shared core: sizes and overlap spread across the threshold.
      const core = 1 + Math.floor(random() * 400);
      const extraA = Math.floor(random() * core * 0.4);
      const extraB = Math.floor(random() * core * 0.4);
      // In shuffled order, so that the missing shingles come early as often as late.
      const shuffled = (xs: number[]) => xs.sort(() => random() - 0.5);
      const shared = Array.from({ length: core }, (_, i) => i);
      const a = new Set(shuffled([...shared, ...Array.from({ length: extraA }, (_, i) => 1e6 + i)]));
      const b = new Set(shuffled([...shared, ...Array.from({ length: extraB }, (_, i) => 2e6 + i)]));
      const expected = jaccard(a, b) >= DUPLICATE_JACCARD;
      expect(nearDuplicate(a, b), `core ${core}, extra ${extraA}/${extraB}`).toBe(expected);
      if (expected) near++;
    }
    expect(near).toBeGreaterThan(300); // both answers well represented
    expect(near).toBeLessThan(2700);
    // Exactly at the threshold: 8 shared of a union of 10.
    const at = [new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Set([1, 2, 3, 4, 5, 6, 7, 8, 10])];
    expect(jaccard(at[0], at[1])).toBe(0.8);
    expect(nearDuplicate(at[0], at[1])).toBe(true);
    expect(nearDuplicate(new Set(), new Set())).toBe(false);
  });

  it('shows the copy at home in the place of its group, from past the list when needed', () => {
    const text = 'When users insert a USB drive, an icon appears on the desktop and opens the drive.';
    const zh = { text, path: 'zh/manual.html', folderId: 1 };
    const other = {
      text: 'Printers are shared from the CUPS page on port 631.',
      path: 'print.html',
      folderId: 1,
    };
    const en = { text, path: 'en/manual.html', folderId: 1 };
    const atHome = (x: { path: string }) => !x.path.startsWith('zh/');
    // In the list: the English copy takes the Chinese copy's place.
    const inList = collapseDuplicates([zh, other, en], atHome);
    expect(inList.map((x) => x.path)).toEqual(['en/manual.html', 'print.html']);
    expect(inList[0].alsoIn.map((x) => x.path)).toEqual(['zh/manual.html']);
    expect(inList[0].place).toBe(zh);
    // Past the list: read only because a group has no copy at home.
    let read = 0;
    const reserve = () => (read++, [en]);
    const fromReserve = collapseDuplicates([zh, other], atHome, reserve);
    expect(fromReserve.map((x) => x.path)).toEqual(['en/manual.html', 'print.html']);
    expect(fromReserve[0].alsoIn.map((x) => x.path)).toEqual(['zh/manual.html']);
    expect(read).toBe(1);
    collapseDuplicates([en, other], atHome, reserve);
    expect(read).toBe(1);
    // No copy at home anywhere: the best-ranked stays.
    expect(collapseDuplicates([zh, other], atHome, () => [other]).map((x) => x.path)).toEqual([
      'zh/manual.html',
      'print.html',
    ]);
  });

  it('keeps two different passages of one file apart even when they look alike', () => {
    const a = { text: 'Step one: run the build command.', path: 'x.md', folderId: 1 };
    expect(collapseDuplicates([a, { ...a }])).toHaveLength(2);
  });
});

describe('ranking features', () => {
  it('are normalised per question: scaling every channel score leaves them unchanged', () => {
    const q = analyseQuestion('Which command creates the pbuilder chroot?');
    const stats = {
      chunks: 100,
      df: new Map([
        ['pbuilder', 3],
        ['chroot', 5],
        ['command', 40],
        ['creat', 20],
      ]),
    };
    const passages = [
      {
        chunkId: 1,
        bm25: 12,
        dense: 0.4,
        text: PROSE,
        title: 'Guide',
        headingPath: ['6.4. pbuilder package'],
        start: 100,
      },
      { chunkId: 2, bm25: 6, dense: 0.6, text: HTML_TOC, title: 'Guide', headingPath: [], start: 0 },
    ];
    const a = rankingFeatures(q, passages, stats);
    const b = rankingFeatures(
      q,
      passages.map((p) => ({ ...p, bm25: p.bm25 * 3, dense: p.dense * 0.5 })),
      stats,
    );
    expect(a[0]).toHaveLength(FEATURE_COUNT);
    const at = (row: Float32Array, name: (typeof FEATURE_NAMES)[number]) => row[FEATURE_NAMES.indexOf(name)];
    for (const name of [
      'bm25OverBest',
      'denseOverBest',
      'bm25ReciprocalRank',
      'denseReciprocalRank',
    ] as const) {
      expect(at(b[0], name)).toBeCloseTo(at(a[0], name), 5);
      expect(at(b[1], name)).toBeCloseTo(at(a[1], name), 5);
    }
    expect(at(a[1], 'tableOfContents')).toBeGreaterThan(0.6);
    expect(at(a[0], 'coverageBestSentence')).toBeGreaterThan(at(a[1], 'coverageBestSentence'));
  });
});

describe('heading named by the question', () => {
  const stats = { chunks: 100, df: new Map<string, number>() };
  const passage = (chunkId: number, title: string, headingPath: string[]) => ({
    chunkId,
    bm25: 1,
    dense: 0.5,
    text: 'The mission of the air force is to defend the country.',
    title,
    headingPath,
    start: 0,
  });
  const at = (row: Float32Array) => row[FEATURE_NAMES.indexOf('headingInQuestion')];

  it('is the share of a heading that the question holds, the best heading of the path', () => {
    const q = analyseQuestion('What is the purpose of the Royal Air Force?');
    const [royal, thailand, none, section] = rankingFeatures(
      q,
      [
        passage(1, 'Royal Air Force', ['Royal Air Force']),
        passage(2, 'United States Air Force in Thailand', []),
        passage(3, 'Berlin', ['History']),
        passage(4, 'Military history', ['Britain', 'Purpose of the RAF']),
      ],
      stats,
    );
    expect(at(royal)).toBe(1);
    // air, force of united, states, air, force, thailand
    expect(at(thailand)).toBeCloseTo(2 / 5, 6);
    expect(at(none)).toBe(0);
    // The section heading "Purpose of the RAF": purpose held, raf not.
    expect(at(section)).toBeCloseTo(1 / 2, 6);
  });

  it('reads Chinese headings by character, as coverage does', () => {
    const q = analyseQuestion('《战国无双3》是由哪两个公司合作开发的？');
    const [own, other] = rankingFeatures(q, [passage(1, '战国无双3', []), passage(2, '无双大蛇', [])], stats);
    expect(at(own)).toBe(1);
    expect(at(other)).toBeCloseTo(2 / 4, 6);
  });
});

describe('heading held word for word by the question', () => {
  const stats = { chunks: 100, df: new Map<string, number>() };
  const passage = (chunkId: number, title: string, headingPath: string[] = []) => ({
    chunkId,
    bm25: 1,
    dense: 0.5,
    text: '本鱼分布于印度西太平洋海域。',
    title,
    headingPath,
    start: 0,
  });
  // Rows are Float32Array: the expected shares are rounded as they are stored.
  const f32 = (values: number[]) => values.map(Math.fround);
  const verbatim = (question: string, passages: ReturnType<typeof passage>[]) =>
    rankingFeatures(analyseQuestion(question), passages, stats).map(
      (row) => row[FEATURE_NAMES.indexOf('headingVerbatim')],
    );

  it('is the longest heading the question holds, over the longest any candidate has', () => {
    // 异齿前肛鳗 holds most characters of the question's subject, but the question does not hold it.
    expect(verbatim('前肛鳗以什么为食？', [passage(1, '异齿前肛鳗'), passage(2, '前肛鳗')])).toEqual(
      f32([0, 1]),
    );
    // Both titles are in the question: the longer names the subject more exactly.
    expect(
      verbatim('2008年度香港小姐竞选是由哪个单位举行的？', [
        passage(1, '香港小姐'),
        passage(2, '2008年度香港小姐竞选'),
      ]),
    ).toEqual(f32([4 / 12, 1]));
    expect(verbatim('城巴11线连接了哪两个地方？', [passage(1, '城巴12M线'), passage(2, '城巴11线')])).toEqual(
      [0, 1],
    );
  });

  it('reads spaced words whole, case and "(disambiguation)" aside, section headings and numbers too', () => {
    expect(
      verbatim('What is the purpose of the Royal Air Force?', [
        passage(1, 'United States Air Force in Thailand'),
        passage(2, 'Royal Air Force'),
        passage(3, 'Air Force (disambiguation)'),
        passage(4, 'Military history', ['Britain', '5.4. The purpose']),
      ]),
    ).toEqual(f32([0, 1, 9 / 15, 11 / 15]));
    // "Bones (TV series)" is the question's "Bones"; "Bone" is not a word of it, nor "It" (too short).
    expect(
      verbatim('How many seasons did Bones have?', [
        passage(1, 'Bones (TV series)'),
        passage(2, 'Bone'),
        passage(3, 'It', ['Seasons']),
      ]),
    ).toEqual(f32([5 / 7, 0, 1]));
    expect(verbatim('Where is Berlin?', [passage(1, 'Paris'), passage(2, 'Bonn')])).toEqual(f32([0, 0]));
    // A year is no section number: only a number with a dot ("7.", "5.4") is dropped.
    expect(
      verbatim('is 1984 based on a true story', [passage(1, '1984 (novel)'), passage(2, '1.4 A true story')]),
    ).toEqual(f32([4 / 12, 1]));
    expect(
      verbatim('When were the 2012 Summer Olympics held?', [passage(1, '2012 Summer Olympics')]),
    ).toEqual(f32([1]));
  });
});

describe("words related to the question's", () => {
  const stats = { chunks: 100, df: new Map<string, number>() };
  const passage = (chunkId: number, text: string) => ({
    chunkId,
    bm25: 1,
    dense: 0.5,
    text,
    title: 'Classroom equipment',
    headingPath: [],
    start: 0,
  });
  const related = (question: string, texts: string[]) =>
    rankingFeatures(
      analyseQuestion(question),
      texts.map((t, i) => passage(i + 1, t)),
      stats,
    ).map((row) => row[FEATURE_NAMES.indexOf('relatedWords')]);

  it('counts the question words a passage says in other words, not those it holds or lacks', () => {
    const [inOtherWords, unrelated, verbatim] = related('How do I share a printer between laptops?', [
      'Connect the inkjet to the desktop computer and every notebook can print to it.',
      'The river floods every spring after the snow melts in the mountains.',
      'To share a printer between laptops, connect it to the server.',
    ]);
    expect(inOtherWords).toBeGreaterThan(0.2);
    expect(unrelated).toBeLessThan(0.05);
    // Every unit is held: none is left to be said in other words.
    expect(verbatim).toBe(0);
  });

  it('does not take a name for another of its kind', () => {
    // In word vectors Fedora sits beside Debian and Ubuntu: a passage about those does not name it.
    const [siblings] = related('Can Fedora read the disk?', ['Debian and Ubuntu mount it at boot.']);
    const [asWord] = related('Can the fedora read the disk?', ['Debian and Ubuntu mount it at boot.']);
    expect(siblings).toBeLessThan(asWord);
  });

  it('is -1 for a question without English words to relate, and the same for a passage wherever it stands', () => {
    // Nothing of a Chinese question (or of one that is all names) can be said in other words.
    expect(related('打印机怎么共享？', ['把喷墨打印机接到台式电脑上。'])).toEqual([-1]);
    expect(related('Is it Fedora or RPM?', ['Debian packages.'])).toEqual([-1]);
    const texts = ['Connect the inkjet to the desktop computer.', 'Bananas ripen in a bag.'];
    const forward = related('Where does the printer go?', texts);
    const backward = related('Where does the printer go?', [...texts].reverse()).reverse();
    expect(backward).toEqual(forward);
  });
});

describe('English word vectors', () => {
  it("hold the built-in pack's stems, with exact integer similarities", () => {
    const vectors = builtinWordVectors();
    expect(vectors).not.toBeNull();
    const v = vectors!;
    const sim = (a: string, b: string) => v.similarity(v.row(a), v.row(b));
    expect(v.row('printer')).toBeGreaterThanOrEqual(0);
    expect(v.row('the')).toBe(-1); // function words have none
    expect(sim('printer', 'printer')).toBeCloseTo(1, 1);
    expect(sim('laptop', 'notebook')).toBeGreaterThan(sim('laptop', 'banana'));
    expect(sim('password', 'login')).toBeGreaterThan(0.5);
    expect(sim('laptop', 'notebook')).toBe(sim('notebook', 'laptop'));
    // A frequent word is near everything: relatedness discounts it.
    const rel = (a: string, b: string) => v.relatedness(v.row(a), v.row(b));
    expect(rel('printer', 'inkjet')).toBeGreaterThan(0.2);
    expect(rel('share', 'everi')).toBeLessThan(0);
  });

  it('read back what they wrote, and refuse a damaged file', () => {
    const vectors = new WordVectors(
      ['graph', 'plot'],
      Int8Array.from([127, 0, 90, 90]),
      2,
      Int8Array.from([60, 50]),
    );
    const back = WordVectors.fromBytes(vectors.toBytes());
    expect(back.terms).toEqual(['graph', 'plot']);
    expect(back.similarity(0, 1)).toBe((127 * 90) / (127 * 127));
    expect(back.relatedness(0, 1)).toBe((2 * 90) / 127 - 110 / 127);
    expect(() => WordVectors.fromBytes(vectors.toBytes().subarray(0, 25))).toThrow(/damaged/);
    expect(() => WordVectors.fromBytes(new Uint8Array(30))).toThrow(/not a word-vector file/);
  });
});

describe('feature sets', () => {
  it('reads trees of an earlier set, whose features are the first columns of this one', () => {
    expect(computesFeatureSet(RANK_FEATURE_SET, FEATURE_NAMES)).toBe(true);
    expect(computesFeatureSet('docqa-rank-features-1', FEATURE_NAMES.slice(0, 22))).toBe(true);
    expect(computesFeatureSet('docqa-rank-features-2', FEATURE_NAMES.slice(0, 23))).toBe(true);
    expect(computesFeatureSet('docqa-rank-features-3', FEATURE_NAMES.slice(0, 24))).toBe(true);
    // The same names under an unknown set, or a set with its columns in another order: refused.
    expect(computesFeatureSet('docqa-rank-features-0', FEATURE_NAMES.slice(0, 22))).toBe(false);
    const swapped = [...FEATURE_NAMES.slice(0, 22)];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    expect(computesFeatureSet('docqa-rank-features-1', swapped)).toBe(false);
    expect(computesFeatureSet('docqa-rank-features-1', FEATURE_NAMES)).toBe(false);
  });
});
