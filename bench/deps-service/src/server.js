// Benchmark fixture service: loads the libraries a typical API service starts with, so the image carries
// a realistic node_modules, and answers /healthz with the version the benchmark's code-only change bumps.
"use strict";
const Fastify = require("fastify");
const { z } = require("zod");
const knex = require("knex");
const { Sequelize } = require("sequelize");
const Redis = require("ioredis");
const axios = require("axios");
const jwt = require("jsonwebtoken");
const winston = require("winston");
const { S3Client } = require("@aws-sdk/client-s3");
const { APP_VERSION } = require("./version");

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "0.0.0.0";
const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? "warn" } });
// Clients are constructed (their code loads) but never connect: the benchmark has no database.
const db = knex({ client: "pg", connection: process.env.DATABASE_URL ?? "postgres://localhost/bench" });
const orm = new Sequelize("postgres://localhost/bench", { logging: false });
const cache = new Redis({ lazyConnect: true });
const s3 = new S3Client({ region: process.env.AWS_REGION ?? "us-east-1" });
const audit = winston.createLogger({ transports: [new winston.transports.Console({ level: "warn" })] });
const Query = z.object({ name: z.string().max(64).optional() });

app.register(require("@fastify/cors"));
app.register(require("@fastify/helmet"));
app.get("/healthz", async () => ({ ok: true, version: APP_VERSION }));
app.get("/", async (request) => {
  const { name } = Query.parse(request.query);
  return { hello: name ?? "world", token: jwt.sign({ sub: "bench" }, "not-a-secret", { expiresIn: 60 }) };
});

const shutdown = () => {
  app
    .close()
    .then(() => Promise.all([db.destroy(), orm.close(), cache.disconnect(), s3.destroy()]))
    .then(
      () => process.exit(0),
      (error) => (audit.error(String(error)), process.exit(1)),
    );
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
app.listen({ port, host }).catch((error) => {
  audit.error(String(error));
  process.exit(1);
});
void axios;
