import path from 'node:path';
import { openArchive } from './archiveParts.js';
import { ExtractError } from './extractError.js';
import { decodeText, isBinaryContent } from './encoding.js';
import { declaredHtmlCharset, htmlText } from './htmlText.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import type { Heading } from './types.js';
import { parseXml } from './xmlEvents.js';
import type { ZipEntry } from './zipDirectory.js';

export interface EpubText {
  /** The chapters' visible text in reading order (the spine's), a blank line between chapters. */
  text: string;
  headings: Heading[];
  /** The package's dc:title, if any. */
  title: string | null;
  warnings: string[];
}

/** The parts an EPUB reader parses: the container, the package and its chapters. Images and fonts are never inflated. */
export const isEpubReadPart = (entry: ZipEntry): boolean => /\.(?:xml|opf|ncx|x?html?)$/i.test(entry.name);

const CHAPTER_TYPES = new Set(['application/xhtml+xml', 'text/html']);

/**
 * An e-book's text (EPUB 2 and 3): the container names the package, the package's
 * spine names the chapters in reading order, and each chapter (XHTML) is laid out
 * by the same rules as any HTML file. Sizes are checked before anything is
 * inflated, as for DOCX. A book whose chapters are encrypted (DRM) fails with a
 * reason; fonts obfuscated by the publisher are not chapters and do not matter.
 */
export async function epubText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<EpubText> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b))
    throw new ExtractError('invalid-epub', 'not a valid EPUB (not a ZIP archive)', file);
  const { entries, read } = await openArchive(bytes, file, limits, isEpubReadPart, (cause) =>
    damaged(file, cause),
  );
  const byName = new Map(entries.map((e) => [e.name, e]));
  const byFoldedName = new Map(entries.map((e) => [e.name.toLowerCase(), e]));
  const entryNamed = (name: string) => byName.get(name) ?? byFoldedName.get(name.toLowerCase());
  /** The part's text, or null when it is not text (a binary file under an XHTML name). */
  const readXml = (entry: ZipEntry): string | null => {
    const raw = read(entry);
    const decoded = decodeText(raw, { declared: declaredHtmlCharset(raw) });
    return isBinaryContent(decoded) ? null : decoded.text;
  };
  const readRequired = (entry: ZipEntry): string => {
    const xml = readXml(entry);
    if (xml === null) throw damaged(file, new Error(`${entry.name} is not text`));
    return xml;
  };

  const container = entryNamed('META-INF/container.xml');
  if (!container) throw damaged(file, new Error('no META-INF/container.xml'));
  const packagePath = packageOf(readRequired(container));
  const packageEntry = packagePath === null ? undefined : entryNamed(packagePath);
  if (!packagePath || !packageEntry)
    throw damaged(file, new Error(`no package document ${packagePath ?? ''}`));
  const pkg = readPackage(readRequired(packageEntry), path.posix.dirname(packagePath));

  const encryption = entryNamed('META-INF/encryption.xml');
  const encrypted = encryption ? encryptedPaths(readRequired(encryption)) : new Set<string>();
  const chapters = pkg.spine.filter((c) => CHAPTER_TYPES.has(c.mediaType));
  if (chapters.some((c) => encrypted.has(c.path)))
    throw new ExtractError('encrypted', 'DRM-protected EPUB (its chapters are encrypted)', file);

  let text = '';
  const headings: Heading[] = [];
  let missing = 0;
  for (const chapter of chapters) {
    const entry = entryNamed(chapter.path);
    const xml = entry ? readXml(entry) : null;
    if (xml === null) {
      missing++;
      continue;
    }
    const html = htmlText(xml);
    if (!html.text) continue;
    const offset = text ? text.length + 2 : 0;
    if (text) text += '\n\n';
    text += html.text;
    for (const h of html.headings) headings.push({ ...h, start: h.start + offset, end: h.end + offset });
  }
  const warnings =
    missing > 0 ? [`${missing} of ${chapters.length} chapters are missing from the archive or not text`] : [];
  return { text, headings, title: pkg.title, warnings };
}

/** The package document's path in the archive: the container's first rootfile of the EPUB package type. */
function packageOf(containerXml: string): string | null {
  let found: string | null = null;
  let any: string | null = null;
  parseXml(containerXml, {
    open(name, attrs) {
      if (name !== 'rootfile' || !attrs['full-path']) return;
      any ??= attrs['full-path'];
      if (!found && (attrs['media-type'] ?? '') === 'application/oebps-package+xml')
        found = attrs['full-path'];
    },
  });
  return found ?? any;
}

interface SpineItem {
  path: string;
  mediaType: string;
}

/** The package's title and its spine as archive paths (linear="no" items too: notes are still the book's text). */
function readPackage(xml: string, dir: string): { title: string | null; spine: SpineItem[] } {
  const manifest = new Map<string, SpineItem>();
  const spineIds: string[] = [];
  let title: string | null = null;
  let inTitle = false;
  let titleText = '';
  parseXml(xml, {
    open(name, attrs) {
      if (name === 'item' && attrs.id && attrs.href)
        manifest.set(attrs.id, { path: archivePath(dir, attrs.href), mediaType: attrs['media-type'] ?? '' });
      else if (name === 'itemref' && attrs.idref) spineIds.push(attrs.idref);
      else if (name === 'title' && title === null) inTitle = true;
    },
    text(t) {
      if (inTitle) titleText += t;
    },
    close(name) {
      if (name === 'title' && inTitle) {
        inTitle = false;
        title = titleText.replace(/\s+/g, ' ').trim() || null;
      }
    },
  });
  // Each chapter once: a spine that lists one item again and again would otherwise
  // multiply its text without bound.
  const spine = [...new Set(spineIds)].flatMap((id) => {
    const item = manifest.get(id);
    return item ? [item] : [];
  });
  return { title, spine };
}

/** Archive paths of the parts META-INF/encryption.xml says are encrypted (relative to the archive's root). */
function encryptedPaths(xml: string): Set<string> {
  const paths = new Set<string>();
  parseXml(xml, {
    open(name, attrs) {
      if (name === 'cipherreference' && attrs.uri) paths.add(archivePath('', attrs.uri));
    },
  });
  return paths;
}

/** An href of the package (relative to its folder, percent-encoded, maybe with a fragment) as an archive path. */
function archivePath(dir: string, href: string): string {
  let decoded = href.replace(/#.*$/s, '');
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // Not percent-encoded after all: the name as written.
  }
  return path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, decoded)).replace(/^\/+/, '');
}

function damaged(file: string, cause: unknown): ExtractError {
  return new ExtractError('invalid-epub', 'not a valid EPUB (damaged or truncated?)', file, { cause });
}
