/**
 * The `docker buildx build` invocation pulumi-docker-build v0.0.22 makes from a `docker-build:index:Image`'s
 * inputs, as a pure function: give it the inputs the component registers (recorded under mocks with
 * test/helpers/pulumi-mocks.ts) and run the argv it returns against a real engine. That is how the
 * integration tests prove that what the component SENDS is a build that does what we claim.
 *
 * Followed from the provider's source at tag v0.0.22 (github.com/pulumi/pulumi-docker-build,
 * provider/internal/; line numbers are at that tag):
 * - Check: `infer.DefaultCheck` decodes the inputs and applies the `a.SetDefault(...)` annotations
 *   (image.go:361; pulumi-go-provider v1.3.2 infer/resource.go:1072-1088). {@link withProviderDefaults}.
 * - image.go:407-442 `normalize`: `push: true` appends a `type=registry` export (image.go:436),
 *   `load: true` a `type=docker` one (image.go:439).
 * - image.go:534-690 `validate` turns the args into `BuildOptions`: every export through
 *   `Export.String()` (export.go:121) and `parseExports` (export.go:151), every cache through
 *   `CacheFrom/CacheTo.String()` (cache.go:444, 675) and buildx's cache parser, platforms, tags,
 *   secrets (image.go:653), and `NetworkMode: normalized.Network.String()` (image.go:677), which is
 *   "default" when unset (network.go:51).
 * - Two ways to build: by default (`builder.exec` unset) client.go:160-330 calls buildx's Go API
 *   (`buildx.Build`) with those options; with `exec: true`, cli.go:249-388 `execBuild` runs
 *   `docker-buildx build` with flags made from the same options. This module writes the flags the
 *   exec path writes (cli.go:292-382). They are the documented CLI spellings of the Go-API fields
 *   (https://docs.docker.com/reference/cli/docker/buildx/build/), with two differences of the exec
 *   path that the Go-API path does not have, both noted where they are handled: the Go-API path
 *   disables provenance (client.go:273 `Attests: {"provenance": nil}`, CLI `--provenance=false`), and
 *   it passes an export's `dest` as `OutputDir` (client.go:234), which the exec path drops.
 * - The digest the provider stores as `digest` (and so the one `imageUri` pins) is the exporter
 *   response's `containerimage.digest` (image.go:762, `exptypes.ExporterImageDigestKey`); the exec
 *   path reads it from `--metadata-file` (cli.go:291-296, 390-418). buildx writes the same key there.
 *
 * Not argv: `registries` (credentials: the exec path writes them to a temporary DOCKER_CONFIG,
 * cli.go:273-287), `buildOnPreview`, `context.named`/`ssh`/`addHosts` (not sent by our components;
 * rejected here so nothing is silently dropped).
 */

/** The subset of docker-build's ImageArgs our components send, as the mocks record them. */
export type RecordedImageInputs = Record<string, unknown>;

export interface ProviderInvocationOptions {
  /** Where buildx writes the exporter response (`containerimage.digest`); cli.go:291. */
  metadataFile: string;
  /**
   * The builder `host.builderFor` resolves (host.go:73-160): the exec path always passes
   * `--builder <name>` (cli.go:297). Default "default" (the docker driver's builder).
   */
  builderName?: string;
  /**
   * Point the build at another registry: every occurrence of `from` (the ECR repository URL the
   * mocks give) in tags and cache refs becomes `to` (e.g. 127.0.0.1:5000/proof-gzip). Only for tests.
   */
  rewriteRepository?: { from: string; to: string };
  /**
   * Add `registry.insecure=true` to registry exports and registry caches: a plain-HTTP registry on
   * loopback needs it (BuildKit's exporter and cache attribute; not something the component sends).
   */
  insecureRegistry?: boolean;
  /** A preview build: registry exports get `push=false` (export.go:237-239). */
  preview?: boolean;
  /** Names of the environment variables that carry secret values; default PULUMI_DOCKER_SECRET_<n>. */
  secretEnvName?: (index: number) => string;
}

export interface ProviderInvocation {
  /** Arguments after `docker`: `buildx build …`. */
  argv: string[];
  /** Extra environment for the secrets (`--secret id=…,env=…`, cli.go:373-382). */
  env: Record<string, string>;
  /** The warning the provider logs for these options (image.go:512-522), if any. */
  warnings: string[];
}

