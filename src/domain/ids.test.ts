import { describe, expect, it } from 'vitest';
import { isResourceId, newPublicLinkId } from './ids.js';

describe('newPublicLinkId', () => {
  it('is always a resource id, so an export of the group imports again', () => {
    // Random base64url starts with '-' or '_' about 3 times in 100: 2,000 draws meet one nearly surely.
    const ids = Array.from({ length: 2000 }, () => newPublicLinkId());
    expect(ids.filter((id) => !isResourceId(id))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{8}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
