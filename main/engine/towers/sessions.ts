import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { PROVIDER_NAMES, type ProviderName } from '../vocabulary/values.js';
import { disableOrtTelemetry } from '../workers/ortTelemetry.js';

/**
 * ONNX Runtime sessions with an execution-provider preference and a CPU
 * fallback. Generic: any ONNX model, by path (external data resolves next to
 * it) or by bytes.
 */
export type GpuProvider = Exclude<ProviderName, 'auto' | 'cpu'>;

export interface SessionOptions {
  provider?: ProviderName;
  /** ORT intra-op threads; 0 or absent lets ORT choose (all cores). */
  threads?: number;
  /**
   * Told why the requested provider was not used. Default: one console.warn per
   * reason and thread when a provider was asked for by name; silence for
   * 'auto', whose CPU fallback on a machine without a GPU is the normal case
   * (the reason is still returned).
   */
  onFallback?: (message: string) => void;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider the session runs on: 'cpu' or one of the GPU providers. */
  active: 'cpu' | GpuProvider;
  /** Why the requested provider is not the active one; null when it is. */
  fallbackReason: string | null;
}

const GPU_PROVIDERS: readonly GpuProvider[] = PROVIDER_NAMES.filter(
  (p): p is GpuProvider => p !== 'auto' && p !== 'cpu',
);

/**
 * What `auto` tries before the CPU: the platform's native GPU provider. WebGPU
 * only on Windows and macOS: on Linux it goes through Vulkan, and on machines
 * without a usable adapter the attempt costs ~130 ms and a native warning on
 * stderr (measured here); it stays available when asked for by name.
 */
export function autoProviders(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): GpuProvider[] {
  if (platform === 'linux') return arch === 'x64' ? ['cuda'] : [];
  if (platform === 'win32') return ['dml', 'webgpu'];
  if (platform === 'darwin') return ['coreml', 'webgpu'];
  return [];
}

/** Providers this onnxruntime-node build lists (our names), CPU first, whether or not they can start. */
export function offeredProviders(): ('cpu' | GpuProvider)[] {
  const listed = new Set(ort.listSupportedBackends().map((b) => b.name));
  return ['cpu', ...GPU_PROVIDERS.filter((p) => listed.has(p))];
}

/**
 * Providers that can run here, CPU first: offered by this build, minus those
 * whose provider library is not installed (onnxruntime-node lists CUDA even
 * when installed without it) and those that already failed to start in this
 * thread, and WebGPU on a Linux machine with no GPU render node. What Settings
 * and `models` list as available.
 */
export function availableProviders(): ('cpu' | GpuProvider)[] {
  return offeredProviders().filter(
    (p) =>
      p === 'cpu' ||
      (!knownFailures.has(p) &&
        (p !== 'cuda' || missingCudaLibrary() === null) &&
        (p !== 'webgpu' || hasLinuxRenderNode() !== false)),
  );
}

/**
 * WebGPU on Linux goes through Vulkan to a GPU, which the kernel exposes as a
 * DRM render node (/dev/dri/renderD128…); without one there is no adapter to
 * run on (trying costs a native warning, see autoProviders). Null off Linux,
 * where this says nothing.
 */
function hasLinuxRenderNode(): boolean | null {
  if (process.platform !== 'linux') return null;
  renderNodeCheck ??= {
    found: (() => {
      try {
        return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
      } catch {
        return false;
      }
    })(),
  };
  return renderNodeCheck.found;
}
let renderNodeCheck: { found: boolean } | undefined;

/**
 * The CUDA provider is a separate library that onnxruntime-node only downloads
 * when installed with ONNXRUNTIME_NODE_INSTALL=cuda12. Without it, trying
 * costs nothing but ORT prints a native error on stderr, so look first.
 */
function missingCudaLibrary(): string | null {
  // The install does not change while the process runs: look once.
  cudaLibraryCheck ??= { reason: findMissingCudaLibrary() };
  return cudaLibraryCheck.reason;
}
let cudaLibraryCheck: { reason: string | null } | undefined;

function findMissingCudaLibrary(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    const bin = path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
    if (existsSync(bin) && !existsSync(path.join(bin, 'libonnxruntime_providers_cuda.so'))) {
      return 'cuda is not installed: onnxruntime-node has no CUDA provider library (install it with ONNXRUNTIME_NODE_INSTALL=cuda12)';
    }
  } catch {
    // Unusual layout (e.g. a bundle): just try the provider.
  }
  return null;
}

// Per thread: a provider that failed once is not tried again (each try can cost
// a driver load), and each reason is logged once.
const knownFailures = new Map<GpuProvider, string>();
const logged = new Set<string>();

function logOnce(message: string): void {
  if (logged.has(message)) return;
  logged.add(message);
  console.warn(`[docqa] ${message}`);
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .split('\n')[0]!
    .replace(/^\/onnxruntime_src\/\S+\s*/, '')
    .trim();
}

async function open(
  model: string | Uint8Array,
  provider: 'cpu' | GpuProvider,
  threads: number | undefined,
): Promise<ort.InferenceSession> {
  disableOrtTelemetry();
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    // A GPU provider that cannot start is reported through fallbackReason, not ORT's own error log.
    logSeverityLevel: provider === 'cpu' ? 2 : 4,
  };
  if (threads && threads > 0) options.intraOpNumThreads = threads;
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

/**
 * Open `model` on the requested provider, falling back to the CPU with the
 * reason (logged once per thread and returned). A model the CPU cannot load
 * either rejects with ORT's error.
 */
export async function createSession(
  model: string | Uint8Array,
  options: SessionOptions = {},
): Promise<OpenedSession> {
  const requested = options.provider ?? 'auto';
  const candidates = requested === 'auto' ? autoProviders() : requested === 'cpu' ? [] : [requested];
  const listed = new Set(offeredProviders());
  const reasons: string[] = [];
  for (const p of candidates) {
    let reason = knownFailures.get(p);
    if (reason === undefined && !listed.has(p)) {
      reason = `${p} is not offered by this onnxruntime-node build on ${process.platform}-${process.arch}`;
    }
    if (reason === undefined && p === 'cuda') reason = missingCudaLibrary() ?? undefined;
    if (reason === undefined) {
      try {
        return { session: await open(model, p, options.threads), active: p, fallbackReason: null };
      } catch (e) {
        reason = `${p} failed to start: ${firstLine(e)}`;
      }
    }
    knownFailures.set(p, reason);
    reasons.push(reason);
  }
  const fallbackReason = reasons.length > 0 ? reasons.join('; ') : null;
  const tell = options.onFallback ?? (requested === 'auto' ? null : logOnce);
  if (fallbackReason && tell)
    tell(`execution provider ${requested} unavailable, using cpu: ${fallbackReason}`);
  return { session: await open(model, 'cpu', options.threads), active: 'cpu', fallbackReason };
}
