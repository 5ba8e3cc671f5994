/**
 * The Speech adapter, the one place that decides how a prompt or an amount is heard:
 *  - an uploaded recording for the prompt wins, in any language;
 *  - Persian is played from the clip pack (no TTS engine Twilio can reach speaks Persian);
 *  - English is synthesized by Polly and played from the audio cache when TTS is configured,
 *    else (locally, or when Polly or the store fails) spoken by <Say> with the same Polly voice.
 * Every <Play> carries its transcript; for stored audio it rides in the URL's `t` parameter
 * (ignored by S3 and the local audio server) so the call simulator can show it.
 */
import type { Language, PromptKey } from '../config/module-schema';
import type { AppLogger } from '../observability/logger';
import type { SpeechItem, SpeechSegment } from '../domain/speech-item';
import type { Speech } from './speech';
import { englishMoneyPhrase, persianMoneyTokens, persianTokensText } from '../domain/amount-words';
import { promptClipKey } from './clip-pack';
import { PROMPT_CATALOGUE } from './prompt-catalogue';
import type { SynthesizedAudioCache } from './synthesized-audio-cache';

export interface CatalogueSpeechOptions {
  /** Base URL under which clips (`/clips/<lang>/<key>.wav`), uploads (`/uploads/<key>`) and cached TTS (`/tts/<key>`) are served. */
  readonly audioBaseUrl: string;
  /** Twilio <Say> voice for English, e.g. Polly.Joanna. */
  readonly englishVoice?: string;
  /** Polly with its cache; absent = English through <Say>. */
  readonly tts?: SynthesizedAudioCache;
  readonly logger?: Pick<AppLogger, 'warn'>;
}

type ModuleSpeech = Parameters<Speech['render']>[1];

export class CatalogueSpeech implements Speech {
  private readonly voice: string;

  constructor(private readonly options: CatalogueSpeechOptions) {
    this.voice = options.englishVoice ?? 'Polly.Joanna';
  }

  async render(items: readonly SpeechItem[], module: ModuleSpeech): Promise<SpeechSegment[]> {
    // Items are independent: synthesize misses in parallel so a step pays one Polly latency.
    const perItem = await Promise.all(items.map((item) => this.segmentsFor(item, module)));
    const segments: SpeechSegment[] = [];
    for (const list of perItem) for (const segment of list) appendMerged(segments, segment);
    return segments;
  }

  private async segmentsFor(item: SpeechItem, module: ModuleSpeech): Promise<SpeechSegment[]> {
    if ('prompt' in item) return [await this.prompt(item.prompt, module)];
    if (module.language === 'en') return [await this.english(englishMoneyPhrase(item.amount, item.currency))];
    return persianMoneyTokens(item.amount, item.currency).map((key) => this.clip('fa', key, persianTokensText([key])));
  }

  private async prompt(key: PromptKey, module: ModuleSpeech): Promise<SpeechSegment> {
    const override = module.prompts[key];
    const catalogueText = PROMPT_CATALOGUE[module.language][key];
    if (override?.audioKey) return this.stored(`uploads/${encodeURIComponent(override.audioKey)}`, override.text ?? catalogueText);
    if (module.language === 'en') return this.english(override?.text ?? catalogueText);
    if (override?.text !== undefined) {
      // The schema refuses a Persian text-only override; one stored before that rule still must
      // not play a clip that says something else than the text shown, so the catalogue text wins.
      this.options.logger?.warn('Persian prompt override has text but no recording; playing the catalogue clip', { prompt: key });
    }
    return this.clip(module.language, promptClipKey(key), catalogueText);
  }

  private async english(text: string): Promise<SpeechSegment> {
    const { tts } = this.options;
    if (!tts) return this.say(text);
    try {
      return this.stored(await tts.audioKeyFor(text), text);
    } catch (error) {
      this.options.logger?.warn('speech synthesis or audio store failed; falling back to <Say>', { error: error as Error });
      return this.say(text);
    }
  }

  private say(text: string): SpeechSegment {
    return { kind: 'say', text, voice: this.voice, language: 'en-US' };
  }

  private stored(key: string, transcript: string): SpeechSegment {
    return { kind: 'play', url: `${this.options.audioBaseUrl}/${key}?t=${encodeURIComponent(transcript)}`, transcript };
  }

  private clip(language: Language, key: string, transcript: string): SpeechSegment {
    return { kind: 'play', url: `${this.options.audioBaseUrl}/clips/${language}/${key}.wav`, transcript };
  }
}

/** Consecutive <Say> segments in one voice become one sentence: fewer verbs, natural prosody. */
function appendMerged(segments: SpeechSegment[], segment: SpeechSegment): void {
  const last = segments[segments.length - 1];
  if (last && last.kind === 'say' && segment.kind === 'say' && last.voice === segment.voice && last.language === segment.language) {
    segments[segments.length - 1] = { ...last, text: `${last.text} ${segment.text}` };
  } else {
    segments.push(segment);
  }
}
