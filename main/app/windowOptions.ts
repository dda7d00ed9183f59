/**
 * The desktop window's options, as a pure function so tests can assert the
 * security settings without launching Electron (only types come from electron).
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

/** Renderer isolation: every one of these is asserted by test/app/windowOptions.test.ts. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
} as const satisfies BrowserWindowConstructorOptions['webPreferences'];

export const MIN_SIZE = { width: 760, height: 520 } as const;
export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;

export interface WindowOptionsInput {
  preload: string;
  bounds: Partial<Rectangle>;
  dark: boolean;
  devTools: boolean;
}

export function createWindowOptions({
  preload,
  bounds,
  dark,
  devTools,
}: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...DEFAULT_SIZE,
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'DocQA',
    // Shown on 'ready-to-show' so the window never flashes white in dark mode.
    show: false,
    backgroundColor: dark ? '#15181e' : '#f6f7f9',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload, devTools, spellcheck: true },
  };
}
