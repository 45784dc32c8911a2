/**
 * The desk pages (docs/spec/desk.md) served by the service itself under /desk/:
 * the files `npm run build` puts in dist/desk (the page, its hashed assets and
 * the policy documents under documents/), read-only. Paths that are no file
 * are the page's own routes (/desk/billing, /desk/slip/<id>…) and get the page.
 * The desk holds no secret: it calls /v1 with the key the clerk typed in.
 * A region added with a policy file brings its notice's text beside the file
 * (POLICY_DIR/<document>, the name its `document` gives): served under
 * documents/ too, read at each request so a SIGHUP-loaded region needs no
 * rebuild. documents.json lists the loaded policies' documents with titles.
 */
import { existsSync } from 'node:fs';
import type { PolicyCatalog } from '../policy/catalog.js';
import { placeOf } from '../import/mapping.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { sendError } from './errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** dist/http/desk.js → dist/desk; under tsx (src/http) the built copy in dist/desk, if any. */
export function defaultDeskDir(): string | null {
  for (const candidate of [path.resolve(here, '../desk'), path.resolve(here, '../../dist/desk')]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

/** The policy documents the loaded policies name, and where their texts are (the policy directory). */
export interface PolicyDocuments {
  catalog: PolicyCatalog;
  directory: string;
}

/** A document name that is a plain file name of a notice's text (never a path). */
const DOCUMENT_FILE = /^[\w.\u4e00-\u9fff-]+\.(txt|md)$/;

function documentIndex(documents: PolicyDocuments): { documents: { document: string; title: string; short: string; region: string; policyId: string }[] } {
  return {
    documents: documents.catalog.policies.map((policy) => ({
      document: policy.document,
      title: policy.name,
      short: placeOf(policy.name) ?? policy.region,
      region: policy.region,
      policyId: policy.id,
    })),
  };
}

export function deskPages(deskDir: string | null = defaultDeskDir(), policyDocuments?: PolicyDocuments): express.Router {
  const desk = express.Router();
  // Hospitals open the desk over plain http on their LAN: helmet's default
  // upgrade-insecure-requests would send the page's own requests to https.
  desk.use(
    helmet.contentSecurityPolicy({
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    }),
  );
  if (!deskDir) {
    desk.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'the desk pages are not built (npm run build)'));
    return desk;
  }
  const index = path.join(deskDir, 'index.html');
  desk.use(
    '/assets',
    express.static(path.join(deskDir, 'assets'), {
      index: false,
      fallthrough: false,
      immutable: true,
      maxAge: '365d',
    }),
  );
  // The desk's own files, like its assets (mounted, not routes of the API): the documents' titles, then the texts.
  desk.use('/documents.json', (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return next();
    res.set('Cache-Control', 'no-cache');
    res.json(policyDocuments ? documentIndex(policyDocuments) : { documents: [] });
  });
  const textHeaders = (res: Response, file: string) => {
    if (file.endsWith('.md')) res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
    else if (file.endsWith('.txt')) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  };
  desk.use(
    '/documents',
    express.static(path.join(deskDir, 'documents'), {
      index: false,
      fallthrough: true,
      maxAge: '1h',
      setHeaders: textHeaders,
    }),
  );
  // Not shipped with the build: the text beside a loaded policy that names it, and only such a text.
  desk.use('/documents', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let name: string;
    try {
      name = decodeURIComponent(req.path.slice(1));
    } catch {
      return sendError(res, 'NOT_FOUND', 'no such document');
    }
    const named = policyDocuments?.catalog.policies.some((policy) => policy.document === name);
    if (!policyDocuments || !named || !DOCUMENT_FILE.test(name)) return next();
    const file = path.resolve(policyDocuments.directory, name);
    textHeaders(res, file);
    res.set('Cache-Control', 'no-cache');
    res.sendFile(file, (error) => {
      if (error) next(error);
    });
  });
  desk.use(
    '/documents',
    express.static(path.join(deskDir, 'documents'), {
      index: false,
      fallthrough: false,
      maxAge: '1h',
      setHeaders: textHeaders,
    }),
  );
  // The page itself for every other path (its routes live in the browser); never cached, so a new build is picked up.
  desk.get('/{*route}', (req: Request, res: Response) => {
    if (req.originalUrl === '/desk') return res.redirect(301, '/desk/');
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  desk.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'no such page'));
  // Whatever the static files refuse (a missing asset, "..", a malformed path) is simply not there.
  desk.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, 'NOT_FOUND', 'no such file'));
  return desk;
}
