import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeModel } from '../../main/engine/towers/onnx/onnxModel.js';
import {
  autoProviders,
  availableProviders,
  createSession,
  offeredProviders,
} from '../../main/engine/towers/sessions.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-sessions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const model = encodeModel({
  graphName: 'double',
  opset: 17,
  inputs: [{ name: 'x', dataType: 'float32', shape: ['N'] }],
  outputs: [{ name: 'y', dataType: 'float32', shape: ['N'] }],
  nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
  initializers: [],
});
const modelPath = path.join(tmp, 'double.onnx');
writeFileSync(modelPath, model);

async function double(session: ort.InferenceSession): Promise<number[]> {
  const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2.5]), [2]) });
  return Array.from(out.y!.data as Float32Array);
}

describe('sessions', () => {
  it('lists cpu first among the providers this build offers', () => {
    const providers = availableProviders();
    expect(providers[0]).toBe('cpu');
    const known = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];
    expect(providers.every((p) => known.includes(p))).toBe(true);
  });

  it('opens a model from bytes or a path on the cpu', async () => {
    for (const m of [model, modelPath]) {
      const opened = await createSession(m, { provider: 'cpu', threads: 1 });
      expect(opened.active).toBe('cpu');
      expect(opened.fallbackReason).toBeNull();
      expect(await double(opened.session)).toEqual([2, 5]);
      await opened.session.release();
    }
  });

  it('falls back to the cpu with a reason when cuda cannot start', async () => {
    const messages: string[] = [];
    const opened = await createSession(modelPath, { provider: 'cuda', onFallback: (m) => messages.push(m) });
    expect(await double(opened.session)).toEqual([2, 5]);
    if (opened.active === 'cuda') {
      expect(opened.fallbackReason).toBeNull(); // a machine with the CUDA provider installed
    } else {
      expect(opened.active).toBe('cpu');
      expect(opened.fallbackReason).toMatch(/^cuda /);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain(opened.fallbackReason);
    }
    await opened.session.release();
  });

  it("a provider that is offered but fails to start falls back with ORT's reason", async () => {
    // Offered by the build (listed as available only where it can run, so not the test's gate).
    if (!offeredProviders().includes('webgpu')) return;
    const opened = await createSession(model, { provider: 'webgpu', onFallback: () => {} });
    expect(await double(opened.session)).toEqual([2, 5]);
    if (opened.active === 'cpu') expect(opened.fallbackReason).toMatch(/^webgpu failed to start: ./);
    else expect(opened.fallbackReason).toBeNull(); // a machine with a WebGPU adapter
    await opened.session.release();
  });

  it('names a provider this platform does not offer as the reason', async () => {
    const foreign = process.platform === 'win32' ? 'coreml' : 'dml';
    const opened = await createSession(model, { provider: foreign, onFallback: () => {} });
    expect(opened.active).toBe('cpu');
    expect(opened.fallbackReason).toMatch(new RegExp(`^${foreign} (is not offered|failed)`));
    await opened.session.release();
  });

  it('auto tries the platform GPU provider, else runs on the cpu', async () => {
    const opened = await createSession(model, { provider: 'auto', onFallback: () => {} });
    expect(['cpu', ...autoProviders()]).toContain(opened.active);
    if (opened.active === 'cpu' && autoProviders().length > 0) expect(opened.fallbackReason).toBeTruthy();
    await opened.session.release();
    expect(autoProviders('linux', 'x64')).toEqual(['cuda']);
    expect(autoProviders('linux', 'arm64')).toEqual([]);
    expect(autoProviders('win32', 'x64')).toEqual(['dml', 'webgpu']);
    expect(autoProviders('darwin', 'arm64')).toEqual(['coreml', 'webgpu']);
  });

  it('logs a fallback from a named provider once, and none from auto', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const auto = await createSession(model, { provider: 'auto' });
      await auto.session.release();
      expect(warn).not.toHaveBeenCalled();
      const foreign = process.platform === 'win32' ? 'coreml' : 'dml';
      for (let i = 0; i < 2; i++) await (await createSession(model, { provider: foreign })).session.release();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain(
        `execution provider ${foreign} unavailable, using cpu`,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('rejects a file that is not a model', async () => {
    await expect(createSession(new Uint8Array([1, 2, 3, 4, 5]), { provider: 'cpu' })).rejects.toThrow();
  });
});
