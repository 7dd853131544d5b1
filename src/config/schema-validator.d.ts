// The types of dist/config/schema-validator.js, which `npm run build` writes
// (build-validator.ts): ajv's standalone code for the config schema.
import type { ErrorObject } from 'ajv';

export declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
/** What it was built from: schemaKey() of the build. */
export declare const key: string;
