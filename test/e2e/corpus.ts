import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makePptx } from '../../scripts/documentWriters/pptxWriter.js';
import { makeXlsx } from '../../scripts/documentWriters/xlsxWriter.js';

/** The documents the questions are about, in Chinese and English. */
export const TARGETS = {
  zh: {
    path: '历史/长城.md',
    question: '明长城西边的终点是哪里？',
    text: `# 长城

长城是中国古代为抵御北方游牧民族而修建的军事防御工程，历经多个朝代修筑。

## 明长城

明长城东起辽宁的虎山，西边的终点是甘肃的嘉峪关，全长约八千八百五十公里。
嘉峪关被称为“天下第一雄关”，是明长城西端的起点和终点所在。

## 保护

一九八七年，长城被列入世界文化遗产名录。
`,
  },
  en: {
    path: 'science/photosynthesis.md',
    question: 'Where does photosynthesis take place in plant cells?',
    text: `# Photosynthesis

Photosynthesis is the process by which green plants use sunlight, water and carbon dioxide to make glucose and oxygen.

## Where it happens

In plant cells, photosynthesis takes place in the chloroplasts, which contain the green pigment chlorophyll.
The light reactions run in the thylakoid membranes; the Calvin cycle runs in the stroma.
`,
  },
} as const;

/**
 * An English question with its document kept in two folders (the copy is
 * collapsed into the result: "Also in"), and a Chinese document on the same
 * subject that it reaches through its translated words ("Also searched").
 */
export const CROSS_LINGUAL = {
  question: 'How do I add a firewall rule to open a port?',
  path: 'it/firewall.md',
  copy: 'it/old/firewall.md',
  text: '# Firewall\n\nTo open a port, add a rule that allows the port to the firewall rules, then reload the firewall.\n',
  zhPath: '网络/防火墙.md',
  zhText: '# 防火墙设置\n\n要开放一个端口，请在防火墙规则里添加一条允许该端口的规则，然后重新加载防火墙。\n',
} as const;

/** A workbook whose answer sits deep in a sheet, and a deck whose answer is on its second slide. */
export const PLACED = {
  sheet: { path: 'office/stock.xlsx', question: 'brass lantern shelf' },
  deck: {
    path: 'office/ferries.pptx',
    question: 'ferry to the lighthouse island in winter',
  },
} as const;

/** The sheet row of "Crate n" in the workbook (row 1 is the header; an empty row follows crate 140). */
export const crateRow = (n: number): number => n + (n > 140 ? 2 : 1);

function stockWorkbook(): Buffer {
  const rows: (string | number | null)[][] = [['Item', 'Price', 'Shelf']];
  for (let i = 1; i <= 140; i++) rows.push([`Crate ${i}`, i * 2, `Aisle ${i % 9}`]);
  rows.push([null, null, null]); // an empty row: the sheet's rows and the text's lines part ways
  for (let i = 141; i <= 150; i++) rows.push([`Crate ${i}`, i * 2, `Aisle ${i % 9}`]);
  rows.push(['Brass lantern', 19, 'Shelf 4 by the door']); // row 152
  return makeXlsx([{ name: 'Stock', rows }]);
}

/** A PDF that cannot be read: the library lists it with its reason. */
export const BROKEN_FILE = 'scans/broken.pdf';

/** Nothing in the library is about this. */
export const UNRELATED_QUESTION = 'penguin migration across antarctic ice shelves';

const OTHER_DOCS: Record<string, string> = {
  '烹饪/饺子.txt':
    '饺子是中国北方的传统食品。包饺子需要面粉、清水和馅料，常见的馅有猪肉白菜和韭菜鸡蛋。春节的时候，很多家庭一起包饺子。\n',
  'travel/tokyo.txt':
    'Tokyo is the capital of Japan. Its rail network, including the Yamanote Line loop, carries millions of commuters every day.\n',
  'notes/meeting.md':
    '# Weekly meeting\n\nAgreed: ship the quarterly budget report on Friday; Lina owns supplier contract renewals.\n',
};

// Filler vocabularies: office-document words, none of them in the questions above.
const ZH_WORDS =
  '预算 报告 季度 会议 供应商 合同 发票 培训 计划 项目 团队 审核 客户 交付 办公室 政策 文件 进度 采购 财务 部门 经理 安排 讨论 确认 更新'.split(
    ' ',
  );
const EN_WORDS =
  'budget report quarterly meeting supplier contract invoice training schedule project team review customer delivery office policy document progress purchase finance department manager agenda discussion confirmed updated'.split(
    ' ',
  );

/**
 * Writes the targets, a few other documents and `fillers` generated office
 * documents (≈1.5 KB each, mixed zh/en) so indexing takes long enough to watch.
 */
export function writeCorpus(dir: string, fillers: number): void {
  const write = (rel: string, text: string): void => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write(TARGETS.zh.path, TARGETS.zh.text);
  write(TARGETS.en.path, TARGETS.en.text);
  for (const [rel, text] of Object.entries(OTHER_DOCS)) write(rel, text);
  write(CROSS_LINGUAL.path, CROSS_LINGUAL.text);
  write(CROSS_LINGUAL.copy, CROSS_LINGUAL.text);
  write(CROSS_LINGUAL.zhPath, CROSS_LINGUAL.zhText);
  write(BROKEN_FILE, '%PDF-1.7\n1 0 obj << /Type /Catalog >> broken beyond repair');
  const writeBytes = (rel: string, bytes: Buffer): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), bytes);
  };
  writeBytes(PLACED.sheet.path, stockWorkbook());
  writeBytes(
    PLACED.deck.path,
    makePptx([
      { title: 'Ferry timetable', body: ['Boats leave the harbour every hour.'] },
      {
        title: 'Winter service',
        body: ['From November the ferry to the lighthouse island runs twice a day.'],
      },
    ]),
  );
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < fillers; i++) {
    const zh = i % 2 === 0;
    const words = zh ? ZH_WORDS : EN_WORDS;
    const paragraphs: string[] = [];
    for (let p = 0; p < 6; p++) {
      const sentence = Array.from({ length: zh ? 40 : 30 }, () => words[next(words.length)]).join(
        zh ? '' : ' ',
      );
      paragraphs.push(`${sentence}${zh ? '。' : '.'}`);
    }
    write(
      `archive/${String(Math.floor(i / 100)).padStart(2, '0')}/${zh ? '记录' : 'record'}-${i}.${zh ? 'txt' : 'md'}`,
      `${paragraphs.join('\n\n')}\n`,
    );
  }
}
