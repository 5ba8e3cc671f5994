'use strict';
/**
 * Local serverless plugin: after `serverless deploy`, publishes the audio Twilio fetches to
 * the stage's bucket — the Persian clip pack (clips/fa/*.wav) and every English catalogue
 * prompt synthesized by Polly into the cache (tts/…) — with scripts/synthesize-prompts.ts,
 * so Persian callers never hear silence after a first deploy. Idempotent: unchanged clips are
 * not uploaded again, cached prompts not synthesized again. Runs with the deployer's
 * credentials. --param "publishAudio=false" skips it.
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

class PublishAudioPlugin {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = { 'after:deploy:deploy': () => this.publish() };
  }

  async publish() {
    const { serverless } = this;
    const provider = serverless.getProvider('aws');
    const params = serverless.configurationInput?.params ?? {};
    const cli = (this.options.param ?? []).find((p) => p.startsWith('publishAudio='));
    if (cli === 'publishAudio=false' || params[provider.getStage()]?.publishAudio === false) return;
    const stackName = provider.naming.getStackName();
    const { Stacks } = await provider.request('CloudFormation', 'describeStacks', { StackName: stackName });
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    if (!outputs.AudioBucketName) throw new Error(`stack ${stackName} has no AudioBucketName output`);
    const environment = serverless.service.provider.environment ?? {};
    const text = (name, fallback) => (typeof environment[name] === 'string' && environment[name] !== '' ? environment[name] : fallback);
    const root = serverless.config.servicePath;
    serverless.cli.log(`Publishing the clip pack and English prompts to s3://${outputs.AudioBucketName} …`);
    execFileSync(process.execPath, [require.resolve('tsx/cli', { paths: [root] }), join(root, 'scripts', 'synthesize-prompts.ts'), '--modules'], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...(this.options['aws-profile'] ? { AWS_PROFILE: this.options['aws-profile'] } : {}),
        AWS_REGION: provider.getRegion(),
        STAGE: provider.getStage(),
        AUDIO_BUCKET: outputs.AudioBucketName,
        TTS_MODE: 'polly',
        POLLY_VOICE: text('POLLY_VOICE', 'Joanna'),
        POLLY_ENGINE: text('POLLY_ENGINE', 'neural'),
        POLLY_SAMPLE_RATE: text('POLLY_SAMPLE_RATE', '22050'),
        CONFIG_TABLE: text('CONFIG_TABLE', `${serverless.service.service}-${provider.getStage()}-config`),
      },
    });
  }
}

module.exports = PublishAudioPlugin;
