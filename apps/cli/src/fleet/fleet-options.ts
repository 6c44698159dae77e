/**
 * Where a fleet lives: a Redis server (--redis URL) and a queue name (--queue, default
 * 'explain'). Every key is under `yolo-saliency:<queue>:`: BullMQ's own (the jobs), the
 * workers' heartbeats, the stems claimed in each output folder and benchmark answers.
 */
import type { RedisOptions } from 'bullmq';
import { Redis, type RedisOptions as ClientOptions } from 'ioredis';
import type { OptionSpec, ParsedArgs } from '../cli-args.js';
import { UsageError } from '../cli-errors.js';

export const FLEET_OPTIONS: Record<string, OptionSpec> = {
  redis: { type: 'string', value: 'URL', description: 'the Redis server of the fleet: redis://[user:password@]host[:port][/db], or rediss:// for TLS' },
  queue: { type: 'string', value: 'NAME', description: "the queue's name (default explain): fleets on one Redis keep apart by name" },
};

/** BullMQ's key prefix: every key of ours starts with it. */
export const KEY_PREFIX = 'yolo-saliency';

export interface Fleet {
  /** The URL as given, with any password hidden (for messages). */
  shown: string;
  queue: string;
  /** For BullMQ; `clientOptions` gives our own clients the same. */
  connection: RedisOptions;
}

/** The fleet's connection for an ioredis client of our own, with `extra` on top. */
export const clientOptions = (fleet: Fleet, extra: ClientOptions = {}): ClientOptions => ({ ...(fleet.connection as ClientOptions), ...extra });

export function readFleet(args: ParsedArgs, command: string): Fleet {
  const url = args.required('redis');
  const queue = args.string('queue') ?? 'explain';
  if (!/^[\w.-]{1,64}$/.test(queue)) throw new UsageError(`--queue must be 1 to 64 letters, digits, '.', '_' or '-', got '${queue}'`, command);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--redis must be a URL such as redis://127.0.0.1:6379, got '${url}'`, command);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new UsageError(`--redis must start with redis:// or rediss://, got '${url}'`, command);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new UsageError(`--redis: the database after the host must be a number, got '${db}'`, command);
  const connection: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's workers block on Redis and must retry for ever; they require this.
    maxRetriesPerRequest: null,
  };
  if (parsed.password) parsed.password = '***';
  return { shown: parsed.toString(), queue, connection };
}

/** `yolo-saliency:<queue>:<parts...>`. */
export const fleetKey = (fleet: Fleet, ...parts: string[]) => [KEY_PREFIX, fleet.queue, ...parts].join(':');

/**
 * A plain client that fails fast when Redis cannot be reached (one line naming --redis), for
 * commands that run once (submit, status, bench). `quit` it when done.
 */
export async function connectOnce(fleet: Fleet): Promise<Redis> {
  const client = new Redis(clientOptions(fleet, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 1, retryStrategy: () => null }));
  let last: unknown;
  client.on('error', (error) => (last = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw unreachable(fleet, last ?? error);
  }
  return client;
}

export function unreachable(fleet: Fleet, error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  return new Error(`--redis ${fleet.shown}: cannot reach Redis (${text.split('\n')[0]})`);
}
