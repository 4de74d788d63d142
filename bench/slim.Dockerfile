# (b) One stage on the slim base, written with care: dependency manifests before code, npm cache cleaned,
# non-root. What it cannot do without a second stage is drop the devDependencies tsc needed.
ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
RUN npm run build
ENV NODE_ENV=production
USER 65532:65532
EXPOSE 8080
CMD ["node", "dist/server.js"]
