import mammoth from 'mammoth';
import { ExtractError } from './extractError.js';
import { htmlText, type HtmlText } from './htmlText.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import { openOfficeDocument, type OfficeRefusals } from './archiveParts.js';

export interface DocxText extends HtmlText {
  warnings: string[];
}

// Word's own "Title"/"Subtitle" styles are headings to a reader too.
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];
const MAX_WARNINGS = 5;

/**
 * A Word document's text via mammoth's semantic HTML (headings, paragraphs,
 * lists, tables), laid out by the same rules as any HTML file. Images are dropped
 * before they are ever base64-encoded.
 */
export async function docxText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<DocxText> {
  // What the archive declares is checked before anything is inflated; then what it really inflates to.
  await openOfficeDocument(bytes, file, limits, REFUSALS);
  let result;
  try {
    result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: STYLE_MAP,
        externalFileAccess: false,
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
  } catch (e) {
    throw damaged(file, e);
  }
  const warnings = result.messages
    .filter((m) => m.type === 'error' || !/unrecognised (?:paragraph|run) style/i.test(m.message))
    .slice(0, MAX_WARNINGS)
    .map((m) => m.message.split('\n')[0]);
  return { ...htmlText(result.value, { cellsInline: true }), warnings };
}

const REFUSALS: OfficeRefusals = {
  encrypted: (file) =>
    new ExtractError('encrypted', 'password-protected DOCX (or an old .doc file renamed to .docx)', file),
  notZip: (file) => new ExtractError('invalid-docx', 'not a valid DOCX (not a ZIP archive)', file),
  damaged,
};

function damaged(file: string, cause: unknown): ExtractError {
  return new ExtractError('invalid-docx', 'not a valid DOCX (damaged or truncated?)', file, { cause });
}
