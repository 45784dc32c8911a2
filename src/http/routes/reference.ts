/**
 * The integrators' entry points: `/` (where to look), `/openapi.json` (the
 * document generated from the registered operations) and `/docs` (the
 * interactive reference, Scalar's standalone bundle served from this
 * process: no CDN).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from 'helmet';
import { serviceIndexSchema } from '../../contract/service.js';
import type { ApiRouter } from '../openapi/operations.js';
import { z } from 'zod';

const SCALAR_FILE = 'scalar-api-reference.js';

/** The build copies the bundle next to the compiled code; from source it is read out of node_modules. */
function scalarBundle(): string | null {
  const built = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets', SCALAR_FILE);
  if (existsSync(built)) return built;
  try {
    return createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
  } catch {
    return null;
  }
}

/**
 * What the reference page needs and no more: its own scripts, styles (Scalar
 * sets inline style attributes), images and fonts from data: URLs, calls
 * back to this origin ("try it"). The fonts of Scalar's CDN are switched off.
 */
const docsPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

/** Nothing leaves for Scalar's own services: no CDN fonts, no AI agent, no telemetry, no hosted toolbar. */
const SCALAR_CONFIGURATION = {
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: 'never',
  defaultOpenAllTags: false,
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Resident-insurance settlement service — API reference</title>
</head>
<body>
<script id="api-reference" data-url="/openapi.json" data-configuration='${JSON.stringify(SCALAR_CONFIGURATION)}'></script>
<script src="/docs/${SCALAR_FILE}"></script>
</body>
</html>
`;

export const INDEX_LINKS = {
  desk: '/desk/',
  docs: '/docs',
  openapi: '/openapi.json',
  health: '/healthz',
  readiness: '/readyz',
};

/** `documentText` answers the document built once every route is registered (createApp). */
export function referenceRoutes(root: ApiRouter, version: string, documentText: () => string): void {
  root.on(
    {
      method: 'get',
      path: '/',
      operationId: 'getIndex',
      summary: 'Where to look: the desk pages, this reference, the document, health',
      tags: ['Operations'],
      roles: 'public',
      responses: { 200: { description: 'links', schema: serviceIndexSchema } },
    },
    (_req, res) => {
      res.json({ service: 'resident-insurance-settlement', version, links: INDEX_LINKS });
    },
  );
  root.on(
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This document (OpenAPI 3.1), generated from the schemas the service validates with',
      tags: ['Operations'],
      roles: 'public',
      responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
    },
    (_req, res) => {
      res.type('application/json').send(documentText());
    },
  );
  root.page('get', '/docs', 'the interactive API reference (Scalar)', docsPolicy, (_req, res) => {
    res.type('html').send(PAGE);
  });
  root.page('get', `/docs/${SCALAR_FILE}`, "Scalar's standalone bundle", (_req, res) => {
    const file = scalarBundle();
    if (!file) {
      res.status(404).type('text/plain').send('the API reference bundle (@scalar/api-reference) is not installed; /openapi.json is');
      return;
    }
    res.sendFile(file, { maxAge: '1d' });
  });
}
