/** Polly, S3 and the Persian synthesizers for speech, built once per container from configuration. */
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import { LocalFolderAudioStore } from '../speech/local-folder-audio-store';
import { S3AudioStore } from '../speech/s3-audio-store';
import type { AppConfig } from '../config/app-config';
import type { AudioStore } from '../speech/audio-store';
import type { SpeechSynthesizer } from '../speech/speech-synthesizer';
import { PollySynthesizer } from '../speech/polly-synthesizer';
import { CircuitBreaker } from '../domain/circuit-breaker';
import { AzureSpeechSynthesizer } from '../speech/azure-speech-synthesizer';
import { GuardedSynthesizer } from '../speech/guarded-synthesizer';
import { ESPEAK_DEFAULTS, EspeakSynthesizer } from '../speech/espeak-synthesizer';
import type { ClipReader } from '../speech/sentence-audio';
import type { SynthesisSettings } from '../speech/synthesized-audio-cache';
import { setUpSdkClient } from '../aws/sdk-client-setup';

// A webhook has 15 s in all: a slow Polly or S3 call gives up early, without retries, and the
// caller hears <Say> (worst case HEAD + Polly + PUT ≈ 6 s; items of a step run in parallel).
// Inside a voice step every request is also aborted at the step's deadline (setUpSdkClient).
// Since @smithy/node-http-handler 4.x requestTimeout alone only logs a warning; it must throw.
const s3RequestHandler = { connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true };
// The Polly client speaks HTTP/2 (its handler has no separate connection timeout).
const pollyRequestHandler = { requestTimeout: 3000, disableConcurrentStreams: true };

export function createS3Client(config: Pick<AppConfig, 'region' | 'speech'>): S3Client {
  const endpoint = config.speech.s3Endpoint;
  return setUpSdkClient(
    new S3Client({ region: config.region, maxAttempts: 1, requestHandler: s3RequestHandler, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) }),
  );
}

export function createAudioStore(config: Pick<AppConfig, 'region' | 'speech'>): AudioStore {
  const bucket = config.speech.audioBucket;
  return bucket ? new S3AudioStore(createS3Client(config), bucket) : new LocalFolderAudioStore(config.speech.audioDir);
}

export function createSpeechSynthesizer(config: Pick<AppConfig, 'region' | 'speech'>): SpeechSynthesizer {
  const endpoint = config.speech.pollyEndpoint;
  return new PollySynthesizer(
    setUpSdkClient(new PollyClient({ region: config.region, maxAttempts: 1, requestHandler: pollyRequestHandler, ...(endpoint ? { endpoint } : {}) })),
  );
}

/** The clip packs: `clips/` in the bucket when deployed (publish-audio puts them there), else the repo's folder. */
export function createClipReader(config: Pick<AppConfig, 'speech'>, store: AudioStore): ClipReader {
  if (config.speech.audioBucket) return { get: (key) => store.get(`clips/${key}`) };
  return new LocalFolderAudioStore(config.speech.clipsDir);
}

/**
 * The Persian synthesizer PERSIAN_TTS names, with the settings its cache keys carry; undefined
 * for none. `azureKey` reads the Azure key (AZURE_SPEECH_KEY locally, SSM deployed) on first use.
 */
export function createPersianSynthesizer(
  config: Pick<AppConfig, 'speech'>,
  azureKey: () => Promise<string>,
): { synthesizer: SpeechSynthesizer; settings: Pick<SynthesisSettings, 'voice' | 'engine' | 'variant'> } | undefined {
  const { persianTts, azure, espeak } = config.speech;
  if (persianTts === 'azure') {
    // An Azure outage costs each caller its timeout only until the breaker opens.
    const breaker = new CircuitBreaker(azure.breakerFailures, azure.breakerOpenSeconds * 1000);
    const synthesizer = new GuardedSynthesizer(
      new AzureSpeechSynthesizer({ endpoint: azure.endpoint, key: azureKey, rate: azure.rate, timeoutMs: azure.timeoutMs }),
      breaker,
    );
    return { synthesizer, settings: { voice: azure.voice, engine: 'azure-neural', variant: synthesizer.variant ?? '' } };
  }
  if (persianTts === 'espeak') {
    const synthesizer = new EspeakSynthesizer({ ...ESPEAK_DEFAULTS, command: espeak.command, timeoutMs: espeak.timeoutMs });
    return { synthesizer, settings: { voice: espeak.voice, engine: 'espeak-ng', variant: synthesizer.variant } };
  }
  return undefined;
}
