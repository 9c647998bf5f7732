# The image of `consumer-probe serve` for deploy/ (see the README, "Deploy it in a cluster").
#   docker build -t consumer-probe:0.1.0 .
# Stage 1 builds the bundles from the sources; stage 2 holds Node and dist/cli.js only: esbuild folds
# every dependency into that one file (test/integration/deployManifests.test.ts runs it alone).
# Pinned by tag; pin by digest too (node:20.20.2-bookworm-slim@sha256:…) where images must not move.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the build needs none (esbuild runs from its platform package).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY esbuild.js tsconfig.json ./
COPY src ./src
COPY webview-ui ./webview-ui
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the probe's user; the Deployment mounts the root filesystem read-only.
COPY --from=build /src/dist/cli.js /app/cli.js
# The base image's `node` user, by number so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 9464
ENTRYPOINT ["node", "/app/cli.js"]
CMD ["serve"]
