import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trusted } from './html.js';

describe('html', () => {
  it('escapes every interpolated value that is not already html', () => {
    const name = `<img src=x onerror="alert('1')"> & co`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co</td>',
    );
  });

  it('nests html, joins lists, and renders false, null and undefined as nothing', () => {
    const items = ['a<', 'b'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${false}${null}${undefined}${0}`.text).toBe(
      '<ul><li>a&lt;</li><li>b</li></ul>0',
    );
    expect(html`${trusted('<b>')}`.text).toBe('<b>');
    expect(escapeHtml('"\'')).toBe('&quot;&#39;');
  });
});
