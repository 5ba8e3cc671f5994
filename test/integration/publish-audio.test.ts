/** Deploy-time audio publishing against local Polly and S3 servers. */
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLIP_CACHE_CONTROL, publishAudio } from '../../infra/audio/publish-audio';
import { S3AudioStore } from '../../lib/speech/s3-audio-store';
import { PROMPT_KEYS } from '../../lib/config/module-schema';
import { PollySynthesizer } from '../../lib/speech/polly-synthesizer';
import { SynthesizedAudioCache } from '../../lib/speech/synthesized-audio-cache';
import { startFakePolly, startFakeS3 } from '../support/fake-aws-audio';

const CLIPS = resolve(__dirname, '../../infra/audio/clips');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

it('uploads the clip pack and pre-synthesizes every English prompt once; a second run changes nothing', async () => {
  const [polly, s3] = await Promise.all([startFakePolly(), startFakeS3('audio')]);
  const pollyClient = new PollyClient({ region: 'eu-central-1', endpoint: polly.endpoint, credentials });
  const s3Client = new S3Client({ region: 'eu-central-1', endpoint: s3.endpoint, forcePathStyle: true, credentials });
  try {
    const store = new S3AudioStore(s3Client, 'audio');
    const run = () =>
      publishAudio({
        store,
        clipsDir: CLIPS,
        tts: new SynthesizedAudioCache(new PollySynthesizer(pollyClient), store, { voice: 'Joanna', engine: 'neural', format: 'mp3', sampleRate: '22050' }),
      });
    const files = readdirSync(join(CLIPS, 'fa'));
    expect(await run()).toEqual({ clipsUploaded: files.length, clipsUnchanged: 0, promptsSynthesized: PROMPT_KEYS.length });
    expect(s3.objects.get('clips/fa/num-1.wav')).toMatchObject({ contentType: 'audio/wav', cacheControl: CLIP_CACHE_CONTROL });
    expect(s3.objects.get('clips/fa/manifest.json')?.contentType).toBe('application/json');
    expect(polly.synthesized).toHaveLength(PROMPT_KEYS.length);

    expect(await run()).toEqual({ clipsUploaded: 0, clipsUnchanged: files.length, promptsSynthesized: 0 });
    expect(polly.synthesized).toHaveLength(PROMPT_KEYS.length);
  } finally {
    pollyClient.destroy();
    s3Client.destroy();
    await Promise.all([polly.stop(), s3.stop()]);
  }
});
