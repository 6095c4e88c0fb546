/* The UNTP DCC JSON Schema run in the browser, by a vendored validator (@cfworker/json-schema,
   vendor/cfworker-json-schema/README.md): the same schema file the command line runs with
   Python's jsonschema, fetched from the page's data-schema-url (kept by the verify page's service
   worker for offline use). verify.js calls window.ocopSchemaCheck(credential) after the
   signature holds; it answers {checked: false} when the schema could not be read, else
   {checked: true, problems: [{where, what}]}: the failing keywords themselves, not the
   "a subschema had errors" lines that lead to them. docs/credentials.md. */
import { Validator } from "./vendor/cfworker-json-schema/index.js";

const root = document.getElementById("vc-verify");
// Keywords whose error only says that something below them failed.
const WRAPPERS = new Set(["properties", "$ref", "allOf", "anyOf", "oneOf", "items", "prefixItems",
  "additionalProperties", "unevaluatedProperties", "patternProperties", "if", "then", "else",
  "not", "dependentSchemas", "propertyNames"]);

let validator = null;
const ready = (async () => {
  try {
    const response = await fetch(root.dataset.schemaUrl);
    if (!response.ok) return;
    validator = new Validator(await response.json(), "2020-12", false);
  } catch (error) { /* offline and not kept: the check says it could not run */ }
})();

window.ocopSchemaCheck = async (credential) => {
  await ready;
  if (!validator) return { checked: false, problems: [] };
  const outcome = validator.validate(credential);
  if (outcome.valid) return { checked: true, problems: [] };
  const leaves = outcome.errors.filter((error) => !WRAPPERS.has(error.keyword));
  const problems = (leaves.length ? leaves : outcome.errors).map((error) => ({
    where: error.instanceLocation.replace(/^#\/?/, "") || "/",
    what: error.error,
  }));
  return { checked: true, problems };
};
root.dataset.schemaReady = "1";
