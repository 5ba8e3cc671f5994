/** Which prompt overrides a module may have, and what the caller then hears. */
import { parseModule } from '../../lib/config/module-schema';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { renderTwiml } from '../../lib/voice/render-twiml';

const base = { code: 'm', name: 'm', nextDestination: 'n', errorDestination: 'e' };

describe('prompt overrides in the module schema', () => {
  it('refuses a Persian text-only override when no Persian synthesizer is configured, with a field-level message in both languages', () => {
    const input = { ...base, language: 'fa', prompts: { intro: { text: 'سلام' } } };
    expect(parseModule(input, 'en')).toEqual({
      ok: false,
      errors: [
        {
          field: 'prompts.intro.text',
          code: 'fa_text_needs_recording',
          message:
            'No Persian voice is configured, so Persian text cannot be spoken: upload a recording of this text (the text is kept as its transcript), or remove the text to use the default prompt.',
        },
      ],
    });
    const fa = parseModule(input, 'fa');
    expect(fa.ok ? '' : fa.errors[0]?.message).toBe(
      'هیچ صدای فارسی‌ای پیکربندی نشده است، پس متن فارسی خوانده نمی‌شود: فایل صوتی همین متن را بارگذاری کنید (متن به‌عنوان متنِ فایل نگه داشته می‌شود) یا متن را پاک کنید تا پیام پیش‌فرض پخش شود.',
    );
  });

  it('accepts any Persian text, and the neural voice, when a Persian synthesizer is configured', () => {
    const input = { ...base, language: 'fa', voice: 'neural', prompts: { intro: { text: 'سلام' } } };
    expect(parseModule(input, 'en', { persianSynthesizer: true })).toMatchObject({
      ok: true,
      value: { voice: 'neural', prompts: { intro: { text: 'سلام' } } },
    });
    expect(parseModule({ ...input, kind: 'club', prompts: { welcome: { text: 'خوش آمدید' } } }, 'en', { persianSynthesizer: true }).ok).toBe(true);
  });

  it('refuses the neural voice without a Persian synthesizer, and a voice that does not exist, in both languages', () => {
    const neural = parseModule({ ...base, language: 'fa', voice: 'neural' }, 'fa');
    expect(neural).toEqual({
      ok: false,
      errors: [
        {
          field: 'voice',
          code: 'voice_needs_synthesizer',
          message: 'صدای عصبی به موتور گفتار فارسی (Azure AI Speech) نیاز دارد و هیچ موتوری پیکربندی نشده است: صدای ضبط‌شده را انتخاب کنید.',
        },
      ],
    });
    expect(parseModule({ ...base, language: 'fa', voice: 'robot' }, 'en')).toEqual({
      ok: false,
      errors: [{ field: 'voice', code: 'voice', message: 'Choose recorded clips or the neural voice.' }],
    });
    expect(parseModule({ ...base, language: 'fa', voice: 'robot' }, 'fa')).toEqual({
      ok: false,
      errors: [{ field: 'voice', code: 'voice', message: 'صدای ضبط‌شده یا صدای عصبی را انتخاب کنید.' }],
    });
    expect(parseModule({ ...base, language: 'fa', voice: 'clips' }).ok).toBe(true);
    expect(parseModule({ ...base, language: 'en', voice: 'neural' }).ok).toBe(true);
  });

  it('accepts a Persian text with a recording, and an English text alone', () => {
    expect(parseModule({ ...base, language: 'fa', prompts: { intro: { text: 'سلام', audioKey: 'a.wav' } } }).ok).toBe(true);
    expect(parseModule({ ...base, language: 'en', prompts: { intro: { text: 'Hello' } } }).ok).toBe(true);
  });
});

describe('what the caller hears for an override', () => {
  const speech = new CatalogueSpeech({ audioBaseUrl: 'https://a.example', logger: { warn: () => undefined } });

  it('speaks an English text override with <Say> when no TTS is configured', async () => {
    const segments = await speech.render([{ prompt: 'intro' }], { language: 'en', prompts: { intro: { text: 'Hello there.' } } });
    expect(renderTwiml([{ kind: 'say', segments }])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-US">Hello there.</Say></Response>',
    );
  });

  it('never shows a Persian text whose clip says something else: without a synthesizer a stored text-only override plays the default clip with its own text', async () => {
    const warnings: unknown[] = [];
    const logged = new CatalogueSpeech({ audioBaseUrl: 'https://a.example', logger: { warn: (...a: unknown[]) => void warnings.push(a) } });
    const segments = await logged.render([{ prompt: 'intro' }], { language: 'fa', prompts: { intro: { text: 'متن دیگر' } } });
    expect(segments).toEqual([{ kind: 'play', url: 'https://a.example/clips/fa/prompt-intro.wav', transcript: 'به سامانه اعلام مانده حساب خوش آمدید.' }]);
    expect(warnings).toHaveLength(1);
  });

  it('plays an uploaded recording in English too, with the catalogue text as transcript when there is no override text', async () => {
    const segments = await speech.render([{ prompt: 'goodbye' }], { language: 'en', prompts: { goodbye: { audioKey: 'abc.mp3' } } });
    expect(segments).toEqual([
      { kind: 'play', url: 'https://a.example/uploads/abc.mp3?t=Thank%20you%20for%20calling.%20Goodbye.', transcript: 'Thank you for calling. Goodbye.' },
    ]);
  });
});
