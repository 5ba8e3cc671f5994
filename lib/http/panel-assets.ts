/**
 * Serving the admin panel: one HTML page, one script, one stylesheet, all built into the
 * function by scripts/build-panel.ts. The page itself holds no data (every read goes
 * through the admin API with the key), so it is served without one. A strict Content
 * Security Policy keeps the page to its own origin (plus the audio origin for players).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { header } from './request-parts';

export interface PanelAssets {
  readonly panelVersion: string;
  readonly panelHtml: string;
  readonly panelJs: string;
  readonly panelCss: string;
}

export function contentSecurityPolicy(audioBaseUrl: string): string {
  let audioOrigin = '';
  try {
    audioOrigin = new URL(audioBaseUrl).origin;
  } catch {
    // An unparsable audio URL only costs the panel its players.
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `media-src 'self' blob: ${audioOrigin}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function servePanel(assets: PanelAssets, event: APIGatewayProxyEventV2, audioBaseUrl: string): APIGatewayProxyStructuredResultV2 {
  const path = event.rawPath.replace(/\/+$/, '');
  const common = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  const etag = `"${assets.panelVersion}"`;
  const ifNoneMatch = header(event, 'if-none-match');
  const asset = (body: string, type: string): APIGatewayProxyStructuredResultV2 =>
    ifNoneMatch === etag
      ? { statusCode: 304, headers: { ...common, ETag: etag } }
      : { statusCode: 200, headers: { ...common, 'Content-Type': type, 'Cache-Control': 'no-cache', ETag: etag }, body };
  if (path === '/admin/panel.js') return asset(assets.panelJs, 'text/javascript; charset=utf-8');
  if (path === '/admin/panel.css') return asset(assets.panelCss, 'text/css; charset=utf-8');
  if (path === '/admin' || path === '') {
    return {
      statusCode: 200,
      headers: {
        ...common,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': contentSecurityPolicy(audioBaseUrl),
        'X-Frame-Options': 'DENY',
      },
      body: assets.panelHtml,
    };
  }
  return { statusCode: 404, headers: { ...common, 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found' };
}
