import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
// electron-builder's own loader and schema check (the same code `npm run dist` runs first).
const yaml = require('js-yaml') as { load(text: string): Record<string, unknown> };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type Target = string | { target: string };
interface BuilderConfig {
  icon: string;
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  win: { target: Target[]; icon: string };
  mac: { target: Target[]; icon: string };
  linux: { target: Target[]; icon: string };
  electronFuses?: Record<string, boolean>;
}
const config = yaml.load(
  readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'),
) as unknown as BuilderConfig;

describe('electron-builder configuration', () => {
  it('passes electron-builder’s schema', async () => {
    await expect(
      validateConfiguration(structuredClone(config), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('would be rejected if it were malformed (the check is real)', async () => {
    const broken = { ...structuredClone(config), win: { target: 'nsis', bogusOption: true } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/bogusOption|win/);
  });

  it('flips the Electron fuses of the security checklist', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // onlyLoadAppFromAsar with asar off would leave nothing to load.
    expect((config as unknown as { asar: boolean }).asar).toBe(true);
  });

  it('rejects a fuse electron-builder does not know (the fuse names are checked)', async () => {
    const broken = { ...structuredClone(config), electronFuses: { runAsNode: false, runAsNodeTypo: false } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(
      /runAsNodeTypo|electronFuses/,
    );
  });

  it('never forks a child Node process from the app (RunAsNode is off)', () => {
    const sources = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => path.join(e.parentPath, e.name));
    // The CLI and the dev-only native build script run under Node, not Electron.
    const appCode = [...sources('main'), ...sources('preload')].filter(
      (f) => !f.includes(`${path.sep}cli${path.sep}`) && !f.endsWith('buildElectronSqlite.ts'),
    );
    for (const file of appCode) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\bfork\(|ELECTRON_RUN_AS_NODE|spawn\(process\.execPath/);
    }
  });

  it('builds NSIS, dmg, AppImage and deb', () => {
    const targets = (list: Target[]) => list.map((t) => (typeof t === 'string' ? t : t.target));
    expect(targets(config.win.target)).toContain('nsis');
    expect(targets(config.mac.target)).toContain('dmg');
    expect(targets(config.linux.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
  });

  it('unpacks native code from asar and ships model packs and sample documents as extra resources', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['**/*.node', '**/node_modules/sqlite-vec-*/**']),
    );
    // Beside app.asar, where the main process points resourcesDirectory() when packaged.
    expect(config.extraResources).toEqual([
      expect.objectContaining({ from: 'resources/models', to: 'models' }),
      expect.objectContaining({ from: 'resources/sample-docs', to: 'sample-docs' }),
    ]);
  });

  it('points at icons that exist', () => {
    for (const icon of [config.icon, config.win.icon, config.mac.icon, config.linux.icon]) {
      expect(existsSync(path.join(root, icon)), icon).toBe(true);
    }
    const png = readFileSync(path.join(root, 'resources/icons/icon.png'));
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512); // width: macOS/Linux need ≥ 512
  });

  it('packs the electron-vite output the app starts from', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('./out/main/index.js');
    expect(config.files).toEqual(
      expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**']),
    );
  });
});
