/** Pieces of the admin API's transport that need no database: key check, language, CSV, panel serving. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { operatorLanguage } from '../../lib/admin/operator-language';
import { loadConfig } from '../../lib/config/app-config';
import { NamedValueSecretResolver } from '../../lib/secrets/env-secret-resolver';
import { MissingSecretError, ProductSecrets } from '../../lib/secrets/product-secrets';
import { adminKeyMatches } from '../../lib/http/admin-request';
import { contentSecurityPolicy, servePanel } from '../../lib/http/panel-assets';
import { rowsFromCsv } from '../../lib/ledger/import/csv-import';
import { CsvSyntaxError, parseCsv } from '../../lib/ledger/import/csv-parser';

describe('admin key comparison', () => {
  it('matches only the exact key', () => {
    expect(adminKeyMatches('s3cret-key', 's3cret-key')).toBe(true);
    expect(adminKeyMatches('s3cret-ke', 's3cret-key')).toBe(false);
    expect(adminKeyMatches('s3cret-key ', 's3cret-key')).toBe(false);
    expect(adminKeyMatches(undefined, 's3cret-key')).toBe(false);
    expect(adminKeyMatches('', '')).toBe(false);
  });
});

describe('admin key configuration', () => {
  it('has a documented local default; deployed it is the SSM secret admin-api-key, at least 16 characters long', async () => {
    expect(loadConfig({}).adminApiKey).toBe('local-admin-key');
    const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'fn', PUBLIC_BASE_URL: 'https://x', ADMIN_API_KEY: 'a-long-enough-admin-key' };
    // Never from a deployed function's environment.
    expect(loadConfig(deployed).adminApiKey).toBeUndefined();
    const stored = (value: string) => new ProductSecrets(new NamedValueSecretResolver({ 'admin-api-key': value }), { enforceMinLength: true });
    await expect(stored('short').get('admin-api-key')).rejects.toEqual(new MissingSecretError('admin-api-key', 'too-short'));
    await expect(stored('a-long-enough-admin-key').get('admin-api-key')).resolves.toBe('a-long-enough-admin-key');
  });
});

describe('operator language', () => {
  it('prefers ?lang, then the best-weighted supported Accept-Language, then the default', () => {
    expect(operatorLanguage('fa', 'en-US', 'en')).toBe('fa');
    expect(operatorLanguage(undefined, 'fa-IR,fa;q=0.9,en;q=0.8', 'en')).toBe('fa');
    expect(operatorLanguage(undefined, 'de-DE,en;q=0.5,fa;q=0.7', 'en')).toBe('fa');
    expect(operatorLanguage('xx', 'de-DE', 'fa')).toBe('fa');
    expect(operatorLanguage(undefined, 'fa;q=0', 'en')).toBe('en');
  });
});

describe('CSV parsing (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a byte order mark', () => {
    const text = '\ufeffid,name\r\n1,"Smith, ""Jo"""\r\n2,"two\nlines"\r\n\r\n3,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Smith, "Jo"'] },
      { line: 3, fields: ['2', 'two\nlines'] },
      { line: 6, fields: ['3', ''] },
    ]);
    expect(parseCsv('a,""\n')).toEqual([{ line: 1, fields: ['a', ''] }]);
  });

  it('names the line of a broken quote', () => {
    expect(() => parseCsv('a,b\n1,"open')).toThrow(new CsvSyntaxError('a quoted field is not closed', 2));
    expect(() => parseCsv('a,b\n1,x"y')).toThrow(CsvSyntaxError);
  });

  it('turns item columns into fields, keeping every cell as the text it is (amounts are read by the import)', () => {
    const rows = rowsFromCsv('items', 'customerId,type,number,FinalValue,Note,currency\nc-1,invoice,I-1,"۱٬۲۵۰٬۰۰۰",0x10,USD\n');
    expect(rows).toEqual({
      ok: true,
      lines: [2],
      rows: [{ customerId: 'c-1', type: 'invoice', number: 'I-1', currency: 'USD', fields: { FinalValue: '۱٬۲۵۰٬۰۰۰', Note: '0x10' } }],
    });
  });

  it('refuses unknown customer columns', () => {
    expect(rowsFromCsv('customers', 'id,email\nc-1,a@b')).toEqual({ ok: false, problems: [{ line: 1, field: 'email', code: 'unknown_field' }] });
  });
});

describe('serving the panel', () => {
  const assets = { panelVersion: 'v1', panelHtml: '<html></html>', panelJs: 'js()', panelCss: 'body{}' };
  const event = (rawPath: string, headers: Record<string, string> = {}) => ({ rawPath, headers }) as unknown as APIGatewayProxyEventV2;

  it('serves the page with a strict content security policy that allows the audio origin', () => {
    const page = servePanel(assets, event('/admin'), 'https://audio.example.com/audio');
    expect(page).toMatchObject({ statusCode: 200, body: '<html></html>' });
    expect(page.headers?.['Content-Security-Policy']).toBe(contentSecurityPolicy('https://audio.example.com/audio'));
    expect(String(page.headers?.['Content-Security-Policy'])).toContain("script-src 'self'");
    expect(String(page.headers?.['Content-Security-Policy'])).toContain("media-src 'self' blob: https://audio.example.com");
    expect(page.headers?.['X-Frame-Options']).toBe('DENY');
  });

  it('serves the bundle with an ETag and answers 304 when it has not changed', () => {
    expect(servePanel(assets, event('/admin/panel.js'), 'x')).toMatchObject({ statusCode: 200, body: 'js()', headers: { ETag: '"v1"' } });
    expect(servePanel(assets, event('/admin/panel.css', { 'If-None-Match': '"v1"' }), 'x').statusCode).toBe(304);
    expect(servePanel(assets, event('/admin/other'), 'x').statusCode).toBe(404);
  });
});
