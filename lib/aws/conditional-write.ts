/**
 * A DynamoDB write with a ConditionExpression: whether it was made. A condition that did not
 * hold is an answer (false), never an error; any other failure is thrown. Callers that only
 * need "written, or already as wanted" await it and ignore the answer.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The failure a conditional write reports when its condition did not hold. */
export const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;
