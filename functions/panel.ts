/** GET /admin, /admin/panel.js, /admin/panel.css: the admin panel's static page. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as assets from '../lib/admin/panel-assets.generated';
import { loadConfig } from '../lib/config/app-config';
import { servePanel } from '../lib/http/panel-assets';

// Only the audio origin is needed here: no clients, no tables.
const { audioBaseUrl } = loadConfig();

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(async (event) => servePanel(assets, event, audioBaseUrl));
