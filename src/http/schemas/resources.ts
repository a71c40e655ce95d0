import { type Static, Type } from 'typebox';
import { INVITE_TYPES, TESTER_STATES } from '../../domain/tester-state.js';
import { DocumentLinks, PagedDocumentLinks, PagingInformation, ResourceLinks } from './document.js';

/** The `App` and `BetaTester` resources, with the attributes beta-metrics keeps (spec 4.4.1 subset). */
export const App = Type.Object({
  type: Type.Literal('apps'),
  id: Type.String(),
  attributes: Type.Object({
    name: Type.Optional(Type.String()),
    bundleId: Type.Optional(Type.String()),
    sku: Type.Optional(Type.String()),
    primaryLocale: Type.Optional(Type.String()),
  }),
  links: ResourceLinks,
});

export const BetaTester = Type.Object({
  type: Type.Literal('betaTesters'),
  id: Type.String(),
  attributes: Type.Object({
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    inviteType: Type.Optional(Type.Enum(INVITE_TYPES)),
    state: Type.Optional(Type.Enum(TESTER_STATES)),
  }),
  links: ResourceLinks,
});

export const AppsResponse = Type.Object({
  data: Type.Array(App),
  links: PagedDocumentLinks,
  meta: PagingInformation,
});
export const AppResponse = Type.Object({ data: App, links: DocumentLinks });
export const BetaTestersResponse = Type.Object({
  data: Type.Array(BetaTester),
  links: PagedDocumentLinks,
  meta: PagingInformation,
});
export const BetaTesterResponse = Type.Object({ data: BetaTester, links: DocumentLinks });

export type App = Static<typeof App>;
export type BetaTester = Static<typeof BetaTester>;
