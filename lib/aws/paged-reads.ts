/**
 * Reads that follow DynamoDB's continuation keys to the end: a Query or Scan answers at
 * most 1 MB per page, so one request alone can silently miss rows.
 */
import { QueryCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { previousDay } from '../domain/calendar-day';
import { decodeCursor, encodeCursor, InvalidCursorError, isStartKey } from './paging-cursor';

type Row = Record<string, unknown>;
type StartKey = Record<string, unknown>;
type Page = { Items?: Row[]; LastEvaluatedKey?: StartKey };

async function allPages(readPage: (startKey: StartKey | undefined) => Promise<Page>, enough: (rows: readonly Row[]) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  let startKey: StartKey | undefined;
  do {
    const page = await readPage(startKey);
    rows.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && !enough(rows));
  return rows;
}

const continuing = (startKey: StartKey | undefined) => (startKey ? { ExclusiveStartKey: startKey } : {});

/** Every row the query matches, page after page; stops after the page on which `enough` first holds. */
export function queryAllPages(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  enough: (rows: readonly Row[]) => boolean = () => false,
): Promise<Row[]> {
  return allPages((startKey) => client.send(new QueryCommand({ ...input, ...continuing(startKey) })), enough);
}

/** Every row of one partition, or only those whose sort key starts with `skPrefix`. */
export function queryPartition(client: DynamoDBDocumentClient, tableName: string, pk: string, skPrefix?: string): Promise<Row[]> {
  return queryAllPages(client, {
    TableName: tableName,
    KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
    ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':sk': skPrefix } : { ':pk': pk },
  });
}

/** The `record` attribute of every configuration row whose pk starts with `prefix` (a full Scan). */
export async function scanRecordsByPrefix<T>(client: DynamoDBDocumentClient, tableName: string, prefix: string): Promise<T[]> {
  const rows = await allPages(
    (startKey) =>
      client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': prefix },
          ...continuing(startKey),
        }),
      ),
    () => false,
  );
  return rows.map((row) => row.record as T);
}

/**
 * One page of a query whose start key came from a client's cursor (`fromCursor`): a start key
 * DynamoDB rejects is the cursor's fault, not the server's (InvalidCursorError, answered 400).
 */
export async function queryFromCursor(client: DynamoDBDocumentClient, input: QueryCommandInput, fromCursor: boolean) {
  try {
    return await client.send(new QueryCommand(input));
  } catch (error) {
    if (fromCursor && (error as Error).name === 'ValidationException') throw new InvalidCursorError('the paging cursor is not valid', { cause: error });
    throw error;
  }
}

/** Where the next page of pageByDay starts: the day being read (none without a walk) and DynamoDB's key within it. */
interface DayCursor extends Record<string, unknown> {
  readonly d?: string;
  readonly k?: Record<string, unknown>;
}

const MAX_QUERIES_PER_PAGE = 400;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DayPageQuery {
  readonly fromDay: string;
  readonly toDay: string;
  readonly limit: number;
  /** The nextCursor of the previous page, as the client sent it back. */
  readonly cursor?: string;
  /** The attributes of the queried index's start key: a cursor whose key has others is refused. */
  readonly startKeyAttributes: readonly string[];
  /**
   * The Query for one day (table, index, key condition, filter); paging, order and Limit are
   * added here. With `walkDays: false` it is called with no day: one Query, over an index not
   * keyed by day, paged by its start key alone.
   */
  readonly input: (day: string | undefined) => QueryCommandInput;
  readonly walkDays?: boolean;
}

/**
 * One page (at most `limit` rows) of an index read one day after the other, newest first,
 * from `toDay` back to `fromDay`, and the cursor of the next page if there is more. A page
 * makes at most MAX_QUERIES_PER_PAGE queries (a long run of empty days ends it early, with a
 * cursor). A cursor is the client's to send back: anything but what this encoded is refused
 * as a bad cursor (InvalidCursorError, 400) rather than reaching DynamoDB as a malformed start
 * key (500).
 */
export async function pageByDay(client: DynamoDBDocumentClient, request: DayPageQuery): Promise<{ rows: Row[]; nextCursor?: string }> {
  const cursor = decodeCursor<DayCursor>(request.cursor) ?? {};
  if (
    (cursor.d !== undefined && !(typeof cursor.d === 'string' && DAY.test(cursor.d))) ||
    (cursor.k !== undefined && !isStartKey(cursor.k, request.startKeyAttributes))
  ) {
    throw new InvalidCursorError('the paging cursor is not valid');
  }
  const rows: Row[] = [];
  let day = request.walkDays === false ? undefined : (cursor.d ?? request.toDay);
  let startKey: StartKey | undefined = cursor.k;
  const next = () => encodeCursor({ ...(day !== undefined ? { d: day } : {}), ...(startKey ? { k: startKey } : {}) });
  for (let queries = 0; queries < MAX_QUERIES_PER_PAGE; queries += 1) {
    if (day !== undefined && day < request.fromDay) return { rows };
    const page = await queryFromCursor(
      client,
      { ...request.input(day), ScanIndexForward: false, Limit: request.limit - rows.length, ...continuing(startKey) },
      request.cursor !== undefined,
    );
    rows.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    if (!startKey) {
      if (day === undefined) return { rows };
      day = previousDay(day);
    }
    if (rows.length >= request.limit) {
      const more = startKey !== undefined || (day !== undefined && day >= request.fromDay);
      return more ? { rows, nextCursor: next() } : { rows };
    }
  }
  return { rows, nextCursor: next() };
}
