/** `serverless package` (osls) works offline and yields the deployment the design promises. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import tables from '../../infra/tables.json';
import { packageStage, PROD_PARAMS, type CfnTemplate, type PackagedStage } from '../support/packaged-template';

let prod: PackagedStage;
let watched: PackagedStage;
let template: CfnTemplate;

beforeAll(async () => {
  // A production stage as the README deploys it, and one with tracing, alarm mail and a custom domain.
  prod = await packageStage({ stage: 'prod', params: PROD_PARAMS });
  watched = await packageStage({
    stage: 'prod',
    params: { ...PROD_PARAMS, tracing: 'true', alarmEmail: 'ops@example.com', publicBaseUrl: 'https://ivr.example.com' },
  });
  template = prod.template;
}, 240_000);

afterAll(async () => {
  await prod?.remove();
  await watched?.remove();
});

const resourcesOf = (t: CfnTemplate, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const functions = (t: CfnTemplate) => resourcesOf(t, 'AWS::Lambda::Function');
const environment = (t: CfnTemplate, logical: string) => (t.Resources[logical]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
type Statement = { Effect: string; Action: string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
const statementsOf = (t: CfnTemplate, roleId: string) =>
  (t.Resources[roleId]?.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);

describe('serverless package', () => {
  it('deploys exactly the tables defined in infra/tables.json, with TTL on sessions', () => {
    const deployed = resourcesOf(template, 'AWS::DynamoDB::Table')
      .map(([id]) => id)
      .sort();
    expect(deployed).toEqual(Object.keys(tables).sort());
    expect(template.Resources.SessionsTable?.Properties?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(template.Resources.SessionsTable?.Properties?.TableName).toBe('balance-ivr-prod-sessions');
  });

  it('keeps the data tables when the stack goes: retained, deletion-protected, with point-in-time recovery', () => {
    for (const id of ['LedgerTable', 'ConfigTable', 'PaymentsTable', 'PaymentRecordsTable', 'AttemptsTable', 'CallLogTable', 'AuditTable']) {
      const table = template.Resources[id];
      expect({ id, DeletionPolicy: table?.DeletionPolicy, UpdateReplacePolicy: table?.UpdateReplacePolicy }).toEqual({
        id,
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(table?.Properties).toMatchObject({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    }
    // Sessions are a call's scratch state: a new stack may start without them.
    expect(template.Resources.SessionsTable?.DeletionPolicy).toBeUndefined();
  });

  it('expires call-log rows and projects into its indexes only what the panel reads', () => {
    const callLog = template.Resources.CallLogTable?.Properties as {
      TimeToLiveSpecification: unknown;
      GlobalSecondaryIndexes: { IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes: string[] } }[];
    };
    expect(callLog.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    const shown = ['outcome', 'reason', 'owed', 'currency', 'paid', 'refundNeeded', 'destination', 'durationSeconds', 'from'];
    expect(Object.fromEntries(callLog.GlobalSecondaryIndexes.map((i) => [i.IndexName, i.Projection]))).toEqual({
      byModule: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['day', ...shown] },
      byDay: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['moduleCode', ...shown] },
    });
    expect(environment(template, 'StatusLambdaFunction').CALL_LOG_RETENTION_DAYS).toBe('400');
  });

  it('runs every function on nodejs22.x, with the voice function’s timeout matching its 8 s step deadline', () => {
    const runtimes = functions(template).map(([, r]) => r.Properties?.Runtime);
    expect(runtimes.length).toBeGreaterThan(1);
    expect(new Set(runtimes)).toEqual(new Set(['nodejs22.x']));
    expect(template.Resources.VoiceLambdaFunction?.Properties?.Timeout).toBe(10);
  });

  it('deploys the webhooks, the fallback URL, the admin API, the panel, the payment page and the import worker — and no dev outbox', () => {
    expect(
      functions(template)
        .map(([id]) => id)
        .sort(),
    ).toEqual([
      'AdminLambdaFunction',
      'FallbackLambdaFunction',
      'ImportWorkerLambdaFunction',
      'PanelLambdaFunction',
      'PayLambdaFunction',
      'StatusLambdaFunction',
      'VoiceLambdaFunction',
    ]);
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(['POST /voice/{code}', 'POST /voice/{code}/{step}', 'POST /fallback/{code}', 'POST /status']));
    expect(routes.filter((r) => String(r).includes('/dev/'))).toEqual([]);
  });

  it('gives each function its own role, and no function the shared default role', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const roles = functions(template).map(([, r]) => JSON.stringify(r.Properties?.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('grants DynamoDB access only on the stack’s own tables and indexes, never dynamodb:*', () => {
    for (const [roleId] of resourcesOf(template, 'AWS::IAM::Role')) {
      for (const statement of statementsOf(template, roleId).filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')))) {
        expect(statement.Action).not.toContain('dynamodb:*');
        expect(JSON.stringify(statement.Resource)).toMatch(
          /"(SessionsTable|ConfigTable|LedgerTable|CallLogTable|PaymentsTable|PaymentRecordsTable|AttemptsTable|AuditTable)"/,
        );
      }
    }
  });

  it('writes no partition into any ARN: every one is built from AWS::Partition (or an attribute)', () => {
    expect(JSON.stringify(template)).not.toMatch(/arn:aws[:-]/);
    expect(JSON.stringify(watched.template)).not.toMatch(/arn:aws[:-]/);
  });

  it('puts no secret in any function’s environment: each lists the SSM secrets it may read', () => {
    const secretVariables = /^(TWILIO_AUTH_TOKEN|TWILIO_AUTH_TOKEN_SECRET|TWILIO_API_KEY_SECRET|PAYMENT_LINK_SECRET|ADMIN_API_KEY|CRM_SECRET_.*)$/;
    for (const [id] of functions(template)) expect(Object.keys(environment(template, id)).filter((name) => secretVariables.test(name))).toEqual([]);
    expect(Object.fromEntries(functions(template).map(([id]) => [id, environment(template, id).SECRET_NAMES]))).toEqual({
      VoiceLambdaFunction: 'twilio-auth-token,twilio-api-key-secret,payment-link-secret,azure-speech-key',
      StatusLambdaFunction: 'twilio-auth-token',
      FallbackLambdaFunction: 'twilio-auth-token',
      AdminLambdaFunction: 'admin-api-key,admin-api-key-next,azure-speech-key',
      PanelLambdaFunction: '',
      PayLambdaFunction: 'payment-link-secret,stripe-secret-key,stripe-webhook-secret,zarinpal-merchant-id',
      ImportWorkerLambdaFunction: '',
    });
  });

  it('derives the public URL Twilio signs from the HTTP API on the first deploy, or takes a custom domain', () => {
    expect(environment(template, 'VoiceLambdaFunction').PUBLIC_BASE_URL).toEqual({ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] });
    expect(environment(watched.template, 'VoiceLambdaFunction').PUBLIC_BASE_URL).toBe('https://ivr.example.com');
  });

  it('keeps the audio bucket private: all public access blocked, read only by its CloudFront distribution (OAC)', () => {
    expect(template.Resources.AudioBucket?.Properties?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const policy = (template.Resources.AudioBucketPolicy?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
    const allows = policy.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(JSON.stringify(allows[0]?.Condition)).toContain('AudioDistribution');
    const origin = (template.Resources.AudioDistribution?.Properties?.DistributionConfig as { Origins: Record<string, unknown>[] }).Origins[0];
    expect(origin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': ['AudioOriginAccessControl', 'Id'] });
    expect(environment(template, 'VoiceLambdaFunction').AUDIO_BASE_URL).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['AudioDistribution', 'DomainName'] }]],
    });
  });

  it('alarms on webhook errors, an open CRM circuit, failed SMS and a stalled bulk import, mailing the alarm address when one is set', () => {
    for (const t of [template, watched.template])
      expect(
        resourcesOf(t, 'AWS::CloudWatch::Alarm')
          .map(([id]) => id)
          .sort(),
      ).toEqual(['CrmCircuitOpenAlarm', 'ImportDeadLettersAlarm', 'SmsFailedAlarm', 'WebhookErrorsAlarm']);
    expect(template.Resources.AlarmTopic).toBeUndefined();
    expect(template.Resources.WebhookErrorsAlarm?.Properties?.AlarmActions).toBeUndefined();
    expect(watched.template.Resources.AlarmTopic?.Properties?.Subscription).toEqual([{ Protocol: 'email', Endpoint: 'ops@example.com' }]);
    for (const [, alarm] of resourcesOf(watched.template, 'AWS::CloudWatch::Alarm')) expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('turns X-Ray tracing on with a stage setting, and lets each role write its traces then only', () => {
    expect(template.Resources.VoiceLambdaFunction?.Properties?.TracingConfig).toBeUndefined();
    expect(JSON.stringify(statementsOf(template, 'VoiceRole'))).not.toContain('xray:');
    for (const [id, fn] of functions(watched.template)) {
      expect({ id, tracing: fn.Properties?.TracingConfig }).toEqual({ id, tracing: { Mode: 'Active' } });
      const role = (fn.Properties?.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      expect(statementsOf(watched.template, role).some((s) => s.Action.includes('xray:PutTraceSegments'))).toBe(true);
    }
  });

  it('throttles the admin routes at API Gateway, and only them', () => {
    const stage = template.Resources.HttpApiStage as unknown as {
      Properties: { RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> };
      DependsOn: string[];
    };
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(['ANY /admin/api/{proxy+}', 'GET /admin']);
    expect(stage.Properties.RouteSettings['ANY /admin/api/{proxy+}']).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    // Every route a setting names exists, and the stage is created after it.
    for (const dependency of stage.DependsOn) expect(template.Resources[dependency]?.Type).toBe('AWS::ApiGatewayV2::Route');
  });

  it('keeps the audit trail in its own table with TTL, written only by the admin role', () => {
    expect(template.Resources.AuditTable?.Properties?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    const grantsOn = (roleId: string) => JSON.stringify((template.Resources[roleId]?.Properties as { Policies: unknown[] }).Policies);
    expect(grantsOn('AdminRole')).toContain('AuditTable');
    for (const role of ['VoiceRole', 'StatusRole', 'FallbackRole', 'PayRole', 'PanelRole']) expect(grantsOn(role)).not.toContain('AuditTable');
  });

  it('runs bulk imports in their own function, triggered by its queue, with a role granting only what the worker sends', () => {
    const worker = resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id === 'ImportWorkerLambdaFunction')?.[1].Properties as {
      Role: unknown;
      Timeout: number;
    };
    expect(JSON.stringify(worker.Role)).toContain('ImportWorkerRole');
    expect(worker.Timeout).toBe(120);
    const mapping = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mapping).toEqual([expect.objectContaining({ BatchSize: 1, EventSourceArn: { 'Fn::GetAtt': ['ImportQueue', 'Arn'] } })]);
    const grants = (
      template.Resources.ImportWorkerRole?.Properties as { Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[] }
    ).Policies.flatMap((p) => p.PolicyDocument.Statement);
    const actions = grants.flatMap((g) => g.Action);
    expect(actions.every((a) => !a.endsWith('*'))).toBe(true);
    expect(JSON.stringify(grants)).not.toMatch(/SessionsTable|PaymentsTable|ConfigTable|CallLogTable|polly|ssm:/);
    expect(JSON.stringify(grants.filter((g) => g.Action.some((a) => a.startsWith('s3:'))))).toContain('/imports/*');
    // The admin function queues jobs and stores their files; no other function may queue one.
    const grantsOn = (roleId: string) => JSON.stringify((template.Resources[roleId]?.Properties as { Policies: unknown[] }).Policies);
    expect(grantsOn('AdminRole')).toContain('sqs:SendMessage');
    for (const role of ['VoiceRole', 'StatusRole', 'FallbackRole', 'PayRole', 'PanelRole']) expect(grantsOn(role)).not.toContain('sqs:');
    expect(template.Resources.ImportQueue?.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 120);
    // A message that keeps failing is set aside, and that is alarmed.
    expect(template.Resources.ImportQueue?.Properties?.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: { 'Fn::GetAtt': ['ImportDeadLetterQueue', 'Arn'] },
    });
    expect(template.Resources.ImportDeadLettersAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Value: { 'Fn::GetAtt': ['ImportDeadLetterQueue', 'QueueName'] } }],
    });
  });

  it('bundles the voice function with esbuild, minified, leaving the AWS SDK out', () => {
    const listing = execFileSync('python3', [
      '-c',
      'import sys,zipfile;sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("functions/voice.js").decode())',
      join(prod.dir, 'voice.zip'),
    ]).toString();
    expect(listing.length).toBeGreaterThan(1000);
    expect(listing).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
    expect(listing).not.toMatch(/class DynamoDBClient extends/);
  });
});
