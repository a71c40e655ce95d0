/**
 * The dashboard's one script: progressive enhancement of the tester table. Sorting, filtering and paging
 * work as plain links and a GET form; with this script they fetch just the table for the same URL (one page of
 * testers) and swap it in, keeping the address bar and the back button in step.
 */
export const DASHBOARD_JS = `(() => {
  const section = document.getElementById('testers');
  const region = document.getElementById('tester-table');
  if (!section || !region || !window.fetch || !history.pushState) return;
  const appPath = section.dataset.appPath;
  const form = section.querySelector('form.filter');
  const announcer = document.getElementById('table-announcer');
  let pending;
  let timer;
  // Typing a filter adds one history entry (the first keystroke's), then keeps it up to date.
  let filtering = false;

  const sync = () => {
    const state = region.querySelector('[data-sort]');
    if (!state) return;
    const params = { sort: state.dataset.sort, dir: state.dataset.dir, q: state.dataset.q };
    if (form) {
      form.elements.namedItem('sort').value = params.sort;
      form.elements.namedItem('dir').value = params.dir;
    }
    for (const link of document.querySelectorAll('a[data-period]')) {
      const url = new URL(link.href);
      for (const [name, value] of Object.entries(params)) {
        if (value) url.searchParams.set(name, value);
        else url.searchParams.delete(name);
      }
      link.href = url.pathname + url.search;
    }
    if (announcer) announcer.textContent = state.textContent;
  };

  const load = async (pageUrl, history_, focusSort) => {
    if (pending) pending.abort();
    pending = new AbortController();
    const url = new URL(pageUrl, location.href);
    region.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(appPath + '/testers' + url.search, { signal: pending.signal });
      if (!response.ok) return location.assign(url.href);
      region.innerHTML = await response.text();
      if (history_ === 'push') history.pushState(null, '', url.pathname + url.search);
      if (history_ === 'replace') history.replaceState(null, '', url.pathname + url.search);
      sync();
      if (focusSort) region.querySelector('a[data-sort-key="' + focusSort + '"]')?.focus();
    } catch (error) {
      if (error.name !== 'AbortError') location.assign(url.href);
    } finally {
      region.removeAttribute('aria-busy');
    }
  };

  const formUrl = () => {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (String(value).trim() !== '') params.set(name, value);
    return appPath + '?' + params;
  };

  region.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-table-link]');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    filtering = false;
    load(link.href, 'push', link.dataset.sortKey);
  });
  if (form) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(timer);
      load(formUrl(), filtering ? 'replace' : 'push');
      filtering = false;
    });
    form.elements.namedItem('q').addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        load(formUrl(), filtering ? 'replace' : 'push');
        filtering = true;
      }, 300);
    });
  }
  window.addEventListener('popstate', () => {
    filtering = false;
    if (location.pathname !== appPath) return;
    const q = new URL(location.href).searchParams.get('q') || '';
    if (form) form.elements.namedItem('q').value = q;
    load(location.href);
  });
})();
`;
