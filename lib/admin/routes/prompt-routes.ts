/**
 * Prompts: the default texts (form placeholders), a preview of what a caller would hear,
 * and uploaded recordings (stored by the speech/uploads service behind PromptRecordings).
 */
import { z } from 'zod';
import { moduleCurrency } from '../../domain/money';
import { CLUB_PROMPTS, LANGUAGES, PERSIAN_VOICES, PROMPT_KEYS, promptOverrideSchema, type ModuleConfig } from '../../config/module-schema';
import { adminFieldError } from '../admin-messages';
import { InvalidFieldsError, NotFoundError, PayloadTooLargeError, UnavailableError, UnsupportedMediaTypeError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRouter } from '../admin-router';
import { ModuleNotFoundError, RecordingRejectedError } from '../../speech/prompt-recordings';
import { contentType, ok, readJson } from '../request-body';
import { createHash } from 'node:crypto';
import { audited } from '../../audit/audit-trail';

/** The override a module has for a prompt (what the audit trail shows as "before"). */
function promptOverride(module: ModuleConfig, prompt: string): unknown {
  return (module.prompts as Record<string, unknown>)[prompt];
}

export const MAX_RECORDING_BYTES = 4 * 1024 * 1024;
export const AUDIO_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'audio/mpeg', 'audio/mp3'] as const;

export const previewRequestSchema = z
  .object({
    language: z.enum(LANGUAGES),
    prompt: z.enum(PROMPT_KEYS),
    override: promptOverrideSchema.optional(),
    /** The module's Persian voice (absent = clips). */
    voice: z.enum(PERSIAN_VOICES).optional(),
  })
  .strict();

/** The module form's voice preview: a sample balance announcement with the module's prompts. */
export const voicePreviewRequestSchema = z
  .object({
    language: z.enum(LANGUAGES),
    voice: z.enum(PERSIAN_VOICES).optional(),
    unit: z.enum(['rial', 'toman']).default('rial'),
    prompts: z.record(z.enum(PROMPT_KEYS), promptOverrideSchema).default({}),
  })
  .strict();

/** The amount the voice preview announces: every kind of word (millions, hundreds, «و», thousands). */
export const PREVIEW_AMOUNT = 1_250_000;

/** A balance module's prompts are catalogue keys; a club module's are its own names (intro, welcome, …). */
function promptKey(module: ModuleConfig, raw: string): string {
  const known: readonly string[] = module.kind === 'club' ? Object.keys(CLUB_PROMPTS) : PROMPT_KEYS;
  if (!known.includes(raw)) throw new NotFoundError('unknown_prompt');
  return raw;
}

/** The recordings service's refusals become the API's field-level 422 and 404 answers. */
async function recordingCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RecordingRejectedError) throw new InvalidFieldsError(error.errors);
    if (error instanceof ModuleNotFoundError) throw new NotFoundError('module_not_found');
    throw error;
  }
}

export function addPromptRoutes(router: AdminRouter, deps: AdminDeps): void {
  router
    .add(
      'POST',
      '/prompts/preview',
      {
        summary: 'What a caller would hear for a prompt: <Say> text with its voice, or audio URLs to play',
        tag: 'prompts',
        body: { schema: 'PromptPreviewRequest' },
        errors: [422],
      },
      async (request) => {
        const parsed = previewRequestSchema.safeParse(readJson(request));
        if (!parsed.success)
          throw new InvalidFieldsError(parsed.error.issues.map((i) => adminFieldError(i.path.join('.') || '(root)', i.message, request.language)));
        const { language, prompt, override, voice } = parsed.data;
        const segments = await deps.speech.render([{ prompt }], { language, prompts: override ? { [prompt]: override } : {}, ...(voice ? { voice } : {}) });
        return ok({ segments });
      },
    )
    .add(
      'POST',
      '/speech/preview',
      {
        summary: `What a caller of a module would hear for a balance announcement (${PREVIEW_AMOUNT} in the module's unit) in a voice: audio URLs with their transcripts`,
        tag: 'prompts',
        body: { schema: 'VoicePreviewRequest' },
        errors: [422],
      },
      async (request) => {
        const parsed = voicePreviewRequestSchema.safeParse(readJson(request));
        if (!parsed.success)
          throw new InvalidFieldsError(parsed.error.issues.map((i) => adminFieldError(i.path.join('.') || '(root)', i.message, request.language)));
        const { language, voice, unit, prompts } = parsed.data;
        // PREVIEW_AMOUNT is said in the chosen unit: in rials, the ledger's minor unit, a toman is 10.
        const items = [
          { prompt: 'intro' },
          { prompt: 'yourBalanceIs' },
          { amount: unit === 'toman' ? PREVIEW_AMOUNT * 10 : PREVIEW_AMOUNT, currency: moduleCurrency('IRR', unit) },
          { prompt: 'owed' },
        ] as const;
        const segments = await deps.speech.render(items, { language, prompts, ...(voice ? { voice } : {}) });
        return ok({ segments });
      },
    )
    .add(
      'PUT',
      '/modules/:code/prompts/:key/recording',
      {
        summary:
          'Upload or replace the recording of one prompt (raw WAV or MP3 body); `key` is a catalogue prompt key for balance modules, a club prompt name (intro, welcome, …) for club modules',
        tag: 'prompts',
        body: { mediaType: 'audio/wav' },
        errors: [404, 413, 415, 503],
      },
      async (request, { code = '', key = '' }) => {
        const module = await deps.modules.getModule(code);
        if (!module) throw new NotFoundError('module_not_found');
        const prompt = promptKey(module, key);
        const type = contentType(request);
        if (!(AUDIO_TYPES as readonly string[]).includes(type)) throw new UnsupportedMediaTypeError('unsupported_audio');
        if (request.body.length > MAX_RECORDING_BYTES) throw new PayloadTooLargeError();
        if (request.body.length === 0) throw new InvalidFieldsError([adminFieldError(`prompts.${prompt}`, 'required', request.language)]);
        if (!deps.recordings) throw new UnavailableError('recordings_unavailable');
        const recording = { sha256: createHash('sha256').update(request.body).digest('hex'), bytes: request.body.length, contentType: type };
        const change = {
          area: 'recording' as const,
          action: 'upload',
          target: `${code}/${prompt}`,
          before: promptOverride(module, prompt),
          after: { recording },
        };
        const { audioKey } = await audited(deps.audit, request.actor, change, () =>
          recordingCall(() => deps.recordings!.upload(code, prompt, new Uint8Array(request.body), type, request.language)),
        );
        return ok({ audioKey, url: `${deps.audioBaseUrl}/uploads/${encodeURIComponent(audioKey)}` });
      },
    )
    .add(
      'DELETE',
      '/modules/:code/prompts/:key/recording',
      { summary: "Remove a prompt's recording (its text, if any, is spoken again)", tag: 'prompts', errors: [404] },
      async (request, { code = '', key = '' }) => {
        const module = await deps.modules.getModule(code);
        if (!module) throw new NotFoundError('module_not_found');
        const prompt = promptKey(module, key);
        const before = promptOverride(module, prompt) as { audioKey?: string } | undefined;
        // Nothing to remove is no change, and leaves no entry.
        if (!deps.recordings || before?.audioKey === undefined) return ok({ removed: false });
        const removed = await audited(deps.audit, request.actor, { area: 'recording', action: 'remove', target: `${code}/${prompt}`, before }, () =>
          recordingCall(() => deps.recordings!.remove(code, prompt, request.language)),
        );
        return ok({ removed });
      },
    );
}
