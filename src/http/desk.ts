/**
 * The desk pages (docs/spec/desk.md) served by the service itself under /desk/:
 * the files `npm run build` puts in dist/desk (the page, its hashed assets and
 * the policy documents under documents/), read-only. Paths that are no file
 * are the page's own routes (/desk/billing, /desk/slip/<id>…) and get the page.
 * The desk holds no secret: it calls /v1 with the key the clerk typed in.
 */
import { existsSync } from 'node:fs';
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

export function deskPages(deskDir: string | null = defaultDeskDir()): express.Router {
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
  desk.use(
    '/documents',
    express.static(path.join(deskDir, 'documents'), {
      index: false,
      fallthrough: false,
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (file.endsWith('.md')) res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
        else if (file.endsWith('.txt')) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      },
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
