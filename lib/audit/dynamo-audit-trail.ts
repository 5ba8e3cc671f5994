import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeStartKey, encodeCursor, InvalidCursorError } from '../aws/paging-cursor';
import { snapshot, type AuditActor, type AuditChange, type AuditEntry, type AuditPage, type AuditQuery, type AuditTrail } from './audit-trail';

/** Admin changes are few (people at a panel): one partition, ordered by time, is enough. */
const PARTITION = 'AUDIT';
const MAX_QUERIES_PER_PAGE = 50;

/**
 * The audit trail in its own table (infra/tables.json `AuditTable`), so the admin role can
 * append and read it without any other grant:
 *
 *   pk = AUDIT  sk = <ISO time>#<id>  area action target key sourceIp? before? after? warnings? failed? expiresAt (TTL)
 *
 * before/after are stored as JSON text: a snapshot may hold empty strings, nested arrays and
 * keys DynamoDB maps would refuse, and it is only ever shown, never queried.
 */
export class DynamoAuditTrail implements AuditTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(actor: AuditActor, change: AuditChange): Promise<AuditEntry> {
    const now = this.clock();
    const before = snapshot(change.before);
    const after = snapshot(change.after);
    const entry: AuditEntry = {
      id: randomUUID(),
      at: now.toISOString(),
      key: actor.key,
      ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
      area: change.area,
      action: change.action,
      target: change.target,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
      ...(change.warnings && change.warnings.length > 0 ? { warnings: [...change.warnings] } : {}),
    };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.item(entry), ConditionExpression: 'attribute_not_exists(sk)' }));
    return entry;
  }

  /** The stored form of an entry: before/after as JSON text, kept `retentionDays` after it was made. */
  private item(entry: AuditEntry): Record<string, unknown> {
    const { before: b, after: a, ...plain } = entry;
    return {
      pk: PARTITION,
      sk: sortKey(entry),
      ...plain,
      ...(b !== undefined ? { beforeJson: JSON.stringify(b) } : {}),
      ...(a !== undefined ? { afterJson: JSON.stringify(a) } : {}),
      expiresAt: Math.floor(Date.parse(entry.at) / 1000) + this.retentionDays * 86_400,
    };
  }

  async withdraw(entry: AuditEntry): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: PARTITION, sk: sortKey(entry) } }));
  }

  /** The same entry again, marked failed (a put, so the admin role needs no UpdateItem). */
  async markFailed(entry: AuditEntry): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...this.item(entry), failed: true }, ConditionExpression: 'attribute_exists(sk)' }),
    );
  }

  async search(query: AuditQuery): Promise<AuditPage> {
    let startKey = decodeStartKey(query.cursor, ['pk', 'sk']);
    if (startKey && startKey.pk !== PARTITION) throw new InvalidCursorError('the paging cursor is not valid');
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': PARTITION, ':from': query.fromDay, ':to': `${query.toDay}~` };
    const filter = (attribute: string, value: string | undefined) => {
      if (value === undefined) return;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      filters.push(`#${attribute} = :${attribute}`);
    };
    filter('area', query.area);
    filter('action', query.action);
    filter('target', query.target);
    filter('key', query.key);
    const entries: AuditEntry[] = [];
    // A filtered page may come back short: read on until the page is full or the range ends.
    for (let queries = 0; queries < MAX_QUERIES_PER_PAGE; queries += 1) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          // '~' sorts after every character of an ISO timestamp: the whole of the last day.
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit - entries.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      entries.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey as Record<string, string> | undefined;
      if (!startKey) return { entries };
      if (entries.length >= query.limit) return { entries, nextCursor: encodeCursor(startKey) };
    }
    return { entries, ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}) };
  }
}

const sortKey = (entry: Pick<AuditEntry, 'at' | 'id'>) => `${entry.at}#${entry.id}`;

function fromItem(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, beforeJson, afterJson, ...rest } = item;
  return {
    ...(rest as unknown as AuditEntry),
    ...(typeof beforeJson === 'string' ? { before: JSON.parse(beforeJson) as unknown } : {}),
    ...(typeof afterJson === 'string' ? { after: JSON.parse(afterJson) as unknown } : {}),
  };
}
