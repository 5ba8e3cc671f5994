/**
 * `npm run synthesize-prompts`: run after `serverless deploy` with the stage's settings, e.g.
 *   AUDIO_BUCKET=<AudioBucketName output> AWS_REGION=eu-central-1 STAGE=prod npm run synthesize-prompts
 * Uploads the clip packs and pre-synthesizes the English prompts with Polly (the same cache
 * keys the voice Lambda computes). Without AUDIO_BUCKET it fills the local folder instead.
 */
import { join } from 'node:path';
import { publishAudio } from '../infra/audio/publish-audio';
import { createDocumentClient } from '../lib/aws/dynamodb-client';
import { createAudioStore, createSpeechSynthesizer } from '../lib/composition/audio-clients';
import { loadConfig } from '../lib/config/app-config';
import { SynthesizedAudioCache } from '../lib/speech/synthesized-audio-cache';
import { DynamoModuleStore } from '../lib/config/dynamo-module-store';

async function main(): Promise<void> {
  const config = loadConfig();
  const store = createAudioStore(config);
  const { pollyVoice: voice, pollyEngine: engine, pollySampleRate: sampleRate } = config.speech;
  const tts = new SynthesizedAudioCache(createSpeechSynthesizer(config), store, { voice, engine, format: 'mp3', sampleRate });
  const withModules = process.argv.includes('--modules');
  const modules = withModules
    ? new DynamoModuleStore(createDocumentClient({ endpoint: config.dynamoDbEndpoint, region: config.region }), config.tables.config)
    : undefined;
  const report = await publishAudio({ store, tts, clipsDir: join(__dirname, '..', 'infra', 'audio', 'clips'), ...(modules ? { modules } : {}) });
  console.log(
    `audio in ${config.speech.audioBucket ? `s3://${config.speech.audioBucket}` : config.speech.audioDir}: ${report.clipsUploaded} clips uploaded, ${report.clipsUnchanged} unchanged; ${report.promptsSynthesized} prompts synthesized (voice ${voice}, ${engine})`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
