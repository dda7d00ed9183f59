/**
 * A page that moves on to `url` at once by a meta refresh (the CSP allows no
 * inline script), with a link for a browser that refuses.
 */
export function redirectPage(url: string): string {
  const target = escapeHtml(url);
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${target}">`,
    '<title>Opening DocQA…</title></head>',
    `<body><p>Opening DocQA… If nothing happens, <a href="${target}">open DocQA</a>.</p></body></html>`,
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
