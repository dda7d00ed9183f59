/**
 * One Content-Security-Policy for every way the renderer is loaded: the
 * desktop window (session header + the meta tag in renderer/index.html) and
 * web mode (response header). No inline scripts, nothing from the network.
 * `style-src` allows no inline <style>; React sets styles through the CSSOM,
 * which CSP does not restrict.
 */
const directives = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The <meta> form: browsers ignore (and warn about) frame-ancestors there. */
export const META_CONTENT_SECURITY_POLICY = directives.join('; ');

/** The response-header form. */
export const CONTENT_SECURITY_POLICY = [...directives, "frame-ancestors 'none'"].join('; ');