type Attrs = Array<[string, string]>;
interface Entry {
  type: string;
  attrs: Attrs;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${what} is not an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${what} is not a list: ${JSON.stringify(value)}`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`${what} is not a string: ${JSON.stringify(value)}`);
  return value;
}

/** `fmt.Sprintf("%t", b)` for a present bool, nothing for an absent one (the provider's `*bool`). */
function flag(key: string, value: unknown): string[] {
  return typeof value === "boolean" ? [`${key}=${value}`] : [];
}

/**
 * `ExportWithCompression.String()` (export.go:519-537) and `CacheWithCompression.String()`
 * (cache.go:584-602): NOTHING when compressionLevel is 0 (its default, export.go:511) — this is how
 * `compression: "zstd"` without a level is dropped — else compression, the level (capped at 22) and
 * forceCompression.
 */
function compressionParts(entry: Record<string, unknown>): string[] {
  const level = typeof entry.compressionLevel === "number" ? entry.compressionLevel : 0;
  if (level === 0) return [];
  const parts: string[] = [];
  if (typeof entry.compression === "string") parts.push(`compression=${entry.compression}`);
  if (level > 0) parts.push(`compression-level=${Math.min(level, 22)}`);
  parts.push(...flag("force-compression", entry.forceCompression));
  return parts;
}

/** `ExportImage.String()` (export.go:371-404) without its `type=`: the image/registry exporter attributes. */
function imageExportParts(image: Record<string, unknown>): string[] {
  const parts = [
    ...flag("push", image.push),
    ...flag("push-by-digest", image.pushByDigest),
    ...flag("insecure", image.insecure),
    ...(typeof image.danglingNamePrefix === "string" && image.danglingNamePrefix !== ""
      ? [`dangling-name-prefix=${image.danglingNamePrefix}`]
      : []),
    ...flag("name-canonical", image.nameCanonical),
    ...flag("unpack", image.unpack),
    ...flag("store", image.store),
    // ExportWithOCI.String() (export.go:493-498)
    ...flag("oci-mediatypes", image.ociMediaTypes),
    ...compressionParts(image),
    // ExportWithNames.String() (export.go:545-551)
    ...list(image.names, "names").map((name) => `name=${text(name, "names[]")}`),
    // ExportWithAnnotations.String() (export.go:566-573), sorted as there
    ...Object.entries(record(image.annotations ?? {}, "annotations"))
      .map(([key, value]) => `annotation.${key}=${text(value, `annotations.${key}`)}`)
      .sort(),
  ];
  return parts;
}

/** `ExportDocker.String()` (export.go:279-300), also the body of `ExportOCI` (export.go:312-317). */
function dockerExportParts(docker: Record<string, unknown>): string[] {
  return [
    ...(typeof docker.dest === "string" && docker.dest !== "" ? [`dest=${docker.dest}`] : []),
    ...flag("tar", docker.tar),
    ...flag("oci-mediatypes", docker.ociMediaTypes),
    ...compressionParts(docker),
    ...Object.entries(record(docker.annotations ?? {}, "annotations"))
      .map(([key, value]) => `annotation.${key}=${text(value, `annotations.${key}`)}`)
      .sort(),
    ...list(docker.names, "names").map((name) => `name=${text(name, "names[]")}`),
  ];
}

/**
 * The defaults `infer.DefaultCheck` applies before anything else (the `a.SetDefault` annotations):
 * export.go:271 (docker tar=true), 308 (oci ociMediaTypes=true), 337 (image store=true), 417 (registry
 * push=true), 489 (ociMediaTypes=false), 510-512 (compression gzip, level 0, force false); cache.go:133-134
 * (ociMediaTypes=true, imageManifest=false), 339 (mode min), 359 (ignoreError false), 573-575
 * (compression gzip, level 0, force false). The values the user gave win.
 */
export function withProviderDefaults(inputs: RecordedImageInputs): RecordedImageInputs {
  const compression = { compression: "gzip", compressionLevel: 0, forceCompression: false };
  const exportDefaults: Record<string, Record<string, unknown>> = {
    registry: { push: true, store: true, ociMediaTypes: false, ...compression },
    image: { store: true, ociMediaTypes: false, ...compression },
    docker: { tar: true, ociMediaTypes: false, ...compression },
    oci: { tar: true, ociMediaTypes: true, ...compression },
  };
  const cacheToDefaults: Record<string, Record<string, unknown>> = {
    registry: { mode: "min", ignoreError: false, ociMediaTypes: true, imageManifest: false, ...compression },
    local: { mode: "min", ignoreError: false, ...compression },
  };
  const fill = (entries: unknown, defaults: Record<string, Record<string, unknown>>, what: string) =>
    list(entries, what).map((entry, index) => {
      const fields = record(entry, `${what}[${index}]`);
      return Object.fromEntries(
        Object.entries(fields).map(([kind, body]) =>
          defaults[kind] !== undefined && body !== null && typeof body === "object"
            ? [kind, { ...defaults[kind], ...(body as Record<string, unknown>) }]
            : [kind, body],
        ),
      );
    });
  const result: RecordedImageInputs = { ...inputs };
  if (inputs.exports !== undefined) result.exports = fill(inputs.exports, exportDefaults, "exports");
  if (inputs.cacheTo !== undefined) result.cacheTo = fill(inputs.cacheTo, cacheToDefaults, "cacheTo");
  return result;
}

/** `Export.String()` then `parseExports` (export.go:121-215): the entry buildx receives. */
function exportEntry(exportInput: unknown, index: number, preview: boolean): Entry | undefined {
  const fields = record(exportInput, `exports[${index}]`);
  if (fields.disabled === true) return undefined; // image.go:579-581
  const kinds = Object.keys(fields).filter((key) => key !== "disabled" && fields[key] !== undefined);
  if (kinds.length !== 1)
    throw new Error(`exports[${index}] should specify one export type: ${kinds.join(", ")}`);
  const kind = kinds[0] as string;
  const body = fields[kind];
  let type: string;
  let parts: string[];
  switch (kind) {
    case "registry":
      type = "registry";
      parts = imageExportParts(record(body, `exports[${index}].registry`));
      break;
    case "image":
      type = "image";
      parts = imageExportParts(record(body, `exports[${index}].image`));
      break;
    case "docker":
    case "oci":
      type = kind;
      parts = dockerExportParts(record(body, `exports[${index}].${kind}`));
      break;
    case "tar":
    case "local":
      type = kind;
      parts = [
        `dest=${text(record(body, `exports[${index}].${kind}`).dest, `exports[${index}].${kind}.dest`)}`,
      ];
      break;
    case "cacheonly":
      type = "cacheonly";
      parts = [];
      break;
    case "raw":
      return parseCsvEntry(text(body, `exports[${index}].raw`), preview, true);
    default:
      throw new Error(`exports[${index}].${kind} is not modelled by provider-invocation.ts`);
  }
  return parseCsvEntry([`type=${type}`, ...parts].join(","), preview, true);
}

/**
 * parseExports (export.go:151-215) for one entry; for caches, buildx's `ParseCacheEntry` does the
 * same key=value split. `type=registry` exports become `type=image` with `push=true` unless given
 * (export.go:200-205); in a preview an image export gets `push=false` (export.go:237-239).
 */
function parseCsvEntry(csv: string, preview: boolean, isExport: boolean): Entry {
  let type = "";
  const attrs: Attrs = [];
  for (const field of csv.split(",")) {
    if (field === "") continue;
    const equals = field.indexOf("=");
    if (equals < 0) throw new Error(`invalid value ${field}`);
    const key = field.slice(0, equals).trim().toLowerCase();
    const value = field.slice(equals + 1);
    if (key === "type") type = value;
    else attrs.push([key, value]);
  }
  if (type === "") throw new Error(`type is required: ${csv}`);
  const set = (key: string, value: string) => {
    const existing = attrs.find(([name]) => name === key);
    if (existing) existing[1] = value;
    else attrs.push([key, value]);
  };
  if (isExport && type === "registry") {
    type = "image";
    if (!attrs.some(([key]) => key === "push")) attrs.push(["push", "true"]);
  }
  if (isExport && preview && type === "image") set("push", "false");
  return { type, attrs };
}

/** `CacheFrom.String()` (cache.go:444-449) / `CacheTo.String()` (cache.go:675-680), then parsed. */
function cacheEntry(cacheInput: unknown, what: string): Entry | undefined {
  const fields = record(cacheInput, what);
  if (fields.disabled === true) return undefined;
  const kinds = Object.keys(fields).filter((key) => key !== "disabled" && fields[key] !== undefined);
  if (kinds.length !== 1) throw new Error(`${what} should only specify one cache type: ${kinds.join(", ")}`);
  const kind = kinds[0] as string;
  const body = fields[kind];
  let csv: string;
  switch (kind) {
    case "registry": {
      const registry = record(body, `${what}.registry`);
      // CacheToRegistry.String() (cache.go:550-561): ref, CacheWithMode (cache.go:345),
      // CacheWithIgnoreError (cache.go:363), CacheWithOCI (cache.go:139-147), CacheWithCompression.
      csv = [
        `type=registry,ref=${text(registry.ref, `${what}.registry.ref`)}`,
        ...(typeof registry.mode === "string" ? [`mode=${registry.mode}`] : []),
        ...flag("ignore-error", registry.ignoreError),
        ...(typeof registry.ociMediaTypes === "boolean"
          ? [`oci-mediatypes=${registry.ociMediaTypes}`, ...flag("image-manifest", registry.imageManifest)]
          : []),
        ...compressionParts(registry),
      ].join(",");
      break;
    }
    case "local": {
      const local = record(body, `${what}.local`);
      csv = [
        "type=local",
        ...(typeof local.src === "string" ? [`src=${local.src}`] : []),
        ...(typeof local.dest === "string" ? [`dest=${local.dest}`] : []),
        ...(typeof local.mode === "string" ? [`mode=${local.mode}`] : []),
        ...flag("ignore-error", local.ignoreError),
        ...compressionParts(local),
      ].join(",");
      break;
    }
    case "inline":
      csv = "type=inline";
      break;
    case "raw":
      csv = text(body, `${what}.raw`);
      break;
    default:
      throw new Error(`${what}.${kind} is not modelled by provider-invocation.ts`);
  }
  return parseCsvEntry(csv, false, false);
}

/** cli.go:458-464 `attrcsv`: `type=<type>,k=v,…` (the provider iterates a Go map: any order; ours is stable). */
function attrcsv(entry: Entry): string {
  return [`type=${entry.type}`, ...entry.attrs.map(([key, value]) => `${key}=${value}`)].join(",");
}

const NOT_ARGV = new Set([
  "registries",
  "buildOnPreview",
  "context",
  "dockerfile",
  "ignoreSecretsInDiffCalculation",
]);
const ARGV_FIELDS = new Set([
  "buildArgs",
  "builder",
  "cacheFrom",
  "cacheTo",
  "exports",
  "labels",
  "load",
  "network",
  "noCache",
  "platforms",
  "pull",
  "push",
  "secrets",
  "tags",
  "target",
]);

/**
 * The `docker buildx build` argv the provider runs for these Image inputs (see the module comment for
 * the path through the provider's code).
 */
export function providerBuildInvocation(
  recordedInputs: RecordedImageInputs,
  options: ProviderInvocationOptions,
): ProviderInvocation {
  for (const key of Object.keys(recordedInputs)) {
    if (recordedInputs[key] !== undefined && !NOT_ARGV.has(key) && !ARGV_FIELDS.has(key))
      throw new Error(`Image input "${key}" is not modelled by provider-invocation.ts`);
  }
  const inputs = withProviderDefaults(recordedInputs);
  const preview = options.preview ?? false;
  const rewrite = (value: string): string =>
    options.rewriteRepository === undefined
      ? value
      : value.split(options.rewriteRepository.from).join(options.rewriteRepository.to);
  const insecure = (entry: Entry, isRegistry: boolean): Entry =>
    options.insecureRegistry === true && isRegistry
      ? { type: entry.type, attrs: [...entry.attrs, ["registry.insecure", "true"]] }
      : entry;

  // normalize (image.go:435-440): push/load shorthand appended after the explicit exports.
  const exportInputs = [...list(inputs.exports, "exports")];
  if (inputs.push === true) exportInputs.push({ raw: "type=registry" });
  if (inputs.load === true) exportInputs.push({ raw: "type=docker" });
  const exports = exportInputs
    .map((entry, index) => exportEntry(entry, index, preview))
    .filter((entry): entry is Entry => entry !== undefined)
    .map((entry) => insecure(entry, entry.type === "image"));

  const caches = (field: "cacheFrom" | "cacheTo") =>
    list(inputs[field], field)
      .map((entry, index) => cacheEntry(entry, `${field}[${index}]`))
      .filter((entry): entry is Entry => entry !== undefined)
      .map((entry) => ({
        type: entry.type,
        attrs: entry.attrs.map(([key, value]): [string, string] => [
          key,
          key === "ref" ? rewrite(value) : value,
        ]),
      }))
      .map((entry) => insecure(entry, entry.type === "registry"));
  const cacheFrom = caches("cacheFrom");
  const cacheTo = caches("cacheTo");

  const platforms = list(inputs.platforms, "platforms").map((platform) => text(platform, "platforms[]"));
  const tags = list(inputs.tags, "tags").map((tag) => rewrite(text(tag, "tags[]")));
  const builder = inputs.builder === undefined ? undefined : record(inputs.builder, "builder");
  if (builder?.exec === true)
    throw new Error("builder.exec is not modelled (the exec path itself is what this mirrors)");
  const builderName = typeof builder?.name === "string" && builder.name !== "" ? builder.name : undefined;

  // cli.go:292-298, then the flags in the exec path's order (cli.go:305-369).
  const argv = [
    "buildx",
    "build",
    "--progress",
    "plain",
    "--metadata-file",
    options.metadataFile,
    "--builder",
    builderName ?? options.builderName ?? "default",
    // client.go:273: the Go-API path (the default) disables provenance attestations.
    "--provenance=false",
  ];
  for (const [name, value] of Object.entries(record(inputs.buildArgs ?? {}, "buildArgs")))
    argv.push("--build-arg", `${name}=${text(value, `buildArgs.${name}`)}`);
  for (const entry of cacheFrom) argv.push("--cache-from", attrcsv(entry));
  for (const entry of cacheTo) argv.push("--cache-to", attrcsv(entry));
  for (const entry of exports) argv.push("--output", attrcsv(entry));
  for (const [name, value] of Object.entries(record(inputs.labels ?? {}, "labels")))
    argv.push("--label", `${name}=${text(value, `labels.${name}`)}`);
  // image.go:677 + network.go:51-56: an unset network is "default", and the exec path always passes it.
  argv.push("--network", typeof inputs.network === "string" ? inputs.network : "default");
  if (inputs.noCache === true) argv.push("--no-cache");
  for (const platform of platforms) argv.push("--platform", platform);
  if (inputs.pull === true) argv.push("--pull");
  for (const tag of tags) argv.push("--tag", tag);
  if (typeof inputs.target === "string" && inputs.target !== "") argv.push("--target", inputs.target);
  const dockerfile = inputs.dockerfile === undefined ? undefined : record(inputs.dockerfile, "dockerfile");
  if (typeof dockerfile?.inline === "string") throw new Error("dockerfile.inline is not modelled");
  if (typeof dockerfile?.location === "string") argv.push("-f", dockerfile.location);
  const context = record(inputs.context, "context");
  if (context.named !== undefined) throw new Error("context.named is not modelled");
  argv.push(text(context.location, "context.location"));

  // cli.go:373-382: each secret's value travels in a fresh environment variable.
  const env: Record<string, string> = {};
  const envName = options.secretEnvName ?? ((index: number) => `PULUMI_DOCKER_SECRET_${index}`);
  Object.entries(record(inputs.secrets ?? {}, "secrets")).forEach(([id, value], index) => {
    const name = envName(index);
    env[name] = text(value, `secrets.${id}`);
    argv.push("--secret", `id=${id},env=${name}`);
  });

  const warnings: string[] = [];
  if (platforms.length > 1 && cacheTo.length > 0)
    warnings.push("Caching doesn't work reliably with multi-platform builds"); // image.go:518-522
  return { argv, env, warnings };
}

/** The digest buildx reports (what the provider stores as `digest`, image.go:762-765). */
export function digestFromMetadata(metadataJson: string): string {
  const metadata = JSON.parse(metadataJson) as Record<string, unknown>;
  const digest = metadata["containerimage.digest"];
  if (typeof digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(digest))
    throw new Error(`no containerimage.digest in the build metadata: ${metadataJson.slice(0, 300)}`);
  return digest;
}
