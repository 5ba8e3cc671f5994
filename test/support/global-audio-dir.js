/**
 * jest globalSetup / globalTeardown: the product's default audio folder is `.data/audio` (for
 * `npm start`); tests that build speech from configuration without naming a folder would write
 * joined Persian sentences there. One temporary folder for the whole run instead, removed at
 * its end (workers inherit AUDIO_DIR, since they start after globalSetup).
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const KEY = '__BALANCE_IVR_TEST_AUDIO_DIR__';

module.exports.setup = async () => {
  if (process.env.AUDIO_DIR) return;
  const dir = mkdtempSync(join(tmpdir(), 'balance-ivr-test-audio-'));
  process.env.AUDIO_DIR = dir;
  globalThis[KEY] = dir;
};

module.exports.teardown = async () => {
  const dir = globalThis[KEY];
  if (dir) rmSync(dir, { recursive: true, force: true });
};
