import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { scanFolder, type ScanOptions } from '../../main/engine/ingest/scanFolder.js';
import type { IngestWarning, ScannedFile } from '../../main/engine/ingest/types.js';
import { UserError } from '../../main/engine/errors.js';
import { useTempDir } from './helpers/tempDir.js';
import { bytePath, GBK_REPORT, writeByteNamed } from './helpers/byteNames.js';
import { decodeFileName } from '../../main/engine/ingest/fileName.js';

const tempDir = useTempDir();
const isRoot = process.getuid?.() === 0;

async function scan(
  root: string,
  options: ScanOptions = {},
): Promise<{ files: ScannedFile[]; warnings: IngestWarning[] }> {
  const files: ScannedFile[] = [];
  const warnings: IngestWarning[] = [];
  for await (const f of scanFolder(root, { ...options, onWarning: (w) => warnings.push(w) })) files.push(f);
  return { files, warnings };
}

const relPaths = (files: ScannedFile[]) => files.map((f) => f.relPath);

describe('scanFolder', () => {
  it('yields readable files depth first in code-point order, with size, mtime, extension and type', async () => {
    const dir = tempDir();
    dir.write('b.md', '# B');
    dir.write('B.TXT', 'upper');
    dir.write('a/z.pdf', '%PDF');
    dir.write('a/y/x.docx', 'PK');
    dir.write('a.html', '<p>x</p>');
    dir.write('image.png', 'png');
    dir.write('tool.exe', 'MZ');
    dir.write('no-extension', 'text');
    const { files, warnings } = await scan(dir.root);
    expect(relPaths(files)).toEqual(['B.TXT', 'a/y/x.docx', 'a/z.pdf', 'a.html', 'b.md']);
    expect(files[0]).toEqual({
      absPath: dir.path('B.TXT'),
      relPath: 'B.TXT',
      size: 5,
      mtimeMs: expect.any(Number),
      ext: '.txt',
      type: 'text',
    });
    expect(files.map((f) => f.type)).toEqual(['text', 'docx', 'pdf', 'html', 'markdown']);
    expect(warnings).toEqual([]);
  });

  it('reads a README, INSTALL or NEWS without an extension as text, not a licence or a Makefile', async () => {
    const dir = tempDir();
    for (const name of [
      'README',
      'INSTALL',
      'src/NEWS',
      'notes',
      'LICENSE',
      'COPYING',
      'Makefile',
      'README.gz',
    ])
      dir.write(name, 'The cider press is in the north barn.');
    const { files } = await scan(dir.root);
    expect(files.map((f) => [f.relPath, f.type, f.ext])).toEqual([
      ['INSTALL', 'text', ''],
      ['README', 'text', ''],
      ['notes', 'text', ''],
      ['src/NEWS', 'text', ''],
    ]);
  });

  it('skips hidden, system, dependency and lock files by default', async () => {
    const dir = tempDir();
    for (const rel of [
      '.git/HEAD.txt',
      '.hidden.md',
      '.Trash/old.md',
      'notes/.obsidian/workspace.json',
      'node_modules/pkg/README.md',
      'src/__pycache__/x.py',
      '$RECYCLE.BIN/deleted.txt',
      'System Volume Information/x.txt',
      'photos/desktop.ini',
      '~$report.docx',
      'backup.md~',
      'app.min.js',
      'package-lock.json',
      'venv/lib/site.py',
    ]) {
      dir.write(rel, 'ignored');
    }
    dir.write('notes/keep.md', 'kept');
    dir.write('src/main.py', 'kept');
    expect(relPaths((await scan(dir.root)).files)).toEqual(['notes/keep.md', 'src/main.py']);
  });

  it("applies a library's own gitignore-style patterns, including re-including a default", async () => {
    const dir = tempDir();
    dir.write('drafts/a.md', 'x');
    dir.write('data/big.csv', 'x');
    dir.write('data/small.json', 'x');
    dir.write('.notes/kept.md', 'x');
    dir.write('report.md', 'x');
    const { files } = await scan(dir.root, { ignore: ['# comment', '', 'drafts/', '*.csv', '!.notes/'] });
    expect(relPaths(files)).toEqual(['.notes/kept.md', 'data/small.json', 'report.md']);
  });

  it('survives symbolic-link loops, skips links back into the folder, follows links outside it once', async () => {
    const dir = tempDir();
    const outside = tempDir();
    outside.write('shared/outside.md', 'outside');
    outside.write('single.txt', 'single file');
    dir.write('docs/a.md', 'a');
    symlinkSync(dir.root, dir.path('docs/loop'));
    symlinkSync('..', dir.path('docs/up'));
    symlinkSync(dir.path('docs'), dir.path('docs-again'));
    symlinkSync(dir.path('docs/a.md'), dir.path('alias.md'));
    symlinkSync(outside.path('shared'), dir.path('linked'));
    symlinkSync(outside.path('shared'), dir.path('linked-twice'));
    symlinkSync(outside.path('single.txt'), dir.path('single.txt'));
    symlinkSync(dir.path('missing.md'), dir.path('broken.md'));
    symlinkSync(dir.path('self-a.md'), dir.path('self-b.md'));
    symlinkSync(dir.path('self-b.md'), dir.path('self-a.md'));
    const { files, warnings } = await scan(dir.root);
    expect(relPaths(files)).toEqual(['docs/a.md', 'linked/outside.md', 'single.txt']);
    expect(files.find((f) => f.relPath === 'single.txt')).toMatchObject({
      absPath: dir.path('single.txt'),
      size: 11,
    });
    expect(warnings).toEqual([
      { relPath: 'broken.md', message: 'broken symbolic link; skipped' },
      { relPath: 'docs/loop', message: 'symbolic link loop (points to a folder that contains it); skipped' },
      { relPath: 'docs/up', message: 'symbolic link loop (points to a folder that contains it); skipped' },
      { relPath: 'linked-twice', message: 'symbolic link loop (folder already scanned); skipped' },
      { relPath: 'self-a.md', message: 'symbolic link loop; skipped' },
      { relPath: 'self-b.md', message: 'symbolic link loop; skipped' },
    ]);
  });

  // /proc/self links to this process's working folder and root: followed, they index the disk under strange names.
  it.runIf(existsSync('/proc/self/cwd'))(
    "never enters the system's state folders (/proc, /sys, /dev), through a link or as the folder itself",
    async () => {
      const dir = tempDir();
      dir.write('note.md', 'x');
      symlinkSync('/proc/self', dir.path('process'));
      symlinkSync('/dev', dir.path('devices'));
      const { files, warnings } = await scan(dir.root);
      expect(relPaths(files)).toEqual(['note.md']);
      expect(warnings).toEqual([]);
      await expect(scan('/proc/self')).rejects.toThrow(
        "/proc/self holds the running system's state (processes, devices), not documents",
      );
      await expect(scan('/sys')).rejects.toThrow(UserError);
    },
  );

  it('never yields FIFOs, sockets or devices', async () => {
    const dir = tempDir();
    dir.write('real.txt', 'x');
    execFileSync('mkfifo', [dir.path('pipe.txt')]);
    expect(relPaths((await scan(dir.root)).files)).toEqual(['real.txt']);
  });

  it.skipIf(isRoot)('reports an unreadable folder and goes on', async () => {
    const dir = tempDir();
    dir.write('locked/secret.md', 'x');
    dir.write('open.md', 'x');
    chmodSync(dir.path('locked'), 0o000);
    try {
      const { files, warnings } = await scan(dir.root);
      expect(relPaths(files)).toEqual(['open.md']);
      expect(warnings).toEqual([{ relPath: 'locked', message: 'cannot read folder: permission denied' }]);
    } finally {
      chmodSync(dir.path('locked'), 0o755);
    }
  });

  it('reports files and folders whose names are not UTF-8 instead of dropping them', async (ctx) => {
    const dir = tempDir();
    dir.write('good.txt', 'readable');
    dir.mkdir('sub');
    const gbkFolder = bytePath(dir.root, GBK_REPORT);
    const made =
      writeByteNamed(bytePath(dir.root, GBK_REPORT, '.txt'), 'GBK-named report') &&
      writeByteNamed(bytePath(dir.root, GBK_REPORT, '.exe'), 'not a type we read') &&
      writeByteNamed(bytePath(dir.path('sub'), GBK_REPORT, '.md'), '# GBK-named notes') &&
      writeByteNamed(gbkFolder, null) &&
      writeByteNamed(Buffer.concat([gbkFolder, Buffer.from('/inside.md')]), '# inside');
    if (!made) return ctx.skip('this file system refuses names that are not UTF-8');
    const { files, warnings } = await scan(dir.root);
    expect(relPaths(files)).toEqual(['good.txt']);
    const escaped = '\\xB1\\xA8\\xB8\\xE6';
    expect(warnings).toEqual([
      { relPath: escaped, message: 'folder name is not valid UTF-8 (its files are not indexed); rename it' },
      { relPath: `${escaped}.txt`, message: 'file name is not valid UTF-8; rename it' },
      { relPath: `sub/${escaped}.md`, message: 'file name is not valid UTF-8; rename it' },
    ]);
  });

  it('escapes the bytes of a file name that are not UTF-8 and keeps the characters that are', () => {
    expect(decodeFileName(Buffer.from('报告.txt'))).toEqual({ name: '报告.txt', valid: true });
    const mixed = Buffer.concat([Buffer.from('中'), Buffer.from([0xb1, 0xe4, 0xb8]), Buffer.from('a.md')]);
    expect(decodeFileName(mixed)).toEqual({ name: '中\\xB1\\xE4\\xB8a.md', valid: false });
  });

  it('warns about folders nested deeper than the limit', async () => {
    const dir = tempDir();
    dir.write('1/2/3/deep.md', 'x');
    dir.write('1/shallow.md', 'x');
    const { files, warnings } = await scan(dir.root, { maxDepth: 2 });
    expect(relPaths(files)).toEqual(['1/shallow.md']);
    expect(warnings).toEqual([
      { relPath: '1/2/3', message: 'folder nested too deep (more than 2 levels); skipped' },
    ]);
  });

  it('fails with a user error for a missing folder or a file, and stops when aborted', async () => {
    const dir = tempDir();
    const file = dir.write('file.md', 'x');
    await expect(scan(dir.path('missing'))).rejects.toThrow(UserError);
    await expect(scan(dir.path('missing'))).rejects.toThrow(`folder not found: ${dir.path('missing')}`);
    await expect(scan(file)).rejects.toThrow(`not a folder: ${file}`);
    const controller = new AbortController();
    dir.write('more.md', 'x');
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const f of scanFolder(dir.root, { signal: controller.signal })) {
          seen.push(f.relPath);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['file.md']);
  });
});
