/**
 * The pay function. GET /pay/{token}: the payment page; POST /pay/{token}: pay (the sandbox
 * at once, Stripe and Zarinpal by redirect). POST /pay/stripe/webhook: Stripe's signed
 * notification (JSON answers, see lib/payments/payment-webhook.ts for which status when).
 * GET /pay/zarinpal/callback: the customer back from Zarinpal. HTML for people, never a bare 5xx.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { header, rawBody } from '../lib/http/request-parts';
import { config, logger, paymentPageDeps, sandbox, stripeWebhookDeps, zarinpalReturnDeps } from '../lib/composition/pay';
import { payPaymentLink, problem, showPaymentPage, type PageResult } from '../lib/payments/payment-page';
import { handlePaymentReturn } from '../lib/payments/payment-return';
import { handlePaymentWebhook } from '../lib/payments/payment-webhook';

const html = (page: PageResult): APIGatewayProxyStructuredResultV2 => ({
  statusCode: page.statusCode,
  headers: {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // The token in the URL is the capability: never leak it to other sites.
    'Referrer-Policy': 'no-referrer',
    'X-Robots-Tag': 'noindex',
    'X-Content-Type-Options': 'nosniff',
    // The form may send the customer on to the provider's own page, and nowhere else.
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${(page.formTargets ?? []).map((o) => ` ${o}`).join('')}; frame-ancestors 'none'`,
    ...(page.location ? { Location: page.location } : {}),
  },
  body: page.html,
});

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  body: JSON.stringify(body),
});

async function pay(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  logger.resetKeys();
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (path === '/pay/stripe/webhook') {
    if (!stripeWebhookDeps) return json(404, { error: 'stripe-not-configured' });
    if (method !== 'POST') return json(405, { error: 'method-not-allowed' });
    // The signature covers the body exactly as sent.
    const answer = await handlePaymentWebhook(stripeWebhookDeps, rawBody(event), header(event, 'stripe-signature'));
    return json(answer.statusCode, answer.body);
  }
  if (path === '/pay/zarinpal/callback') {
    const returning = await zarinpalReturnDeps();
    if (!returning) return html(problem({ businessName: config.payments.businessName, sandbox }, 'invalid'));
    return html(await handlePaymentReturn(returning, 'zarinpal', event.queryStringParameters ?? {}));
  }
  const token = event.pathParameters?.token ?? '';
  const deps = await paymentPageDeps();
  if (method === 'POST') return html(await payPaymentLink(deps, token));
  return html(await showPaymentPage(deps, token, { returned: event.queryStringParameters?.checkout === 'return' }));
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .onError(async (request) => {
    logger.error('payment page failed', { error: request.error as Error });
    // A provider's webhook gets a retryable 503 (never an HTML page); people get the page.
    request.response =
      request.event.rawPath === '/pay/stripe/webhook'
        ? json(503, { error: 'temporarily-unavailable' })
        : html(problem({ businessName: config.payments.businessName, sandbox }, 'unavailable'));
  })
  .handler(pay);
