/**
 * A local server speaking SSM Parameter Store's real JSON 1.1 protocol (POST /, X-Amz-Target:
 * AmazonSSM.<Operation>), so the SDK's whole request path runs in tests: GetParameter,
 * PutParameter and DescribeParameters over an in-memory store, errors as `__type` + message.
 */
import { startTestHttpServer, type TestHttpServer } from './test-http-server';

export interface FakeSsm {
  readonly endpoint: string;
  /** Parameter name → value (SecureStrings are stored as given: there is no KMS here). */
  readonly parameters: Map<string, { value: string; type: string; version: number }>;
  /** Every operation with the parameter name it asked for, in order. */
  readonly requests: { operation: string; name?: string; withDecryption?: boolean }[];
  /** Holds every answer back this long (a slow SSM). */
  delayMs: number;
  stop(): Promise<void>;
}

export async function startFakeSsm(initial: Record<string, string> = {}): Promise<FakeSsm> {
  const parameters = new Map(Object.entries(initial).map(([name, value]) => [name, { value, type: 'SecureString', version: 1 }]));
  const requests: FakeSsm['requests'] = [];
  const control = { delayMs: 0 };
  const json = (status: number, body: unknown) => (res: import('node:http').ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };
  const error = (type: string, message: string) => json(400, { __type: type, message });
  const server: TestHttpServer = await startTestHttpServer(({ incoming, body, answer }) => {
    const operation = String(incoming.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
    const input = (body ? JSON.parse(body) : {}) as {
      Name?: string;
      Value?: string;
      Type?: string;
      Overwrite?: boolean;
      WithDecryption?: boolean;
      ParameterFilters?: { Key: string; Values: string[] }[];
    };
    requests.push({
      operation,
      ...(input.Name !== undefined ? { name: input.Name } : {}),
      ...(input.WithDecryption !== undefined ? { withDecryption: input.WithDecryption } : {}),
    });
    const send = (reply: (res: import('node:http').ServerResponse) => void) => answer(reply, control.delayMs);
    switch (operation) {
      case 'GetParameter': {
        const found = input.Name ? parameters.get(input.Name) : undefined;
        if (!found) return send(error('ParameterNotFound', `Parameter ${input.Name} not found.`));
        return send(
          json(200, {
            Parameter: {
              Name: input.Name,
              Type: found.type,
              Value: found.value,
              Version: found.version,
              ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${input.Name}`,
            },
          }),
        );
      }
      case 'PutParameter': {
        if (!input.Name || input.Value === undefined) return send(error('ValidationException', 'Name and Value are required'));
        const existing = parameters.get(input.Name);
        if (existing && !input.Overwrite) return send(error('ParameterAlreadyExists', `Parameter ${input.Name} already exists.`));
        const version = (existing?.version ?? 0) + 1;
        parameters.set(input.Name, { value: input.Value, type: input.Type ?? 'String', version });
        return send(json(200, { Version: version, Tier: 'Standard' }));
      }
      case 'DescribeParameters': {
        const prefix = input.ParameterFilters?.find((f) => f.Key === 'Name' || f.Key === 'Path')?.Values[0] ?? '';
        const found = [...parameters.entries()]
          .filter(([name]) => name.startsWith(prefix))
          .map(([name, p]) => ({ Name: name, Type: p.type, Version: p.version, LastModifiedDate: 0 }));
        return send(json(200, { Parameters: found }));
      }
      default:
        return send(error('InvalidAction', `unknown operation ${operation}`));
    }
  });
  return {
    endpoint: server.url,
    parameters,
    requests,
    get delayMs() {
      return control.delayMs;
    },
    set delayMs(ms: number) {
      control.delayMs = ms;
    },
    stop: () => server.stop(),
  };
}
