/**
 * Which URLs the window may show: only the app's own renderer (app://docqa/,
 * or the dev server in `npm run dev`). Pure, for tests.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.pathname === app.pathname;
  // Node's URL gives custom schemes the origin "null": compare scheme and host.
  if (app.protocol !== 'http:' && app.protocol !== 'https:')
    return target.protocol === app.protocol && target.host === app.host && app.host !== '';
  return target.origin === app.origin;
}
