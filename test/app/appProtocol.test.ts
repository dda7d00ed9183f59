import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/api/csp.js';
import { APP_INDEX_URL, resolveAppRequest } from '../../main/app/appProtocol.js';
import { isAppUrl } from '../../main/app/navigation.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-app-protocol-'));
const renderer = path.join(tmp, 'out', 'renderer');
const secret = path.join(tmp, 'secret.txt');
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

beforeAll(() => {
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>DocQA</title>');
  writeFileSync(path.join(renderer, 'assets', 'app-1234.js'), 'console.log(1);');
  writeFileSync(path.join(renderer, 'assets', 'app-1234.css'), 'body{}');
  writeFileSync(path.join(renderer, 'assets', 'font.woff2'), 'x');
  writeFileSync(path.join(renderer, 'favicon.svg'), '<svg/>');
  writeFileSync(path.join(renderer, 'data.bin'), 'x');
  writeFileSync(path.join(renderer, 'file name.txt'), 'spaces');
  writeFileSync(secret, 'outside the renderer');
  mkdirSync(path.join(tmp, 'outside-dir'));
  writeFileSync(path.join(tmp, 'outside-dir', 'inner.js'), 'outside');
  symlinkSync(secret, path.join(renderer, 'link-out.txt'));
  symlinkSync(path.join(tmp, 'outside-dir'), path.join(renderer, 'dir-out'));
  symlinkSync(path.join(renderer, 'index.html'), path.join(renderer, 'link-in.html'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => resolveAppRequest(url, renderer, method);

describe('app:// protocol', () => {
  it('serves the renderer’s files with their MIME types and the CSP', async () => {
    const index = await get(APP_INDEX_URL);
    expect(index).toMatchObject({ status: 200, file: path.join(renderer, 'index.html') });
    expect(index.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    });
    const types: Record<string, string> = {
      'app://docqa/': 'text/html; charset=utf-8',
      'app://docqa/assets/app-1234.js': 'text/javascript; charset=utf-8',
      'app://docqa/assets/app-1234.css': 'text/css; charset=utf-8',
      'app://docqa/assets/font.woff2': 'font/woff2',
      'app://docqa/favicon.svg': 'image/svg+xml',
      'app://docqa/data.bin': 'application/octet-stream',
      'app://docqa/file%20name.txt': 'text/plain; charset=utf-8',
      'app://docqa/index.html?x=1#settings': 'text/html; charset=utf-8',
    };
    for (const [url, type] of Object.entries(types)) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
      expect(r.headers['Content-Type'], url).toBe(type);
    }
    expect((await get(APP_INDEX_URL, 'HEAD')).status).toBe(200);
  });

  it('refuses paths that leave the renderer folder, plain or encoded', async () => {
    const attempts = [
      'app://docqa/../secret.txt',
      'app://docqa/../../secret.txt',
      'app://docqa/%2e%2e/secret.txt',
      'app://docqa/%2E%2E/%2E%2E/secret.txt',
      'app://docqa/..%2fsecret.txt',
      'app://docqa/..%2F..%2Fsecret.txt',
      'app://docqa/assets/..%2f..%2fsecret.txt',
      'app://docqa/%252e%252e/secret.txt',
      'app://docqa/..%5csecret.txt',
      'app://docqa/assets%5c..%5c..%5csecret.txt',
      'app://docqa/index.html%00.js',
      'app://docqa/%E0%A4%A',
    ];
    for (const url of attempts) expect((await get(url)).status, url).toBe(404);
  });

  it('reads absolute paths as paths inside the folder, never as the file system root', async () => {
    for (const url of [
      `app://docqa/${secret}`,
      `app://docqa//${secret}`,
      `app://docqa/${encodeURIComponent(secret)}`,
      'app://docqa//etc/passwd',
      'app://docqa/%2Fetc%2Fpasswd',
      'app://docqa/C:/Windows/win.ini',
      'app://docqa/C:%5CWindows%5Cwin.ini',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
    }
  });

  it('does not follow symbolic links out of the folder, but serves those that stay inside', async () => {
    expect((await get('app://docqa/link-out.txt')).status).toBe(404);
    expect((await get('app://docqa/dir-out/inner.js')).status).toBe(404);
    expect(await get('app://docqa/link-in.html')).toMatchObject({ status: 200 });
  });

  it('serves nothing for another host, scheme, folder, missing file or method', async () => {
    for (const url of [
      'app://evil/index.html',
      'app://docqa.evil/index.html',
      'app://user:pass@docqa/index.html',
      'app://docqa:8080/index.html',
      'app:///index.html',
      'file:///index.html',
      'https://docqa/index.html',
      'app://docqa/assets',
      'app://docqa/assets/',
      'app://docqa/missing.js',
      'not a url',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(405);
  });

  it('is what the window loads, and the only origin the navigation lock accepts', () => {
    expect(isAppUrl('app://docqa/index.html#settings', APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('app://docqa/', APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('app://evil/index.html', APP_INDEX_URL)).toBe(false);
    expect(isAppUrl('file:///opt/DocQA/resources/app.asar/out/renderer/index.html', APP_INDEX_URL)).toBe(
      false,
    );
    expect(isAppUrl('https://docqa/index.html', APP_INDEX_URL)).toBe(false);
    const main = readFileSync(path.join(repoRoot, 'main/index.ts'), 'utf8');
    expect(main).toMatch(/const appUrl = devUrl \?\? APP_INDEX_URL;/);
    expect(main).toMatch(/win\.loadURL\(appUrl\)/);
    expect(main).not.toMatch(/loadFile\(|pathToFileURL/);
    // The scheme is registered as privileged before the app is ready, and served once it is.
    expect(main.indexOf('registerAppScheme()')).toBeLessThan(main.indexOf('app.whenReady()'));
    expect(main).toMatch(/serveAppProtocol\(RENDERER_DIR\)/);
  });
});
