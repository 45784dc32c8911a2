/**
 * fast-check generators for fuzzing the HTTP write endpoints (test/load/fuzz):
 * random JSON, mutations of valid bodies (a field dropped, of the wrong type,
 * a huge or negative number, money with three decimals, an impossible date,
 * unicode traps, very long strings, nesting 50–500 deep, arrays for objects),
 * raw malformed text sent as application/json, and path segments for the
 * endpoints that take an id. Every generated request is one the HTTP client
 * can send (segments are percent-encoded where needed; URLs stay far below
 * the header limit).
 */
import fc from 'fast-check';

/** What the fuzz suite sends: a JSON value (serialised by us) or raw text, with optional header twists. */
export interface FuzzBody {
  kind: 'json' | 'raw';
  /** The JSON value (kind json) or the exact text (kind raw). */
  value: unknown;
  contentType: string;
  contentEncoding: string | null;
}

// ------------------------------------------------------------- leaf traps ---

/** Numbers that are no money: huge, tiny, negative, fractional, unsafe. JSON.stringify keeps them finite. */
export const numberTrap: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 1e21, 2 ** 53 + 2, -(2 ** 53), -1, -0.01, 0, 0.001, 12.345, 1.005, 999999999.99, 1e9, 20190101),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Strings that look like money and are not (or are at the edge). */
export const moneyTrap: fc.Arbitrary<string> = fc.constantFrom(
  '12.345',
  '0.001',
  '-1.00',
  '-0.01',
  '-0',
  '1e3',
  '1E+2',
  '+12.00',
  ' 12.00',
  '12.00 ',
  '12,00',
  '1,000.00',
  '0012.00',
  '.50',
  '12.',
  '999999999.99',
  '999999999.999',
  '1000000000.00',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  '0x10',
  '１２.００',
  '١٢٣.٤٥',
  '12.00\u0000',
  '',
);

/** Dates that are not calendar dates YYYY-MM-DD (and a few edge ones that are). */
export const dateTrap: fc.Arbitrary<string> = fc.constantFrom(
  '2019-02-30',
  '2019-13-01',
  '',
  '2019-00-10',
  '2019-12-32',
  '2018-02-29',
  '2019-2-3',
  '20190101',
  '2019/01/01',
  '2019-01-01T00:00:00Z',
  '2019-01-01 ',
  ' 2019-01-01',
  '0000-00-00',
  '0000-02-29',
  '9999-12-31',
  '1900-02-29',
  '2000-02-29',
  '２０１９-01-01',
  '2019-01-01\u0000',
  '-2019-01-01',
  '+002019-01-01',
  '2019-W01-1',
  '2019-001',
);

/** Unicode and injection-looking strings: emoji, RTL override, NUL, lone surrogates, zero-width, key patterns. */
export const unicodeTrap: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '😀🏥💉',
    '\u202Eevil\u202C',
    'مرحبا',
    'עברית',
    '\u0000',
    'a\u0000b',
    '\uFEFF',
    '\uD800',
    '\uDFFF',
    '𝟘𝟙𝟚',
    'Ａ１',
    '\u200B',
    'ǅ',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    "'; DROP TABLE x; --",
    '{card}',
    '*',
    'idem:{x}:*',
    '\r\n',
    '__proto__',
    'constructor',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Long strings: past every field limit, sometimes past the 64 kb body limit (413). */
export const longString: fc.Arbitrary<string> = fc
  .oneof({ arbitrary: fc.integer({ min: 33, max: 5_000 }), weight: 4 }, { arbitrary: fc.integer({ min: 60_000, max: 80_000 }), weight: 1 })
  .map((n) => 'x'.repeat(n));

/** A value nested `depth` levels deep (objects, arrays or both). */
export function nest(depth: number, kind: 'object' | 'array' | 'mixed', leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    value = asArray ? [value] : { a: value };
  }
  return value;
}

export const deepValue: fc.Arbitrary<unknown> = fc
  .record({ depth: fc.integer({ min: 50, max: 500 }), kind: fc.constantFrom('object' as const, 'array' as const, 'mixed' as const) })
  .map(({ depth, kind }) => nest(depth, kind));

