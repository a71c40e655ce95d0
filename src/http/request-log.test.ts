import { describe, expect, it } from 'vitest';
import { redactTokens } from './request-log.js';

describe('redactTokens', () => {
  it('hides the value of every token parameter, and nothing else', () => {
    expect(redactTokens('/dashboard/login?token=abc-_1&x=2')).toBe('/dashboard/login?token=[REDACTED]&x=2');
    expect(redactTokens('/a?x=1&Token=abc#f')).toBe('/a?x=1&Token=[REDACTED]#f');
    expect(redactTokens('/v1/apps?filter[name]=token')).toBe('/v1/apps?filter[name]=token');
    expect(redactTokens('/a?mytoken=1')).toBe('/a?mytoken=1');
    expect(redactTokens('/content/v1/screenshots/1/ab/1x1bb.png?expires=9&signature=0f')).toBe(
      '/content/v1/screenshots/1/ab/1x1bb.png?expires=9&signature=[REDACTED]',
    );
  });
});
