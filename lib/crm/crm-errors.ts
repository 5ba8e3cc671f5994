/**
 * Why a CRM call failed, as a short machine-readable reason. The call log records
 * `crm-failed:<source>:<reason>`, so an operator sees which source failed and how.
 */
export class CrmError extends Error {
  override readonly name: string = 'CrmError';
  /** Transient failures (network, 5xx, 429) are worth one retry; the rest are not. */
  readonly retryable: boolean;
  constructor(
    readonly reason: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/** The call's deadline passed before the CRM answered. */
export class CrmTimeoutError extends CrmError {
  override readonly name = 'CrmTimeoutError';
  constructor(ms: number) {
    super('timeout', `CRM did not answer within ${ms} ms`);
  }
}

/** Connection refused, reset, DNS or TLS failure. */
export class CrmNetworkError extends CrmError {
  override readonly name = 'CrmNetworkError';
  constructor(cause: unknown) {
    super('network', `CRM unreachable: ${(cause as Error)?.message ?? String(cause)}`, { retryable: true, cause });
  }
}

/** A non-2xx HTTP status (that is not a SOAP fault). */
export class CrmHttpError extends CrmError {
  override readonly name = 'CrmHttpError';
  constructor(readonly status: number) {
    super(`http-${status}`, `CRM answered HTTP ${status}`, { retryable: status >= 500 || status === 429 });
  }
}

/** A SOAP 1.1 Fault (Payamgostar: wrong credentials, server exception). */
export class SoapFaultError extends CrmError {
  override readonly name = 'SoapFaultError';
  constructor(
    readonly faultCode: string,
    faultString: string,
  ) {
    super('soap-fault', `SOAP fault ${faultCode}: ${faultString}`);
  }
}

/** The CRM answered, but said the operation did not succeed (Payamgostar `Success=false`). */
export class CrmUnsuccessfulError extends CrmError {
  override readonly name = 'CrmUnsuccessfulError';
  constructor(operation: string, crmMessage: string | undefined) {
    super('unsuccessful', `${operation} answered Success=false${crmMessage ? `: ${crmMessage}` : ''}`);
  }
}

/** The answer does not have the documented shape or types (never read as a zero). */
export class CrmBadResponseError extends CrmError {
  override readonly name = 'CrmBadResponseError';
  constructor(detail: string) {
    super('bad-response', `CRM response not understood: ${detail}`);
  }
}

/** The source failed repeatedly; calls skip it until the breaker half-opens. */
export class CircuitOpenError extends CrmError {
  override readonly name = 'CircuitOpenError';
  constructor(source: string) {
    super('circuit-open', `lookup source ${source} is failing; circuit open`);
  }
}

/** The lookup source cannot be used as configured (its definition or secret cannot be read). */
export class LookupSourceUnavailableError extends CrmError {
  override readonly name = 'LookupSourceUnavailableError';
}

/**
 * No lookup source has this name: neither built in nor stored (e.g. deleted after a module
 * was saved naming it). The one error for it on every path, so the call log always says
 * `crm-failed:<name>:unknown-source`.
 */
export class UnknownLookupSourceError extends CrmError {
  override readonly name = 'UnknownLookupSourceError';
  constructor(readonly sourceName: string) {
    super('unknown-source', `no lookup source named ${sourceName}`);
  }
}

/** The reason to record for any thrown error. */
export function failureReason(error: unknown): string {
  if (error instanceof CrmError) return error.reason;
  return (error as Error)?.name || 'error';
}
