import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { specWrites } from './spec-writes.js';
import { MAX_LINKAGES, readLinkageBody, readResourceBody } from './write-body.js';

const writes = specWrites();
const write = (operationId: string) => {
  const found = writes.find((candidate) => candidate.operationId === operationId);
  if (found === undefined) throw new Error(`no ${operationId}`);
  return found;
};
const resourceSchema = (operationId: string) => {
  const body = write(operationId).body;
  if (body?.kind !== 'resource') throw new Error(`${operationId} takes no resource body`);
  return body;
};
function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, items: error.items };
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe("the spec's writes", () => {
  it('are 25: creates, updates, deletes and relationship writes, each with its request schema', () => {
    const kinds = writes.map((candidate) => candidate.shape.kind);
    expect(writes).toHaveLength(25);
    expect(kinds.filter((kind) => kind === 'create')).toHaveLength(3);
    expect(kinds.filter((kind) => kind === 'update')).toHaveLength(4);
    expect(kinds.filter((kind) => kind === 'delete')).toHaveLength(4);
    expect(kinds.filter((kind) => kind === 'link')).toHaveLength(6);
    expect(kinds.filter((kind) => kind === 'unlink')).toHaveLength(8);
    expect(write('betaGroups_betaTesters_createToManyRelationship').shape).toEqual({
      kind: 'link',
      type: 'betaGroups',
      relationship: 'betaTesters',
      target: 'betaTesters',
    });
    expect(write('betaTesters_deleteInstance').body).toBeUndefined();
    expect(write('betaTesters_deleteInstance').successes).toEqual([202, 204]);
  });

  it('read request schemas whole: required attributes, formats, enums behind a $ref, required relationships', () => {
    const tester = resourceSchema('betaTesters_createInstance');
    expect([...tester.requiredAttributes]).toEqual(['email']);
    expect(tester.attributes.get('email')).toEqual({ type: 'string', nullable: false, format: 'email' });
    expect(tester.relationships.get('betaGroups')).toEqual({
      target: 'betaGroups',
      toMany: true,
      required: false,
    });
    const app = resourceSchema('apps_updateInstance');
    expect(app.requiresId).toBe(true);
    expect(app.attributes.get('subscriptionStatusUrlVersion')?.values).toEqual(['V1', 'V2']);
    const group = resourceSchema('betaGroups_createInstance');
    expect(group.relationships.get('app')).toEqual({ target: 'apps', toMany: false, required: true });
  });
});

describe('reading a write body', () => {
  it('keeps each id once in the client order, and bounds how many one request may name', () => {
    const ids = readLinkageBody('betaTesters', {
      data: [
        { type: 'betaTesters', id: 'b' },
        { type: 'betaTesters', id: 'a' },
        { type: 'betaTesters', id: 'b' },
      ],
    });
    expect(ids).toEqual(['b', 'a']);
    const many = Array.from({ length: MAX_LINKAGES + 1 }, (_, index) => ({
      type: 'betaTesters',
      id: `t${index}`,
    }));
    expect(problemsOf(() => readLinkageBody('betaTesters', { data: many })).items[0]?.detail).toBe(
      `At most ${MAX_LINKAGES} betaTesters in one request, not ${MAX_LINKAGES + 1}`,
    );
    expect(problemsOf(() => readLinkageBody('betaTesters', { data: [] })).status).toBe(409);
  });

  it('escapes member names in pointers and lists at most 20 problems', () => {
    const schema = resourceSchema('betaGroups_updateInstance');
    const attributes = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`a/b~${index}`, 1]));
    const { items } = problemsOf(() =>
      readResourceBody(schema, { data: { type: 'betaGroups', id: 'g1', attributes } }, 'g1'),
    );
    expect(items).toHaveLength(20);
    expect(items[0]?.source).toEqual({ pointer: '/data/attributes/a~1b~00' });
  });

  it('takes null only where the schema says nullable, and checks the formats it declares', () => {
    const tester = resourceSchema('betaTesters_createInstance');
    const { items } = problemsOf(() =>
      readResourceBody(tester, {
        data: { type: 'betaTesters', attributes: { email: 'not-an-email', firstName: null } },
      }),
    );
    expect(items.map((item) => [item.code, item.source])).toEqual([
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/data/attributes/email' }],
    ]);
    const nullEmail = problemsOf(() =>
      readResourceBody(tester, { data: { type: 'betaTesters', attributes: { email: null } } }),
    );
    expect(nullEmail.items[0]?.detail).toBe('email may not be null');
  });
});
