/** DynamoDB clients, built once per container (module scope) and reused across invocations. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(options: { endpoint?: string | undefined; region: string }): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { region: options.region };
  if (options.endpoint) {
    // Local stack (dynalite): any credentials are accepted.
    config.endpoint = options.endpoint;
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
