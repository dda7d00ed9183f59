import type { TrainProgress } from './trainer.js';

/** "1m05s" style durations for ETAs. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One progress line; with `barWidth` > 0 it starts with a bar of the whole run. */
export function formatProgress(p: TrainProgress, barWidth = 0): string {
  const done = ((p.epoch - 1) * p.stepsPerEpoch + p.step) / (p.epochs * p.stepsPerEpoch);
  const parts = [
    `epoch ${p.epoch}/${p.epochs}`,
    `step ${p.step}/${p.stepsPerEpoch}`,
    `loss ${p.loss.toFixed(4)}`,
    `${Math.round(p.pairsPerSec)} pairs/s`,
    `ETA ${formatDuration(p.etaSec)}`,
  ];
  if (barWidth <= 0) return parts.join(' · ');
  const filled = Math.round(done * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.round(done * 100)).padStart(3)}% ${parts.join(' · ')}`;
}
