import Fastify from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSchemaForResponse, responseSerializerCompiler } from './response-serializer.ts';

const ZThing = z.object({
  id: z.string(),
  name: z.string().nullable(),
  count: z.number().int(),
  at: z.iso.datetime({ offset: true }).nullable(),
  tags: z.array(z.string()),
  data: z.record(z.string(), z.unknown()),
  point: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  note: z.string().optional(),
  kind: z.discriminatedUnion('type', [
    z.object({ type: z.literal('a'), a: z.number() }),
    z.object({ type: z.literal('b'), b: z.string() }),
  ]),
});

async function appWith(check: boolean, reply: unknown) {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler({ check }));
  app.get('/thing', { schema: { response: { 200: ZThing } } }, async () => reply);
  await app.ready();
  return app;
}

const thing = {
  id: 't1',
  name: null,
  count: 3,
  at: '2026-03-02T09:00:00+08:00',
  tags: ['x', '引号"和\\反斜杠'],
  data: { nested: { deep: [1, 'two', null] }, flag: true },
  point: null,
  kind: { type: 'b', b: '乙' },
};

describe('response serializer', () => {
  it('writes what zod writes, nullable, optional, records and unions included', async () => {
    for (const check of [false, true]) {
      const app = await appWith(check, thing);
      const res = await app.inject({ method: 'GET', url: '/thing' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(thing);
      await app.close();
    }
  });

  it('never writes a property the schema does not name', async () => {
    const app = await appWith(false, {
      ...thing,
      passwordHash: 'secret',
      point: { lng: 1, lat: 2, phone: '138' },
    });
    const res = await app.inject({ method: 'GET', url: '/thing' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('138');
    expect(res.json().point).toEqual({ lng: 1, lat: 2 });
    await app.close();
  });

  it('refuses a response that breaks its schema when checking', async () => {
    const app = await appWith(true, { ...thing, count: 'three' });
    const res = await app.inject({ method: 'GET', url: '/thing' });
    expect(res.statusCode).toBe(500);
    await app.close();
  });

  it('turns zod nullables into type lists and keeps objects and unions as they are', () => {
    const json = jsonSchemaForResponse(ZThing) as {
      properties: Record<string, { type?: unknown; anyOf?: unknown[]; oneOf?: unknown[] }>;
    };
    expect(json.properties.name!.type).toEqual(['string', 'null']);
    expect(json.properties.at!.type).toEqual(['string', 'null']);
    expect(json.properties.point!.anyOf).toHaveLength(2);
    expect(json.properties.kind!.oneOf ?? json.properties.kind!.anyOf).toHaveLength(2);
  });

  it('writes a null enum inside a nullable object (the object branch is validated)', async () => {
    const ZHolder = z.object({
      inner: z.object({ reason: z.enum(['a', 'b']).nullable(), id: z.string() }).nullable(),
    });
    const app = Fastify();
    app.setSerializerCompiler(responseSerializerCompiler({ check: true }));
    app.get('/holder', { schema: { response: { 200: ZHolder } } }, async () => ({
      inner: { reason: null, id: 'x' },
    }));
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/holder' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ inner: { reason: null, id: 'x' } });
    await app.close();
  });
});
