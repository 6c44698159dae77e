/**
 * Uploaded files: streamed to the session's folder under a name the server makes, counted
 * against the limit of their kind, and checked by their first bytes before anything reads
 * them.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { MultipartFile } from '@fastify/multipart';
import { HttpError } from './http-error.js';
import { checkMagic, displayName, type UploadKind } from './upload-checks.js';

/** Bytes inspected before the file is accepted for writing. */
const HEAD_BYTES = 64 * 1024;

export interface StoredUpload {
  kind: UploadKind;
  /** The client's name, cleaned, for messages and the page. */
  name: string;
  path: string;
  bytes: number;
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 2 ** 20) * 10) / 10} MB`;
}

/** Stream one multipart file to `folder/fileName`; the file is removed again on any failure. */
export async function storeUpload(part: MultipartFile, kind: UploadKind, limit: number, folder: string, fileName: string): Promise<StoredUpload> {
  const name = displayName(part.filename);
  const path = join(folder, fileName);
  const out = createWriteStream(path, { mode: 0o600 });
  let bytes = 0;
  let head: Buffer[] = [];
  let headBytes = 0;
  let checked = false;
  const write = async (chunk: Buffer) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limit) throw new HttpError(413, `${name}: larger than the ${megabytes(limit)} limit for this kind of file`);
      if (checked) {
        await write(chunk);
        continue;
      }
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= HEAD_BYTES) {
        const all = Buffer.concat(head);
        checkMagic(kind, all.subarray(0, HEAD_BYTES), name);
        checked = true;
        head = [];
        await write(all);
      }
    }
    if (part.file.truncated) throw new HttpError(413, `${name}: larger than the ${megabytes(limit)} limit for this kind of file`);
    if (bytes === 0) throw new HttpError(400, `${name}: empty file (0 bytes)`);
    if (!checked) {
      const all = Buffer.concat(head);
      checkMagic(kind, all, name);
      await write(all);
    }
    out.end();
    await once(out, 'close');
    return { kind, name, path, bytes };
  } catch (error) {
    out.destroy();
    // Let the rest of this part go by, so the response can be read by the client.
    part.file.resume();
    await rm(path, { force: true });
    throw error;
  }
}
