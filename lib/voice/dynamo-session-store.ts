import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Session } from '../domain/session';
import { StaleSessionError, type SessionStore } from './session-store';

/** Sessions keyed by CallSid; each write is conditional on the turn it was computed from. */
export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(callSid: string): Promise<Session | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { callSid }, ConsistentRead: true }));
    return Item as Session | undefined;
  }

  async save(next: Session, expectedTurn: number | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: next,
          ...(expectedTurn === undefined
            ? { ConditionExpression: 'attribute_not_exists(callSid)' }
            : { ConditionExpression: '#turn = :turn', ExpressionAttributeNames: { '#turn': 'turn' }, ExpressionAttributeValues: { ':turn': expectedTurn } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StaleSessionError(`session ${next.callSid} moved past turn ${expectedTurn}`, { cause: error });
      throw error;
    }
  }
}
