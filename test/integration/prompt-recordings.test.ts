/** Operator recordings: validated by content, stored by content hash, referenced from the module (dynalite + local folder). */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import { parseBalanceModule, type BalanceModule } from '../../lib/config/module-schema';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import {
  ModuleNotFoundError,
  RecordingRejectedError,
  removePromptRecording,
  uploadPromptRecording,
  type PromptRecordingDeps,
} from '../../lib/speech/prompt-recordings';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { renderTwiml } from '../../lib/voice/render-twiml';
import { decodeWav, DEFAULT_FINISH, speechLevel } from '../../lib/speech/telephone-audio';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { mp3File, voiceLikeWav, wavFile } from '../support/audio-files';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

let dynamo: TestDynamo;
let dir: string;
let deps: PromptRecordingDeps;
let modules: DynamoModuleStore;

function module(code: string, language: 'fa' | 'en', prompts: BalanceModule['prompts'] = {}): BalanceModule {
  const parsed = parseBalanceModule({ code, name: code, language, nextDestination: 'next', errorDestination: 'error', prompts });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** Reads back a stored balance module (the store holds every module kind). */
async function balanceModule(code: string): Promise<BalanceModule> {
  const stored = await modules.getModule(code);
  if (stored?.kind !== 'balance') throw new Error(`no balance module ${code}`);
  return stored;
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  modules = new DynamoModuleStore(dynamo.doc, dynamo.tables.config);
});

afterAll(async () => {
  await dynamo?.stop();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recordings-'));
  deps = { modules, audio: new LocalFolderAudioStore(dir) };
  await modules.putModule(module('rec-fa', 'fa'));
  await modules.putModule(module('rec-en', 'en', { goodbye: { text: 'Bye now.' } }));
});

async function refusal(promise: Promise<unknown>): Promise<RecordingRejectedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RecordingRejectedError)) throw new Error(`expected a RecordingRejectedError, got ${String(error)}`);
  return error;
}

