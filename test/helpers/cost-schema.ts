/**
 * Validates what the tests produce against the JSON Schemas the package ships (schema/*.json), with ajv
 * (draft 2020-12). Use `assertCostDocument` on every cost document a test builds and `assertCostReview`
 * on every merged review, so a field the code writes and the schema does not describe fails a test.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";

const SCHEMA_DIR = path.join(__dirname, "..", "..", "schema");

function load(file: string): object {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8")) as object;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(load("cost.v1.schema.json"));
ajv.addSchema(load("cost-review.v1.schema.json"));

function validator(id: string): ValidateFunction {
  const validate = ajv.getSchema(id);
  if (validate === undefined) throw new Error(`no schema ${id}`);
  return validate;
}

export const validateCostDocument = validator("urn:ecr-pipeline:schema:cost:1");
export const validateCostReview = validator("urn:ecr-pipeline:schema:cost-review:1");

function assertValid(validate: ValidateFunction, value: unknown, what: string): void {
  const valid = validate(value);
  assert.ok(
    valid,
    `${what} does not match its schema: ${ajv.errorsText(validate.errors, { separator: "\n" })}`,
  );
}

/** Asserts that `value` is a valid cost document (schema/cost.v1.schema.json). */
export function assertCostDocument(value: unknown): void {
  assertValid(validateCostDocument, value, "cost document");
}

/** Asserts that `value` is a valid merged review (schema/cost-review.v1.schema.json). */
export function assertCostReview(value: unknown): void {
  assertValid(validateCostReview, value, "cost review");
}
