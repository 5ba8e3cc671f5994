/**
 * The one HTTP path every remote CRM adapter uses. Node's fetch (undici) keeps
 * connections alive in a process-wide pool, so a warm Lambda container reuses its TLS
 * connection to the CRM across invocations. Errors become named CrmErrors.
 */
import { currentDeadline } from './crm-deadline';
import { CrmNetworkError, CrmTimeoutError } from './crm-errors';

export interface CrmHttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface CrmHttpRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Used when no deadline scope is active (adapters called directly, e.g. by tools). */
  readonly fallbackTimeoutMs: number;
}

export async function postToCrm(request: CrmHttpRequest): Promise<CrmHttpResponse> {
  const signal = currentDeadline() ?? AbortSignal.timeout(request.fallbackTimeoutMs);
  if (signal.aborted) throw new CrmTimeoutError(request.fallbackTimeoutMs);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal,
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (signal.aborted) throw new CrmTimeoutError(request.fallbackTimeoutMs);
    throw new CrmNetworkError(error);
  }
}

/** `https://crm.example.com/` and `https://crm.example.com` name the same base. */
export function joinUrl(host: string, path: string): string {
  return `${host.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
