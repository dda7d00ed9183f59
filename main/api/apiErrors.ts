/**
 * Stable codes for the errors the API sends back to the page (a folder that
 * does not exist, a pack that cannot be opened, a setting out of range…). The
 * engine throws them as English sentences, which the CLI prints as they are;
 * the API adds the code and the varying parts as parameters (ApiErrorBody), from
 * which the renderer builds the sentence in the interface language. No `node:*`
 * imports: the renderer uses this module too.
 *
 * An error no pattern knows comes back as `other` with the English text, so
 * nothing is ever hidden; test/renderer/apiErrors.test.ts holds every UserError
 * sentence in the page's reach to a pattern here and every code to a text in
 * both languages.
 */
import { classify, openFailureReason, type CodedReason, type Pattern } from './failureReasons.js';

export const API_ERROR_CODES = [
  // The API itself: the dispatcher, web mode's HTTP server, the desktop bridge, the page's own transport.
  'unknown-method',
  'question-empty',
  'question-too-long',
  'path-empty',
  'path-too-long',
  'input-too-small',
  'input-too-big',
  'input-unknown-field',
  'input-invalid',
  'cross-origin',
  'not-authorized',
  'wrong-http-method',
  'not-json-content',
  'body-too-large',
  'invalid-json',
  'host-refused',
  'port-in-use',
  'wrong-window',
  'connection-lost',
  'bad-response',
  'internal',
  // Files and folders of the library.
  'no-folder-dialog',
  'not-absolute-path',
  'file-not-found',
  'not-a-file',
  'outside-library',
  'folder-not-found',
  'not-a-folder',
  'no-folder-given',
  'ignore-not-a-list',
  'folder-inside-library-folder',
  'folder-contains-library-folder',
  'folder-permission-denied',
  'folder-unreadable',
  'no-such-folder',
  'no-such-document',
  'document-outside-folder',
  'no-such-conversation',
  'no-such-passage',
  // Opening a file (main/api/opener.ts, the desktop host).
  'open-no-program',
  'open-opener-missing',
  'open-opener-exit',
  'open-opener-stopped',
  'cannot-open',
  'cannot-open-file',
  // The library file, its ingest lock, search and settings.
  'no-library-file',
  'library-folder-failed',
  'library-unopenable',
  'library-too-new',
  'not-a-library',
  'library-closed',
  'ingest-lock-failed',
  'cancelled-while-waiting',
  'question-not-text',
  'k-out-of-range',
  'unknown-search-mode',
  'cross-lingual-not-boolean',
  'chunk-id-not-integer',
  'context-chars-out-of-range',
  'overlap-not-below-target',
  'invalid-setting',
  'chunk-target-too-small',
  'chunk-overlap-invalid',
  'chunk-max-invalid',
  // Model packs: switching, opening, importing, downloading.
  'pack-folder-not-found',
  'no-such-pack',
  'vectors-pack-unopenable',
  'vectors-pack-changed',
  'pack-manifest-invalid',
  'pack-manifest-corrupt',
  'pack-manifest-missing-file',
  'pack-file-missing',
  'pack-file-mismatch',
  'pack-incomplete',
  'pack-damaged',
  'pack-dim-mismatch',
  'pack-int8-integer',
  'tower-model-corrupt',
  'tower-unloadable',
  'model-unloadable',
  'model-format',
  'cannot-read',
  'tokenizer-unreadable',
  'file-not-json',
  'file-not-json-object',
  'model-folder-not-found',
  'no-tokenizer',
  'file-does-not-exist',
  'no-onnx-encoder',
  'onnx-unloadable',
  'model-non-finite',
  'model-dim-mismatch-config',
  'encoders-dim-mismatch',
  'pack-already-installed',
  'unknown-catalogue-id',
  'unknown-model',
  'no-precision-variant',
  'not-enough-disk',
  'download-cancelled',
  'too-many-redirects',
  'download-unverifiable',
  'download-incomplete',
  'download-corrupt',
  'download-hash-differs',
  'download-size-differs',
  'offline',
  'connection-failed',
  'download-write-failed',
  'transfer-interrupted',
  'http-not-found',
  'http-refused',
  'http-error',
  'other',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export type ApiErrorReason = CodedReason<ApiErrorCode>;

/** The whole sentence as its one parameter: a model file's inner format, which only its maker can act on. */
const whole = (pattern: RegExp): Pattern<ApiErrorCode> => [pattern, 'model-format', ['detail']];

// The engine's wording, one pattern per sentence, the more specific first (main/api, main/server,
// main/app/desktopHost, main/engine: library, store, ingest/scanFolder and chunk, models, towers).
const PATTERNS: Pattern<ApiErrorCode>[] = [
  // The API and web mode's server.
  [/^unknown API method: (.*)$/, 'unknown-method', ['method']],
  [/^cross-origin requests are refused$/, 'cross-origin', []],
  [/^missing or wrong access token$/, 'not-authorized', []],
  [/^use (GET|POST) for (\S+)$/, 'wrong-http-method', ['method', 'path']],
  [/^send the input as application\/json$/, 'not-json-content', []],
  [/^request body over (\d+) bytes$/, 'body-too-large', ['bytes']],
  [/^the request body is not valid JSON$/, 'invalid-json', []],
  [/^docqa serve only listens on 127\.0\.0\.1 \(refusing --host (.*)\)$/, 'host-refused', ['host']],
  [/^port (\d+) is already in use \(choose another with --port\)$/, 'port-in-use', ['port']],
  [/^calls are only accepted from the DocQA window$/, 'wrong-window', []],
  [/^(internal error)$/, 'internal', ['message']],
  // Files and folders.
  [/^there is no folder dialog in web mode: type the folder path$/, 'no-folder-dialog', []],
  [/^not an absolute path: (.+)$/, 'not-absolute-path', ['path']],
  [/^file not found: (.+)$/, 'file-not-found', ['path']],
  [/^not a file: (.+)$/, 'not-a-file', ['path']],
  [/^not inside the library's folders: (.+)$/, 'outside-library', ['path']],
  [/^folder not found: (.+)$/, 'folder-not-found', ['path']],
  [/^not a folder: (.+)$/, 'not-a-folder', ['path']],
  [/^no folder given$/, 'no-folder-given', []],
  [/^ignore must be a list of patterns$/, 'ignore-not-a-list', []],
  [/^(.+) is already inside the library folder (.+)$/, 'folder-inside-library-folder', ['path', 'folder']],
  [
    /^(.+) contains the library folder (.+); remove that one first$/,
    'folder-contains-library-folder',
    ['path', 'folder'],
  ],
  [/^cannot read folder \(permission denied\): (.+)$/, 'folder-permission-denied', ['path']],
  [/^cannot read folder (.+?): (.+)$/, 'folder-unreadable', ['path', 'detail']],
  [/^no folder with id (.+) in this library$/, 'no-such-folder', ['id']],
  [/^no document with id (.+) in this library$/, 'no-such-document', ['id']],
  [/^document (.+) is not inside its library folder$/, 'document-outside-folder', ['id']],
  [/^no conversation with id (.+)$/, 'no-such-conversation', ['id']],
  [/^no passage with id (.+) in this library$/, 'no-such-passage', ['id']],
  // Opening a file: the opener's failures are matched first (openFailureReason), then these.
  [/^cannot open: (.+)$/, 'cannot-open', ['detail']],
  // The library file, its lock, search, settings.
  [/^no library file given$/, 'no-library-file', []],
  [/^cannot create the folder for the library (.+?): (.+)$/, 'library-folder-failed', ['file', 'detail']],
  [/^cannot open library (.+?): (.+)$/, 'library-unopenable', ['file', 'detail']],
  [
    /^library (.+) was written by a newer DocQA \(schema (\d+) > (\d+)\)$/,
    'library-too-new',
    ['file', 'found', 'supported'],
  ],
  [/^(.+) is not a DocQA library \(not a SQLite database\)$/, 'not-a-library', ['file']],
  [/^the library is closed$/, 'library-closed', []],
  [/^cannot create the ingest lock (.+?): (.+)$/, 'ingest-lock-failed', ['file', 'detail']],
  [/^cancelled while another ingest was running on this library$/, 'cancelled-while-waiting', []],
  [/^the question must be text$/, 'question-not-text', []],
  [/^k must be a whole number from (\d+) to (\d+)$/, 'k-out-of-range', ['min', 'max']],
  [/^mode must be (.+) \(got "(.*)"\)$/, 'unknown-search-mode', ['modes', 'mode']],
  [/^crossLingual must be true or false$/, 'cross-lingual-not-boolean', []],
  [/^chunkId must be a whole number$/, 'chunk-id-not-integer', []],
  [/^contextChars must be a whole number from (\d+) to (\d+)$/, 'context-chars-out-of-range', ['min', 'max']],
  [
    /^invalid setting chunkOverlapChars: must be smaller than chunkTargetChars$/,
    'overlap-not-below-target',
    [],
  ],
  [/^invalid setting (.+?): (.+)$/, 'invalid-setting', ['setting', 'detail']],
  [
    /^chunk target size must be an integer of at least (\d+) characters \(got (.*)\)$/,
    'chunk-target-too-small',
    ['min', 'value'],
  ],
  [
    /^chunk overlap must be an integer from 0 to below the target size \(got (.*)\)$/,
    'chunk-overlap-invalid',
    ['value'],
  ],
  [
    /^chunk maximum size must be an integer not below the target size \(got (.*)\)$/,
    'chunk-max-invalid',
    ['value'],
  ],
  // Model packs: the one in use, switching to another, opening its files.
  [/^tower pack folder not found: (.+)$/, 'pack-folder-not-found', ['path']],
  [
    /^no pack "(.*)" in (.+?) and no pack folder at that path(?: \(installed: (.*)\))?$/,
    'no-such-pack',
    ['ref', 'dir', 'installed'],
  ],
  [
    /^the library's vectors were made by pack "(.*)" \((.+)\), which cannot be opened: (.+); re-embed the library with the current pack$/,
    'vectors-pack-unopenable',
    ['name', 'dir', 'detail'],
  ],
  [
    /^pack (.+) has changed since it made the library's vectors; re-embed the library with the current pack$/,
    'vectors-pack-changed',
    ['dir'],
  ],
  [
    /^invalid (?:hashed-ngram |transformer )?pack manifest (?:in )?(.+?): (.+)$/,
    'pack-manifest-invalid',
    ['file', 'detail'],
  ],
  [/^corrupt pack manifest (.+?): (.+)$/, 'pack-manifest-corrupt', ['file', 'detail']],
  [
    /^pack manifest (?:in )?(.+) does not list (.+) under "files"$/,
    'pack-manifest-missing-file',
    ['file', 'name'],
  ],
  [/^pack file is missing: (.+)$/, 'pack-file-missing', ['file']],
  // readOrFail: "pack manifest is missing: …", "tower model is missing: …".
  [/^.+ is missing: (.+)$/, 'pack-file-missing', ['file']],
  [
    /^pack file (.+) does not match its manifest entry \(truncated, corrupt or modified\)$/,
    'pack-file-mismatch',
    ['file'],
  ],
  [
    /^pack (.+) is incomplete: (.+) is missing; import or download it again$/,
    'pack-incomplete',
    ['dir', 'file'],
  ],
  [
    /^pack (.+) is damaged: (.+) has (\d+) bytes, the manifest says (\d+); import or download it again$/,
    'pack-damaged',
    ['dir', 'file', 'size', 'expected'],
  ],
  [
    /^pack (.+): manifest says dim (\d+) but (.+) outputs (.+)$/,
    'pack-dim-mismatch',
    ['dir', 'dim', 'model', 'width'],
  ],
  [/^tower model (.+) sums its int8 table with 8-bit weights .*$/, 'pack-int8-integer', ['model']],
  [/^corrupt tower model (.+?): (.+)$/, 'tower-model-corrupt', ['model', 'detail']],
  [/^cannot load tower model (.+?): (.+)$/, 'tower-unloadable', ['model', 'detail']],
  [/^cannot load (.+?): (.+)$/, 'model-unloadable', ['model', 'detail']],
  whole(/^(.+: tensor .+ has data type .+, expected .+)$/),
  whole(/^(.+: tensor .+ has no raw data)$/),
  whole(/^(.+ has no tensor .+, which its manifest entry implies)$/),
  whole(/^(.+: table is not 2-D)$/),
  whole(/^(.+: expected inputs input_ids, attention_mask\[, token_type_ids\], found .*)$/),
  whole(/^(.+: has no output ".*" \(outputs: .*\))$/),
  whole(/^(.+: output ".*" is .+, expected float \[.*\] for pooling ".*")$/),
  whole(/^(.+: the \w+ encoder makes \d+-d vectors, the manifest says \d+)$/),
  whole(/^(.+: cannot find the text between its special tokens)$/),
  whole(/^(maxLength \d+ leaves no room for text between special tokens)$/),
  [/^(.+) is not a tokenizer this version can read: (.*)$/, 'tokenizer-unreadable', ['file', 'detail']],
  [/^(.+) is not valid JSON: (.*)$/, 'file-not-json', ['file', 'detail']],
  [/^(.+) is not a JSON object$/, 'file-not-json-object', ['file']],
  // Importing a model folder.
  [/^model folder not found: (.+)$/, 'model-folder-not-found', ['path']],
  [/^(.+) has no tokenizer\.json \(.*\)$/, 'no-tokenizer', ['dir']],
  [/^(.+) does not exist$/, 'file-does-not-exist', ['file']],
  [
    /^(.+) has no ONNX encoder(?: for (\S+))? \(looked for (.+); pass --onnx <file> for another name\)$/,
    'no-onnx-encoder',
    ['dir', 'precision', 'looked'],
  ],
  [/^(.+) is not a loadable ONNX model: (.*)$/, 'onnx-unloadable', ['file', 'detail']],
  [/^(.+) produced non-finite values on a probe text$/, 'model-non-finite', ['file']],
  [
    /^(.+) makes (\d+)-d vectors but config\.json says hidden_size (\d+)$/,
    'model-dim-mismatch-config',
    ['file', 'dim', 'hidden'],
  ],
  [
    /^question encoder makes (\d+)-d vectors, the context encoder (\d+)-d: they cannot be paired$/,
    'encoders-dim-mismatch',
    ['questionDim', 'dim'],
  ],
  [
    /^a pack named "(.*)" is already installed at (.+) \(use --force to replace it(?:, or --name)?\)$/,
    'pack-already-installed',
    ['name', 'dir'],
  ],
  [/^unknown catalogue id "(.*)" \(see docqa models list\)$/, 'unknown-catalogue-id', ['id']],
  // Downloading a pack.
  [/^unknown model "(.*)"; known: (.*)$/, 'unknown-model', ['id', 'known']],
  [/^(\S+) has no (\S+) variant \(has (.*)\)$/, 'no-precision-variant', ['id', 'precision', 'available']],
  [
    /^not enough free disk space in (.+?): the download needs ([\d.]+) MiB \(\+([\d.]+) MiB margin\), ([\d.]+) MiB free$/,
    'not-enough-disk',
    ['dir', 'needed', 'margin', 'free'],
  ],
  [/^download cancelled; run the same command again to resume$/, 'download-cancelled', []],
  [/^too many redirects fetching (.+)$/, 'too-many-redirects', ['url']],
  [
    /^(.+): the server reports no checksum for it and the catalogue pins none, so it cannot be verified$/,
    'download-unverifiable',
    ['file'],
  ],
  [
    /^(.+): got (\d+) bytes, expected (\d+); run again to resume$/,
    'download-incomplete',
    ['file', 'got', 'expected'],
  ],
  [
    /^(.+) is corrupt \(checksum mismatch: expected (.+)\); the partial file was deleted, run again to download it afresh$/,
    'download-corrupt',
    ['file', 'expected'],
  ],
  [
    /^(.+): the hub reports sha256 (\S+), the catalogue pins (\S+); refusing to install a different file$/,
    'download-hash-differs',
    ['file', 'hub', 'pinned'],
  ],
  [
    /^(.+): the hub reports (\d+) bytes, the catalogue pins (\d+); refusing to install a different file$/,
    'download-size-differs',
    ['file', 'hub', 'pinned'],
  ],
  [
    /^cannot reach (.+?) \((.*)\): this machine looks offline or the proxy is unreachable; .*$/,
    'offline',
    ['host', 'code'],
  ],
  [/^connection to (.+?) failed \((.*)\); run again to resume$/, 'connection-failed', ['host', 'detail']],
  [/^cannot write the download \((.*)\)$/, 'download-write-failed', ['code']],
  [
    /^transfer from (.+?) broke off \((.*)\); run again to resume$/,
    'transfer-interrupted',
    ['host', 'detail'],
  ],
  [/^(.+): not found \(HTTP (\d+)\)$/, 'http-not-found', ['url', 'status']],
  [/^(.+): refused \(gated or private repository\?\) \(HTTP (\d+)\)$/, 'http-refused', ['url', 'status']],
  [/^(.+): .+ \(HTTP (\d+)\)$/, 'http-error', ['url', 'status']],
  // Last: "cannot open <file>: …" (desktop host) and "cannot read <file>: …" would match sentences above.
  [/^cannot open (.+?): (.+)$/, 'cannot-open-file', ['file', 'detail']],
  [/^cannot read (.+?): (.+)$/, 'cannot-read', ['file', 'detail']],
];

/** The code of an error message the API sends ("folder not found: /x" → folder-not-found, path /x). */
export function apiErrorReason(message: string): ApiErrorReason {
  const open = openFailureReason(message);
  if (open.code !== 'other') return { code: `open-${open.code}`, params: open.params };
  return classify(message, PATTERNS, 'other');
}
