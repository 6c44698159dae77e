/**
 * Sessions: a random id in a cookie, and per session the models and images it uploaded, kept
 * in a folder of its own under names the server makes. A session idle for `ttlMs` is deleted
 * with its files.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageInfo, ModelInfo } from '../shared/api.js';
import type { ModelRef } from './compute-protocol.js';

export interface UploadedModel {
  info: ModelInfo;
  ref: ModelRef;
}

export interface UploadedImage {
  info: ImageInfo;
  path: string;
  contentType: string;
}

export interface Session {
  id: string;
  lastSeen: number;
  models: Map<string, UploadedModel>;
  images: Map<string, UploadedImage>;
  /** Its folder (made on the first upload). */
  dir: string;
}

const ID = /^[A-Za-z0-9_-]{24}$/;

export function newId(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    /** This server's own folder for uploads (deleted on close). */
    readonly root: string,
    private readonly ttlMs: number,
    private readonly onExpire: (session: Session) => void,
  ) {
    this.timer = setInterval(() => void this.sweep(), Math.min(60_000, Math.max(1000, ttlMs / 4)));
    this.timer.unref();
  }

  /** The session a cookie names, or a new one when it names none we know. */
  touch(cookie: string | undefined): Session {
    const known = cookie && ID.test(cookie) ? this.sessions.get(cookie) : undefined;
    const session = known ?? this.create();
    session.lastSeen = Date.now();
    return session;
  }

  get count(): number {
    return this.sessions.size;
  }

  private create(): Session {
    const id = newId();
    const session: Session = { id, lastSeen: Date.now(), models: new Map(), images: new Map(), dir: join(this.root, id) };
    this.sessions.set(id, session);
    return session;
  }

  async folder(session: Session): Promise<string> {
    await mkdir(session.dir, { recursive: true, mode: 0o700 });
    return session.dir;
  }

  /** Delete the sessions idle for longer than the time limit, with their files. */
  async sweep(now = Date.now()): Promise<void> {
    for (const session of [...this.sessions.values()]) {
      if (now - session.lastSeen <= this.ttlMs) continue;
      this.sessions.delete(session.id);
      this.onExpire(session);
      await rm(session.dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.sessions.clear();
    await rm(this.root, { recursive: true, force: true });
  }
}
