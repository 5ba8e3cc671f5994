/** GET /pay/{token}: the payment page; POST /pay/{token}: pay. HTML for people, never a bare 5xx. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config, logger, paymentPageDeps } from '../lib/composition/pay';
import { payPaymentLink, showPaymentPage, unavailablePage, type PageResult } from '../lib/payments/payment-page';

const html = (page: PageResult): APIGatewayProxyStructuredResultV2 => ({
  statusCode: page.statusCode,
  headers: {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // The token in the URL is the capability: never leak it to other sites.
    'Referrer-Policy': 'no-referrer',
    'X-Robots-Tag': 'noindex',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  },
  body: page.html,
});

async function payPage(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const token = event.pathParameters?.token ?? '';
  const deps = await paymentPageDeps();
  const page = event.requestContext.http.method === 'POST' ? await payPaymentLink(deps, token) : await showPaymentPage(deps, token);
  return html(page);
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .onError(async (request) => {
    logger.error('payment page failed', { error: request.error as Error });
    request.response = html(unavailablePage(config.payments.businessName, { sandbox: config.payments.provider === 'sandbox' }));
  })
  .handler(payPage);
