import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE } from '../../main/app/windowOptions.js';
import { loadWindowState, restoreBounds, saveWindowState } from '../../main/app/windowState.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'docqa-winstate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

describe('window state', () => {
  it('round-trips through a file', () => {
    const file = path.join(dir, 'nested', 'window-state.json');
    saveWindowState(file, { x: 100, y: 80, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(file)).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
  });

  it('ignores a missing or damaged file', () => {
    expect(loadWindowState(path.join(dir, 'none.json'))).toBeNull();
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"x": "left"');
    expect(loadWindowState(bad)).toBeNull();
    writeFileSync(bad, '{"x": 1, "y": 2, "width": -5, "height": 3}');
    expect(loadWindowState(bad)).toBeNull();
  });

  it('restores bounds that are on a screen', () => {
    expect(restoreBounds({ x: 100, y: 80, width: 1000, height: 700, maximized: false }, screen)).toEqual({
      x: 100,
      y: 80,
      width: 1000,
      height: 700,
    });
  });

  it('pulls a window hanging off the edge back on screen and shrinks it to fit', () => {
    const b = restoreBounds({ x: 1500, y: 900, width: 3000, height: 700, maximized: false }, screen);
    expect(b).toEqual({ x: 0, y: 340, width: 1920, height: 700 });
  });

  it('uses the default size when the saved screen is gone or nothing was saved', () => {
    const off = restoreBounds({ x: 5000, y: 5000, width: 800, height: 600, maximized: false }, screen);
    expect(off.x).toBeUndefined();
    expect(off.width).toBe(800);
    expect(restoreBounds(null, screen)).toEqual(DEFAULT_SIZE);
    const tiny = restoreBounds({ x: 0, y: 0, width: 200, height: 100, maximized: false }, screen);
    expect(tiny.width).toBe(MIN_SIZE.width);
  });
});
