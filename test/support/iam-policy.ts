/**
 * Reading IAM roles out of a packaged CloudFormation template, and the IAM action + resource
 * each recorded AWS SDK command needs — enough of IAM's evaluation (Allow statements,
 * wildcards in actions and resources) to answer "does this role allow that command?".
 */
import type { SentCommand } from '../../lib/aws/sdk-client-setup';
import type { CfnTemplate } from './packaged-template';

export interface Account {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** Physical names for Ref of resources that have no name in the template (the audio bucket). */
  readonly physical: Readonly<Record<string, string>>;
}

export interface Permission {
  readonly action: string;
  readonly resource: string;
}

export interface Statement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

type Json = unknown;

function attribute(template: CfnTemplate, account: Account, logicalId: string, attr: string): string {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`GetAtt of unknown resource ${logicalId}`);
  if (resource.Type === 'AWS::DynamoDB::Table' && attr === 'Arn')
    return `arn:${account.partition}:dynamodb:${account.region}:${account.accountId}:table/${resource.Properties?.TableName as string}`;
  if (resource.Type === 'AWS::SQS::Queue' && attr === 'Arn')
    return `arn:${account.partition}:sqs:${account.region}:${account.accountId}:${resource.Properties?.QueueName as string}`;
  if (resource.Type === 'AWS::S3::Bucket' && attr === 'Arn') return `arn:${account.partition}:s3:::${ref(template, account, logicalId)}`;
  throw new Error(`no test value for ${logicalId}.${attr}`);
}

function ref(template: CfnTemplate, account: Account, name: string): string {
  if (name === 'AWS::Partition') return account.partition;
  if (name === 'AWS::Region') return account.region;
  if (name === 'AWS::AccountId') return account.accountId;
  const physical = account.physical[name];
  if (physical) return physical;
  const resource = template.Resources[name];
  if (resource?.Type === 'AWS::DynamoDB::Table') return resource.Properties?.TableName as string;
  throw new Error(`no test value for Ref ${name}`);
}

/** A CloudFormation value with its intrinsic functions evaluated (those roles use). */
export function resolve(template: CfnTemplate, account: Account, value: Json): Json {
  if (Array.isArray(value)) return value.map((v) => resolve(template, account, v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, Json>);
  const [key, arg] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') return ref(template, account, arg as string);
  if (entries.length === 1 && key === 'Fn::GetAtt') {
    const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
    return attribute(template, account, id as string, attr as string);
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [separator, parts] = arg as [string, Json[]];
    return (resolve(template, account, parts) as Json[]).join(separator);
  }
  if (entries.length === 1 && key === 'Fn::Sub') {
    return String(arg).replace(/\$\{([^}]+)\}/g, (_m, name: string) =>
      name.includes('.') ? attribute(template, account, ...(name.split('.') as [string, string])) : ref(template, account, name),
    );
  }
  if (key?.startsWith('Fn::')) throw new Error(`no test evaluation of ${key}`);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(template, account, v)]));
}

/** The Allow statements of a role's inline policies, resolved. Deny and conditions are not used by our roles (checked). */
export function roleStatements(template: CfnTemplate, account: Account, roleId: string): Statement[] {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  const policies = (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Record<string, Json>[] } }[];
  if (role.Properties?.ManagedPolicyArns) throw new Error(`${roleId} has managed policies: not evaluated here`);
  return policies.flatMap((p) =>
    p.PolicyDocument.Statement.map((s) => {
      if (s.Effect !== 'Allow' || s.Condition || s.NotAction || s.NotResource)
        throw new Error(`${roleId} has a statement this evaluator does not model: ${JSON.stringify(s)}`);
      const list = (v: Json) => (Array.isArray(v) ? v : [v]) as Json[];
      return { actions: list(s.Action).map(String), resources: list(resolve(template, account, s.Resource)).map(String) };
    }),
  );
}

/** IAM's wildcards: `*` any run of characters, `?` one; actions compare case-insensitively. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

export function allows(statements: readonly Statement[], permission: Permission): boolean {
  return statements.some((s) => s.actions.some((a) => matches(a, permission.action, true)) && s.resources.some((r) => matches(r, permission.resource)));
}

export function statementMatches(action: string, resource: string, permission: Permission): boolean {
  return matches(action, permission.action, true) && matches(resource, permission.resource);
}

/** The document client's commands reach the middleware under their own names or DynamoDB's. */
const DYNAMO_ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};

/**
 * The IAM permissions one SDK command needs. HeadObject and GetObject are s3:GetObject; the
 * code treats a missing object as a cache miss, which S3 reports as 404 only to a caller
 * allowed s3:ListBucket (else 403), so they need that on the bucket too.
 */
export function permissionsFor(command: SentCommand, account: Account): Permission[] {
  const { partition, region, accountId } = account;
  const name = command.command.replace(/Command$/, '');
  const input = command.input as Record<string, unknown>;
  switch (command.client) {
    case 'DynamoDBClient': {
      const action = `dynamodb:${DYNAMO_ACTIONS[name] ?? name}`;
      const table = (t: string) => `arn:${partition}:dynamodb:${region}:${accountId}:table/${t}`;
      if (input.RequestItems) return Object.keys(input.RequestItems as object).map((t) => ({ action, resource: table(t) }));
      const base = table(String(input.TableName));
      return [{ action, resource: input.IndexName ? `${base}/index/${String(input.IndexName)}` : base }];
    }
    case 'S3Client': {
      const bucket = `arn:${partition}:s3:::${String(input.Bucket)}`;
      const object = `${bucket}/${String(input.Key)}`;
      if (name === 'HeadObject' || name === 'GetObject')
        return [
          { action: 's3:GetObject', resource: object },
          { action: 's3:ListBucket', resource: bucket },
        ];
      if (name === 'PutObject') return [{ action: 's3:PutObject', resource: object }];
      // DeleteObjects is authorised as s3:DeleteObject on each object it names.
      if (name === 'DeleteObjects')
        return ((input.Delete as { Objects: { Key: string }[] }).Objects ?? []).map((o) => ({ action: 's3:DeleteObject', resource: `${bucket}/${o.Key}` }));
      return [{ action: `s3:${name}`, resource: object }];
    }
    case 'SQSClient': {
      const queue = new URL(String(input.QueueUrl)).pathname.split('/').pop();
      return [{ action: `sqs:${name}`, resource: `arn:${partition}:sqs:${region}:${accountId}:${queue}` }];
    }
    case 'PollyClient':
      return [{ action: `polly:${name}`, resource: '*' }];
    case 'SSMClient':
      // SecureStrings use the AWS managed key aws/ssm: GetParameter alone decrypts them.
      return [{ action: `ssm:${name}`, resource: `arn:${partition}:ssm:${region}:${accountId}:parameter${String(input.Name)}` }];
    default:
      throw new Error(`no IAM mapping for ${command.client}.${command.command}`);
  }
}
