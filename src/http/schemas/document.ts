import { Type } from './json-schema.js';

/** JSON:API document parts shared by every response (PagedDocumentLinks, PagingInformation in the spec). */
export const PagedDocumentLinks = Type.Object({
  self: Type.String(),
  next: Type.Optional(Type.String()),
});

export const DocumentLinks = Type.Object({ self: Type.String() });

/** `meta.paging`: total and limit, and nothing more (the live service sends no `nextCursor`; §1). */
export const PagingInformation = Type.Object({
  paging: Type.Object({ total: Type.Integer(), limit: Type.Integer() }),
});

export const ResourceLinks = Type.Object({ self: Type.String() });
