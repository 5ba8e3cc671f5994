/** ANY /admin/api/{proxy+}: the admin API (JSON), behind the admin key. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createAdminApi } from '../lib/admin/admin-api';
import { adminApiKey, adminApiKeyNext, adminDeps, adminWrongKeys, config, logger } from '../lib/composition/admin';
import { adminHttp, adminJson, type AdminEvent, type AdminResult } from '../lib/http/admin-request';

const api = createAdminApi(adminDeps);

async function adminApi(event: AdminEvent): Promise<AdminResult> {
  return adminJson(await api.handle(event.admin));
}

export const handler = middy<AdminEvent, AdminResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(adminHttp({ adminApiKey, adminApiKeyNext, wrongKeys: adminWrongKeys, defaultLanguage: config.defaultLanguage, logger }))
  .handler(adminApi);
