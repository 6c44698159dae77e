#!/usr/bin/env node
/** `pnpm -s web [--port P] [--host H] [--jobs N]`: start the web app. */
import { parseArgs } from 'node:util';
import { startServer } from './app.js';

const USAGE = `usage: pnpm -s web [--port P] [--host H] [--jobs N] [--log]
  --port P   port to listen on (default 8080; 0 picks a free one)
  --host H   address to listen on (default 127.0.0.1, this machine only)
  --jobs N   jobs computed at once (default: min(2, cores)); the rest wait in a queue
  --log      log every request`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string' }, host: { type: 'string' }, jobs: { type: 'string' }, log: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`error: --port must be 0..65535, got '${values.port}'\n`);
    return 2;
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)) {
    process.stderr.write(`error: --jobs must be 1..64, got '${values.jobs}'\n`);
    return 2;
  }
  const server = await startServer({ port, host: values.host ?? '127.0.0.1', logger: !!values.log, ...(jobs ? { maxRunningJobs: jobs } : {}) });
  if (!server.config.clientDir) process.stderr.write('warning: the page is not built (run pnpm --filter @yolo-saliency/web build); serving the API only\n');
  process.stdout.write(`yolo-saliency web: ${server.url}/ (API: ${server.url}/api/openapi.json; ${server.config.maxRunningJobs} job(s) at once)\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
