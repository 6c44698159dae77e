/**
 * What each live worker says about itself, for `queue status` and `queue bench`: a key per
 * worker (`yolo-saliency:<queue>:worker:<id>`, JSON) rewritten every few seconds with a
 * time-to-live of three periods, so a worker that dies drops out on its own, and a set of the
 * ids ever seen (pruned by readers).
 */
import type { Redis } from 'ioredis';
import { fleetKey, type Fleet } from './fleet-options.js';

export const HEARTBEAT_MS = 2000;

export interface WorkerReport {
  id: string;
  host: string;
  pid: number;
  runtime: string;
  backend: string;
  device: string;
  threads?: number;
  concurrency: number;
  startedAt: string;
  /** Jobs finished by this worker since it started. */
  completed: number;
  failed: number;
  maps: number;
  /** Maps per second over the last minute (since the start, when younger). */
  mapsPerSecond: number;
  /** Ids of the jobs it holds now. */
  active: string[];
  /** Set when it stops (SIGINT/SIGTERM): it takes no new job. */
  stopping?: boolean;
}

const workersSet = (fleet: Fleet) => fleetKey(fleet, 'workers');
const workerKey = (fleet: Fleet, id: string) => fleetKey(fleet, 'worker', id);

export async function publishWorker(client: Redis, fleet: Fleet, report: WorkerReport): Promise<void> {
  await client.multi().set(workerKey(fleet, report.id), JSON.stringify(report), 'PX', 3 * HEARTBEAT_MS).sadd(workersSet(fleet), report.id).exec();
}

export async function removeWorker(client: Redis, fleet: Fleet, id: string): Promise<void> {
  await client.multi().del(workerKey(fleet, id)).srem(workersSet(fleet), id).exec();
}

/** The live workers, by id. */
export async function liveWorkers(client: Redis, fleet: Fleet): Promise<WorkerReport[]> {
  const ids = (await client.smembers(workersSet(fleet))).sort();
  if (ids.length === 0) return [];
  const values = await client.mget(ids.map((id) => workerKey(fleet, id)));
  const gone = ids.filter((_, k) => values[k] === null);
  if (gone.length) await client.srem(workersSet(fleet), ...gone);
  return values.flatMap((v) => {
    if (v === null) return [];
    try {
      return [JSON.parse(v) as WorkerReport];
    } catch {
      return [];
    }
  });
}
