/**
 * `npm run native:electron` (run by `predev`): builds better-sqlite3 for
 * Electron's ABI into native/electron/<electron>-<platform>-<arch>/, leaving
 * node_modules' Node-ABI build alone for `npm test` and the CLI. The desktop
 * app in development loads it through `nativeBinding` (main/app/paths.ts);
 * packaged apps get node_modules rebuilt by electron-builder instead.
 *
 * Tries the published prebuilt binary (prebuild-install), then a local
 * compile (node-gyp against Electron's headers). Without Electron installed,
 * or offline, it says so and exits 0: nothing else depends on it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'package.json'));

function electronVersion(): string | null {
  try {
    return String(JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version);
  } catch {
    return null;
  }
}

/** Electron's NODE_MODULE_VERSION, shipped in the electron package. */
function electronAbi(): string | null {
  try {
    return readFileSync(
      path.join(path.dirname(require.resolve('electron/package.json')), 'abi_version'),
      'utf8',
    ).trim();
  } catch {
    return null;
  }
}

/** An addon names its ABI in its registration symbol; a build against the wrong headers must not be kept. */
function builtForAbi(binary: string, abi: string): boolean {
  return readFileSync(binary).includes(`node_register_module_v${abi}`);
}

function run(command: string, args: string[], cwd: string): boolean {
  // An npm-configured nodedir (e.g. distro Node headers) would silently build for Node's ABI instead.
  const env = { ...process.env };
  delete env.npm_config_nodedir;
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit', timeout: 10 * 60_000 });
  return result.status === 0;
}

function main(): void {
  const version = electronVersion();
  if (!version) {
    console.log('native:electron: electron is not installed; skipping the Electron build of better-sqlite3.');
    return;
  }
  const targetDir = path.join(root, 'native', 'electron', `${version}-${process.platform}-${process.arch}`);
  const target = path.join(targetDir, 'better_sqlite3.node');
  if (existsSync(target)) return;

  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'docqa-electron-sqlite-'));
  const pkg = path.join(work, 'better-sqlite3');
  try {
    cpSync(source, pkg, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
    const flags = [
      `--runtime=electron`,
      `--target=${version}`,
      `--arch=${process.arch}`,
      `--platform=${process.platform}`,
    ];
    const prebuilt = run(process.execPath, [require.resolve('prebuild-install/bin.js'), ...flags], pkg);
    const gyp = process.env.npm_config_node_gyp;
    const built =
      prebuilt ||
      (gyp !== undefined &&
        run(
          process.execPath,
          [gyp, 'rebuild', '--release', '--dist-url=https://electronjs.org/headers', ...flags],
          pkg,
        ));
    const binary = path.join(pkg, 'build', 'Release', 'better_sqlite3.node');
    const abi = electronAbi();
    if (!built || !existsSync(binary) || (abi !== null && !builtForAbi(binary, abi))) {
      console.warn(
        `native:electron: could not get better-sqlite3 for Electron ${version} (offline, or no compiler). ` +
          'The desktop app needs it for `npm run dev`; run `npm run native:electron` again when online. Tests and the CLI are unaffected.',
      );
      return;
    }
    mkdirSync(targetDir, { recursive: true });
    copyFileSync(binary, target);
    console.log(`native:electron: ${path.relative(root, target)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
