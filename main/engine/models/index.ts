/**
 * Model packs for front ends (CLI, Settings through main/api): the catalogue,
 * installed packs, offline import, hub download with progress and cancel,
 * and this machine's execution providers. Plain data in and out.
 */
export { CATALOGUE, findCatalogueEntry, type CatalogueEntry } from './catalogue.js';
export { defaultModelsDir } from './paths.js';
export {
  listInstalledPacks,
  catalogueListing,
  resolvePackDir,
  type InstalledPack,
  type CatalogueListing,
} from './installed.js';
export { importFolder, type ImportOptions, type ImportedPack } from './importFolder.js';
export { downloadPack, type DownloadPackOptions, type DownloadedPack } from './downloadPack.js';
export { DownloadCancelled } from './download.js';
export { formatProgress, type DownloadProgress } from './progress.js';
export { availableProviders } from '../towers/sessions.js';
