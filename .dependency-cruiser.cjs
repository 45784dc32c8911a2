/**
 * The layering, checked by `npm test` (docs/architecture.md "Layers"):
 * the engine is pure, Redis knows no policy, the faces reach Redis only
 * through the use-cases, and every face shares one wire contract.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one; split out what they share.',
      from: { path: '^(src|desk/src)/' },
      // A cycle through a type-only import vanishes at run time (the message areas name the catalogue's entry type).
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-stays-pure',
      severity: 'error',
      comment: 'domain, engine and policy compute; they know nothing of HTTP, Redis, the use-cases or the faces.',
      from: { path: '^src/(domain|engine|policy)/' },
      to: { path: '^src/(http|store|service|national|ops|import|cli|contract|compose\\.ts|server\\.ts)' },
    },
    {
      name: 'engine-does-no-io',
      severity: 'error',
      comment: 'The engine has no I/O, clock or randomness: no Redis, HTTP server, files or sockets.',
      from: { path: '^src/engine/' },
      to: { path: '(^|/)node_modules/(ioredis|express|pino|prom-client)/|^(node:)?(fs|net|http|https|child_process|crypto)$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-knows-no-policy',
      severity: 'error',
      comment: 'The Redis layer stores and scripts; the rules of a policy are the engine\'s.',
      from: { path: '^src/store/' },
      to: { path: '^src/(engine|policy|service|http|national|contract)/' },
    },
    {
      name: 'faces-go-through-use-cases',
      severity: 'error',
      comment:
        'HTTP routes and the national face translate onto src/service; they never read or write Redis themselves. ' +
        'store/keys.ts is allowed for ids: an id carries its person\'s hash slot.',
      from: { path: '^src/(http|national)/' },
      to: { path: '^src/store/', pathNot: '^src/store/keys\\.ts$' },
    },
    {
      name: 'nothing-imports-a-face',
      severity: 'error',
      comment: 'Only the composition root (compose.ts, server.ts) wires the faces; tools and the import share src/contract instead.',
      from: { path: '^src/', pathNot: '^src/(http|compose\\.ts|server\\.ts)' },
      to: { path: '^src/http/' },
    },
    {
      name: 'national-face-is-not-imported',
      severity: 'error',
      comment: 'The national face is reached through its HTTP route only.',
      from: { path: '^src/', pathNot: '^src/(http|national|compose\\.ts|server\\.ts)' },
      to: { path: '^src/national/' },
    },
    {
      name: 'contract-is-the-bottom-of-the-wire',
      severity: 'error',
      comment: 'The wire contract parses into domain records; it depends on nothing that serves or stores.',
      from: { path: '^src/contract/' },
      to: { path: '^src/(http|national|service|store|ops|import|cli|engine|policy)/' },
    },
    {
      name: 'use-cases-know-no-face',
      severity: 'error',
      comment: 'A use-case serves every face alike; it builds no HTTP answer and no national field path.',
      from: { path: '^src/service/' },
      to: { path: '^src/(http|national)/' },
    },
    {
      name: 'desk-reads-only-the-contract',
      severity: 'error',
      comment:
        'The desk runs in the browser: of the service it may import the wire contract\'s types, the national code tables ' +
        '(the slip prints the names the service files under) and the one message catalogue (pure data), nothing else.',
      from: { path: '^desk/src/' },
      to: { path: '^src/', pathNot: '^src/(contract/|messages/|domain/code-tables\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
