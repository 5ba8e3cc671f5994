/**
 * Default Speech adapter: English through <Say> with a Polly voice, Persian from the
 * recorded clip pack (no TTS engine Twilio can reach speaks Persian). A module's prompt
 * override wins: an uploaded recording is played, an override text is spoken.
 */
import type { Language, PromptKey } from '../config/module-schema';
import type { Speech, SpeechItem, SpeechSegment } from '../ports';
import { englishAmountPhrase, persianAmountTokens, PERSIAN_NUMBER_WORDS, PERSIAN_UNIT_WORDS } from './amount-words';
import { PROMPT_CATALOGUE } from './prompt-catalogue';

export interface CatalogueSpeechOptions {
  /** Base URL under which clips (`/clips/<lang>/<key>.wav`) and uploads (`/uploads/<key>`) are served. */
  readonly audioBaseUrl: string;
  readonly englishVoice?: string;
}

type ModuleSpeech = Parameters<Speech['render']>[1];

export class CatalogueSpeech implements Speech {
  private readonly voice: string;

  constructor(private readonly options: CatalogueSpeechOptions) {
    this.voice = options.englishVoice ?? 'Polly.Joanna';
  }

  async render(items: readonly SpeechItem[], module: ModuleSpeech): Promise<SpeechSegment[]> {
    const segments: SpeechSegment[] = [];
    for (const item of items) {
      for (const segment of this.segmentsFor(item, module)) appendMerged(segments, segment);
    }
    return segments;
  }

  private segmentsFor(item: SpeechItem, module: ModuleSpeech): SpeechSegment[] {
    if ('prompt' in item) return [this.prompt(item.prompt, module)];
    if (module.language === 'en') return [this.say(englishAmountPhrase(item.amount, item.unit))];
    const tokens = [...persianAmountTokens(item.amount), `unit-${item.unit}` as const];
    return tokens.map((key) => this.clip('fa', key, PERSIAN_NUMBER_WORDS[key] ?? PERSIAN_UNIT_WORDS[key as 'unit-rial'] ?? key));
  }

  private prompt(key: PromptKey, module: ModuleSpeech): SpeechSegment {
    const override = module.prompts[key];
    const text = override?.text ?? PROMPT_CATALOGUE[module.language][key];
    if (override?.audioKey) return { kind: 'play', url: `${this.options.audioBaseUrl}/uploads/${encodeURIComponent(override.audioKey)}`, transcript: text };
    if (module.language === 'en') return this.say(text);
    return this.clip(module.language, `prompt-${key}`, text);
  }

  private say(text: string): SpeechSegment {
    return { kind: 'say', text, voice: this.voice, language: 'en-US' };
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
