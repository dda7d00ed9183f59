import * as ort from 'onnxruntime-node';
import type { ProviderName } from '../../library/types.js';

// Stand-in until the towers runtime's createSession lands (requested in
// /work/notes/requests-to-towers.md); same contract, to be replaced by it.

const ORT_NAME: Record<Exclude<ProviderName, 'auto' | 'cpu'>, string> = { cuda: 'cuda', dml: 'dml', coreml: 'coreml', webgpu: 'webgpu' };

function autoOrder(): Exclude<ProviderName, 'auto' | 'cpu'>[] {
  // WebGPU only when asked for: headless machines without a GPU adapter make it slow to fail.
  if (process.platform === 'linux' && process.arch === 'x64') return ['cuda'];
  if (process.platform === 'win32') return ['dml'];
  if (process.platform === 'darwin') return ['coreml'];
  return [];
}

export function availableProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name);
}

export async function createSession(
  model: string | Uint8Array,
  options: { provider?: ProviderName; threads?: number } = {},
): Promise<{ session: ort.InferenceSession; active: string; fallbackReason: string | null }> {
  const requested = options.provider ?? 'auto';
  // Severity 4 (fatal only): a GPU provider that fails to load is reported through fallbackReason, not as a log line.
  const base: ort.InferenceSession.SessionOptions = { intraOpNumThreads: options.threads ?? 0, graphOptimizationLevel: 'all', logSeverityLevel: 4 };
  const open = (eps: string[]) =>
    typeof model === 'string' ? ort.InferenceSession.create(model, { ...base, executionProviders: eps }) : ort.InferenceSession.create(model, { ...base, executionProviders: eps });
  const candidates = requested === 'auto' ? autoOrder() : requested === 'cpu' ? [] : [requested];
  const offered = new Set(availableProviders());
  let reason: string | null = null;
  for (const p of candidates) {
    const name = ORT_NAME[p];
    if (!offered.has(name)) {
      reason ??= `${p} is not offered by this onnxruntime-node build (offers: ${[...offered].join(', ')})`;
      continue;
    }
    try {
      return { session: await open([name]), active: p, fallbackReason: null };
    } catch (e) {
      reason = `${p} failed to start: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return { session: await open(['cpu']), active: 'cpu', fallbackReason: reason };
}
