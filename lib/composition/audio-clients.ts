/** Polly and S3 clients for speech, built once per container from configuration. */
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import { LocalFolderAudioStore } from '../speech/local-folder-audio-store';
import { S3AudioStore } from '../speech/s3-audio-store';
import type { AppConfig } from '../config/app-config';
import type { AudioStore } from '../speech/audio-store';
import type { SpeechSynthesizer } from '../speech/speech-synthesizer';
import { PollySynthesizer } from '../speech/polly-synthesizer';
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
  return setUpSdkClient(new S3Client({ region: config.region, maxAttempts: 1, requestHandler: s3RequestHandler, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) }));
}

export function createAudioStore(config: Pick<AppConfig, 'region' | 'speech'>): AudioStore {
  const bucket = config.speech.audioBucket;
  return bucket ? new S3AudioStore(createS3Client(config), bucket) : new LocalFolderAudioStore(config.speech.audioDir);
}

export function createSpeechSynthesizer(config: Pick<AppConfig, 'region' | 'speech'>): SpeechSynthesizer {
  const endpoint = config.speech.pollyEndpoint;
  return new PollySynthesizer(setUpSdkClient(new PollyClient({ region: config.region, maxAttempts: 1, requestHandler: pollyRequestHandler, ...(endpoint ? { endpoint } : {}) })));
}
