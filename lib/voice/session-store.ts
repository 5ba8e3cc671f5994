/** Port: per-call state keyed by CallSid (adapter: dynamo-session-store.ts). */
import type { Session } from '../domain/session';

export class StaleSessionError extends Error {
  override readonly name = 'StaleSessionError';
}

export interface SessionStore {
  get(callSid: string): Promise<Session | undefined>;
  /**
   * Stores `next` only if the stored session is still at `expectedTurn` (or absent when
   * `expectedTurn` is undefined). Throws StaleSessionError when another delivery won.
   */
  save(next: Session, expectedTurn: number | undefined): Promise<void>;
}
