import type { Command } from 'commander';

// Placeholder until the owning work lands; replaced, not extended.
export function registerModelsCommand(_program: Command): void {}
