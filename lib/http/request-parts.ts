/** Parts of an API Gateway (HTTP API) request that every function reads the same way. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A header's value, whatever the case the client (or API Gateway) gave its name in. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The body exactly as the client sent it (signatures cover these bytes), decoded when API Gateway passed it as base64. */
export function rawBody(event: APIGatewayProxyEventV2): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}
