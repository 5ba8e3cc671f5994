/**
 * The packaged production stack deploys: CloudFormation `create-stack` against the moto AWS
 * emulator reaches CREATE_COMPLETE with every resource moto can create, and those resources
 * are what the template promises (roles, function settings without secrets, private bucket,
 * tables with TTL and protection). `delete-stack` then keeps the data tables.
 *
 * moto has no CloudFormation support for a few resource types; those are stripped for this
 * run (references to them become placeholder strings) and listed in UNSUPPORTED_BY_MOTO. Each
 * one is also proven unsupported by a stack of its own, so the list cannot hide a resource
 * moto could have created. Run by `npm run test:deploy` (needs moto_server), not `npm test`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, GetBucketEncryptionCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { packageStage, PROD_PARAMS, type CfnResource, type CfnTemplate, type PackagedStage } from '../support/packaged-template';
import { startMoto, type RunningMoto } from './moto-server';

/** Resource types moto 5 cannot create through CloudFormation, and what that leaves unproven here. */
export const UNSUPPORTED_BY_MOTO: Readonly<Record<string, string>> = {
  'AWS::ApiGatewayV2::Api': 'the HTTP API itself (moto models only REST APIs in CloudFormation)',
  'AWS::ApiGatewayV2::Integration': 'the Lambda integrations of the HTTP API routes',
  'AWS::ApiGatewayV2::Route': 'the routes (POST /voice/{code}, /fallback/{code}, /status, …)',
  'AWS::ApiGatewayV2::Stage': 'the $default stage of the HTTP API',
  'AWS::CloudFront::Distribution': 'the CDN Twilio fetches audio through',
  'AWS::CloudFront::OriginAccessControl': 'the Origin Access Control that lets only CloudFront read the bucket',
  'AWS::S3::BucketPolicy': 'the audio and deployment bucket policies (CloudFront-only reads, HTTPS only)',
  'AWS::CloudWatch::Alarm': 'the three alarms (moto creates dashboards, not alarms)',
};

const REGION = 'us-east-1';
const ARTIFACTS = 'moto-deployment-artifacts';
let moto: RunningMoto | undefined;
let endpoint: string;
let stage: PackagedStage;
const clientConfig = () => ({ region: REGION, endpoint, credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' } });

beforeAll(async () => {
  if (process.env.MOTO_ENDPOINT) endpoint = process.env.MOTO_ENDPOINT;
  else {
    moto = await startMoto();
    endpoint = moto.endpoint;
  }
  stage = await packageStage({ stage: 'prod', region: REGION, params: { ...PROD_PARAMS, alarmEmail: 'ops@example.com' } });
}, 240_000);

afterAll(async () => {
  await stage?.remove();
  await moto?.stop();
});

type Json = unknown;

/** The template without the resources moto cannot create; what referred to them gets a placeholder. */
function stripUnsupported(template: CfnTemplate): { template: CfnTemplate; stripped: Record<string, string> } {
  const stripped: Record<string, string> = {};
  for (const [id, resource] of Object.entries(template.Resources)) if (UNSUPPORTED_BY_MOTO[resource.Type]) stripped[id] = resource.Type;
  const replace = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(replace);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, Json>;
    if (typeof object.Ref === 'string' && stripped[object.Ref]) return `moto-stripped-${object.Ref}`;
    const getAtt = object['Fn::GetAtt'] as string[] | undefined;
    if (Array.isArray(getAtt) && stripped[getAtt[0] as string]) return `https://moto-stripped-${getAtt[0]}-${getAtt[1]}.example`;
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, replace(v)]));
  };
  const resources: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (stripped[id]) continue;
    const kept = replace(resource) as CfnResource & { DependsOn?: string | string[] };
    if (kept.DependsOn !== undefined) {
      const dependsOn = (Array.isArray(kept.DependsOn) ? kept.DependsOn : [kept.DependsOn]).filter((d) => !stripped[d]);
      resources[id] = dependsOn.length > 0 ? { ...kept, DependsOn: dependsOn } : (({ DependsOn: _d, ...rest }) => rest)(kept);
    } else resources[id] = kept;
  }
  return { template: { ...template, Resources: resources, Outputs: replace(template.Outputs ?? {}) as CfnTemplate['Outputs'] }, stripped };
}

