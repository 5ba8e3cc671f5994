/** ANY /admin/api/{proxy+}: the admin API (JSON), behind the admin key. */
import middy from '@middy/core';
import { createAdminApi } from '../lib/admin/admin-api';
import { ConfigurationError } from '../lib/config/app-config';
import { adminDeps, adminWrongKeys, config, logger } from '../lib/composition/admin';
import { adminHttp, adminJson, type AdminEvent, type AdminResult } from '../lib/http/admin-request';

if (!config.adminApiKey) throw new ConfigurationError('ADMIN_API_KEY environment variable is not set');
const adminApiKey = config.adminApiKey;
const api = createAdminApi(adminDeps);

async function adminApi(event: AdminEvent): Promise<AdminResult> {
  logger.resetKeys();
  return adminJson(await api.handle(event.admin));
}

export const handler = middy<AdminEvent, AdminResult>()
  .use(adminHttp({ adminApiKey, ...(config.adminApiKeyNext ? { adminApiKeyNext: config.adminApiKeyNext } : {}), wrongKeys: adminWrongKeys, defaultLanguage: config.defaultLanguage, logger }))
  .handler(adminApi);