/** Values of some other JSON type. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  numberTrap,
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.string({ maxLength: 10 }),
);

export const anyTrap: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: wrongType, weight: 4 },
  { arbitrary: numberTrap, weight: 2 },
  { arbitrary: moneyTrap, weight: 3 },
  { arbitrary: dateTrap, weight: 3 },
  { arbitrary: unicodeTrap, weight: 3 },
  { arbitrary: longString, weight: 1 },
  { arbitrary: deepValue, weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

// -------------------------------------------------------------- mutations ---

type Path = (string | number)[];

/** Every path of a JSON value: objects' keys and arrays' indexes, at every depth. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => [[...prefix, i], ...pathsOf(item, [...prefix, i])]);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  }
  return [];
}

type Mutation =
  | { op: 'drop'; path: Path }
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'number'; path: Path }
  | { op: 'wrap'; path: Path }
  | { op: 'extra'; path: Path; key: string; value: unknown };

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | null {
  let node: unknown = root;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>) : null;
}

function apply(root: unknown, mutation: Mutation): void {
  const parent = parentOf(root, mutation.path);
  const last = mutation.path.at(-1)!;
  if (!parent || !(last in parent)) return; // an earlier mutation removed the way there
  switch (mutation.op) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      return;
    // Values are copied in: fc.constant({}) hands out one shared object, and an 'extra'
    // mutation writing into it would corrupt every later run (even make it cyclic).
    case 'set':
      parent[last] = structuredClone(mutation.value);
      return;
    case 'number': {
      // a number where a string is expected: "1234.50" → 1234.5, "2019-03-01" → 2019
      const current = parent[last];
      parent[last] = typeof current === 'string' ? Number.parseFloat(current) || 0 : current;
      return;
    }
    case 'wrap':
      parent[last] = [parent[last]];
      return;
    case 'extra': {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[mutation.key] = structuredClone(mutation.value);
      else parent[last] = { [mutation.key]: structuredClone(mutation.value) };
      return;
    }
  }
}

/** 1–3 mutations of a valid body (the valid body comes from `valid`, itself random). */
export function mutationsOf(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return valid.chain((body) => {
    const paths = pathsOf(body);
    if (paths.length === 0) return fc.record({ key: fc.string({ maxLength: 8 }), value: anyTrap }).map(({ key, value }) => ({ ...body, [key]: value }));
    const path = fc.constantFrom(...paths);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('drop' as const), path }), weight: 3 },
      { arbitrary: fc.record({ op: fc.constant('set' as const), path, value: anyTrap }), weight: 8 },
      { arbitrary: fc.record({ op: fc.constant('number' as const), path }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant('wrap' as const), path }), weight: 1 },
      {
        arbitrary: fc.record({
          op: fc.constant('extra' as const),
          path,
          key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype')),
          value: anyTrap,
        }),
        weight: 1,
      },
    );
    return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
      const copy = structuredClone(body);
      for (const m of mutations) apply(copy, m);
      return copy;
    });
  });
}

// -------------------------------------------------------------- raw text ---

/** Text that is not JSON, or is JSON of a kind JSON.stringify would never write, sent as application/json. */
export function rawText(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  const validText = valid.map((v) => JSON.stringify(v));
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '{',
      '[',
      '{"a":',
      '{"a":1,}',
      "{'a':1}",
      'NaN',
      'undefined',
      '{"charges":{"total":1e400}}',
      '{"a":1}{"b":2}',
      '\uFEFF{}',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '"\\ud800"',
      '{"card":"\\u0000"}',
      '',
      ' ',
      'null',
      'true',
      '0',
      '-',
      '1e999',
      '-1e999',
      '[[[[[[',
      '{"a":"\\x41"}',
      '{"a":01}',
      '{"a":.5}',
      '{"a":+1}',
      '/* comment */ {}',
      '{"a":1}\u0000',
    ),
    fc.tuple(validText, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))),
    fc.tuple(validText, fc.string({ maxLength: 5 })).map(([text, junk]) => `${text}${junk}x`),
    fc.tuple(validText, fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.nat()).map(([text, junk, at]) => {
      const i = at % Math.max(1, text.length);
      return `${text.slice(0, i)}${junk}${text.slice(i)}`;
    }),
    fc.integer({ min: 50, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 50, max: 20_000 }).map((n) => '{"a":'.repeat(n)),
  );
}

// ------------------------------------------------------------------ bodies ---

const plainJson = { contentType: 'application/json', contentEncoding: null };

