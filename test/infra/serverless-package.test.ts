/** `serverless package` (osls) works offline and yields the deployment the design promises. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tables from '../../infra/tables.json';

const ROOT = join(__dirname, '../..');
let out: string;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'sls-package-'));
  execFileSync(join(ROOT, 'node_modules/.bin/serverless'), ['package', '--stage', 'ci', '--package', out], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', SLS_TELEMETRY_DISABLED: '1' },
    stdio: 'pipe',
    timeout: 120_000,
  });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 150_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const resourcesOf = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

describe('serverless package', () => {
  it('deploys exactly the tables defined in infra/tables.json, with TTL on sessions', () => {
    const deployed = resourcesOf('AWS::DynamoDB::Table').map(([id]) => id).sort();
    expect(deployed).toEqual(Object.keys(tables).sort());
    expect(template.Resources.SessionsTable?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(template.Resources.SessionsTable?.Properties.TableName).toBe('balance-ivr-ci-sessions');
  });

  it('runs every function on nodejs22.x', () => {
    const runtimes = resourcesOf('AWS::Lambda::Function').map(([, r]) => r.Properties.Runtime);
    expect(runtimes.length).toBeGreaterThan(1);
    expect(new Set(runtimes)).toEqual(new Set(['nodejs22.x']));
  });

  it('grants DynamoDB access only on the stack’s own tables and indexes', () => {
    const role = template.Resources.IamRoleLambdaExecution?.Properties as { Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[] };
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement).filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Action).not.toContain('dynamodb:*');
      for (const resource of statement.Resource) expect(JSON.stringify(resource)).toMatch(/"(SessionsTable|ConfigTable|LedgerTable|CallLogTable|[A-Za-z]+Table)"/);
    }
  });

  it('throttles the admin routes at API Gateway, and only them', () => {
    const stage = template.Resources.HttpApiStage as unknown as { Properties: { RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> }; DependsOn: string[] };
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(['ANY /admin/api/{proxy+}', 'GET /admin']);
    expect(stage.Properties.RouteSettings['ANY /admin/api/{proxy+}']).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    // Every route a setting names exists, and the stage is created after it.
    for (const dependency of stage.DependsOn) expect(template.Resources[dependency]?.Type).toBe('AWS::ApiGatewayV2::Route');
  });

  it('keeps the audit trail in its own table with TTL, written only by the admin role', () => {
    expect(template.Resources.AuditTable?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    const grantsOn = (roleId: string) => JSON.stringify((template.Resources[roleId]?.Properties as { Policies: unknown[] }).Policies);
    expect(grantsOn('AdminFunctionRole')).toContain('AuditTable');
    expect(grantsOn('IamRoleLambdaExecution')).not.toContain('AuditTable');
  });

  it('runs bulk imports in their own function, triggered by its queue, with a role granting only what the worker sends', () => {
    const worker = resourcesOf('AWS::Lambda::Function').find(([id]) => id === 'ImportWorkerLambdaFunction')?.[1].Properties as { Role: unknown; Timeout: number };
    expect(JSON.stringify(worker.Role)).toContain('ImportWorkerRole');
    expect(worker.Timeout).toBe(120);
    const mapping = resourcesOf('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mapping).toEqual([expect.objectContaining({ BatchSize: 1, EventSourceArn: { 'Fn::GetAtt': ['ImportQueue', 'Arn'] } })]);
    const grants = (template.Resources.ImportWorkerRole?.Properties as { Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[] }).Policies.flatMap((p) => p.PolicyDocument.Statement);
    const actions = grants.flatMap((g) => g.Action);
    expect(actions.every((a) => !a.endsWith('*'))).toBe(true);
    expect(JSON.stringify(grants)).not.toMatch(/SessionsTable|PaymentsTable|ConfigTable|CallLogTable|polly|ssm:/);
    expect(JSON.stringify(grants.filter((g) => g.Action.some((a) => a.startsWith('s3:'))))).toContain('/imports/*');
    // The admin function queues jobs and stores their files: a policy of its own on the admin role.
    const admin = template.Resources.ImportAdminPolicy?.Properties as { Roles: unknown[] };
    expect(admin.Roles).toEqual([{ Ref: 'AdminFunctionRole' }]);
    expect(template.Resources.ImportQueue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 120);
  });

  it('bundles the voice function with esbuild, minified, leaving the AWS SDK out', () => {
    const listing = execFileSync('python3', ['-c', 'import sys,zipfile;sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("functions/voice.js").decode())', join(out, 'voice.zip')]).toString();
    expect(listing.length).toBeGreaterThan(1000);
    expect(listing).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
    expect(listing).not.toMatch(/class DynamoDBClient extends/);
  });
});
