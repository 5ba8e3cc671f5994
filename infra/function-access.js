'use strict';
/**
 * What each deployed function may do, in one place: its secrets (SSM SecureStrings under
 * /balance-ivr/<stage>/), its table operations, its audio prefixes, Polly, the import queue. From this table
 * serverless.yml gets each function's IAM role (one per function, nothing shared) and its
 * SECRET_NAMES (the only secrets the function reads; lib/secrets/product-secrets.ts refuses
 * others). Adding a secret to a function is one line here.
 *
 * The IAM coverage test (test/infra/iam-coverage.test.ts) runs every function's real code,
 * records every AWS command it sends, and fails if a role lacks one of them or grants one
 * the code never sends. Every ARN is partition-aware.
 */

const ACCESS = {
  voice: {
    secrets: ['twilio-auth-token', 'twilio-api-key-secret', 'payment-link-secret', 'azure-speech-key'],
    // Lookup-source passwords, /balance-ivr/<stage>/crm/*, and nothing else of the path.
    crmPasswords: true,
    tables: {
      ConfigTable: ['GetItem'],
      SessionsTable: ['GetItem', 'PutItem'],
      // The caller's identity and balance (one keyed read of the phone row); lookups. A card
      // payment in the call (<Pay>) writes its guard row and online payment, marks a paid
      // invoice, and refreshes the customer's summary and its index rows (conditional puts,
      // batched puts and deletes; lib/ledger/dynamo-card-payment-ledger.ts).
      LedgerTable: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      // Payment links, the exactly-once guard, the daily limits and the SMS outbox.
      PaymentsTable: ['GetItem', 'PutItem', 'UpdateItem'],
      // Customer club: wrong-password counters.
      AttemptsTable: ['GetItem', 'UpdateItem', 'DeleteItem'],
      // A card payment in the call appears on the Payments page (stored once per confirmation code).
      PaymentRecordsTable: ['PutItem'],
    },
    // English prompts and amounts: Polly audio cached under tts/; Persian sentences joined from
    // clips/ (and synthesized pieces) into joined/.
    audio: { read: ['tts/*', 'joined/*', 'clips/*'], write: ['tts/*', 'joined/*'] },
    polly: true,
  },
  status: {
    secrets: ['twilio-auth-token'],
    // The call log is written as an update, so a payment's refund flag set before the call ended stays.
    tables: { SessionsTable: ['GetItem'], CallLogTable: ['UpdateItem'] },
  },
  fallback: {
    secrets: ['twilio-auth-token'],
    tables: { ConfigTable: ['GetItem'], SessionsTable: ['GetItem', 'PutItem'] },
  },
  pay: {
    // The link key, and the gateways' keys (read only when PAYMENT_PROVIDER names the gateway).
    secrets: ['payment-link-secret', 'stripe-secret-key', 'stripe-webhook-secret', 'zarinpal-merchant-id'],
    tables: {
      // Links (read, claimed, settled), a customer's settlement lease and the gateways' checkouts.
      PaymentsTable: ['GetItem', 'PutItem', 'UpdateItem'],
      // The debt read again before paying; the online payment written, the items marked paid,
      // the customer's summary and its index rows refreshed.
      LedgerTable: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      // Each payment a provider confirmed, once per payment id.
      PaymentRecordsTable: ['GetItem', 'PutItem'],
      // A payment taken for a debt already settled is flagged on its call.
      CallLogTable: ['UpdateItem'],
    },
  },
  admin: {
    secrets: ['admin-api-key', 'admin-api-key-next', 'azure-speech-key'],
    crmPasswords: true,
    tables: {
      ConfigTable: ['GetItem', 'PutItem', 'DeleteItem', 'Scan'],
      // Customers listed and searched by keyed reads (summaries, the byList index, name-prefix
      // rows); imports refresh summaries; bulk import jobs (created, updated conditionally).
      LedgerTable: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem'],
      'LedgerTable/index/byList': ['Query'],
      // The call log is read through its indexes only.
      'CallLogTable/index/*': ['Query'],
      // The SMS outbox lives in the payments table, listed newest first through its byOutbox index.
      'PaymentsTable/index/byOutbox': ['Query'],
      // Every admin write is recorded first (its entry removed when the write is refused, put
      // again marked failed when it fails part-way); the Activity page queries it.
      AuditTable: ['PutItem', 'DeleteItem', 'Query'],
      // Wrong admin keys per source address (counted and checked; an address unlocks by time).
      AttemptsTable: ['GetItem', 'UpdateItem'],
      // The Payments page: listed by day through the index; a flagged payment marked handled.
      'PaymentRecordsTable/index/*': ['Query'],
      PaymentRecordsTable: ['GetItem', 'UpdateItem'],
    },
    // Prompt previews (Polly, cached under tts/; Persian joined under joined/ from clips/) and
    // uploaded recordings (uploads/, the file as uploaded under uploads/originals/).
    // Bulk import files go up in parts under imports/ (removed when a job is cancelled).
    audio: { read: ['tts/*', 'uploads/*', 'joined/*', 'clips/*'], write: ['tts/*', 'uploads/*', 'joined/*', 'imports/*'], delete: ['imports/*'] },
    polly: true,
    // Bulk import jobs are handed to the import worker.
    queue: { send: ['ImportQueue'] },
  },
  panel: {},
  importWorker: {
    tables: {
      // The job (conditional progress), the rows it writes, the customers' summaries and their
      // index rows, existence checks of the customers items name.
      LedgerTable: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem'],
      // The import's Activity entry: taken back when nothing was written, put again marked failed part-way.
      AuditTable: ['PutItem', 'DeleteItem'],
    },
    // The uploaded file: read, then removed when the job ends (it may hold passwords).
    audio: { read: ['imports/*'], delete: ['imports/*'] },
    // Triggered by the queue (the Lambda service receives and deletes for it); queues its next chunk.
    queue: { consume: 'ImportQueue', send: ['ImportQueue'] },
  },
};

