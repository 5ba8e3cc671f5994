/**
 * The Speech adapter, the one place that decides how a prompt or an amount is heard:
 *  - an uploaded recording for the prompt wins, in any language;
 *  - English is synthesized by Polly and played from the audio cache when TTS is configured,
 *    else (locally, or when Polly or the store fails) spoken by <Say> with the same Polly voice;
 *  - Persian is spoken sentence by sentence. A module on the `neural` voice has each sentence
 *    synthesized in one piece by the Persian synthesizer (Azure AI Speech), amounts in our own
 *    words; on `clips` the catalogue prompts and amounts come from the clip pack, and text an
 *    operator typed is synthesized. Whatever the synthesizer cannot say (timeout, 401, 429,
 *    5xx) comes from the clips saying exactly the same words. The pieces of a sentence are then
 *    joined into one recording, so a sentence is one <Play>.
 * Every <Play> carries its transcript; for stored audio it rides in the URL's `t` parameter
 * (ignored by S3 and the local audio server) so the call simulator can show it.
 */
import type { Language, PromptKey } from '../config/module-schema';
import type { AppLogger } from '../observability/logger';
import type { SpeechItem, SpeechSegment } from '../domain/speech-item';
import type { ModuleSpeech, Speech } from './speech';
import { englishMoneyPhrase, persianMoneyTokens, PERSIAN_NUMBER_WORDS, PERSIAN_UNIT_WORDS } from '../domain/amount-words';
import { promptClipKey } from './clip-pack';
import { PROMPT_CATALOGUE } from './prompt-catalogue';
import type { SynthesizedAudioCache } from './synthesized-audio-cache';
import type { AudioPiece, SentenceJoiner } from './sentence-audio';

export interface CatalogueSpeechOptions {
  /** Base URL under which clips (`/clips/<lang>/<key>.wav`), uploads (`/uploads/<key>`), cached TTS (`/tts/<key>`) and joined sentences (`/joined/<key>`) are served. */
  readonly audioBaseUrl: string;
  /** Twilio <Say> voice for English, e.g. Polly.Joanna. */
  readonly englishVoice?: string;
  /** Polly with its cache; absent = English through <Say>. */
  readonly tts?: SynthesizedAudioCache;
  /** The Persian synthesizer with its cache (Azure, or espeak-ng locally); absent = Persian from clips and recordings only. */
  readonly persianTts?: SynthesizedAudioCache;
  /** Joins a Persian sentence's pieces into one file; absent = one <Play> per piece. */
  readonly joiner?: SentenceJoiner;
  readonly logger?: Pick<AppLogger, 'warn'>;
}

/**
 * Words of a Persian sentence before they have audio: the text heard, the clips that say
 * exactly it (absent for text an operator typed), an uploaded recording, and what to play
 * instead when typed text cannot be synthesized.
 */
interface Words {
  readonly text: string;
  readonly clips?: readonly string[];
  readonly upload?: string;
  readonly fallback?: { readonly text: string; readonly clips: readonly string[] };
}

const SENTENCE_END = /[.!?؟…]$/;

export class CatalogueSpeech implements Speech {
  private readonly voice: string;

  constructor(private readonly options: CatalogueSpeechOptions) {
    this.voice = options.englishVoice ?? 'Polly.Joanna';
  }

  async render(items: readonly SpeechItem[], module: ModuleSpeech): Promise<SpeechSegment[]> {
    if (module.language === 'fa') return this.persian(items, module);
    // Items are independent: synthesize misses in parallel so a step pays one Polly latency.
    const perItem = await Promise.all(items.map((item) => this.segmentsFor(item, module)));
    const segments: SpeechSegment[] = [];
    for (const list of perItem) for (const segment of list) appendMerged(segments, segment);
    return segments;
  }

  private async segmentsFor(item: SpeechItem, module: ModuleSpeech): Promise<SpeechSegment[]> {
    if ('prompt' in item) return [await this.prompt(item.prompt, module)];
    return [await this.english(englishMoneyPhrase(item.amount, item.currency))];
  }

