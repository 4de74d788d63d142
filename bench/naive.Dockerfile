# (a) The naive Dockerfile, written the way the size complaints usually start: full base image, one stage,
# the whole context copied first (no .dockerignore: .git, tests and .env go in), every dependency
# including devDependencies, debugging tools from apt without --no-install-recommends or list cleanup,
# running as root. Any code change reruns apt and npm install. Do not copy this; it is the baseline.
ARG NODE_IMAGE=node:22
FROM ${NODE_IMAGE}
WORKDIR /app
COPY . .
RUN apt-get update
RUN apt-get install -y procps jq vim
RUN npm install
RUN npm run build
EXPOSE 8080
CMD ["npm", "start"]
