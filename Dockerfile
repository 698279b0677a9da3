# Concierge container image: docker build -t concierge . && docker run -p 8080:8080 -v concierge-data:/data concierge
# Configuration: mount a YAML file and point CONCIERGE_CONFIG at it (keep dataDir: /data), or set
# DATABASE_URL=postgres://… for PostgreSQL. The first start logs a one-time /setup link.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the native modules (libsql, sharp, argon2) come as prebuilt optional packages,
# the `node` devDependency would download a second Node 24 that this image already has, and the
# project's own `prepare` (the build) has no sources yet.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY emails ./emails
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:24-slim
ENV NODE_ENV=production \
    PORT=8080 \
    CONCIERGE_CONFIG=/app/config/docker.yaml
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config
COPY bin ./bin
# `concierge …` (the CLI) on PATH, e.g. docker exec -i <container> concierge user create … --password-stdin;
# /data belongs to the unprivileged `node` user of the base image, which runs the service.
RUN ln -s /app/bin/concierge.js /usr/local/bin/concierge \
 && mkdir -p /data \
 && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# node:24-slim has no curl: probe with Node's own fetch. PORT is what the service listens on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (finishes requests in flight, then exits 0); no npm in between,
# which would not pass the signal on.
CMD ["node", "dist/src/main.js"]
