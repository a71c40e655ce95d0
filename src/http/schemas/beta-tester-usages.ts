import type { Static } from 'typebox';
import { Type } from './json-schema.js';
import { PagedDocumentLinks, PagingInformation } from './document.js';

/**
 * AppsBetaTesterUsagesV1MetricResponse as the live service sends it, which differs from spec 4.4.1 in three
 * places (docs/apple-behavior.md, §1): every item has `type`; `dataPoints` is an array of date-only points;
 * `dimensions.betaTesters.data` is a resource identifier object, not a string. Members in the examples' order.
 */
export const AppsBetaTesterUsagesV1MetricResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('appsBetaTesterUsages'),
      dataPoints: Type.Array(
        Type.Object({
          start: Type.String(),
          end: Type.String(),
          values: Type.Object({
            crashCount: Type.Integer(),
            sessionCount: Type.Integer(),
            feedbackCount: Type.Integer(),
          }),
        }),
      ),
      dimensions: Type.Object({
        betaTesters: Type.Object({
          data: Type.Object({ type: Type.Literal('betaTesters'), id: Type.String() }),
          links: Type.Object({ related: Type.String(), groupBy: Type.String() }),
        }),
      }),
    }),
  ),
  links: PagedDocumentLinks,
  meta: PagingInformation,
});

export type AppsBetaTesterUsagesV1MetricResponse = Static<typeof AppsBetaTesterUsagesV1MetricResponse>;
