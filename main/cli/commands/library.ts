import type { Command } from 'commander';

// Placeholder until the owning work lands; replaced, not extended.
export function registerLibraryCommands(_program: Command): void {}
