import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SIZE, MIN_SIZE } from './windowOptions.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const stateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});

export type WindowState = z.infer<typeof stateSchema>;

/** The saved window state, or null when there is none or it is unreadable. */
export function loadWindowState(file: string): WindowState | null {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/**
 * Where to put the window: the saved bounds when they still overlap a display
 * enough to grab (a monitor may have been unplugged), shrunk to fit it;
 * otherwise the default size, centred by Electron.
 */
export function restoreBounds(saved: WindowState | null, workAreas: Rect[]): Partial<Rect> {
  if (!saved) return { ...DEFAULT_SIZE };
  const area = workAreas.find((a) => overlap(a, saved) >= 100 * 50);
  if (!area)
    return {
      width: Math.min(saved.width, DEFAULT_SIZE.width),
      height: Math.min(saved.height, DEFAULT_SIZE.height),
    };
  const width = Math.max(MIN_SIZE.width, Math.min(saved.width, area.width));
  const height = Math.max(MIN_SIZE.height, Math.min(saved.height, area.height));
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
