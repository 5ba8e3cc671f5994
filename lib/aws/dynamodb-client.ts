/** DynamoDB clients, built once per container (module scope) and reused across invocations. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setUpSdkClient } from './sdk-client-setup';

/**
 * A DynamoDB request normally takes milliseconds. One that hangs gives up after the request
 * timeout (1 s deployed; the SDK's default is never) and an operation gets at most 3 attempts
 * (about 3.3 s at worst), never past the step's deadline (sdk-client-setup.ts aborts at it).
 */
export const DYNAMODB_MAX_ATTEMPTS = 3;

export function createDocumentClient(options: { endpoint?: string | undefined; region: string; requestTimeoutMs?: number }): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = {
    region: options.region,
    maxAttempts: DYNAMODB_MAX_ATTEMPTS,
    // Since @smithy/node-http-handler 4.x requestTimeout alone only logs a warning; it must throw.
    requestHandler: { connectionTimeout: 500, requestTimeout: options.requestTimeoutMs ?? 1000, throwOnRequestTimeout: true },
  };
  if (options.endpoint) {
    // Local stack (dynalite): any credentials are accepted.
    config.endpoint = options.endpoint;
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return DynamoDBDocumentClient.from(setUpSdkClient(new DynamoDBClient(config)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
