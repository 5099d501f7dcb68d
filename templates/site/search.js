// chatbundle search: works from file:// (index shards load through <script> elements, since
// browsers block fetch() there), loads only the shards a query needs, and builds results
// with textContent only, so nothing from the bundle is ever parsed as HTML.
(function () {
  'use strict';
  var shards = {}, docs = {}, waiting = {}, names = {}, meta = { documents: 0 };
  function settle(key) { (waiting[key] || []).forEach(function (f) { f(); }); delete waiting[key]; }
  window.chatbundleSearch = {
    tokens: function (id, map) { shards[id] = map; settle('t' + id); },
    docs: function (n, list) { docs[n] = list; settle('d' + n); },
    members: function (map) {
      names = map;
      var select = document.getElementById('member');
      Object.keys(map).sort().forEach(function (id) {
        var option = document.createElement('option');
        option.value = id; option.textContent = map[id] === id ? id : map[id] + ' (' + id + ')';
        select.appendChild(option);
      });
      var wanted = new URLSearchParams(location.search).get('member');
      if (wanted) { select.value = wanted; }
    },
    meta: function (m) { meta = m; }
  };
  function load(kind, id) {
    var store = kind === 't' ? shards : docs;
    return new Promise(function (resolve) {
      if (store[id] !== undefined) { resolve(); return; }
      var key = kind + id;
      if (waiting[key]) { waiting[key].push(resolve); return; }
      waiting[key] = [resolve];
      var script = document.createElement('script');
      script.src = 'search/' + kind + '/' + id + '.js';
      script.onerror = function () { store[id] = null; settle(key); };
      document.head.appendChild(script);
    });
  }
  // The same rules as SearchTokenizer.swift.
  function fold(cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) { cp -= 0xFEE0; }
    if (cp >= 0x41 && cp <= 0x5A) { cp += 0x20; }
    return cp;
  }
  function isCJK(cp) {
    return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
  }
  function isWord(cp) { return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7A) || (cp >= 0xC0 && cp <= 0x24F); }
  function tokenize(text) {
    var out = {}, cjk = [], word = [];
    function flushCJK() {
      if (cjk.length === 1) { out[String.fromCodePoint(cjk[0])] = true; }
      for (var i = 0; i + 1 < cjk.length; i++) { out[String.fromCodePoint(cjk[i], cjk[i + 1])] = true; }
      cjk = [];
    }
    function flushWord() {
      if (word.length >= 2) { out[String.fromCodePoint.apply(null, word.slice(0, 32))] = true; }
      word = [];
    }
    for (var ch of text) {
      var cp = fold(ch.codePointAt(0));
      if (isCJK(cp)) { flushWord(); cjk.push(cp); }
      else if (isWord(cp)) { flushCJK(); word.push(cp); }
      else { flushCJK(); flushWord(); }
    }
    flushCJK(); flushWord();
    return Object.keys(out);
  }
  function shardOf(token) {
    var hash = 0x811C9DC5, bytes = new TextEncoder().encode(token);
    for (var i = 0; i < bytes.length; i++) { hash ^= bytes[i]; hash = Math.imul(hash, 0x01000193) >>> 0; }
    return ('00' + (hash & 0xFFF).toString(16)).slice(-3);
  }
  function postings(token) {
    var map = shards[shardOf(token)], list = [], n = 0;
    if (!map || !Object.prototype.hasOwnProperty.call(map, token)) { return list; }
    map[token].split(',').forEach(function (d) { n += parseInt(d, 36); list.push(n); });
    return list;
  }
  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) { i++; } else { j++; }
    }
    return out;
  }
  // Marks each query word in `element`'s text with <mark>, through text nodes only, so
  // that nothing from the bundle is ever parsed as HTML. Words match as the index folds
  // them: letters without case.
  function highlight(element, query) {
    var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    if (words.length === 0 || !element) { return 0; }
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT), nodes = [], count = 0;
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      var text = node.nodeValue, lower = text.toLowerCase(), spans = [], at = 0;
      // A few letters change length when lowered; those texts are matched as they are.
      if (lower.length !== text.length) { lower = text; }
      while (at < text.length) {
        var best = -1, length = 0;
        words.forEach(function (w) {
          var found = lower.indexOf(w, at);
          if (found >= 0 && (best < 0 || found < best || (found === best && w.length > length))) { best = found; length = w.length; }
        });
        if (best < 0) { break; }
        spans.push([best, length]);
        at = best + length;
      }
      if (spans.length === 0) { return; }
      var fragment = document.createDocumentFragment(), position = 0;
      spans.forEach(function (span) {
        if (span[0] > position) { fragment.appendChild(document.createTextNode(text.slice(position, span[0]))); }
        var mark = document.createElement('mark');
        mark.textContent = text.slice(span[0], span[0] + span[1]);
        fragment.appendChild(mark);
        position = span[0] + span[1];
        count++;
      });
      if (position < text.length) { fragment.appendChild(document.createTextNode(text.slice(position))); }
      node.parentNode.replaceChild(fragment, node);
    });
    return count;
  }
  // On a conversation page opened from a result (`?hl=words#m-id`): the words marked in
  // the message the link points at.
  function markTarget(query) {
    if (!query || location.hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && !target.dataset.marked) {
      target.dataset.marked = '1';
      highlight(target.querySelector('.body') || target, query);
    }
  }
  // Results come 20 to a page (`page` in the URL), so that a page of results loads at most
  // 20 document shards whatever the word.
  async function run(query, member, from, to, page) {
    var status = document.getElementById('status'), results = document.getElementById('results');
    results.textContent = '';
    var tokens = tokenize(query);
    if (tokens.length === 0) { status.textContent = ''; return; }
    await Promise.all(tokens.map(function (t) { return load('t', shardOf(t)); }));
    var hits = null;
    tokens.forEach(function (t) { var p = postings(t); hits = hits === null ? p : intersect(hits, p); });
    // A document shard is {pages: [[page, conversation], ...], docs: [[page number, id,
    // sender id, snippet, local time], ...]}. Dates are compared as the pages show them
    // (the site's time zone, doc[4] starts with yyyy-mm-dd), not in the browser's zone. A filtered query stops after 200 document
    // shards, so that a common word with a narrow filter cannot load the whole index.
    var per = meta.documentsPerShard || 64, limit = 20, filtered = !!(member || from || to);
    var skip = page * limit, shown = 0, matched = 0, loaded = {}, shardCount = 0, stopped = false;
    var k = filtered ? 0 : Math.min(skip, hits.length);
    if (!filtered) { matched = k; }
    for (; k < hits.length && shown < limit; k++) {
      var n = hits[k], shard = Math.floor(n / per);
      if (!loaded[shard]) {
        if (++shardCount > 200) { stopped = true; break; }
        loaded[shard] = true;
      }
      await load('d', shard);
      var doc = docs[shard] && docs[shard].docs[n % per];
      var where = doc && docs[shard].pages[doc[0]];
      if (!where) { continue; }
      var day = String(doc[4]).slice(0, 10);
      if (member && doc[2] !== member) { continue; }
      if (from && day < from) { continue; }
      if (to && day > to) { continue; }
      if (matched++ < skip) { continue; }
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = where[0] + '?hl=' + encodeURIComponent(query) + '#' + encodeURIComponent('m-' + doc[1]);
      var sender = Object.prototype.hasOwnProperty.call(names, doc[2]) ? names[doc[2]] : doc[2];
      link.textContent = where[1] + ' · ' + sender + ' · ' + doc[4];
      var snippet = document.createElement('p');
      snippet.textContent = doc[3];
      highlight(snippet, query);
      item.appendChild(link); item.appendChild(snippet);
      results.appendChild(item);
      shown++;
    }
    status.textContent = shown === 0 && !stopped ? status.dataset.none : hits.length + ' / ' + meta.documents;
    if (stopped) { status.textContent += ' · ' + status.dataset.narrow; }
    if (shown === limit && k < hits.length && !stopped) {
      var next = new URLSearchParams();
      next.set('q', query);
      if (member) { next.set('member', member); }
      if (from) { next.set('from', from); }
      if (to) { next.set('to', to); }
      next.set('page', String(page + 1));
      var more = document.createElement('a');
      more.className = 'more';
      more.href = 'search.html?' + next.toString();
      more.textContent = status.dataset.more + ' →';
      status.appendChild(document.createTextNode(' · '));
      status.appendChild(more);
    }
    document.body.dataset.searchDone = String(shown);
  }
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('search-form');
    var params = new URLSearchParams(location.search);
    if (!form) {
      markTarget(params.get('hl') || '');
      window.addEventListener('hashchange', function () { markTarget(params.get('hl') || ''); });
      return;
    }
    ['q', 'from', 'to'].forEach(function (k) { if (params.get(k)) { document.getElementById(k).value = params.get(k); } });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      run(document.getElementById('q').value, document.getElementById('member').value,
        document.getElementById('from').value, document.getElementById('to').value, 0);
    });
    if (params.get('q')) {
      var page = Math.max(0, parseInt(params.get('page') || '0', 10) || 0);
      run(params.get('q'), params.get('member') || '', params.get('from') || '', params.get('to') || '', page);
    }
  });
})();
