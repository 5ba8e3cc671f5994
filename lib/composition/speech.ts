/** Speech (voice, admin): the prompt catalogue, with cached Polly audio when TTS_MODE=polly. */
import { createAudioStore, createSpeechSynthesizer } from './audio-clients';
import { CatalogueSpeech } from '../speech/catalogue-speech';
import { SynthesizedAudioCache } from '../speech/synthesized-audio-cache';
import { config, logger } from './core';

/** Cached TTS audio and uploaded recordings: S3 when AUDIO_BUCKET is set, else a local folder. */
export const audioStore = createAudioStore(config);
const tts =
  config.speech.ttsMode === 'polly'
    ? new SynthesizedAudioCache(createSpeechSynthesizer(config), audioStore, {
        voice: config.speech.pollyVoice,
        engine: config.speech.pollyEngine,
        format: 'mp3',
        sampleRate: config.speech.pollySampleRate,
      })
    : undefined;
export const speech = new CatalogueSpeech({ audioBaseUrl: config.audioBaseUrl, englishVoice: `Polly.${config.speech.pollyVoice}`, logger, ...(tts ? { tts } : {}) });
