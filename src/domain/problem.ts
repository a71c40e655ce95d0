/**
 * What is wrong with an input, as the rules find it: a code, a detail for the person who sent it, and the field
 * it is about. The codes are the ones the product answers with (the API edge puts each in Apple's
 * ErrorResponse, with where it lies in the request); the rules only say which field.
 */
export type ProblemCode =
  | 'ENTITY_ERROR'
  | 'ENTITY_ERROR.ATTRIBUTE.REQUIRED'
  | 'ENTITY_ERROR.ATTRIBUTE.INVALID'
  | 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN'
  | 'ENTITY_ERROR.RELATIONSHIP.INVALID';

export interface Problem {
  readonly code: ProblemCode;
  readonly detail: string;
  /** The field (attribute) the problem is about; the whole input when absent. */
  readonly field?: string;
}
