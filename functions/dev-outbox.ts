/** GET /dev/outbox[?callSid=…]: the outbox SMS sender's messages, for the simulator. Local runs only. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config, logger, outbox } from '../lib/composition/dev-outbox';

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  body: JSON.stringify(body),
});

async function devOutbox(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  // Messages hold payment links: a deployed stage must not expose them.
  if (!config.isLocal) return json(404, { message: 'Not Found' });
  const callSid = event.queryStringParameters?.callSid;
  const messages = await outbox.latest({ limit: 50, ...(callSid ? { callSid } : {}) });
  return json(200, {
    messages: messages.map(({ to, body, segments, encoding, callSid: sid, createdAt }) => ({ to, body, segments, encoding, callSid: sid, createdAt })),
  });
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .onError(async (request) => {
    logger.error('outbox listing failed', { error: request.error as Error });
    request.response = json(503, { message: 'outbox unavailable' });
  })
  .handler(devOutbox);
