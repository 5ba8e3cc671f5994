/**
 * Where the embedded outbox's messages sit in the payments table. A payment link's message is
 * stored on the call's exactly-once guard row (one write records the outcome and the message);
 * a message sent on its own gets its own row under `SMS#<CallSid>`. Either way the row carries
 * the message and the keys of the `byOutbox` index, spread over OUTBOX_SHARDS partitions by a
 * hash of the CallSid: at 500 calls at once no partition takes more than its share, and the
 * newest messages are the newest of each shard, merged.
 */
import { shardOf } from '../aws/key-shards';
import type { HeldSms } from './sms-sender';

export const OUTBOX_INDEX = 'byOutbox';
export const OUTBOX_SHARDS = 8;
/** Messages stay readable for 30 days (DynamoDB TTL on the row). */
export const OUTBOX_TTL_SECONDS = 30 * 86_400;

/** A message the outbox holds, as stored and listed. */
export type OutboxMessage = HeldSms;

/** The attributes that put a stored message in the outbox index. */
export function outboxAttributes(message: OutboxMessage): { outboxShard: string; outboxAt: string; message: OutboxMessage } {
  return { outboxShard: `OUTBOX#${shardOf(message.callSid ?? message.id, OUTBOX_SHARDS)}`, outboxAt: `${message.createdAt}#${message.id}`, message };
}
