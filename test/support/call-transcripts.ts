/**
 * What the end-to-end tests read from a simulated call: the text spoken, the clips played,
 * and the call's row in the call log of the test stack.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../infra/local-stack';
import { placeCall, type Transcript } from '../../lib/simulator/call-simulator';
import { AUTH_TOKEN } from './local-stack';

/** Everything the call spoke with <Say>, in order, as one string. */
export const said = (t: Transcript): string => t.events.flatMap((e) => (e.type === 'say' ? [e.text] : [])).join(' ');

/** The file names of the audio the call played, in order. */
export const played = (t: Transcript): Array<string | undefined> => t.events.flatMap((e) => (e.type === 'play' ? [e.url.split('/').pop()] : []));

/** What the caller heard, spoken or played (a clip by its transcript), in order, as one string. */
export const heard = (t: Transcript): string => t.events.flatMap((e) => (e.type === 'say' ? [e.text] : e.type === 'play' ? [e.transcript] : [])).join(' ');

/**
 * Calls into a test stack, signed with the stack's auth token, and reads of its call log.
 * The stack is a getter because tests assign it in `beforeAll`, after this runs.
 */
export function stackCalls(stack: () => LocalStack) {
  return {
    call: (code: string, from: string, digits?: string[]) => placeCall({ baseUrl: stack().baseUrl, code, from, authToken: AUTH_TOKEN, ...(digits ? { digits } : {}) }),
    callLog: async (callSid: string) => {
      const { Item } = await stack().documentClient.send(new GetCommand({ TableName: stack().config.tables.callLog, Key: { callSid } }));
      return Item;
    },
  };
}