async function waitFor(cf: CloudFormationClient, stackName: string, done: string): Promise<string> {
  for (let i = 0; i < 120; i += 1) {
    const { Stacks } = await cf.send(new DescribeStacksCommand({ StackName: stackName }));
    const status = Stacks?.[0]?.StackStatus ?? 'MISSING';
    if (!status.endsWith('_IN_PROGRESS')) return status;
    if (status === done) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${stackName} did not reach ${done}`);
}

async function resourcesOf(cf: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cf.send(new ListStackResourcesCommand({ StackName: stackName, ...(NextToken ? { NextToken } : {}) }));
    all.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

describe('the packaged production stack in the moto emulator', () => {
  const stackName = 'balance-ivr-prod';
  let stripped: Record<string, string>;
  let created: StackResourceSummary[];
  let kept: CfnTemplate;

  beforeAll(async () => {
    const cf = new CloudFormationClient(clientConfig());
    const s3 = new S3Client({ ...clientConfig(), forcePathStyle: true });
    ({ template: kept, stripped } = stripUnsupported(stage.template));
    // serverless deploy uploads the bundles between its two CloudFormation calls; here they
    // wait in a bucket made beforehand, at the keys the template names.
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    for (const [id, resource] of Object.entries(kept.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const code = resource.Properties?.Code as { S3Bucket: Json; S3Key: string };
      const zip = join(stage.dir, code.S3Key.split('/').pop() as string);
      await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS, Key: code.S3Key, Body: await readFile(zip) }));
      (kept.Resources[id]?.Properties as { Code: { S3Bucket: Json } }).Code.S3Bucket = ARTIFACTS;
    }
    await cf.send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(kept), Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }),
    );
    expect(await waitFor(cf, stackName, 'CREATE_COMPLETE')).toBe('CREATE_COMPLETE');
    created = await resourcesOf(cf, stackName);
    s3.destroy();
    cf.destroy();
  }, 120_000);

  it('reaches CREATE_COMPLETE with every resource moto can create', () => {
    expect(created.map((r) => r.LogicalResourceId).sort()).toEqual(Object.keys(kept.Resources).sort());
    expect(created.filter((r) => r.ResourceStatus !== 'CREATE_COMPLETE')).toEqual([]);
    expect(created.filter((r) => r.ResourceType === 'AWS::Lambda::Function')).toHaveLength(7);
    expect(created.filter((r) => r.ResourceType === 'AWS::IAM::Role')).toHaveLength(7);
    expect(created.filter((r) => r.ResourceType === 'AWS::SQS::Queue')).toHaveLength(2);
    expect(created.filter((r) => r.ResourceType === 'AWS::DynamoDB::Table')).toHaveLength(8);
  });

  it('strips exactly the resource types moto cannot create, and only those', async () => {
    expect([...new Set(Object.values(stripped))].sort()).toEqual(Object.keys(UNSUPPORTED_BY_MOTO).sort());
    // Each one alone in a stack: moto completes it without creating the resource (it lists
    // only an unnamed placeholder), as it does not for a type it supports.
    const cf = new CloudFormationClient(clientConfig());
    const probe = async (index: number, type: string) => {
      const name = `moto-probe-${index}`;
      await cf.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify({ Resources: { Probe: { Type: type, Properties: {} } } }) }));
      expect(await waitFor(cf, name, 'CREATE_COMPLETE')).toBe('CREATE_COMPLETE');
      return (await resourcesOf(cf, name)).some((r) => r.LogicalResourceId === 'Probe');
    };
    expect(await probe(99, 'AWS::S3::Bucket')).toBe(true);
    for (const [index, type] of Object.keys(UNSUPPORTED_BY_MOTO).entries())
      expect({ type, created: await probe(index, type) }).toEqual({ type, created: false });
    cf.destroy();
  }, 60_000);

  it('runs each function with its own role, its settings and no secret in its environment', async () => {
    const lambda = new LambdaClient(clientConfig());
    const iam = new IAMClient(clientConfig());
    const voice = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'balance-ivr-prod-voice' }));
    expect(voice).toMatchObject({ Runtime: 'nodejs22.x', Timeout: 10, Role: expect.stringMatching(/:role\/.*VoiceRole/) });
    const variables = voice.Environment?.Variables ?? {};
    expect(variables).toMatchObject({
      SECRET_NAMES: 'twilio-auth-token,twilio-api-key-secret,payment-link-secret,azure-speech-key',
      SMS_PROVIDER: 'twilio',
      STAGE: 'prod',
    });
    expect(
      Object.keys(variables).filter((name) => /^(TWILIO_AUTH_TOKEN|TWILIO_API_KEY_SECRET|PAYMENT_LINK_SECRET|ADMIN_API_KEY|CRM_SECRET_.*)$/.test(name)),
    ).toEqual([]);
    const roleName = (voice.Role ?? '').split('/').pop() as string;
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'balance-ivr-voice' }));
    const document = decodeURIComponent(policy.PolicyDocument ?? '');
    expect(document).toContain(`arn:aws:ssm:${REGION}:`);
    expect(document).toContain('parameter/balance-ivr/prod/crm/*');
    expect(document).not.toContain('admin-api-key');
    lambda.destroy();
    iam.destroy();
  });

  // moto's CloudFormation applies a table's key schema, indexes and deletion protection, but
  // not TimeToLiveSpecification, PointInTimeRecoverySpecification or (in what it reports)
  // SSESpecification, and a
  // bucket's encryption but not its PublicAccessBlockConfiguration: those are asserted in the
  // template (test/infra/serverless-package.test.ts) and checked against CloudFormation's schema by cfn-lint.
  it('creates the data tables deletion-protected, the call log with its narrow indexes', async () => {
    const dynamo = new DynamoDBClient(clientConfig());
    for (const name of ['ledger', 'config', 'payments', 'attempts', 'call-log']) {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: `balance-ivr-prod-${name}` }));
      expect({ name, protected: Table?.DeletionProtectionEnabled }).toEqual({ name, protected: true });
    }
    const sessions = await dynamo.send(new DescribeTableCommand({ TableName: 'balance-ivr-prod-sessions' }));
    expect(sessions.Table?.DeletionProtectionEnabled ?? false).toBe(false);
    const callLog = await dynamo.send(new DescribeTableCommand({ TableName: 'balance-ivr-prod-call-log' }));
    expect(callLog.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType, i.Projection?.NonKeyAttributes?.length])).toEqual([
      ['byModule', 'INCLUDE', 10],
      ['byDay', 'INCLUDE', 10],
    ]);
    dynamo.destroy();
  });

  it('triggers the import worker from its queue, one message at a time, with a dead-letter queue after 5 receives', async () => {
    const sqs = new SQSClient(clientConfig());
    const lambda = new LambdaClient(clientConfig());
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'balance-ivr-prod-imports' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Number(Attributes?.VisibilityTimeout)).toBe(720);
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      maxReceiveCount: 5,
      deadLetterTargetArn: expect.stringMatching(/:balance-ivr-prod-imports-dead$/),
    });
    const { EventSourceMappings } = await lambda.send(new ListEventSourceMappingsCommand({}));
    expect(EventSourceMappings?.map((m) => [m.FunctionArn?.split(':').pop(), m.EventSourceArn?.split(':').pop(), m.BatchSize])).toEqual([
      ['balance-ivr-prod-importWorker', 'balance-ivr-prod-imports', 1],
    ]);
    const worker = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'balance-ivr-prod-importWorker' }));
    expect(worker).toMatchObject({ Timeout: 120, MemorySize: 1024, Role: expect.stringMatching(/:role\/.*ImportWorkerRole/) });
    expect(worker.Environment?.Variables?.IMPORT_QUEUE_URL).toMatch(/balance-ivr-prod-imports$/);
    sqs.destroy();
    lambda.destroy();
  });

  it('encrypts the audio bucket', async () => {
    const s3 = new S3Client({ ...clientConfig(), forcePathStyle: true });
    const bucket = created.find((r) => r.LogicalResourceId === 'AudioBucket')?.PhysicalResourceId as string;
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    s3.destroy();
  });

  it('keeps the data tables when the stack is deleted (serverless remove), and drops the sessions', async () => {
    const cf = new CloudFormationClient(clientConfig());
    const dynamo = new DynamoDBClient(clientConfig());
    await cf.send(new DeleteStackCommand({ StackName: stackName }));
    const status = await waitFor(cf, stackName, 'DELETE_COMPLETE').catch((error: Error) =>
      /does not exist/.test(error.message) ? 'DELETE_COMPLETE' : Promise.reject(error),
    );
    expect(status).toBe('DELETE_COMPLETE');
    const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
    expect(TableNames.filter((t) => t.startsWith('balance-ivr-prod-')).sort()).toEqual([
      'balance-ivr-prod-attempts',
      'balance-ivr-prod-audit',
      'balance-ivr-prod-call-log',
      'balance-ivr-prod-config',
      'balance-ivr-prod-ledger',
      'balance-ivr-prod-payment-records',
      'balance-ivr-prod-payments',
    ]);
    cf.destroy();
    dynamo.destroy();
  }, 60_000);
});
