/**
 * Where a URL points relative to the stack under test: Twilio follows any URL, but the
 * simulator only follows its own stack's (an outside redirect is where the call was handed on).
 */

/** Normalize a base URL: absolute, no trailing slash. */
export function normalizeBaseUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  return u.toString().replace(/\/+$/, '');
}

/** Is `url` inside the stack rooted at `base` (already normalized)? */
export function isInStack(url: string, base: string): boolean {
  if (url === base) return true;
  return url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
}

/** If `url` is `{base}/voice/<code>` (optionally with a query / trailing slash), the code. */
export function voiceModuleCode(url: string, base: string): string | undefined {
  if (!isInStack(url, base)) return undefined;
  const rest = url.slice(base.length);
  const path = rest.split(/[?#]/, 1)[0] ?? '';
  const m = /^\/voice\/([^/]+)\/?$/.exec(path);
  if (!m || m[1] === undefined) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}
