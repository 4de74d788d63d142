// Mocha `require` of the integration suite (.mocharc.integration.json): points this process — and every
// docker CLI it starts, including components/size/docker-cli.ts's plain `docker` — at the engine of
// `bash scripts/test-infra.sh up` when its socket exists and DOCKER_HOST is not set to another engine.
// Runs before any spec file is loaded, so nothing has resolved a docker command yet.
import { useTestEngine } from "../../tools/lib/engine";

useTestEngine();
