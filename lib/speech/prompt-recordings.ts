/**
 * Operator recordings for a module's prompts. The admin API calls these two functions; they
 * validate the audio by its content, store it under its content hash (a new recording is a new
 * URL, so Twilio's cache never plays a stale file) and point the module's prompt at it. A WAV
 * is normalised on the way in (8 kHz mono mu-law, silence trimmed, active speech at the
 * loudness target, faded edges), so it sounds as loud as the clips and joins into sentences;
 * the file as uploaded is kept under `uploads/originals/`. MP3 is stored as uploaded (the
 * functions carry no MP3 decoder) and plays on its own.
 */
import { createHash } from 'node:crypto';
import {
  CLUB_PROMPTS,
  parseModule,
  PROMPT_KEYS,
  type FieldError,
  type Language,
  type ModuleConfig,
  type PromptOverride,
  type SpeechCapabilities,
} from '../config/module-schema';
import type { ModuleStore } from '../config/module-store';
import type { AudioStore } from './audio-store';
import { AudioFormatError, inspectAudio, type AudioInfo } from './audio-inspection';
import { DEFAULT_FINISH, finishWav, type AudioFinish } from './telephone-audio';

export const RECORDING_LIMITS = { maxBytes: 5 * 1024 * 1024, maxSeconds: 120, minSeconds: 0.2 } as const;

export interface PromptRecordingDeps {
  readonly modules: ModuleStore;
  readonly audio: AudioStore;
  readonly limits?: Partial<typeof RECORDING_LIMITS>;
  /** What the deployment can speak (a Persian synthesizer lets Persian text stand without a recording). */
  readonly speech?: SpeechCapabilities;
  /** The loudness target and fades uploads are normalised to (the same as the clips and joins). */
  readonly finish?: AudioFinish;
}

/** The file was refused; `errors` are field-level messages for the form. */
export class RecordingRejectedError extends Error {
  override readonly name = 'RecordingRejectedError';
  constructor(readonly errors: readonly FieldError[]) {
    super(`recording refused: ${errors.map((e) => `${e.field}: ${e.code}`).join('; ')}`);
  }
}

export class ModuleNotFoundError extends Error {
  override readonly name = 'ModuleNotFoundError';
}

export interface UploadedRecording {
  readonly module: ModuleConfig;
  /** Stored as `uploads/<audioKey>`; `<sha256>.wav|mp3` (a WAV: of the normalised file). */
  readonly audioKey: string;
  /** The file as uploaded: `uploads/originals/<sha256>.wav|mp3`. */
  readonly originalKey: string;
  readonly audio: AudioInfo;
}

