# syntax=docker/dockerfile:1
# OneStop: one multi-stage build, one target per deployable (docs/deploy.md). No container
# engine ran where this file was written: it is linted (dockerfilelint) and cross-checked with
# compose.yaml and the Kubernetes manifests by test/src/platform/deploy-artifacts.test.ts.
#
#   docker build --target gateway            -t onestop/gateway .
#   docker build --target work-permit        -t onestop/work-permit .
#   docker build --target residence-permit   -t onestop/residence-permit .
#   docker build --target counter-scheduling -t onestop/counter-scheduling .
#   docker build --target dashboard          -t onestop/dashboard .
#   docker build --target identity           -t onestop/identity .
#   docker build --target migrate            -t onestop/migrate .

# --- Build: install the workspace, compile every package and the dashboard, then drop dev dependencies.
FROM node:24-bookworm-slim AS build
ENV CI=true
WORKDIR /app
RUN npm install --global pnpm@12.4.2 && npm cache clean --force
# Manifests first, so a source change does not refetch the dependencies.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY services/common/package.json services/common/
COPY services/work-permit/package.json services/work-permit/
COPY services/residence-permit/package.json services/residence-permit/
COPY services/counter-scheduling/package.json services/counter-scheduling/
COPY services/identity/package.json services/identity/
COPY gateway/package.json gateway/
COPY dashboard/package.json dashboard/
COPY scripts/package.json scripts/
COPY test/package.json test/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile
COPY . .
# tsc -b over every package, the dashboard bundle, and the gateway's safelist manifest.
RUN pnpm build && node scripts/dist/safelist.js --out schema/safelist.json
RUN pnpm install --prod --frozen-lockfile --offline --config.confirmModulesPurge=false \
    && rm -rf test bench dashboard/node_modules services/*/src gateway/src scripts/src

# --- Runtime: what every deployable shares. Runs as the image's `node` user (uid 1000); the code
# stays owned by root, so the process cannot change it.
# Start-up grace is the orchestrator's (compose: healthcheck.start_period; Kubernetes: probes).
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    METRICS_PORT=9464 \
    METRICS_HOST=0.0.0.0 \
    ONESTOP_MIGRATIONS=verify \
    LOG_LEVEL=info
WORKDIR /app
COPY --from=build /app /app
# work-permit's filesystem attachment store (ATTACHMENTS_DIR) when a volume is mounted here; a new
# Docker volume takes this directory's owner, so `node` can write to it on a read-only root.
RUN mkdir -p /var/lib/onestop/attachments && chown node:node /var/lib/onestop/attachments
USER node
EXPOSE 9464

# --- The gateway: the only public GraphQL endpoint (HTTP and graphql-ws on /graphql).
FROM runtime AS gateway
ENV GATEWAY_PORT=4000 \
    GATEWAY_SAFELIST_MANIFEST=schema/safelist.json
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "GATEWAY_PORT", "4000"]
CMD ["node", "--enable-source-maps", "gateway/dist/main.js"]

# --- Subgraphs: reachable only with the gateway's signature.
# work-permit also serves the attachment files (signed URLs) on a second, public port (decision 0012).
FROM runtime AS work-permit
ENV WORK_PERMIT_PORT=4001 \
    WORK_PERMIT_FILES_PORT=4005 \
    ATTACHMENTS_DIR=/var/lib/onestop/attachments
EXPOSE 4001 4005
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "WORK_PERMIT_PORT", "4001"]
CMD ["node", "--enable-source-maps", "services/work-permit/dist/main.js"]

FROM runtime AS residence-permit
ENV RESIDENCE_PERMIT_PORT=4002
EXPOSE 4002
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "RESIDENCE_PERMIT_PORT", "4002"]
CMD ["node", "--enable-source-maps", "services/residence-permit/dist/main.js"]

FROM runtime AS counter-scheduling
ENV COUNTER_SCHEDULING_PORT=4003
EXPOSE 4003
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "COUNTER_SCHEDULING_PORT", "4003"]
CMD ["node", "--enable-source-maps", "services/counter-scheduling/dist/main.js"]

# --- The dashboard: the built SPA and a same-origin proxy of /graphql to the gateway.
FROM runtime AS dashboard
ENV DASHBOARD_PORT=5173
EXPOSE 5173
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "DASHBOARD_PORT", "5173"]
CMD ["node", "--enable-source-maps", "scripts/dist/serve-dashboard.js"]

# --- The embedded OpenID Connect provider (docs/identity.md): for a single host and demos; production
# normally sets OIDC_ISSUER to the government's own provider and runs no identity container. It
# migrates its own schema (`identity`) at start-up, under the same advisory lock as the job.
FROM runtime AS identity
ENV IDENTITY_PORT=4004
EXPOSE 4004
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "IDENTITY_PORT", "4004"]
CMD ["node", "--enable-source-maps", "services/identity/dist/main.js"]

# --- The one-shot migration job: applies every pending migration, then exits (run before new pods).
FROM runtime AS migrate
HEALTHCHECK NONE
CMD ["node", "--enable-source-maps", "scripts/dist/migrate.js"]
