import { UserError } from '../../errors.js';
import type { OpenPackOptions, TowerPack } from '../types.js';

// Placeholder until transformer packs land (replaced, not extended).
export async function openTransformerPack(
  dir: string,
  _manifest: Record<string, unknown>,
  _options: OpenPackOptions = {},
): Promise<TowerPack> {
  throw new UserError(`transformer packs are not supported yet: ${dir}`, dir);
}
