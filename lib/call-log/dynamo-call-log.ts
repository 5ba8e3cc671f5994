import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CallLog, CallLogSearch, CallPaymentFlags } from './call-log';
import type { CallLogEntry, CallLogPage, CallLogQuery, CallLogRow, CallOutcome, OutcomesPerDay } from '../domain/call-log-entry';

import { pageByDay } from '../aws/paged-reads';
import { conditionHeld } from '../aws/conditional-write';
import { setExpression } from '../aws/set-expression';
import { daysBetween } from '../domain/calendar-day';

const MAX_ROWS_PER_STATS = 50_000;

/** How long a call stays in the log unless configured (CALL_LOG_RETENTION_DAYS). */
export const DEFAULT_CALL_LOG_RETENTION_DAYS = 400;

/**
 * One record per call, written by the status callback when the call ends. Each record carries
 * `expiresAt` (DynamoDB TTL): the table forgets a call `retentionDays` after it ended. The two
 * indexes hold only what the panel's list and chart read (infra/tables.json), so a search
 * answers CallLogRows, not whole entries.
 */
export class DynamoCallLog implements CallLog, CallLogSearch, CallPaymentFlags {
  private readonly retentionSeconds: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { readonly retentionDays?: number } = {},
  ) {
    this.retentionSeconds = (options.retentionDays ?? DEFAULT_CALL_LOG_RETENTION_DAYS) * 86_400;
  }

  async record(entry: CallLogEntry): Promise<void> {
    const ended = Date.parse(entry.endedAt);
    const expiresAt = Math.floor((Number.isFinite(ended) ? ended : Date.now()) / 1000) + this.retentionSeconds;
    // A call that reached no module has no moduleCode: DynamoDB refuses an empty string as an
    // index key, so the attribute is left out (the call is still listed by day). `day` feeds the
    // per-module, per-day index the panel's call log reads. An update rather than a put: a
    // payment flagged before the call ended (flagRefundNeeded) stays.
    const { callSid, refundNeeded: _flags, moduleCode, ...rest } = entry;
    const fields = { ...rest, ...(moduleCode ? { moduleCode } : {}), day: entry.startedAt.slice(0, 10), expiresAt };
    const set = setExpression(fields);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { callSid },
        UpdateExpression: set.expression,
        ExpressionAttributeNames: set.names,
        ExpressionAttributeValues: set.values,
      }),
    );
  }

  async flagRefundNeeded(callSid: string, paymentId: string): Promise<void> {
    // Flagged already (a repeated notification): the condition fails and nothing is added.
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callSid },
          UpdateExpression: 'SET refundNeeded = list_append(if_not_exists(refundNeeded, :none), :id)',
          ConditionExpression: 'attribute_not_exists(refundNeeded) OR NOT contains(refundNeeded, :one)',
          ExpressionAttributeValues: { ':none': [], ':id': [paymentId], ':one': paymentId },
        }),
      ),
    );
  }

  async get(callSid: string): Promise<CallLogEntry | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { callSid } }));
    return Item ? (withoutDay(Item) as CallLogEntry) : undefined;
  }

  /**
   * Newest first. With a module: the byModule index over the startedAt range; without one:
   * the byDay index, one day after the other from `toDay` back to `fromDay`.
   */
  async search(query: CallLogQuery): Promise<CallLogPage> {
    const { rows, nextCursor } = await pageByDay(this.client, {
      ...query,
      startKeyAttributes: query.moduleCode ? ['callSid', 'moduleCode', 'startedAt'] : ['callSid', 'day', 'startedAt'],
      walkDays: !query.moduleCode,
      input: (day) => {
        const key = this.keyCondition(query, day);
        return query.outcome
          ? { ...key, FilterExpression: 'outcome = :o', ExpressionAttributeValues: { ...key.ExpressionAttributeValues, ':o': query.outcome } }
          : key;
      },
    });
    return { entries: rows.map(withoutDay), ...(nextCursor ? { nextCursor } : {}) };
  }

  async outcomesPerDay(query: Omit<CallLogQuery, 'limit' | 'cursor' | 'outcome'>): Promise<OutcomesPerDay> {
    const counts: OutcomesPerDay = {};
    const days = query.moduleCode ? [undefined] : daysBetween(query.fromDay, query.toDay);
    let rows = 0;
    for (const day of days) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const key = this.keyCondition(query, day);
        const page = await this.client.send(
          new QueryCommand({
            ...key,
            ProjectionExpression: '#day, outcome',
            ExpressionAttributeNames: { '#day': 'day' },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          const perDay = (counts[String(item.day)] ??= {});
          const outcome = item.outcome as CallOutcome;
          perDay[outcome] = (perDay[outcome] ?? 0) + 1;
        }
        rows += page.Items?.length ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey && rows < MAX_ROWS_PER_STATS);
    }
    return counts;
  }

  private keyCondition(query: Pick<CallLogQuery, 'moduleCode' | 'fromDay' | 'toDay'>, day: string | undefined): QueryCommandInput {
    if (query.moduleCode) {
      return {
        TableName: this.tableName,
        IndexName: 'byModule',
        KeyConditionExpression: 'moduleCode = :m AND startedAt BETWEEN :from AND :to',
        // '~' sorts after every character of an ISO timestamp: the whole of the last day.
        ExpressionAttributeValues: { ':m': query.moduleCode, ':from': query.fromDay, ':to': `${query.toDay}~` },
      };
    }
    return {
      TableName: this.tableName,
      IndexName: 'byDay',
      KeyConditionExpression: '#day = :d',
      ExpressionAttributeValues: { ':d': day },
      ExpressionAttributeNames: { '#day': 'day' },
    };
  }
}

/** A stored item as the product shows it: without the index's `day` and the TTL's `expiresAt`. */
function withoutDay(item: Record<string, unknown>): CallLogRow {
  const { day: _day, expiresAt: _expiresAt, ...entry } = item;
  return { ...entry, moduleCode: typeof entry.moduleCode === 'string' ? entry.moduleCode : '' } as unknown as CallLogRow;
}
