import { statSync } from 'node:fs';
import path from 'node:path';
import { openPack } from '../towers/openPack.js';
import type { OpenPackOptions, TowerPack } from '../towers/types.js';

/**
 * Tower packs kept open across jobs in one worker (opening one starts its own
 * worker threads and loads ONNX sessions: seconds from TypeScript sources). A
 * pack folder rewritten in place gets a new manifest, hence a new cache entry.
 */
export class PackCache {
  private readonly packs = new Map<string, Promise<TowerPack>>();

  open(dir: string, options: OpenPackOptions): Promise<TowerPack> {
    const manifest = statSync(path.join(dir, 'manifest.json'), { throwIfNoEntry: false });
    const key = JSON.stringify([
      path.resolve(dir),
      options.provider,
      options.workers,
      manifest?.mtimeMs,
      manifest?.size,
    ]);
    let pack = this.packs.get(key);
    if (!pack) {
      pack = openPack(dir, options);
      this.packs.set(key, pack);
      pack.catch(() => this.packs.delete(key));
    }
    return pack;
  }

  async closeAll(): Promise<void> {
    const all = [...this.packs.values()];
    this.packs.clear();
    for (const p of all) await p.then((pack) => pack.close()).catch(() => undefined);
  }
}
