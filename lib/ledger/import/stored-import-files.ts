/**
 * The uploaded parts of an import, kept under `imports/<job>/part-<n>` in the product's data
 * store: the S3 bucket deployed (a private prefix: only `clips/`, `tts/`, `joined/` and
 * `uploads/` are public), a local folder locally. Removed when the job ends: a file may hold
 * telephone passwords.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import type { ImportFiles } from './import-jobs';

const JOB_ID = /^[a-z0-9]{6,40}$/;

function key(jobId: string, part: number): string {
  // Job ids are made by the product; anything else never reaches a path.
  if (!JOB_ID.test(jobId) || !Number.isInteger(part) || part < 0) throw new RangeError(`invalid import part ${jobId}/${part}`);
  return `imports/${jobId}/part-${part}`;
}

export class S3ImportFiles implements ImportFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async putPart(jobId: string, part: number, bytes: Uint8Array): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key(jobId, part), Body: bytes, ContentType: 'application/octet-stream' }));
  }

  async getPart(jobId: string, part: number): Promise<Uint8Array | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key(jobId, part) }));
      return Body ? await Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)) return undefined;
      throw error;
    }
  }

  async deleteParts(jobId: string, parts: number): Promise<void> {
    const Objects = Array.from({ length: parts }, (_, part) => ({ Key: key(jobId, part) }));
    if (Objects.length > 0) await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }));
  }
}

export class LocalFolderImportFiles implements ImportFiles {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async putPart(jobId: string, part: number, bytes: Uint8Array): Promise<void> {
    const path = join(this.root, key(jobId, part));
    await mkdir(join(this.root, 'imports', jobId), { recursive: true });
    await writeFile(path, bytes);
  }

  async getPart(jobId: string, part: number): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.root, key(jobId, part))));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async deleteParts(jobId: string): Promise<void> {
    key(jobId, 0);
    await rm(join(this.root, 'imports', jobId), { recursive: true, force: true });
  }
}