describe('uploading a prompt recording', () => {
  it('normalises a WAV on the way in (8 kHz mu-law at the loudness target), stores it under its content hash, keeps the original and points the prompt at it', async () => {
    const bytes = voiceLikeWav(2, { sampleRate: 44100, encoding: 'pcm16', levelDb: -9, silenceMs: 100 });
    const original = createHash('sha256').update(bytes).digest('hex');
    const result = await uploadPromptRecording(deps, 'rec-fa', 'intro', bytes, 'audio/wav');
    const played = readFileSync(join(dir, 'uploads', result.audioKey));
    expect(result.audioKey).toBe(`${createHash('sha256').update(played).digest('hex')}.wav`);
    expect(inspectAudio(played)).toMatchObject({ sampleRate: 8000, channels: 1, wavFormat: 7 });
    expect(Math.abs(speechLevel(decodeWav(played)) - DEFAULT_FINISH.targetDb)).toBeLessThan(0.5);
    expect(result.originalKey).toBe(`uploads/originals/${original}.wav`);
    expect(readFileSync(join(dir, result.originalKey)).equals(Buffer.from(bytes))).toBe(true);
    expect(result.audio.durationSeconds).toBeCloseTo(2.2, 3);
    expect((await balanceModule('rec-fa')).prompts.intro).toEqual({ audioKey: result.audioKey });
  });

  it('makes the call play the recording, with the prompt text as its transcript', async () => {
    const { audioKey } = await uploadPromptRecording(deps, 'rec-fa', 'intro', wavFile(1), 'audio/wav');
    const stored = await balanceModule('rec-fa');
    const speech = new CatalogueSpeech({ audioBaseUrl: 'https://a.example' });
    const segments = await speech.render([{ prompt: 'intro' }], stored);
    expect(renderTwiml([{ kind: 'say', segments }])).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Play>https://a.example/uploads/${audioKey}?t=${encodeURIComponent('به سامانه اعلام مانده حساب خوش آمدید.')}</Play></Response>`,
    );
  });

  it('gives a new name to a new recording, so a cached old file is never played', async () => {
    const first = await uploadPromptRecording(deps, 'rec-en', 'intro', wavFile(1), 'audio/wav');
    const second = await uploadPromptRecording(deps, 'rec-en', 'intro', mp3File(1), 'audio/mpeg');
    expect(second.audioKey).not.toBe(first.audioKey);
    expect(second.audioKey).toMatch(/^[0-9a-f]{64}\.mp3$/);
    expect(readdirSync(join(dir, 'uploads')).sort()).toEqual([first.audioKey, second.audioKey, 'originals'].sort());
    // MP3 is played as uploaded (no decoder in the functions): the same bytes under both names.
    expect(readFileSync(join(dir, 'uploads', second.audioKey)).equals(readFileSync(join(dir, second.originalKey)))).toBe(true);
    expect((await balanceModule('rec-en')).prompts.intro).toEqual({ audioKey: second.audioKey });
  });

  it('keeps an existing text override as the transcript of the recording', async () => {
    const { audioKey } = await uploadPromptRecording(deps, 'rec-en', 'goodbye', mp3File(2, { id3: true }));
    expect((await balanceModule('rec-en')).prompts.goodbye).toEqual({ text: 'Bye now.', audioKey });
  });

  it.each([
    [
      'a PNG image',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
      'image/png',
      'recording_type',
      'Upload a WAV (PCM, mu-law or A-law) or MP3 file.',
    ],
    ['a WAV declared as a PDF', wavFile(1), 'application/pdf', 'recording_type', 'Upload a WAV (PCM, mu-law or A-law) or MP3 file.'],
    [
      'a truncated WAV',
      wavFile(3).subarray(0, 5000),
      'audio/wav',
      'recording_corrupt',
      'This audio file is damaged or incomplete. Export it again and upload the new file.',
    ],
    ['a file over 5 MB', wavFile(330, { sampleRate: 16000, format: 1 }), 'audio/wav', 'recording_too_large', 'The file is larger than 5 MB.'],
    ['a recording over 120 seconds', wavFile(121), 'audio/wav', 'recording_too_long', 'The recording is longer than 120 seconds.'],
    ['an empty file', new Uint8Array(), 'audio/wav', 'recording_empty', 'Choose an audio file to upload.'],
  ])('refuses %s with a field-level message and changes nothing', async (_name, bytes, type, code, message) => {
    const error = await refusal(uploadPromptRecording(deps, 'rec-en', 'intro', bytes, type));
    expect(error.errors).toEqual([{ field: 'prompts.intro.audio', code, message }]);
    expect((await balanceModule('rec-en')).prompts.intro).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('words the refusal in Persian for a Persian operator', async () => {
    const error = await refusal(uploadPromptRecording(deps, 'rec-fa', 'intro', wavFile(121), 'audio/wav', 'fa'));
    expect(error.errors[0]?.message).toBe('مدت فایل بیش از ۱۲۰ ثانیه است.');
    const tooBig = await refusal(uploadPromptRecording(deps, 'rec-fa', 'intro', wavFile(330, { sampleRate: 16000, format: 1 }), 'audio/wav', 'fa'));
    expect(tooBig.errors[0]?.message).toBe('حجم فایل بیش از ۵ مگابایت است.');
  });

  it('refuses an unknown prompt and reports an unknown module', async () => {
    expect((await refusal(uploadPromptRecording(deps, 'rec-en', 'nope', wavFile(1)))).errors[0]?.field).toBe('promptKey');
    await expect(uploadPromptRecording(deps, 'no-such-module', 'intro', wavFile(1))).rejects.toBeInstanceOf(ModuleNotFoundError);
  });
});

describe('removing a prompt recording', () => {
  it('goes back to the default Persian clip, dropping the transcript text with the recording', async () => {
    await modules.putModule(module('rec-fa', 'fa', { owed: { text: 'بدهی شما', audioKey: 'x.wav' } }));
    const updated = await removePromptRecording(deps, 'rec-fa', 'owed');
    expect((updated as BalanceModule).prompts.owed).toBeUndefined();
    expect((await balanceModule('rec-fa')).prompts).toEqual({});
  });

  it('keeps a Persian text when a Persian synthesizer is configured, which then speaks it', async () => {
    const withVoice = { ...deps, speech: { persianSynthesizer: true } };
    await modules.putModule(module('rec-fa', 'fa', { owed: { text: 'بدهی شما', audioKey: 'x.wav' } }));
    await removePromptRecording(withVoice, 'rec-fa', 'owed');
    expect((await balanceModule('rec-fa')).prompts).toEqual({ owed: { text: 'بدهی شما' } });
  });

  it('keeps an English text override, which is then synthesized', async () => {
    await uploadPromptRecording(deps, 'rec-en', 'goodbye', wavFile(1));
    await removePromptRecording(deps, 'rec-en', 'goodbye');
    expect((await balanceModule('rec-en')).prompts.goodbye).toEqual({ text: 'Bye now.' });
  });
});
