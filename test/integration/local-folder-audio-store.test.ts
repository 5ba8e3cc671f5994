import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFolderAudioStore, UnsafeAudioKeyError } from '../../lib/speech/local-folder-audio-store';

describe('LocalFolderAudioStore', () => {
  it('stores concurrent writes side by side and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audio-store-'));
    const store = new LocalFolderAudioStore(dir);
    const keys = Array.from({ length: 8 }, (_, i) => `tts/${i}.mp3`);
    await Promise.all(keys.map((k, i) => store.put(k, new Uint8Array([i]))));
    expect(readdirSync(join(dir, 'tts')).sort()).toEqual(keys.map((k) => k.slice(4)).sort());
    expect(await store.exists('tts/3.mp3')).toBe(true);
    expect([...((await store.get('tts/3.mp3')) ?? [])]).toEqual([3]);
    expect(await store.exists('tts/missing.mp3')).toBe(false);
    expect(await store.get('tts/missing.mp3')).toBeUndefined();
  });

  it('refuses keys that would leave its folder', async () => {
    const store = new LocalFolderAudioStore(mkdtempSync(join(tmpdir(), 'audio-store-')));
    await expect(store.put('../escape.wav', new Uint8Array([1]))).rejects.toBeInstanceOf(UnsafeAudioKeyError);
    await expect(store.exists('/etc/passwd')).rejects.toBeInstanceOf(UnsafeAudioKeyError);
  });
});
