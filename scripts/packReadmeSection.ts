import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes one tool's section of a pack's README between its markers, replacing the last
 * one it wrote (or appending), so that each tool that adds a file to the pack documents it
 * without touching what the others wrote.
 */
export function writePackReadmeSection(packDir: string, begin: string, end: string, body: string[]): void {
  const readmeFile = path.join(packDir, 'README.md');
  const readme = readFileSync(readmeFile, 'utf8');
  const section = [begin, ...body, end].join('\n');
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  writeFileSync(
    readmeFile,
    from >= 0 && to > from
      ? readme.slice(0, from) + section + readme.slice(to + end.length)
      : `${readme.trimEnd()}\n\n${section}\n`,
  );
}
