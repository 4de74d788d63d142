/**
 * Validates recorded `docker-build:index:Image` inputs against the provider's own package schema
 * (test/fixtures/docker-build.schema.json), converted to JSON Schema for ajv: `#/types/…` refs become
 * definitions, Pulumi enums become JSON Schema enums, and objects reject unknown properties.
 */
import Ajv from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";

type Json = Record<string, unknown>;

const schemaPath = path.join(__dirname, "..", "fixtures", "docker-build.schema.json");

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== "object") return node;
  const source = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (
      [
        "description",
        "secret",
        "language",
        "default",
        "deprecationMessage",
        "replaceOnChanges",
        "willReplaceOnChanges",
        "plain",
        "isOverlay",
      ].includes(key)
    )
      continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace("#/types/", "#/definitions/");
    } else if (key === "enum" && Array.isArray(value)) {
      out.enum = value.map((entry) => (entry as Json).value);
    } else {
      out[key] = convert(value);
    }
  }
  if (out.type === "object" && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

export function imageInputValidator(): (inputs: unknown) => string[] {
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8")) as Json;
  const resource = (schema.resources as Json)["docker-build:index:Image"] as Json;
  const definitions = convert(schema.types) as Json;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile({
    type: "object",
    properties: convert(resource.inputProperties) as Json,
    required: resource.requiredInputs as string[],
    additionalProperties: false,
    definitions,
  });
  return (inputs) => {
    if (validate(inputs)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
    );
  };
}
