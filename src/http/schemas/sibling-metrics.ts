import type { Static } from 'typebox';
import { Type } from './json-schema.js';
import { PagedDocumentLinks, PagingInformation } from './document.js';

/*
 * The responses of the sibling metrics operations (docs/apple-behavior.md, §7), with the live service's shape
 * of §1 where spec 4.4.1 differs: every item has `type`; `dataPoints` is an array of date-only points; a
 * dimension's `data` is a resource identifier object. test/support/openapi-validator.ts applies the same
 * corrections to the spec's schemas. Members in the spec's order.
 */

const dataPoints = <Values extends Parameters<typeof Type.Object>[0]>(values: Values) =>
  Type.Array(Type.Object({ start: Type.String(), end: Type.String(), values: Type.Object(values) }));

/** GET /v1/betaTesters/{id}/metrics/betaTesterUsages: one item per app, dimension `apps` (§7). */
export const BetaTesterUsagesV1MetricResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('betaTesterUsages'),
      dataPoints: dataPoints({
        crashCount: Type.Integer(),
        sessionCount: Type.Integer(),
        feedbackCount: Type.Integer(),
      }),
      dimensions: Type.Object({
        apps: Type.Object({
          data: Type.Object({ type: Type.Literal('apps'), id: Type.String() }),
          links: Type.Object({ related: Type.String() }),
        }),
      }),
    }),
  ),
  links: PagedDocumentLinks,
  meta: PagingInformation,
});
export type BetaTesterUsagesV1MetricResponse = Static<typeof BetaTesterUsagesV1MetricResponse>;

/** GET /v1/builds/{id}/metrics/betaBuildUsages: one item, no dimension. */
export const BetaBuildUsagesV1MetricResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('betaBuildUsages'),
      dataPoints: dataPoints({
        crashCount: Type.Integer(),
        installCount: Type.Integer(),
        sessionCount: Type.Integer(),
        feedbackCount: Type.Integer(),
        inviteCount: Type.Integer(),
      }),
    }),
  ),
  links: PagedDocumentLinks,
  meta: PagingInformation,
});
export type BetaBuildUsagesV1MetricResponse = Static<typeof BetaBuildUsagesV1MetricResponse>;

/**
 * GET /v1/betaGroups/{id}/metrics/publicLinkUsages: one item, no dimension. The item's `type` is ours
 * (`betaPublicLinkUsages`, after the schema's name, as the siblings' types follow theirs; §11).
 */
export const BetaPublicLinkUsagesV1MetricResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('betaPublicLinkUsages'),
      dataPoints: dataPoints({
        viewCount: Type.Integer(),
        acceptedCount: Type.Integer(),
        didNotAcceptCount: Type.Integer(),
        didNotMeetCriteriaCount: Type.Integer(),
        notRelevantRatio: Type.Number(),
        notClearRatio: Type.Number(),
        notInterestingRatio: Type.Number(),
      }),
    }),
  ),
  links: PagedDocumentLinks,
  meta: PagingInformation,
});
export type BetaPublicLinkUsagesV1MetricResponse = Static<typeof BetaPublicLinkUsagesV1MetricResponse>;
