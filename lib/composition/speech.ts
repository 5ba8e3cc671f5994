/**
 * Speech (voice, admin): the prompt catalogue, with cached Polly audio when TTS_MODE=polly,
 * a Persian synthesizer when PERSIAN_TTS is azure or espeak, and Persian sentences joined into
 * one recording each (clips read from the bucket's clips/ when deployed, the repo's pack locally).
 */
import { createAudioStore, createClipReader, createPersianSynthesizer, createSpeechSynthesizer } from './audio-clients';
import { CatalogueSpeech } from '../speech/catalogue-speech';
import { SentenceJoiner } from '../speech/sentence-audio';
import { SynthesizedAudioCache } from '../speech/synthesized-audio-cache';
import { config, logger } from './core';
import { productSecrets } from './secrets';

/** Cached TTS audio, joined sentences and uploaded recordings: S3 when AUDIO_BUCKET is set, else a local folder. */
export const audioStore = createAudioStore(config);
const { finish } = config.speech;
export const joiner = new SentenceJoiner(audioStore, createClipReader(config, audioStore), finish);
const tts =
  config.speech.ttsMode === 'polly'
    ? new SynthesizedAudioCache(createSpeechSynthesizer(config), audioStore, {
        voice: config.speech.pollyVoice,
        engine: config.speech.pollyEngine,
        format: 'mp3',
        sampleRate: config.speech.pollySampleRate,
      })
    : undefined;
const persian = createPersianSynthesizer(config, () => productSecrets.get('azure-speech-key'));
/** The Persian synthesizer with its cache; undefined when none is configured (PERSIAN_TTS=none). */
export const persianTts = persian
  ? new SynthesizedAudioCache(persian.synthesizer, audioStore, { ...persian.settings, format: 'wav', sampleRate: '8000' }, finish, (key, bytes) =>
      joiner.remember(key, bytes),
    )
  : undefined;
export const speech = new CatalogueSpeech({
  audioBaseUrl: config.audioBaseUrl,
  englishVoice: `Polly.${config.speech.pollyVoice}`,
  logger,
  joiner,
  ...(tts ? { tts } : {}),
  ...(persianTts ? { persianTts } : {}),
});