/** The normalised WAV, or undefined when the file cannot be decoded here (MP3, unusual WAV encodings): it is then played as uploaded. */
function normalised(bytes: Uint8Array, audio: AudioInfo, finish: AudioFinish): Uint8Array | undefined {
  if (audio.container !== 'wav') return undefined;
  try {
    return finishWav(bytes, finish);
  } catch {
    return undefined;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type RecordingCode =
  | 'recording_empty'
  | 'recording_type'
  | 'recording_corrupt'
  | 'recording_too_large'
  | 'recording_too_long'
  | 'recording_too_short'
  | 'prompt_key';

const MESSAGES: Record<Language, Record<RecordingCode, (limits: typeof RECORDING_LIMITS) => string>> = {
  en: {
    recording_empty: () => 'Choose an audio file to upload.',
    recording_type: () => 'Upload a WAV (PCM, mu-law or A-law) or MP3 file.',
    recording_corrupt: () => 'This audio file is damaged or incomplete. Export it again and upload the new file.',
    recording_too_large: (l) => `The file is larger than ${l.maxBytes / (1024 * 1024)} MB.`,
    recording_too_long: (l) => `The recording is longer than ${l.maxSeconds} seconds.`,
    recording_too_short: () => 'The recording is too short to be heard.',
    prompt_key: () => 'This prompt does not exist.',
  },
  fa: {
    recording_empty: () => 'یک فایل صوتی برای بارگذاری انتخاب کنید.',
    recording_type: () => 'فایل WAV (با کدگذاری PCM، mu-law یا A-law) یا MP3 بارگذاری کنید.',
    recording_corrupt: () => 'این فایل صوتی خراب یا ناقص است. آن را دوباره خروجی بگیرید و فایل تازه را بارگذاری کنید.',
    recording_too_large: (l) => `حجم فایل بیش از ${(l.maxBytes / (1024 * 1024)).toLocaleString('fa-IR')} مگابایت است.`,
    recording_too_long: (l) => `مدت فایل بیش از ${l.maxSeconds.toLocaleString('fa-IR')} ثانیه است.`,
    recording_too_short: () => 'فایل صوتی کوتاه‌تر از آن است که شنیده شود.',
    prompt_key: () => 'چنین پیامی وجود ندارد.',
  },
};

function refuse(field: string, code: RecordingCode, language: Language, limits: typeof RECORDING_LIMITS): RecordingRejectedError {
  return new RecordingRejectedError([{ field, code, message: MESSAGES[language][code](limits) }]);
}

/** A balance module's prompts are catalogue keys; a club module's are its own names (intro, welcome, …). */
function checkPromptKey(module: ModuleConfig, promptKey: string, language: Language, limits: typeof RECORDING_LIMITS): void {
  const known: readonly string[] = module.kind === 'club' ? Object.keys(CLUB_PROMPTS) : PROMPT_KEYS;
  if (!known.includes(promptKey)) throw refuse('promptKey', 'prompt_key', language, limits);
}

type Prompts = Record<string, PromptOverride | { play: false } | undefined>;

/** The module with one prompt replaced (or removed when `prompt` is undefined). */
function withPrompt(module: ModuleConfig, promptKey: string, prompt: PromptOverride | undefined): ModuleConfig {
  const prompts: Prompts = { ...(module.prompts as Prompts) };
  if (prompt) prompts[promptKey] = prompt;
  else delete prompts[promptKey];
  return { ...module, prompts } as ModuleConfig;
}

function overrideOf(module: ModuleConfig, promptKey: string): PromptOverride | undefined {
  const prompt = (module.prompts as Prompts)[promptKey];
  return prompt && !('play' in prompt) ? prompt : undefined;
}

/** Validates by content: type (magic bytes and header), size, duration. Never trusts the file name. */
export function validateRecording(
  bytes: Uint8Array,
  contentType: string | undefined,
  field: string,
  language: Language = 'en',
  limits: typeof RECORDING_LIMITS = RECORDING_LIMITS,
): AudioInfo {
  if (bytes.length === 0) throw refuse(field, 'recording_empty', language, limits);
  if (bytes.length > limits.maxBytes) throw refuse(field, 'recording_too_large', language, limits);
  // A declared type that is clearly not audio (a PDF, an image) is refused even if it parses.
  if (contentType && !/^(audio\/|application\/octet-stream)/i.test(contentType.trim())) throw refuse(field, 'recording_type', language, limits);
  let info: AudioInfo;
  try {
    info = inspectAudio(bytes);
  } catch (error) {
    if (error instanceof AudioFormatError) throw refuse(field, error.reason === 'corrupt' ? 'recording_corrupt' : 'recording_type', language, limits);
    throw error;
  }
  if (!Number.isFinite(info.durationSeconds) || info.durationSeconds > limits.maxSeconds) throw refuse(field, 'recording_too_long', language, limits);
  if (info.durationSeconds < limits.minSeconds) throw refuse(field, 'recording_too_short', language, limits);
  return info;
}

async function loadModule(modules: ModuleStore, moduleCode: string): Promise<ModuleConfig> {
  const module = await modules.getModule(moduleCode);
  if (!module) throw new ModuleNotFoundError(`no module with code ${moduleCode}`);
  return module;
}

/** Stores the recording and makes it the module's audio for the prompt (its text, if any, stays as the transcript). */
export async function uploadPromptRecording(
  deps: PromptRecordingDeps,
  moduleCode: string,
  promptKey: string,
  bytes: Uint8Array,
  contentType?: string,
  language: Language = 'en',
): Promise<UploadedRecording> {
  const limits = { ...RECORDING_LIMITS, ...deps.limits };
  const module = await loadModule(deps.modules, moduleCode);
  checkPromptKey(module, promptKey, language, limits);
  const audio = validateRecording(bytes, contentType, `prompts.${promptKey}.audio`, language, limits);
  const originalKey = `uploads/originals/${sha256(bytes)}.${audio.container}`;
  const played = normalised(bytes, audio, deps.finish ?? DEFAULT_FINISH) ?? bytes;
  const audioKey = `${sha256(played)}.${audio.container}`;
  for (const [key, content] of [
    [originalKey, bytes],
    [`uploads/${audioKey}`, played],
  ] as const) {
    if (!(await deps.audio.exists(key))) await deps.audio.put(key, content, audio.contentType);
  }
  const updated = await saveModule(deps.modules, withPrompt(module, promptKey, { ...overrideOf(module, promptKey), audioKey }), language, deps.speech);
  return { module: updated, audioKey, originalKey, audio };
}

/**
 * Stops using the prompt's recording. A text override stays when it can be spoken (English, or
 * Persian with a Persian synthesizer); otherwise it goes with the recording.
 * The stored file is kept: other modules or calls in progress may still use the same content.
 */
export async function removePromptRecording(
  deps: PromptRecordingDeps,
  moduleCode: string,
  promptKey: string,
  language: Language = 'en',
): Promise<ModuleConfig> {
  const module = await loadModule(deps.modules, moduleCode);
  checkPromptKey(module, promptKey, language, { ...RECORDING_LIMITS, ...deps.limits });
  const current = overrideOf(module, promptKey);
  if (!current?.audioKey) return module;
  const keepText = current.text !== undefined && (module.language !== 'fa' || deps.speech?.persianSynthesizer === true);
  return saveModule(deps.modules, withPrompt(module, promptKey, keepText ? { text: current.text as string } : undefined), language, deps.speech);
}

async function saveModule(modules: ModuleStore, candidate: ModuleConfig, language: Language, capabilities: SpeechCapabilities = {}): Promise<ModuleConfig> {
  const parsed = parseModule(candidate, language, capabilities);
  if (!parsed.ok) throw new RecordingRejectedError(parsed.errors);
  await modules.putModule(parsed.value);
  return parsed.value;
}

/** The two operations as one service object, for the admin API. */
/**
 * Prompt recordings (lib/speech/prompt-recordings.ts): validates the audio by its content,
 * stores it under its content hash and points the module's prompt at it. Refusals throw
 * RecordingRejectedError (field-level messages); an unknown module ModuleNotFoundError.
 */
export interface PromptRecordings {
  upload(moduleCode: string, promptKey: string, bytes: Uint8Array, contentType: string, language: Language): Promise<{ audioKey: string }>;
  /** Stops using the prompt's recording; false when it had none. */
  remove(moduleCode: string, promptKey: string, language: Language): Promise<boolean>;
}

export function promptRecordingService(deps: PromptRecordingDeps): PromptRecordings {
  return {
    upload: async (moduleCode: string, promptKey: string, bytes: Uint8Array, contentType: string, language: Language) => ({
      audioKey: (await uploadPromptRecording(deps, moduleCode, promptKey, bytes, contentType, language)).audioKey,
    }),
    /** false when the prompt had no recording. */
    remove: async (moduleCode: string, promptKey: string, language: Language): Promise<boolean> => {
      const had = overrideOf(await loadModule(deps.modules, moduleCode), promptKey)?.audioKey !== undefined;
      if (had) await removePromptRecording(deps, moduleCode, promptKey, language);
      return had;
    },
  };
}