  private async prompt(key: PromptKey, module: ModuleSpeech): Promise<SpeechSegment> {
    const override = module.prompts[key];
    const catalogueText = PROMPT_CATALOGUE[module.language][key];
    if (override?.audioKey) return this.stored(`uploads/${encodeURIComponent(override.audioKey)}`, override.text ?? catalogueText);
    return this.english(override?.text ?? catalogueText);
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

  // ------------------------------------------------------------------ Persian

  private async persian(items: readonly SpeechItem[], module: ModuleSpeech): Promise<SpeechSegment[]> {
    const sentences: Words[][] = [[]];
    for (const item of items) {
      const words = persianWords(item, module);
      sentences[sentences.length - 1]?.push(words);
      if ('prompt' in item && SENTENCE_END.test(words.text.trim())) sentences.push([]);
    }
    const neural = module.voice === 'neural';
    // Sentences are independent: synthesize and join them in parallel.
    const perSentence = await Promise.all(sentences.filter((s) => s.length > 0).map((s) => this.persianSentence(s, neural)));
    return perSentence.flat();
  }

  /** The audio pieces of one sentence, then as few <Play>s as they allow (one when all are WAV). */
  private async persianSentence(sentence: readonly Words[], neural: boolean): Promise<SpeechSegment[]> {
    const runs: Words[][] = [];
    for (const words of sentence) {
      const last = runs[runs.length - 1];
      // With the neural voice, neighbouring words are synthesized together (natural prosody).
      if (neural && last && !words.upload && !last[0]?.upload) last.push(words);
      else runs.push([words]);
    }
    const pieces = (await Promise.all(runs.map((run) => this.persianPieces(run, neural)))).flat();
    const segments: SpeechSegment[] = [];
    let joinable: AudioPiece[] = [];
    const flush = async () => {
      if (joinable.length > 0) segments.push(...(await this.joined(joinable)));
      joinable = [];
    };
    for (const piece of pieces) {
      if (piece.key.endsWith('.wav')) joinable.push(piece);
      else {
        await flush();
        segments.push(this.play(piece));
      }
    }
    await flush();
    return segments;
  }

  /** Audio for a run of words: a recording, one synthesized piece, or clips. */
  private async persianPieces(run: readonly Words[], neural: boolean): Promise<AudioPiece[]> {
    const [first] = run;
    if (first?.upload) return [{ key: `uploads/${encodeURIComponent(first.upload)}`, transcript: first.text }];
    const tts = this.options.persianTts;
    const text = run.map((w) => w.text).join(' ');
    if (tts && (neural || run.some((w) => !w.clips))) {
      try {
        return [{ key: await tts.audioKeyFor(text), transcript: text }];
      } catch (error) {
        this.options.logger?.warn('Persian speech synthesis failed; playing the clips that say the same words', { error: error as Error });
      }
    }
    return run.flatMap((words) => {
      if (words.clips) return clipPieces(words.clips);
      // Typed text nothing can speak now: the catalogue prompt, shown with its own words.
      this.options.logger?.warn('Persian prompt text cannot be synthesized; playing the catalogue clip', { text: words.text.slice(0, 40) });
      return clipPieces(words.fallback?.clips ?? []);
    });
  }

  private async joined(pieces: readonly AudioPiece[]): Promise<SpeechSegment[]> {
    const { joiner } = this.options;
    const [only] = pieces;
    if (pieces.length === 1 && only) return [this.play(only)];
    if (joiner) {
      try {
        return [this.play({ key: await joiner.keyFor(pieces), transcript: pieces.map((p) => p.transcript).join(' ') })];
      } catch (error) {
        this.options.logger?.warn('joining a sentence failed; playing its pieces one by one', { error: error as Error });
      }
    }
    return pieces.map((piece) => this.play(piece));
  }

  private play(piece: AudioPiece): SpeechSegment {
    // Clips are named by key and listed in the pack's manifest; other audio carries its text in `t`.
    if (piece.key.startsWith('clips/')) return { kind: 'play', url: `${this.options.audioBaseUrl}/${piece.key}`, transcript: piece.transcript };
    return this.stored(piece.key, piece.transcript);
  }
}

function clipPieces(keys: readonly string[], language: Language = 'fa'): AudioPiece[] {
  return keys.map((key) => ({ key: `clips/${language}/${key}.wav`, transcript: clipText(key) }));
}

function clipText(key: string): string {
  if (key.startsWith('prompt-')) return PROMPT_CATALOGUE.fa[key.slice('prompt-'.length) as PromptKey];
  return PERSIAN_NUMBER_WORDS[key] ?? PERSIAN_UNIT_WORDS[key as 'unit-rial'] ?? key;
}

function persianWords(item: SpeechItem, module: ModuleSpeech): Words {
  if ('amount' in item) {
    const clips: string[] = persianMoneyTokens(item.amount, item.currency);
    return { text: clips.map(clipText).join(' '), clips };
  }
  const override = module.prompts[item.prompt];
  const catalogue = { text: PROMPT_CATALOGUE.fa[item.prompt], clips: [promptClipKey(item.prompt)] };
  if (override?.audioKey) return { text: override.text ?? catalogue.text, upload: override.audioKey };
  if (override?.text !== undefined && override.text !== catalogue.text) return { text: override.text, fallback: catalogue };
  return catalogue;
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
