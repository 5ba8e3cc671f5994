/** AudioStore in a local folder (`.data/audio` under `npm start`), served by the local stack's audio server. */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import type { AudioStore } from './audio-store';

export class UnsafeAudioKeyError extends Error {
  override readonly name = 'UnsafeAudioKeyError';
}

export class LocalFolderAudioStore implements AudioStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Keys are relative paths; anything that would leave the folder is refused. */
  private path(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new UnsafeAudioKeyError(`audio key leaves the store: ${key}`);
    return path;
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename: a reader never sees half a file.
    const partial = join(dirname(path), `.${randomUUID()}.partial`);
    await writeFile(partial, bytes);
    await rename(partial, path);
  }
}