/** Every kind of body the suite sends to an endpoint whose valid body is drawn from `valid`. */
export function fuzzBody(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<FuzzBody> {
  const json = (value: fc.Arbitrary<unknown>) => value.map((v): FuzzBody => ({ kind: 'json', value: v, ...plainJson }));
  return fc.oneof(
    { arbitrary: json(mutationsOf(valid)), weight: 10 },
    { arbitrary: json(valid), weight: 2 },
    { arbitrary: json(fc.jsonValue({ maxDepth: 5 })), weight: 3 },
    { arbitrary: json(fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }).map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown)), weight: 1 },
    { arbitrary: json(deepValue), weight: 1 },
    // arrays instead of objects, null body, scalars
    {
      arbitrary: json(
        fc.oneof(
          valid.map((v) => [v]),
          mutationsOf(valid).map((v) => [v, v]),
          fc.constant(null),
          fc.constant([]),
          wrongType,
        ),
      ),
      weight: 2,
    },
    { arbitrary: rawText(valid).map((text): FuzzBody => ({ kind: 'raw', value: text, ...plainJson })), weight: 3 },
    // header twists: other content types and charsets, a gzip claim on plain text
    {
      arbitrary: fc
        .record({
          text: fc.oneof(
            valid.map((v) => JSON.stringify(v)),
            rawText(valid),
          ),
          contentType: fc.constantFrom(
            'application/json; charset=utf-8',
            'application/json; charset=latin1',
            'application/json; charset=utf-16',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/merge-patch+json',
          ),
          contentEncoding: fc.constantFrom(null, null, 'gzip', 'deflate', 'br', 'identity', 'x-unknown'),
        })
        .map(({ text, contentType, contentEncoding }): FuzzBody => ({ kind: 'raw', value: text, contentType, contentEncoding })),
      weight: 1,
    },
  );
}

// ------------------------------------------------------------------- paths ---

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** A path segment for an id parameter, already safe to put in a URL; `real` are ids that exist. */
export function pathSegment(real: string[], prefix: 'S' | 'R'): fc.Arbitrary<string> {
  const realId = real.length ? fc.constantFrom(...real) : fc.constant(`${prefix}-0000-${'0'.repeat(32)}`);
  return fc.oneof(
    { arbitrary: realId, weight: 2 },
    {
      arbitrary: fc.tuple(realId, fc.constantFrom('upper', 'chop', 'grow', 'swap', 'nul', 'dot')).map(([id, how]) => {
        switch (how) {
          case 'upper':
            return id.toUpperCase();
          case 'chop':
            return id.slice(0, -1);
          case 'grow':
            return `${id}0`;
          case 'swap':
            return id.startsWith('S-') ? `R-${id.slice(2)}` : `S-${id.slice(2)}`;
          case 'nul':
            return `${id}%00`;
          default:
            return `${id}.`;
        }
      }),
      weight: 3,
    },
    { arbitrary: fc.tuple(fc.constantFrom('S', 'R', 'X'), hex(4), hex(32)).map(([p, slot, rest]) => `${p}-${slot}-${rest}`), weight: 3 },
    // A new settlement id's shape: its year's digits and 13 base32 chars (20 before).
    {
      arbitrary: fc
        .tuple(
          hex(4),
          fc.integer({ min: 0, max: 99 }),
          fc.constantFrom(13, 20).chain((n) => hex(n)),
        )
        .map(([slot, yy, rest]) => `S-${slot}-${String(yy).padStart(2, '0')}${rest}`),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(encodeURIComponent), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '%',
        '%E0%A4%A',
        '%ZZ',
        '%C0%AF',
        '%FF',
        '%F0%9F%98',
        '%2e%2e',
        '..',
        '.',
        '%2F',
        'a%2Fb',
        '%00',
        '%0A',
        `${prefix}-0000-%zz`,
        '~',
        "'",
        '*',
        '%25',
        '%u0041',
        'S-ffff-ffffffffffffffffffffffffffffffff',
        'S-4000-00000000000000000000000000000000',
        'S-ffff-18zzzzzzzzzzzzzzzzzzzz',
        'S-4000-1900000000000000000000',
      ),
      weight: 3,
    },
    { arbitrary: fc.integer({ min: 65, max: 6_000 }).map((n) => 'a'.repeat(n)), weight: 1 },
  );
}

/** A path segment for a card or hospital id: one of `valid` mostly, else traps. */
export function namedSegment(valid: string[]): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 8 }, { arbitrary: pathSegment([], 'S'), weight: 2 });
}
