/**
 * The OpenAPI document: valid OpenAPI 3.1, generated from the declared
 * operations, covering every route Express answers (a route added without a
 * declaration fails here), roles and error codes per operation, examples
 * that are the worked examples and validate against their schemas. The
 * answers themselves are checked in every integration test (test/helpers/contract.ts).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDescriptionOf } from '../../src/http/app.js';
import { enrolleeExample, hospitalExample, referralExample, refusalExample, settlementRequestExamples, settlementResponseExample } from '../../src/http/openapi/examples.js';
import { ContractChecker, expressRoutes, undocumentedRoutes } from '../helpers/contract.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, any>;

let t: TestService;
let document: Json;
beforeAll(async () => {
  t = await startTestService();
  document = (
    await t.http
      .get('/openapi.json')
      .expect(200)
      .expect('Content-Type', /application\/json/)
  ).body as Json;
});
afterAll(async () => t?.close());

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

describe('the document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors ?? []).slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.openapi).toBe('3.1.0');
  });

  it('is the one generated at start from the declared operations (what /openapi.json serves)', () => {
    expect(document).toEqual(JSON.parse(JSON.stringify(apiDescriptionOf(t.service.app).document)));
  });

  it('covers every route Express answers, and nothing Express does not', () => {
    expect(undocumentedRoutes(t.service.app)).toEqual([]);
    const routes = new Set(expressRoutes(t.service.app));
    for (const { path, method } of operations()) expect(routes.has(`${method.toUpperCase()} ${path}`), `${method} ${path}`).toBe(true);
    // The contract's endpoints (api.md), /healthz and /readyz among them.
    for (const route of [
      'POST /v1/settlements/preview',
      'POST /v1/settlements',
      'GET /v1/settlements/{settlementId}',
      'POST /v1/settlements/{settlementId}/reversal',
      'GET /v1/enrollees/{card}/settlements',
      'PUT /v1/hospitals/{hospitalId}',
      'GET /v1/hospitals/{hospitalId}',
      'PUT /v1/enrollees/{card}',
      'GET /v1/enrollees/{card}',
      'GET /v1/enrollees/{card}/accumulators/{year}',
      'POST /v1/enrollees/{card}/refresh',
      'POST /v1/enrollees:bulk',
      'POST /v1/referrals',
      'GET /v1/referrals/{referralId}',
      'DELETE /v1/referrals/{referralId}',
      'GET /v1/policies',
      'GET /v1/policies/{policyId}',
      'GET /v1/hospitals/{hospitalId}/statements/{date}',
      'POST /v1/hospitals/{hospitalId}/reconciliations',
      'GET /v1/hospitals/{hospitalId}/reconciliations',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /',
    ]) {
      expect(routes.has(route), route).toBe(true);
    }
  });

  it('catches a route registered without its declaration', () => {
    // Someone adds a route the plain Express way, on the app or on a mounted router:
    const rogue = express.Router();
    rogue.get('/me', (_req, res) => {
      res.json({});
    });
    t.service.app.use('/v1-rogue', rogue);
    t.service.app.post('/rogue', (_req, res) => {
      res.json({});
    });
    try {
      expect(undocumentedRoutes(t.service.app)).toEqual(['GET /v1-rogue/me', 'POST /rogue']);
    } finally {
      const stack = (t.service.app as unknown as { router: { stack: unknown[] } }).router.stack;
      stack.splice(stack.length - 2, 2);
    }
    expect(undocumentedRoutes(t.service.app)).toEqual([]);
  });

  it('says per operation which roles may call it, with the Bearer scheme', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { path, method, operation } of operations()) {
      const label = `${method} ${path}`;
      // Every /v1 and platform operation needs a key; of the rest, /metrics does (an admin's).
      if (path.startsWith('/v1/') || path.startsWith('/hsa/') || path === '/metrics') {
        expect(operation.security, label).toEqual([{ bearer: [] }]);
        expect(operation['x-roles'].length, label).toBeGreaterThan(0);
        expect(operation.description, label).toMatch(/Roles: /);
        expect(Object.keys(operation.responses), label).toEqual(expect.arrayContaining(['401', '403']));
      } else {
        expect(operation.security, label).toEqual([]);
      }
      // Every answer's error body is the contract's, with the codes it may carry.
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (Number(status) < 400) continue;
        const schema = response.content['application/json'].schema;
        if (`${method} ${path} ${status}` === 'get /readyz 503') continue; // not ready: the readiness body, not an error
        if (path.startsWith('/hsa/')) {
          // The platform's face answers every error in its own envelope (national-platform.md §1).
          expect(schema.$ref ?? schema.properties?.infcode, `${label} ${status}`).toBeTruthy();
          continue;
        }
        expect(schema.properties.error.properties.code.enum.length, `${label} ${status}`).toBeGreaterThan(0);
      }
    }
    const settle = document.paths['/v1/settlements'].post;
    expect(settle['x-roles']).toEqual(['admin', 'billing']);
    expect(settle.responses['422'].content['application/json'].schema.properties.error.properties.code.enum).toEqual(
      expect.arrayContaining(['NOT_COVERED', 'REFERRAL_REQUIRED', 'CROSS_YEAR_SPLIT_REQUIRED', 'HOSPITAL_NOT_FOUND']),
    );
    expect(settle.responses['409'].content['application/json'].schema.properties.error.properties.code.enum).toEqual(['IDEMPOTENCY_CONFLICT']);
    expect(settle.responses['200'].headers['Idempotent-Replay'].required).toBe(true);
    expect(settle.responses['503'].headers['Retry-After'].required).toBe(true);
    expect(document.paths['/v1/hospitals/{hospitalId}'].put['x-roles']).toEqual(['admin']);
    expect(document.paths['/v1/enrollees:bulk'].post['x-roles']).toEqual(['admin']);
  });
});

describe('examples', () => {
  const ajv = () => {
    const instance = new Ajv2020({ strict: false });
    addFormats(instance);
    instance.addSchema(document, 'openapi.json');
    return instance;
  };
  const schemaAt = (...parts: string[]) => ({ $ref: `openapi.json#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}` });

  it('are the worked examples', () => {
    const cases = new Map(workedExamples.cases.map((c) => [c.request.requestId, c]));
    for (const [id, example] of Object.entries(settlementRequestExamples)) expect(example.value, id).toEqual(cases.get(id)!.request);
    expect(hospitalExample.body).toEqual(workedExamples.hospitals[hospitalExample.hospitalId]);
    expect(enrolleeExample.body).toEqual(workedExamples.enrollees[enrolleeExample.card]);
    expect(referralExample).toEqual(workedExamples.referrals[0]);
    const pyExpected = cases.get('P-PY-1')!.expect;
    expect(pyExpected.status === 'settled' && settlementResponseExample).toMatchObject({
      payments: pyExpected.status === 'settled' ? pyExpected.payments : {},
      fundTotal: '7717.97',
      patientTotal: '4627.70',
    });
    const refused = cases.get('P-JJ-5')!.expect;
    expect(refused.status === 'refused' && refused.error).toBe(refusalExample.error.code);
  });

  it('validate against their schemas in the document', () => {
    const validator = ajv();
    for (const { path, method, operation } of operations()) {
      for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Record<string, Json>)) {
        for (const [name, example] of Object.entries((media.examples ?? {}) as Record<string, Json>)) {
          const validate = validator.compile(schemaAt('paths', path, method, 'requestBody', 'content', type, 'schema'));
          expect(validate(example.value), `${method} ${path} request example ${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        }
      }
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, Json>)) {
          for (const [name, example] of Object.entries((media.examples ?? {}) as Record<string, Json>)) {
            const validate = validator.compile(schemaAt('paths', path, method, 'responses', status, 'content', type, 'schema'));
            expect(validate(example.value), `${method} ${path} ${status} example ${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
          }
        }
      }
    }
  });

  it('answer what the service answers for them (ids, instants and key aside)', async () => {
    await t.loadWorkedRegistry();
    const settled = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing['PY-COUNTY']!)).send(settlementRequestExamples['P-PY-1'].value).expect(201);
    const comparable = (body: Json) => ({ ...body, settlementId: '…', settledAt: '…', policyVersion: '…', operator: { ...body.operator, keyId: '…' } });
    expect(settled.body.policyVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(comparable(settled.body)).toEqual(comparable(settlementResponseExample));
    const refused = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing['FZ-XIEHE']!)).send(settlementRequestExamples['P-JJ-5'].value).expect(422);
    expect(refused.body).toEqual(refusalExample);
  });
});

describe('the contract check itself', () => {
  const checker = () => new ContractChecker(document);
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const headers = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r1' };

  it('passes a conforming answer', () => {
    expect(checker().check('GET', '/healthz', 200, headers, json({ status: 'ok' }))).toEqual([]);
  });

  it('reports a body off its schema, an undeclared status, a missing or an undeclared header', () => {
    const c = checker();
    expect(c.check('GET', '/healthz', 200, headers, json({ status: 'ok', extra: 1 }))[0]).toMatch(/does not match/);
    expect(c.check('GET', '/healthz', 202, headers, json({ status: 'ok' }))[0]).toMatch(/not declared/);
    expect(c.check('GET', '/healthz', 200, { 'content-type': 'application/json' }, json({ status: 'ok' }))[0]).toMatch(/x-request-id is missing/);
    expect(c.check('GET', '/healthz', 200, { ...headers, 'retry-after': '1' }, json({ status: 'ok' }))[0]).toMatch(/retry-after is sent but not declared/);
    expect(c.check('POST', '/v1/settlements', 200, headers, json(settlementResponseExample))[0]).toMatch(/idempotent-replay is missing/);
    const error = { error: { code: 'UNAVAILABLE', message: 'down', details: [] } };
    expect(c.check('POST', '/v1/settlements', 503, headers, json(error))[0]).toMatch(/retry-after is missing/);
    expect(c.check('POST', '/v1/settlements', 503, { ...headers, 'retry-after': '1' }, json(error))).toEqual([]);
    // A code the operation does not declare at that status:
    expect(c.check('GET', '/v1/policies', 404, headers, json({ error: { code: 'NOT_FOUND', message: 'x', details: [] } }))[0]).toMatch(/not declared/);
    expect(c.check('GET', '/v1/policies/x', 404, headers, json({ error: { code: 'ENROLLEE_NOT_FOUND', message: 'x', details: [] } }))[0]).toMatch(/does not match/);
  });

  it('holds an answer to no operation to the error body and a 4xx', () => {
    const c = checker();
    expect(c.check('GET', '/nowhere', 404, headers, json({ error: { code: 'NOT_FOUND', message: 'no such endpoint', details: [] } }))).toEqual([]);
    expect(c.check('GET', '/nowhere', 200, headers, json({}))[0]).toMatch(/no operation/);
  });

  it('checks each line of an NDJSON answer', () => {
    const c = checker();
    const ndjson = { ...headers, 'content-type': 'application/x-ndjson' };
    const good =
      '{"line":1,"card":"A1","outcome":"created"}\n{"summary":{"kind":"enrollees","rows":1,"created":1,"updated":0,"unchanged":0,"rejected":0,"lastLine":1,"interrupted":false,"sourceError":null}}\n';
    expect(c.check('POST', '/v1/enrollees:bulk', 200, ndjson, Buffer.from(good))).toEqual([]);
    expect(c.check('POST', '/v1/enrollees:bulk', 200, ndjson, Buffer.from('{"line":1,"outcome":"maybe"}\n'))[0]).toMatch(/line 1/);
  });
});

describe('the reference page and the index', () => {
  it('/docs is the interactive reference, served from this process with a policy of its own', async () => {
    const page = await t.http
      .get('/docs')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.text).toContain('data-url="/openapi.json"');
    expect(page.text).toContain('"withDefaultFonts":false');
    expect(page.text).not.toMatch(/https?:\/\//); // no CDN
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const script = page.text.match(/<script src="([^"]+)"/)![1]!;
    const bundle = await t.http
      .get(script)
      .expect(200)
      .expect('Content-Type', /javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    // Other answers keep helmet's default policy.
    const health = await t.http.get('/healthz').expect(200);
    expect(String(health.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('GET / points to the desk pages, the reference, the document and health', async () => {
    const index = await t.http.get('/').expect(200);
    expect(index.body.links).toMatchObject({ desk: '/desk/', docs: '/docs', openapi: '/openapi.json', health: '/healthz' });
  });
});
