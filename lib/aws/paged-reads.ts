/**
 * Reads that follow DynamoDB's continuation keys to the end: a Query or Scan answers at
 * most 1 MB per page, so one request alone can silently miss rows.
 */
import { QueryCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from './paging-cursor';

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
