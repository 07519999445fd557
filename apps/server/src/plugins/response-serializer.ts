import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import type { FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

/**
 * Response serialization from the routes' zod schemas, compiled once per schema with fast-json-stringify
 * (Fastify's own serializer): only the properties a schema names are written, so a presenter that
 * carries an extra field (a password hash, an unmasked phone) cannot leak it. It costs a fraction of
 * zod's parse-then-JSON.stringify, which was a tenth of the CPU of a busy intake.
 *
 * With `check` (the tests, the browser tests), every response is ALSO put through zod's own serializer:
 * a response that breaks its schema fails as before, and one that the two serializers would write
 * differently fails too, so the fast path is proven on every response the tests make.
 */

type JsonSchema = Record<string, unknown>;

/**
 * Readies zod's JSON Schema for writing: `anyOf: [X, {type: 'null'}]` (a nullable scalar) becomes
 * `type: [T, 'null']`, which fast-json-stringify writes directly; `additionalProperties: false` goes,
 * since undeclared properties are never written anyway and, inside an anyOf, it would make an object
 * carrying an extra field match no branch (zod drops the field instead).
 */
function forWriting(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forWriting);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (key === 'additionalProperties' && value === false) continue;
    out[key] = forWriting(value);
  }
  const anyOf = out.anyOf as JsonSchema[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIndex = anyOf.findIndex((s) => s.type === 'null' && Object.keys(s).length === 1);
    const other = anyOf[1 - nullIndex];
    if (
      nullIndex >= 0 &&
      other &&
      typeof other.type === 'string' &&
      other.type !== 'object' &&
      other.type !== 'array' &&
      !('anyOf' in other) &&
      !('oneOf' in other)
    ) {
      const { anyOf: _anyOf, ...rest } = out;
      const merged: JsonSchema = { ...rest, ...other, type: [other.type, 'null'] };
      // A nullable enum must list null too: inside an anyOf branch (a nullable object holding it) the
      // value is validated, and a null missing from `enum` would make the whole object match nothing.
      if (Array.isArray(other.enum)) merged.enum = [...(other.enum as unknown[]), null];
      return merged;
    }
  }
  return out;
}

/** The JSON Schema fast-json-stringify compiles for a zod schema (the output side of any codec). */
export function jsonSchemaForResponse(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'output',
    target: 'draft-7',
    unrepresentable: 'any',
    reused: 'inline',
    cycles: 'ref',
  }) as JsonSchema;
  delete json.$schema;
  return forWriting(json) as JsonSchema;
}

const compiled = new WeakMap<z.ZodType, (data: unknown) => string>();

/** One compiled serializer per schema object, shared by every app in the process (tests build many). */
function fastSerializerFor(schema: z.ZodType): (data: unknown) => string {
  let stringify = compiled.get(schema);
  if (!stringify) {
    stringify = fastJson(jsonSchemaForResponse(schema) as unknown as Parameters<typeof fastJson>[0]) as (
      data: unknown,
    ) => string;
    compiled.set(schema, stringify);
  }
  return stringify;
}

function zodSchemaOf(maybeSchema: unknown): z.ZodType {
  if (maybeSchema instanceof z.ZodType) return maybeSchema;
  const properties = (maybeSchema as { properties?: unknown } | null)?.properties;
  if (properties instanceof z.ZodType) return properties;
  throw new Error(`a response schema is not a zod schema: ${JSON.stringify(maybeSchema)}`);
}

/** Fastify's serializer compiler for zod response schemas; `check` also runs zod's (see above). */
export function responseSerializerCompiler(options: { check: boolean }): FastifySerializerCompiler<unknown> {
  return (route) => {
    const schema = zodSchemaOf(route.schema);
    // Compiled on the first response, so start-up does not pay for routes nobody calls.
    let stringify: ((data: unknown) => string) | undefined;
    const fast = (data: unknown) => (stringify ??= fastSerializerFor(schema))(data);
    if (!options.check) return fast;
    const checked = (zodSerializerCompiler as FastifySerializerCompiler<unknown>)(route);
    return (data: unknown) => {
      const expected = checked(data);
      const written = fast(data);
      if (!isDeepStrictEqual(JSON.parse(written), JSON.parse(expected))) {
        throw new Error(
          `the fast serializer of ${route.method} ${route.url} wrote ${written.slice(0, 2000)} where zod writes ${expected.slice(0, 2000)}`,
        );
      }
      return written;
    };
  };
}
