/**
 * The validation engine (src/core/validation: rules, token counting, cost, report model, jsonc-parser) is a chunk of
 * its own (dist/chunks/), required the first time something is validated, never during activation. The editor glue
 * imports only the small, pure helpers it needs synchronously (detect, format, abort) directly.
 */
export type ValidationEngine = typeof import('../core/validation/index.js');

let engine: Promise<ValidationEngine> | undefined;

export function validationEngine(): Promise<ValidationEngine> {
  return (engine ??= import('../core/validation/index.js'));
}
