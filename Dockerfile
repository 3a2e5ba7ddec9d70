# syntax=docker/dockerfile:1.7
#
# One image per app (DESIGN §2), plus a migration image, from one Dockerfile:
#
#   docker build --build-arg APP=api --build-arg PORT=3000 -t crm-channels/api .
#   docker build --target migrate -t crm-channels/migrate .
#
# APP is the folder under apps/ (every app of deploy/services.json); PORT is that app's port from DESIGN §2 — the
# build stops with the right value if it is missing or different. docker-compose.yml passes both and builds every image.
#
# Stages: deps (all dependencies) → build (SWC into dist/) ; prod-deps (production dependencies only) →
# runtime (node_modules + dist/libs, non-root) → migrate | app (default target).

ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
# deps: every dependency, for compiling. Install scripts are not needed to build (SWC's native binding arrives as an
# optional platform package) and the `node` devDependency's script would download a second Node.js: skip them.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund

# ---------------------------------------------------------------------------------------------------------------
# build: node tools/build.js compiles apps/, libs/ and tools/ into dist/ (same layout, @crm/* aliases rewritten).
FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY tools ./tools
COPY libs ./libs
COPY apps ./apps
RUN node tools/build.js

# ---------------------------------------------------------------------------------------------------------------
# prod-deps: production node_modules only, no install scripts.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---------------------------------------------------------------------------------------------------------------
# runtime: what every image shares. Code and dependencies belong to root and are read-only for the `node` user
# (uid 1000) that runs the process.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
USER node
STOPSIGNAL SIGTERM

# ---------------------------------------------------------------------------------------------------------------
# migrate: one-shot job. Reads DATABASE_URL, creates the database if missing, applies pending migrations, exits 0.
FROM runtime AS migrate
CMD ["node", "dist/libs/persistence/src/cli/migrate.js", "up"]

# ---------------------------------------------------------------------------------------------------------------
# app (default target): one service. Graceful shutdown on SIGTERM is handled by the app itself (service-kit), and node
# is PID 1 through `exec`, so the signal reaches it.
FROM runtime AS app
ARG APP
ARG PORT
COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}
# Fails the build unless APP names an app, PORT is its port (the default of its config class), and its module graph
# loads with production dependencies only (a devDependency required at run time is caught here, not in production).
RUN node <<'EOF'
const fs = require('node:fs');
const { APP, PORT } = process.env;
const apps = fs.readdirSync('dist/apps');
const fail = (msg) => { console.error(`Dockerfile: ${msg}`); process.exit(1); };
if (!APP || APP.includes('/') || !fs.existsSync(`dist/apps/${APP}/src/main.js`)) {
  fail(`build with --build-arg APP=<one of: ${apps.join(', ')}> (got "${APP ?? ''}")`);
}
require('reflect-metadata');
const mod = require(`./dist/apps/${APP}/src/${APP}.service-definition.js`);
const def = Object.values(mod).find((v) => v && typeof v === 'object' && typeof v.configClass === 'function');
if (!def) fail(`dist/apps/${APP}/src/${APP}.service-definition.js exports no ServiceDefinition`);
const port = String(new def.configClass().PORT);
if (PORT !== port) fail(`${APP} listens on ${port}: build with --build-arg PORT=${port} (got "${PORT ?? ''}")`);
console.log(`${APP}: port ${port}, production dependencies resolve`);
process.exit(0);
EOF
ENV APP=${APP} \
    PORT=${PORT}
EXPOSE ${PORT}
# /health is 200 only when the app's Postgres and Kafka answer (503 otherwise).
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["sh", "-c", "exec node \"dist/apps/${APP}/src/main.js\""]