const SERVICE = 'balance-ivr';
const partitionArn = (service, rest) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', rest]],
});
const capitalised = (name) => name.charAt(0).toUpperCase() + name.slice(1);

/** The logical id of a function's role, e.g. VoiceRole. */
const roleName = (fn) => `${capitalised(fn)}Role`;

function tableResource(key) {
  const [table, ...rest] = key.split('/');
  const arn = { 'Fn::GetAtt': [table, 'Arn'] };
  return rest.length === 0 ? arn : { 'Fn::Join': ['/', [arn, ...rest]] };
}

function statementsFor(fn, access, stage, tracing) {
  const statements = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: partitionArn('logs', `log-group:/aws/lambda/${SERVICE}-${stage}-${fn}:*`),
    },
  ];
  // Sent by the Lambda service for the function, not by its code.
  if (tracing) statements.push({ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });
  for (const [key, actions] of Object.entries(access.tables ?? {})) {
    statements.push({ Effect: 'Allow', Action: actions.map((a) => `dynamodb:${a}`), Resource: tableResource(key) });
  }
  const parameters = [
    ...(access.secrets ?? []).map((name) => `parameter/${SERVICE}/${stage}/${name}`),
    ...(access.crmPasswords ? [`parameter/${SERVICE}/${stage}/crm/*`] : []),
  ];
  // SecureStrings are encrypted with the AWS managed key aws/ssm, which any role allowed
  // ssm:GetParameter may decrypt through SSM: no kms:Decrypt statement is needed.
  if (parameters.length > 0) statements.push({ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: parameters.map((p) => partitionArn('ssm', p)) });
  const bucketObjects = (prefixes) => prefixes.map((prefix) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['AudioBucket', 'Arn'] }, `/${prefix}`]] }));
  if (access.audio?.read?.length) {
    statements.push({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: bucketObjects(access.audio.read) });
    // Only so that a missing object answers 404 (a cache miss) rather than 403. Not narrowed by
    // an s3:prefix condition: S3 checks it for HeadObject without one, and would answer 403.
    statements.push({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: { 'Fn::GetAtt': ['AudioBucket', 'Arn'] } });
  }
  if (access.audio?.write?.length) statements.push({ Effect: 'Allow', Action: ['s3:PutObject'], Resource: bucketObjects(access.audio.write) });
  if (access.audio?.delete?.length) statements.push({ Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: bucketObjects(access.audio.delete) });
  const queueArn = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  // What the Lambda service does for a function its queue triggers (it uses the function's role).
  if (access.queue?.consume)
    statements.push({
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: queueArn(access.queue.consume),
    });
  if (access.queue?.send?.length) statements.push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: access.queue.send.map(queueArn) });
  // Polly has no resource-level permissions for SynthesizeSpeech without lexicons.
  if (access.polly) statements.push({ Effect: 'Allow', Action: ['polly:SynthesizeSpeech'], Resource: '*' });
  return statements;
}

function role(fn, access, stage, tracing) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `${SERVICE} ${stage}: the ${fn} function only`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: `${SERVICE}-${fn}`, PolicyDocument: { Version: '2012-10-17', Statement: statementsFor(fn, access, stage, tracing) } }],
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const tracing = String(await resolveVariable("param:tracing, 'false'")) === 'true';
  const roles = {};
  const secretNames = {};
  for (const [fn, access] of Object.entries(ACCESS)) {
    roles[roleName(fn)] = role(fn, access, stage, tracing);
    secretNames[fn] = (access.secrets ?? []).join(',');
  }
  return { roles, secretNames };
};

module.exports.ACCESS = ACCESS;
