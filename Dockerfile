# syntax=docker/dockerfile:1
# Multi-stage build: compile with dev dependencies, ship only dist/ and production dependencies.
# dist/ holds the server and the operator tools (dist/cli/*.js: import, archive, keygen,
# catalogue-import, policy-check), run in a one-off container of this image:
#   docker compose run --rm settlement node dist/cli/import.js enrollees /in/enrollees.csv
# (docs/deploy.md "Operator tools").

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The desk pages (built by Vite into dist/desk) and the policy documents their citations open.
COPY desk ./desk
COPY docs/seeds ./docs/seeds
COPY docs/spec/policies.md ./docs/spec/policies.md
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# tini as PID 1: forwards SIGTERM to node (graceful shutdown) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=8080 \
    POLICY_DIR=/app/config/policies \
    CATALOGUE_DIR=/app/config/catalogues \
    API_KEYS_FILE=/run/secrets/api-keys.json
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node config/policies ./config/policies
COPY --chown=node:node config/catalogues ./config/catalogues
USER node
# 8080 the API; 9464 /metrics and the detailed /readyz (METRICS_HOST defaults to 127.0.0.1: set 0.0.0.0 on a private network).
EXPOSE 8080 9464
HEALTHCHECK --interval=10s --timeout=2s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# The service's node flags are named in src/ops/node-flags.ts only; exec leaves tini holding node itself.
CMD ["sh", "-c", "exec node $(node dist/ops/print-node-flags.js) dist/server.js"]
