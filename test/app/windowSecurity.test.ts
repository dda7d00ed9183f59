import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../main/api/csp.js';
import { isAppUrl } from '../../main/app/navigation.js';
import { createWindowOptions, MIN_SIZE } from '../../main/app/windowOptions.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string): string => readFileSync(path.join(root, p), 'utf8');

describe('BrowserWindow options', () => {
  const options = createWindowOptions({
    preload: '/app/out/preload/index.cjs',
    bounds: { x: 10, y: 20, width: 900, height: 700 },
    dark: true,
    devTools: false,
  });

  it('isolate the renderer: context isolation, sandbox, no Node integration anywhere', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
      preload: '/app/out/preload/index.cjs',
    });
  });

  it('keep the restored bounds, a minimum size, and stay hidden until ready', () => {
    expect(options).toMatchObject({ x: 10, y: 20, width: 900, height: 700, show: false });
    expect(options.minWidth).toBe(MIN_SIZE.width);
    expect(options.backgroundColor).toBe('#15181e');
  });

  it('are the options every window in the main process is created with', () => {
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) walk(rel);
        else if (rel.endsWith('.ts')) sources.push(rel);
      }
    };
    walk('main');
    const creators = sources.filter((f) => /new BrowserWindow\s*\(/.test(read(f)));
    expect(creators).toEqual([path.join('main', 'index.ts')]);
    const calls = read('main/index.ts').match(/new BrowserWindow\s*\(\s*([A-Za-z]+)\(/g) ?? [];
    expect(calls.length).toBe((read('main/index.ts').match(/new BrowserWindow\s*\(/g) ?? []).length);
    expect(calls.every((c) => c.includes('createWindowOptions('))).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  it('allows scripts and styles from the app only, nothing inline, no eval, no network', () => {
    for (const policy of [CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY]) {
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('is the same policy in the renderer page that the window and web mode send as a header', () => {
    const html = read('renderer/index.html');
    const meta = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  });

  it('is installed on the session and every window by the main process', () => {
    const security = read('main/app/security.ts');
    expect(security).toMatch(/'Content-Security-Policy': \[CONTENT_SECURITY_POLICY\]/);
    expect(security).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(read('main/index.ts')).toMatch(/web-contents-created.*lockNavigation/s);
  });
});

describe('navigation lock', () => {
  const file = 'file:///opt/DocQA/resources/app.asar/out/renderer/index.html';
  it('accepts only the app page (file build) or the dev server origin', () => {
    expect(isAppUrl(file, file)).toBe(true);
    expect(isAppUrl(`${file}#settings`, file)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', file)).toBe(false);
    expect(isAppUrl('https://example.com/', file)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', file)).toBe(false);
  });
});

describe('preload', () => {
  it('exposes one narrow object and no ipcRenderer passthrough', () => {
    const preload = read('preload/index.ts');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\('docqa', bridge\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(preload).toMatch(/isApiMethod\(method\)/);
  });
});
