/** The Twilio SMS adapter's real request path against a local server speaking the Messages API. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TwilioSmsSender } from '../../lib/sms/twilio-sms-sender';

interface Seen {
  method: string;
  url: string;
  auth: string;
  contentType: string;
  form: URLSearchParams;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let reply: { status: number; body: unknown } = { status: 201, body: {} };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization ?? '',
        contentType: req.headers['content-type'] ?? '',
        form: new URLSearchParams(raw),
      });
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const sender = (extra: Partial<ConstructorParameters<typeof TwilioSmsSender>[0]> = {}) =>
  new TwilioSmsSender({ apiBaseUrl: base, accountSid: 'AC123', username: 'AC123', password: 'secret-token', from: '+15550009999', ...extra });

describe('the Twilio SMS adapter', () => {
  it('posts the form to the account’s Messages resource with basic auth and reports the segments', async () => {
    reply = { status: 201, body: { sid: 'SM0001', status: 'queued', num_segments: '2' } };
    const result = await sender().send({ to: '+989121111111', body: 'سلام https://x.test/pay/abc' });
    expect(result).toEqual({ status: 'sent', id: 'SM0001', segments: 2 });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.url).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(seen[0]?.auth).toBe(`Basic ${Buffer.from('AC123:secret-token').toString('base64')}`);
    expect(seen[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({ To: '+989121111111', From: '+15550009999', Body: 'سلام https://x.test/pay/abc' });
  });

  it('sends through a messaging service with an API key when configured so', async () => {
    reply = { status: 201, body: { sid: 'SM0002' } };
    const result = await sender({ username: 'SK999', password: 'key-secret', messagingServiceSid: 'MG777' }).send({
      to: '+15005550006',
      body: 'Pay 10 rials: https://x.test/pay/a',
    });
    expect(result).toEqual({ status: 'sent', id: 'SM0002', segments: 1 });
    expect(seen[0]?.auth).toBe(`Basic ${Buffer.from('SK999:key-secret').toString('base64')}`);
    expect(seen[0]?.form.get('MessagingServiceSid')).toBe('MG777');
    expect(seen[0]?.form.has('From')).toBe(false);
  });

  it.each([
    [400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }, 'invalid-number'],
    [400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 }, 'unsubscribed'],
    [429, { code: 20429, message: 'Too Many Requests', status: 429 }, 'rate-limited'],
    [503, { code: 20503, message: 'Service Unavailable', status: 503 }, 'provider-error'],
    [401, { code: 20003, message: 'Authenticate', status: 401 }, 'rejected'],
  ])('maps HTTP %i (Twilio error %j) to %s', async (status, body, reason) => {
    reply = { status, body };
    const result = await sender().send({ to: '+989121111111', body: 'x' });
    expect(result).toEqual({ status: 'failed', reason, code: body.code, httpStatus: status });
  });

  it('reports an unreachable API as a failure instead of throwing', async () => {
    const result = await new TwilioSmsSender({ apiBaseUrl: 'http://127.0.0.1:1', accountSid: 'AC1', username: 'AC1', password: 'p', from: '+1555' }).send({
      to: '+15005550006',
      body: 'x',
    });
    expect(result).toEqual({ status: 'failed', reason: 'unreachable' });
  });
});
