/*
 * The search page of fouine-serve.
 *
 * Everything the server sends is put into the page as text (textContent,
 * text nodes): titles and snippets come HTML-escaped with <mark>…</mark>
 * around the matched words, and only those two tags become elements, the
 * rest being unescaped and added as text.  A search is a URL
 * (?q=…&page=2&category=…&since=…&until=…&sort=…), so it can be shared,
 * bookmarked and replayed with the browser's back and forward buttons.
 * Every path is relative: the page works at the root of fouine-serve or
 * under a prefix of a reverse proxy (/recherche/).
 */
'use strict';

(function () {
  const PER_PAGE = 10;
  const MAX_PAGE = 1000;      /* the API's largest page */
  const MAX_PER_PAGE = 100;   /* and per_page */
  const $ = (id) => document.getElementById(id);
  const form = $('recherche');
  const input = $('q');
  const list = $('suggestions');
  const status = $('etat');
  const correction = $('correction');
  const results = $('resultats');
  const pages = $('pages');
  const article = $('article');
  const fields = ['category', 'since', 'until', 'sort'];
  let active = -1;        /* index of the highlighted suggestion */
  let suggestTimer = 0;
  let suggestSeq = 0;     /* answers to older keystrokes are dropped */
  let searchSeq = 0;

  const entities = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", '#x27': "'" };
  function unescapeHtml(s) {
    return s.replace(/&(lt|gt|amp|quot|#39|#x27);/g, (m, e) => entities[e]);
  }

  /* Append server text with <mark> highlighting to parent, as DOM nodes. */
  function appendMarked(parent, html) {
    let target = parent;
    for (const part of String(html || '').split(/(<mark>|<\/mark>)/)) {
      if (part === '<mark>') {
        target = parent.appendChild(document.createElement('mark'));
      } else if (part === '</mark>') {
        target = parent;
      } else if (part) {
        target.appendChild(document.createTextNode(unescapeHtml(part)));
      }
    }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  /* A date of an article as it was published: the day and the time its
   * ISO 8601 string says, in its own offset ("2021-06-15T23:30:00+11:00"
   * is "15 juin 2021 à 23:30" wherever the reader is), never converted to
   * the browser's time zone. */
  const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
  function frenchDate(s) {
    const m = isoDate.exec(s || '');
    if (!m) return s || '';
    /* Its numbers read as UTC and shown in UTC: the same numbers. */
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 12), +(m[5] || 0)));
    if (isNaN(d.getTime())) return s;
    const opts = { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
    if (m[4] !== undefined) { opts.hour = '2-digit'; opts.minute = '2-digit'; }
    return new Intl.DateTimeFormat('fr-FR', opts).format(d);
  }

  /* What the page says of a failed request, in French: never the API's
   * own (English) message.  err: an Error of getJSON(); s: the search. */
  function frenchError(err, s) {
    const msg = String(err.apiMessage || '');
    const status = err.status || 0;
    if (!status) return 'Le serveur ne répond pas : vérifiez la connexion, puis réessayez.';
    if (status === 404) {
      return s && s.article ? 'Cet article est introuvable : il a peut-être été retiré.'
        : 'Cette adresse ne correspond à rien sur le site.';
    }
    if (status === 503) return 'Les articles sont momentanément inaccessibles. Réessayez dans un instant.';
    if (status >= 500) return 'Le serveur a rencontré une erreur (' + status + '). Réessayez plus tard.';
    if (status !== 400) return 'La demande n’a pas abouti (erreur ' + status + ').';
    /* What is wrong with any parameter first: its name opens the message
     * ("since is longer than 256 bytes" is no bad date). */
    if (/^q is longer/.test(msg)) return 'La recherche est trop longue : 1 024 octets au plus.';
    if (/UTF-8|control character|percent-encoding/.test(msg)) return 'L’adresse de la page contient des caractères illisibles.';
    if (/is longer than/.test(msg)) return 'Un paramètre de l’adresse de la page est trop long.';
    const dateHelp = ' n’est pas une date valide : indiquez une année (2019), un mois ' +
      '(2019-04) ou un jour du calendrier (2019-04-16).';
    if (/^since\b/.test(msg)) return 'La date de début « ' + (s ? s.since : '') + ' »' + dateHelp;
    if (/^until\b/.test(msg)) return 'La date de fin « ' + (s ? s.until : '') + ' »' + dateHelp;
    if (/^page\b/.test(msg)) return 'Le numéro de page doit être un nombre de 1 à ' + MAX_PAGE + '.';
    if (/^per_page\b/.test(msg)) return 'Le nombre de résultats par page doit être de 1 à ' + MAX_PER_PAGE + '.';
    if (/^sort\b/.test(msg)) return 'Le tri doit se faire par pertinence, par date récente ou par date.';
    if (/^half_life\b/.test(msg)) return 'La demi-vie du tri « récent » doit être une durée comme 30d (jours) ou 12h (heures), ' +
      'd’une heure à 3 650 jours.';
    if (/empty parameter q/.test(msg)) return 'Saisissez un ou plusieurs mots à rechercher.';
    return 'La recherche n’a pas pu être faite : un paramètre de l’adresse est invalide.';
  }

  /* Only web links leave the site; anything else opens the article here. */
  function articleHref(hit) {
    if (typeof hit.url === 'string' && /^https?:\/\//i.test(hit.url)) return hit.url;
    return '?article=' + encodeURIComponent(hit.id);
  }

  async function getJSON(path, params) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, v);
    }
    let res;
    try {
      res = await fetch(path + (qs.toString() ? '?' + qs : ''));
    } catch (e) {
      throw Object.assign(new Error('fetch'), { status: 0 });
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      /* The API's message, kept to tell the French one (frenchError). */
      throw Object.assign(new Error('HTTP ' + res.status),
        { status: res.status, apiMessage: body.error || '' });
    }
    return body;
  }

  /* ---- state <-> URL ---- */
  /* A whole number of a URL within [lo, hi]: fallback when it is none,
   * the nearest bound when it is out of them. */
  function bounded(v, lo, hi, fallback) {
    const n = parseInt(v, 10);
    return isNaN(n) ? fallback : Math.min(Math.max(n, lo), hi);
  }

  function readState() {
    const p = new URLSearchParams(location.search);
    const s = { q: p.get('q') || '', page: bounded(p.get('page'), 1, MAX_PAGE, 1),
                per_page: bounded(p.get('per_page'), 1, MAX_PER_PAGE, PER_PAGE),
                article: p.get('article') || '',
                exact: p.get('correct') === 'false' };
    for (const f of fields) s[f] = p.get(f) || '';
    return s;
  }

  function stateURL(s) {
    const p = new URLSearchParams();
    if (s.article) {
      p.set('article', s.article);
    } else {
      p.set('q', s.q);
      for (const f of fields) if (s[f] && !(f === 'sort' && s[f] === 'relevance')) p.set(f, s[f]);
      if (s.page > 1) p.set('page', s.page);
      if (s.per_page !== PER_PAGE) p.set('per_page', s.per_page);
      if (s.exact) p.set('correct', 'false');
    }
    return '?' + p.toString();
  }

  function formState(page) {
    const s = { q: input.value.trim(), page: page || 1, per_page: readState().per_page, article: '',
                exact: false };
    for (const f of fields) s[f] = $(f).value;
    return s;
  }

  function go(s) {
    history.pushState(null, '', stateURL(s));
    render(s);
  }

  /* ---- suggestions ---- */
  /* Forget the suggestions: shown ones and those still to come. */
  function closeSuggestions() {
    clearTimeout(suggestTimer);
    suggestSeq++;
    list.hidden = true;
    list.textContent = '';
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(i) {
    const items = list.children;
    if (!items.length) return;
    active = (i + items.length) % items.length;
    for (let k = 0; k < items.length; k++) {
      items[k].setAttribute('aria-selected', k === active ? 'true' : 'false');
    }
    input.setAttribute('aria-activedescendant', items[active].id);
  }

  function pick(text) {
    input.value = text;
    closeSuggestions();
    go(formState(1));
  }

  async function suggest() {
    const q = input.value;
    const seq = ++suggestSeq;
    if (!q.trim() || /\s$/.test(q)) { closeSuggestions(); return; }
    let data;
    try {
      data = await getJSON('api/suggest', { q });
    } catch (e) {
      return;
    }
    if (seq !== suggestSeq) return;
    list.textContent = '';
    active = -1;
    (data.suggestions || []).forEach((s, i) => {
      const li = el('li');
      li.id = 'suggestion-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.text = s.text;
      li.appendChild(el('span', 'texte', s.text));
      li.appendChild(el('small', null, s.count + (s.count > 1 ? ' articles' : ' article')));
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); pick(s.text); });
      list.appendChild(li);
    });
    const open = list.children.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  input.addEventListener('input', () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 120);
  });

  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (list.hidden) { suggest(); return; }
      ev.preventDefault();
      setActive(active + (ev.key === 'ArrowDown' ? 1 : -1));
    } else if (ev.key === 'Enter' && !list.hidden && active >= 0) {
      ev.preventDefault();
      pick(list.children[active].dataset.text);
    } else if (ev.key === 'Escape' && !list.hidden) {
      ev.preventDefault(); /* close the list, keep what was typed */
      closeSuggestions();
    }
  });

  input.addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== input) closeSuggestions();
  }, 150));

  document.addEventListener('keydown', (ev) => {
    if (ev.key === '/' && document.activeElement !== input &&
        !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      input.focus();
      input.select();
    }
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    closeSuggestions();
    if (input.value.trim()) go(formState(1));
  });

  for (const f of fields) {
    $(f).addEventListener('change', () => { if (input.value.trim()) go(formState(1)); });
  }

  $('precedente').addEventListener('click', () => { const s = readState(); s.page--; go(s); });
  $('suivante').addEventListener('click', () => { const s = readState(); s.page++; go(s); });

  /* ---- correction and suggestion, above the results ---- */
  /* A link of the banner that searches t. */
  function searchLink(text, t) {
    const a = el('a', null, text);
    a.href = stateURL(t);
    a.addEventListener('click', (ev) => { ev.preventDefault(); input.value = t.q; go(t); });
    return a;
  }

  /* Say, whenever it was applied, what was searched in place of what was
   * typed (with a way to search exactly that), the query the API
   * proposes whenever it proposes one, with results or without, and a
   * category that the index does not have (with the closest one). */
  function showCorrection(data, s) {
    if (data.correction) {
      const typed = data.correction.typed || s.q;
      correction.appendChild(document.createTextNode(
        'Résultats pour « ' + data.correction.query + ' » au lieu de « ' + typed + ' ». '));
      correction.appendChild(searchLink('Rechercher exactement « ' + typed + ' »',
        Object.assign({}, s, { page: 1, exact: true })));
    }
    if (data.suggestion) {
      if (data.correction) correction.appendChild(document.createTextNode(' '));
      correction.appendChild(document.createTextNode('Essayez plutôt : '));
      correction.appendChild(searchLink(data.suggestion,
        Object.assign({}, s, { q: data.suggestion, page: 1, exact: false })));
    }
    if (data.category_unknown) {
      /* A category the index does not have (a link shared with a typo). */
      if (data.correction || data.suggestion) correction.appendChild(document.createTextNode(' '));
      correction.appendChild(document.createTextNode(
        'Aucune rubrique « ' + (s.category || '') + ' » dans l’index. '));
      if (data.category_closest) {
        correction.appendChild(document.createTextNode('Essayez : '));
        correction.appendChild(searchLink(data.category_closest,
          Object.assign({}, s, { category: data.category_closest, page: 1 })));
      } else {
        correction.appendChild(searchLink('Chercher dans toutes les rubriques',
          Object.assign({}, s, { category: '', page: 1 })));
      }
    }
    correction.hidden = !data.correction && !data.suggestion && !data.category_unknown;
  }

  /* ---- facets: the filters of the current query, with counts ---- */
  const facetsBox = $('facettes');
  /* Case and accents aside, as the API compares categories. */
  const fold = (x) => String(x || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  /* The last day of month m (1 to 12) of year y, as two digits. */
  const lastDay = (y, m) => String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0');

  /* The dates [since, until] that a year ("2019") or a month ("2019-05")
   * covers, as the date fields take them. */
  function datesOf(value) {
    if (value.length === 4) return [value + '-01-01', value + '-12-31'];
    const y = +value.slice(0, 4), m = +value.slice(5, 7);
    return [value + '-01', value + '-' + lastDay(y, m)];
  }

  /* One list of a facet: a button a value, pressed when it is the filter;
   * choosing one searches again (a pressed one is let go). */
  function facetList(id, values, chosen, choose) {
    const box = $(id);
    const ul = box.querySelector('ul');
    ul.textContent = '';
    for (const f of values || []) {
      const b = el('button', null, f.value + ' ');
      b.type = 'button';
      b.appendChild(el('span', 'nombre', '(' + f.count + ')'));
      b.setAttribute('aria-pressed', chosen(f.value) ? 'true' : 'false');
      b.dataset.value = f.value;
      b.addEventListener('click', () => choose(chosen(f.value) ? '' : f.value));
      const li = el('li');
      li.appendChild(b);
      ul.appendChild(li);
    }
    box.hidden = !ul.children.length;
  }

  function showFacets(facets, s) {
    if (!facets) { facetsBox.hidden = true; return; }
    const again = (changes) => go(Object.assign({}, s, { page: 1 }, changes));
    facetList('facette-rubriques', facets.categories,
      (v) => !!s.category && fold(v) === fold(s.category),
      (v) => again({ category: v }));
    facetList('facette-annees', facets.years,
      (v) => s.since === datesOf(v)[0] && s.until === datesOf(v)[1],
      (v) => { const d = v ? datesOf(v) : ['', '']; again({ since: d[0], until: d[1] }); });
    /* The months of the year chosen (or of the month chosen). */
    const year = s.since && s.since.slice(0, 4) === (s.until || '').slice(0, 4) ?
      s.since.slice(0, 4) : '';
    facetList('facette-mois', year ? (facets.months || []).filter((f) => f.value.startsWith(year)) : [],
      (v) => s.since === datesOf(v)[0] && s.until === datesOf(v)[1],
      (v) => { const d = datesOf(v || year); again({ since: d[0], until: d[1] }); });
    facetsBox.hidden = false;
  }

  /* ---- results ---- */
  function clearResults() {
    facetsBox.hidden = true;
    results.textContent = '';
    correction.hidden = true;
    correction.textContent = '';
    pages.hidden = true;
    article.hidden = true;
    article.textContent = '';
  }

  // The category and the date of a hit, as a hit and a related article
  // show them.
  function hitMeta(hit) {
    const meta = el('p', 'meta');
    if (hit.category) meta.appendChild(el('span', 'rubrique', hit.category));
    if (hit.date) {
      const t = el('time', null, frenchDate(hit.date));
      t.dateTime = hit.date;
      meta.appendChild(t);
    }
    return meta;
  }

  function showHit(hit) {
    const li = el('li', 'resultat');
    const h2 = el('h2');
    const a = el('a');
    a.href = articleHref(hit);
    appendMarked(a, hit.title);
    h2.appendChild(a);
    li.appendChild(h2);
    li.appendChild(hitMeta(hit));
    const p = el('p', 'extrait');
    appendMarked(p, hit.snippet);
    li.appendChild(p);
    if (hit.duplicates > 0 && Array.isArray(hit.duplicate_ids)) {
      /* The other versions of the wire story, shown on demand. */
      const more = el('details', 'versions');
      more.appendChild(el('summary', null, (hit.duplicates + 1) + ' versions'));
      const list = el('ul');
      for (const id of hit.duplicate_ids) {
        const item = el('li');
        const link = el('a', null, id);
        link.href = '?article=' + encodeURIComponent(id);
        item.appendChild(link);
        list.appendChild(item);
      }
      more.appendChild(list);
      li.appendChild(more);
    }
    results.appendChild(li);
  }

  async function search(s) {
    const seq = ++searchSeq;
    status.textContent = 'Recherche…';
    let data;
    try {
      data = await getJSON('api/search', { q: s.q, page: s.page, per_page: s.per_page,
        category: s.category, since: s.since, until: s.until,
        sort: s.sort === 'relevance' ? '' : s.sort, correct: s.exact ? 'false' : '' });
    } catch (e) {
      if (seq === searchSeq) {
        clearResults();
        status.textContent = frenchError(e, s);
      }
      return;
    }
    if (seq !== searchSeq) return;
    const total = data.total || 0;
    const lastPage = Math.min(data.pages || Math.ceil(total / s.per_page), MAX_PAGE);
    if (total > 0 && s.page > lastPage) {
      /* A page past the last (an old link, a hand-made URL): the last. */
      s = Object.assign({}, s, { page: lastPage });
      history.replaceState(null, '', stateURL(s));
      search(s);
      return;
    }
    clearResults();
    const shown = data.correction ? data.correction.query : s.q;
    showCorrection(data, s);
    showFacets(data.facets, s);
    if (!total) {
      status.textContent = 'Aucun résultat pour « ' + s.q + ' ».';
      return;
    }
    const pagesCount = data.pages || Math.ceil(total / s.per_page);
    status.textContent = total + (total > 1 ? ' résultats' : ' résultat') +
      ' pour « ' + shown + ' »' + (pagesCount > 1 ? ' — page ' + s.page + ' sur ' + pagesCount : '') +
      (data.fallback ? ' (aucun article ne contient tous les mots : voici les plus proches)' : '');
    (data.hits || []).forEach(showHit);
    if (pagesCount > 1) {
      pages.hidden = false;
      $('numero').textContent = 'Page ' + s.page + ' sur ' + pagesCount;
      $('precedente').disabled = s.page <= 1;
      $('suivante').disabled = s.page >= lastPage;
    }
  }

  async function showArticle(id) {
    clearResults();
    status.textContent = 'Chargement…';
    let a;
    try {
      a = await getJSON('api/articles/' + encodeURIComponent(id));
    } catch (e) {
      status.textContent = frenchError(e, { article: id });
      return;
    }
    status.textContent = '';
    const back = el('a', null, '← Retour');
    back.href = '#';
    back.addEventListener('click', (ev) => { ev.preventDefault(); history.back(); });
    article.appendChild(back);
    article.appendChild(el('h2', null, a.title));
    const meta = el('p', 'meta');
    if (a.category) meta.appendChild(el('span', 'rubrique', a.category));
    if (a.date) {
      const t = el('time', null, frenchDate(a.date));
      t.dateTime = a.date;
      meta.appendChild(t);
    }
    if (a.author) meta.appendChild(document.createTextNode(' — ' + a.author));
    article.appendChild(meta);
    if (a.lead) article.appendChild(el('p', 'chapo', a.lead));
    for (const para of a.body || []) article.appendChild(el('p', null, para));
    if (typeof a.url === 'string' && /^https?:\/\//i.test(a.url)) {
      const src = el('a', null, 'Lire sur le site d’origine');
      src.href = a.url;
      article.appendChild(src);
    }
    document.title = a.title + ' — fouine';
    article.dataset.id = id;
    article.hidden = false;
    article.focus();
    showRelated(id);
  }

  /* "Articles liés" under the article: its closest articles, their titles
   * and texts put in as text; nothing when there are none or the server
   * cannot say. */
  async function showRelated(id) {
    let data;
    try {
      data = await getJSON('api/articles/' + encodeURIComponent(id) + '/related', { n: 5 });
    } catch (e) {
      return;
    }
    /* The reader may have gone to another article meanwhile. */
    if (article.hidden || article.dataset.id !== id || !(data.hits || []).length) return;
    const section = el('section', 'lies');
    section.id = 'lies';
    section.setAttribute('aria-labelledby', 'lies-titre');
    const h = el('h3', null, 'Articles liés');
    h.id = 'lies-titre';
    section.appendChild(h);
    const list = el('ul');
    for (const hit of data.hits) {
      const li = el('li');
      const link = el('a', null, hit.title_text);
      link.href = articleHref(hit);
      li.appendChild(link);
      li.appendChild(hitMeta(hit));
      list.appendChild(li);
    }
    section.appendChild(list);
    article.appendChild(section);
  }

  function render(s) {
    input.value = s.q;
    for (const f of fields) $(f).value = s[f] || (f === 'sort' ? 'relevance' : '');
    if (s.article) {
      showArticle(s.article);
    } else if (s.q.trim()) {
      document.title = s.q + ' — recherche fouine';
      search(s);
    } else {
      clearResults();
      status.textContent = '';
    }
  }

  window.addEventListener('popstate', () => render(readState()));

  getJSON('api/categories').then((data) => {
    const select = $('category');
    const want = readState().category;
    for (const c of data.categories || []) {
      const o = el('option', null, c.name + ' (' + c.count + ')');
      o.value = c.name;
      select.appendChild(o);
    }
    select.value = want;
  }).catch(() => {});

  render(readState());
})();
