/**
 * The OpenAPI 3 document of the admin API, generated from the router's own route table and
 * the zod schemas the API validates with, so the document cannot drift from the code.
 */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { balanceModuleSchema, clubModuleSchema, destinationSchema } from '../config/module-schema';
import { lookupSourceSchema } from '../config/lookup-source-schema';
import { customerRecord, itemRecord, moneyAccountRecord } from '../ledger/ledger-records';
import type { AdminRouter } from './admin-router';
import { previewRequestSchema, voicePreviewRequestSchema } from './routes/prompt-routes';

const importDocumentSchema = z
  .object({
    moneyAccounts: z.array(moneyAccountRecord).optional(),
    customers: z.array(customerRecord).optional(),
    items: z.array(itemRecord).optional(),
    destinations: z.array(destinationSchema).optional(),
    lookupSources: z.array(lookupSourceSchema).optional(),
    modules: z.array(balanceModuleSchema).optional(),
  })
  .strict();

// zodToJsonSchema's generic signature is too deep for tsc on these schemas; the call itself is plain.
const convert = zodToJsonSchema as unknown as (schema: z.ZodTypeAny, options: Record<string, unknown>) => Record<string, unknown>;

const toJson = (schema: z.ZodTypeAny) => {
  const { $schema: _s, ...json } = convert(schema, { target: 'openApi3', $refStrategy: 'none' });
  return json;
};

const STATUS_TEXT: Record<number, string> = {
  400: 'A query value or the body is malformed',
  401: 'Missing or wrong admin key',
  404: 'Not found',
  409: 'Conflicts with what exists (code taken, record in use)',
  413: 'Body too large',
  415: 'Content type not accepted',
  422: 'Field-level validation errors',
  503: 'A collaborator (CRM, uploads) is unavailable',
};

export function openApiDocument(router: AdminRouter, serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of router.list()) {
    const path = route.pattern.replace(/:([A-Za-z]+)/g, '{$1}');
    const pathParams = [...route.pattern.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = (route.doc.query ?? []).map((q) => ({
      name: q.name,
      in: 'query',
      required: false,
      description: q.description,
      schema: q.schema ?? { type: 'string' },
    }));
    const responses: Record<string, unknown> = {
      [route.method === 'POST' && route.doc.body?.schema && !route.pattern.includes('preview') && !route.pattern.includes('import') ? '201' : '200']: {
        description: 'Success (JSON)',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    };
    for (const status of [401, ...(route.doc.errors ?? [])]) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const body = route.doc.body;
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      tags: [route.doc.tag],
      summary: route.doc.summary,
      operationId: `${route.method.toLowerCase()}${route.pattern.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
      ...(body
        ? {
            requestBody: {
              required: true,
              content: body.schema
                ? { 'application/json': { schema: { $ref: `#/components/schemas/${body.schema}` } } }
                : { [body.mediaType ?? 'application/octet-stream']: { schema: { type: 'string', format: 'binary' } } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'balance-ivr admin API',
      version: '1',
      description:
        "Modules (balance and customer club), destinations, lookup sources (CRMs; passwords stay in the secret store and are never accepted or returned), prompts, the built-in ledger, the call log and the SMS outbox. Every route needs `Authorization: Bearer <ADMIN_API_KEY>`. Errors name their field in the operator's language (`?lang=fa|en` or Accept-Language).",
    },
    servers: [{ url: `${serverUrl}/admin/api` }],
    security: [{ adminKey: [] }],
    paths,
    components: {
      securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'The ADMIN_API_KEY of the installation' } },
      schemas: {
        // The module routes take either kind: a balance module (kind may be left out) or a ClubModule (kind: club).
        Module: toJson(balanceModuleSchema),
        ClubModule: toJson(clubModuleSchema),
        LookupSource: toJson(lookupSourceSchema),
        Destination: toJson(destinationSchema),
        ImportDocument: toJson(importDocumentSchema),
        PromptPreviewRequest: toJson(previewRequestSchema),
        VoicePreviewRequest: toJson(voicePreviewRequestSchema),
        FieldError: {
          type: 'object',
          required: ['field', 'code', 'message'],
          properties: {
            field: { type: 'string', description: 'Dotted path of the field, e.g. `prompts.intro.text`' },
            code: { type: 'string' },
            message: { type: 'string' },
          },
        },
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string', description: 'Stable code, e.g. `invalid_fields`, `duplicate_code`, `destination_in_use`' },
            message: { type: 'string' },
            errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
          },
          additionalProperties: true,
        },
      },
    },
  };
}
