import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { typedFolderPath } from '../../main/api/typedFolderPath.js';

describe('a folder path typed into the page', () => {
  it('reads ~ as the home folder, as a shell does', () => {
    expect(typedFolderPath('~')).toBe(os.homedir());
    expect(typedFolderPath('~/Documents/notes')).toBe(path.join(os.homedir(), 'Documents/notes'));
    // Another user's home (~bob) is not guessed: it stays relative and is refused.
    expect(() => typedFolderPath('~bob/notes')).toThrow('not an absolute path: ~bob/notes');
  });

  it('drops the blanks and quotes a pasted path comes with', () => {
    expect(typedFolderPath('  /srv/docs \n')).toBe('/srv/docs');
    expect(typedFolderPath('"/srv/my docs"')).toBe('/srv/my docs');
    expect(typedFolderPath("'/srv/my docs'")).toBe('/srv/my docs');
    // One quote alone is part of the name, not a wrapper.
    expect(() => typedFolderPath('"/srv/odd')).toThrow('not an absolute path: "/srv/odd');
  });

  it('refuses an empty or relative path', () => {
    expect(() => typedFolderPath('   ')).toThrow('no folder given');
    expect(() => typedFolderPath('""')).toThrow('no folder given');
    expect(() => typedFolderPath('docs/notes')).toThrow('not an absolute path: docs/notes');
  });
});
