/**
 * Write the API's OpenAPI document (made by @fastify/swagger from the route schemas) to
 * docs/web-api.openapi.json: `pnpm --filter @yolo-saliency/web openapi`. A test checks that
 * the served document and this file agree.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildServer } from './app.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../../../../docs/web-api.openapi.json', import.meta.url));

const server = await buildServer({ compute: false, clientDir: undefined });
await server.app.ready();
await writeFile(OPENAPI_FILE, JSON.stringify(server.app.swagger(), null, 2) + '\n');
await server.close();
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
