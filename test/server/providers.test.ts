import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { availableProviders } from '../../main/engine/towers/sessions.js';

/** Where onnxruntime-node keeps its native libraries for this platform. */
function ortBinFolder(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

describe('available execution providers (what Settings lists as available)', () => {
  it('always include the CPU, first', () => {
    expect(availableProviders()[0]).toBe('cpu');
  });

  it('include CUDA only when its provider library is installed, although the runtime always lists it', () => {
    const listsCuda = ort.listSupportedBackends().some((b) => b.name === 'cuda');
    const bin = ortBinFolder();
    const hasLibrary =
      existsSync(bin) && readdirSync(bin).some((f) => f.startsWith('libonnxruntime_providers_cuda'));
    if (process.platform === 'linux' && existsSync(bin))
      expect(availableProviders().includes('cuda')).toBe(listsCuda && hasLibrary);
    else expect(availableProviders().every((p) => p === 'cpu' || listsCuda || p !== 'cuda')).toBe(true);
  });
});

describe('WebGPU on Linux', () => {
  it.runIf(process.platform === 'linux')('is available only with a GPU render node to run on', () => {
    const renderNode = existsSync('/dev/dri') && readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
    const offered = ort.listSupportedBackends().some((b) => b.name === 'webgpu');
    expect(availableProviders().includes('webgpu')).toBe(offered && renderNode);
  });
});
