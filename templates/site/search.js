// chatbundle search: works from file:// (index shards load through <script> elements, since
// browsers block fetch() there), loads only the shards a query needs, and builds results
// with textContent only, so nothing from the bundle is ever parsed as HTML.
(function () {
  'use strict';
  var shards = {}, pieces = {}, docs = {}, scopes = {}, waiting = {}, names = {}, meta = { documents: 0 };
  function settle(key) { (waiting[key] || []).forEach(function (f) { f(); }); delete waiting[key]; }
  window.chatbundleSearch = {
    tokens: function (id, map) { shards[id] = map; settle('t' + id); },
    piece: function (id, text) { pieces[id] = text; settle('p' + id); },
    docs: function (n, list) { docs[n] = list; settle('d' + n); },
    scope: function (id, scope) { scopes[id] = scope; settle('c' + id); },
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
    var store = { t: shards, p: pieces, d: docs, c: scopes }[kind];
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
  function decode(text) {
    var list = [], n = 0;
    String(text).split(',').forEach(function (d) { n += parseInt(d, 36); list.push(n); });
    return list;
  }
  // A token's posting list as pieces in document order, each {first, last, count} and its
  // documents once loaded (list). A short list is inline in the token shard, one piece; a
  // long one is {n: count, p: name, r: [[first, last, count], ...]}, piece k of it in
  // search/p/<name>.<k>.js, so a query loads only the pieces its page of hits is in.
  function piecesOf(token) {
    var map = shards[shardOf(token)];
    if (!map || !Object.prototype.hasOwnProperty.call(map, token)) { return []; }
    var value = map[token];
    if (typeof value === 'string') {
      var list = decode(value);
      return [{ first: list[0], last: list[list.length - 1], count: list.length, list: list }];
    }
    return value.r.map(function (r, k) { return { first: r[0], last: r[1], count: r[2], id: value.p + '.' + k }; });
  }
  function countOf(list) { return list.reduce(function (sum, piece) { return sum + piece.count; }, 0); }
  // The first index of a sorted array whose value is at least `value`.
  function lowerBound(array, value, key) {
    var low = 0, high = array.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if ((key ? key(array[middle]) : array[middle]) < value) { low = middle + 1; } else { high = middle; }
    }
    return low;
  }
  // The hits of the query's tokens between documents `low` and `high`, one at a time, oldest
  // or newest first. It walks the pieces of the token with the fewest documents and checks
  // each of its documents against the piece of every other token that could hold it, so
  // a page of hits loads the pieces it needs and no more. After `budget` pieces it stops
  // (state 'stopped'), so that no query can load the whole index; 'ended' when every hit
  // has been given.
  function Hits(tokens, low, high, newest, budget) {
    var lists = tokens.map(piecesOf).sort(function (a, b) { return countOf(a) - countOf(b); });
    var driver = lists[0] || [], order = [], at = 0, batch = [], b = 0, loads = 0;
    driver.forEach(function (piece, k) { if (piece.last >= low && piece.first <= high) { order.push(k); } });
    if (newest) { order.reverse(); }
    if (lists.some(function (list) { return list.length === 0; })) { order = []; }
    var self = { state: 'more' };
    function inside(piece) { return piece.first >= low && piece.last <= high; }
    async function fill(piece) {
      if (piece.list) { return true; }
      if (loads >= budget) { return false; }
      loads++;
      await load('p', piece.id);
      piece.list = pieces[piece.id] ? decode(pieces[piece.id]) : [];
      return true;
    }
    function clipped(list) {
      if (list.length === 0 || (list[0] >= low && list[list.length - 1] <= high)) { return list; }
      return list.slice(lowerBound(list, low), lowerBound(list, high + 1));
    }
    // The next hit, or -1 when there are no more or the budget ends the walk.
    self.next = async function () {
      for (;;) {
        if (b >= batch.length) {
          if (at >= order.length) { self.state = 'ended'; return -1; }
          var piece = driver[order[at]];
          if (!(await fill(piece))) { self.state = 'stopped'; return -1; }
          at++;
          batch = clipped(piece.list);
          if (newest) { batch = batch.slice().reverse(); }
          b = 0;
          continue;
        }
        var d = batch[b], found = true;
        for (var t = 1; t < lists.length && found; t++) {
          var k = lowerBound(lists[t], d, function (p) { return p.last; }), other = lists[t][k];
          if (!other || other.first > d) { found = false; break; }
          if (!(await fill(other))) { self.state = 'stopped'; return -1; }
          var i = lowerBound(other.list, d);
          found = other.list[i] === d;
        }
        b++;
        if (found) { return d; }
      }
    };
    // With one token: how many hits there are, exactly, loading at most the two pieces
    // that straddle the ends of the range; null with more tokens.
    self.count = async function () {
      if (lists.length !== 1) { return null; }
      var total = 0;
      for (var k = 0; k < order.length; k++) {
        var piece = driver[order[k]];
        if (inside(piece)) { total += piece.count; continue; }
        if (!(await fill(piece))) { return null; }
        total += clipped(piece.list).length;
      }
      return total;
    };
    // Passes over `n` hits, whole pieces at a time where it can; returns how many it passed.
    self.skip = async function (n) {
      var passed = 0;
      while (lists.length === 1 && b >= batch.length && at < order.length && inside(driver[order[at]]) &&
        driver[order[at]].count <= n - passed) {
        passed += driver[order[at]].count;
        at++;
      }
      while (passed < n && (await self.next()) >= 0) { passed++; }
      return passed;
    };
    return self;
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
  // A conversation page's own search box: the site forbids submitting forms (form-action
  // 'none'), so the script opens the search page within this conversation instead.
  function searchWithin() {
    var form = document.getElementById('search-in');
    var within = form && conversationOf(form.dataset.conversation);
    if (!within) { return; }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var query = document.getElementById('search-in-q').value;
      location.href = '../../search.html' + address(query, '', '', '', within, false, 0);
    });
  }
  // A conversation as `c=` names it: `c/` and the hex of its file name, nothing else, since
  // it becomes the address of a script.
  function conversationOf(value) { return /^c\/[0-9a-f]{1,64}$/.test(value || '') ? value : ''; }
  // `search/c/<hex>.js`: the conversation's title and its run of document numbers
  // ({title, first, last}), or null when nothing of it is indexed.
  async function scopeOf(within) {
    await load('c', within.slice(2));
    return scopes[within.slice(2)] || null;
  }
  // The query part of a search address: `?q=…&member=…&from=…&to=…&c=…&order=newest&page=n`.
  function address(query, member, from, to, within, newest, page) {
    var next = new URLSearchParams();
    [['q', query], ['member', member], ['from', from], ['to', to], ['c', within]].forEach(function (pair) {
      if (pair[1]) { next.set(pair[0], pair[1]); }
    });
    if (newest) { next.set('order', 'newest'); }
    if (page) { next.set('page', String(page)); }
    var text = next.toString();
    return text ? '?' + text : '';
  }
  // Which conversation the page searches (its title as the index has it, or its directory
  // when nothing of it is indexed), with a link to search them all instead.
  async function showScope(within, query, member, from, to, newest) {
    var line = document.getElementById('scope');
    if (!line || !within) { return; }
    var scope = await scopeOf(within);
    // A label ending in a full-width colon (Chinese) needs no space after it.
    line.textContent = line.dataset.label + (/：$/.test(line.dataset.label) ? '' : ' ');
    var title = document.createElement('strong');
    title.textContent = scope ? scope.title : within;
    var everywhere = document.createElement('a');
    everywhere.href = 'search.html' + address(query, member, from, to, '', newest, 0);
    everywhere.textContent = line.dataset.everywhere;
    line.appendChild(title); line.appendChild(document.createTextNode(' · ')); line.appendChild(everywhere);
    line.hidden = false;
  }
  // "{n} messages match": the interface strings name what is filled in.
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) { return key in values ? String(values[key]) : all; });
  }
  var runs = 0;
  // Results come 20 to a page (`page` in the URL), so that a page of results loads at most
  // 20 document shards whatever the word. `within` is a conversation's directory or ''.
  async function run(query, member, from, to, page, within, newest) {
    var status = document.getElementById('status'), results = document.getElementById('results');
    // A newer search (the order changed, the form sent again) ends this one at its next wait.
    var mine = ++runs;
    results.textContent = '';
    showScope(within, query, member, from, to, newest);
    var tokens = tokenize(query);
    if (tokens.length === 0) { status.textContent = ''; return; }
    var scope = within ? await scopeOf(within) : null;
    await Promise.all(tokens.map(function (t) { return load('t', shardOf(t)); }));
    if (mine !== runs) { return; }
    // A conversation's documents are one run of numbers (SearchIndexWriter numbers them one
    // after another), so its hits are cut out of the lists without a document shard, and
    // counted exactly.
    var low = 0, high = Infinity;
    if (within) { low = scope ? scope.first : 1; high = scope ? scope.last : 0; }
    // Documents are numbered in the bundle's order: conversation by conversation, each in
    // time order. Newest first walks the lists from their end: time order within one
    // conversation; across conversations, the last conversation first, as the status says.
    // (Numbering the whole site in time order would need all its entries sorted by time
    // before the first is numbered; it is not done.) From either end, a page of results
    // loads as many pieces and document shards. A query loads at most meta.piecesPerQuery
    // pieces of about 32 KB (a word common with another common word); past them it says so.
    var hits = Hits(tokens, low, high, newest, meta.piecesPerQuery || 32);
    // A document shard is {pages: [[page, conversation], ...], docs: [[page number, id,
    // sender id, snippet, local time], ...]}. Dates are compared as the pages show them
    // (the site's time zone, doc[4] starts with yyyy-mm-dd), not in the browser's zone. A
    // filtered query stops after 200 document shards, so that a common word with a narrow
    // filter cannot load the whole index.
    var per = meta.documentsPerShard || 64, limit = 20, filtered = !!(member || from || to);
    var skip = page * limit, shown = 0, matched = 0, loaded = {}, shardCount = 0, stopped = false;
    results.start = skip + 1;
    // One word without a filter is counted exactly from its pieces' counts.
    var total = filtered ? null : await hits.count(), exact = total !== null;
    if (!filtered) { matched = await hits.skip(skip); }
    if (mine !== runs) { return; }
    // [doc, [page, conversation]] when document n (its shard loaded) passes the filters.
    function accept(n) {
      var doc = docs[Math.floor(n / per)] && docs[Math.floor(n / per)].docs[n % per];
      var where = doc && docs[Math.floor(n / per)].pages[doc[0]];
      if (!where || (within && String(where[0]).indexOf(within + '/') !== 0)) { return null; }
      var day = String(doc[4]).slice(0, 10);
      if (member && doc[2] !== member) { return null; }
      if (from && day < from) { return null; }
      if (to && day > to) { return null; }
      return [doc, where];
    }
    while (shown < limit) {
      var n = await hits.next();
      if (mine !== runs) { return; }
      if (n < 0) { break; }
      var shard = Math.floor(n / per);
      if (!loaded[shard]) {
        if (++shardCount > 200) { stopped = true; break; }
        loaded[shard] = true;
      }
      await load('d', shard);
      if (mine !== runs) { return; }
      var found = accept(n);
      if (!found || matched++ < skip) { continue; }
      var doc = found[0], where = found[1];
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
    // The walk ran out of pieces before the page was full: say so, as for document shards.
    if (hits.state === 'stopped') { stopped = true; }
    // Without a member or date filter every hit matches: the hits after the last shown are
    // counted as far as the pieces allow. With one, they are checked as far as the document
    // shards already loaded go (no more are loaded to count). When some remain unchecked,
    // the count is a lower bound and says so.
    if (!exact && !stopped) {
      for (;;) {
        var next = await hits.next();
        if (mine !== runs) { return; }
        if (next < 0 || (filtered && !loaded[Math.floor(next / per)])) { break; }
        if (!filtered || accept(next)) { matched++; }
      }
      exact = hits.state === 'ended';
    }
    if (total === null) { total = matched; }
    var words = [];
    if (total === 0 && exact) { words.push(status.dataset.none); }
    if (total > 0) {
      words.push(fill(!exact ? status.dataset.atLeast : total === 1 ? status.dataset.one : status.dataset.count, { n: total }));
    }
    if (shown > 0) {
      words.push(fill(shown === 1 ? status.dataset.resultOne : status.dataset.resultRange, { from: skip + 1, to: skip + shown }));
      if (!within) { words.push(newest ? status.dataset.byNewest : status.dataset.byOldest); }
    }
    if (stopped) { words.push(status.dataset.narrow); }
    status.textContent = words.join(' · ');
    if (shown === limit && !stopped && (!exact || total > skip + shown)) {
      var more = document.createElement('a');
      more.className = 'more';
      more.href = 'search.html' + address(query, member, from, to, within, newest, page + 1);
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
      searchWithin();
      return;
    }
    ['q', 'from', 'to'].forEach(function (k) { if (params.get(k)) { document.getElementById(k).value = params.get(k); } });
    var within = conversationOf(params.get('c')), order = document.getElementById('order');
    if (params.get('order') === 'newest') { order.value = 'newest'; }
    function submit() {
      run(document.getElementById('q').value, document.getElementById('member').value,
        document.getElementById('from').value, document.getElementById('to').value, 0, within, order.value === 'newest');
    }
    form.addEventListener('submit', function (event) { event.preventDefault(); submit(); });
    order.addEventListener('change', function () { if (document.getElementById('q').value) { submit(); } });
    if (params.get('q')) {
      var page = Math.max(0, parseInt(params.get('page') || '0', 10) || 0);
      run(params.get('q'), params.get('member') || '', params.get('from') || '', params.get('to') || '', page, within,
        order.value === 'newest');
    } else {
      showScope(within, '', '', '', '', order.value === 'newest');
    }
  });
  // On a conversation page, an image in a message opens in an overlay (a modal <dialog>):
  // the original file, its caption, "n / N", a link to the file, previous, next and close.
  // ArrowLeft and ArrowRight go through the page's images, Esc closes, and focus goes back
  // to the link that opened it. The labels are the page's own (data-* of the messages
  // section, in the site's language); text goes in through textContent only. Without the
  // script, or with a modifier key held, the link opens the file as before.
  function imageOverlay() {
    var section = document.querySelector('section.messages');
    if (!section || typeof HTMLDialogElement === 'undefined') { return; }
    var labels = section.dataset, dialog = null, parts = {}, links = [], at = 0, opener = null;
    function imageLinks() {
      return Array.prototype.map.call(section.querySelectorAll('figure > a > img'), function (img) { return img.parentNode; });
    }
    function button(name, text, label, action) {
      var element = document.createElement('button');
      element.type = 'button';
      element.className = name;
      element.textContent = text;
      if (label !== text) { element.setAttribute('aria-label', label); element.title = label; }
      element.addEventListener('click', action);
      return element;
    }
    function build() {
      dialog = document.createElement('dialog');
      dialog.className = 'image-overlay';
      dialog.setAttribute('aria-label', labels.overlay || '');
      dialog.setAttribute('aria-describedby', 'image-overlay-caption');
      var figure = document.createElement('figure');
      parts.image = document.createElement('img');
      parts.caption = document.createElement('figcaption');
      parts.caption.id = 'image-overlay-caption';
      figure.appendChild(parts.image); figure.appendChild(parts.caption);
      var bar = document.createElement('div');
      bar.className = 'bar';
      parts.count = document.createElement('span');
      parts.count.className = 'count';
      parts.previous = button('previous', '←', labels.previous || '', function () { show(at - 1); });
      parts.next = button('next', '→', labels.next || '', function () { show(at + 1); });
      parts.file = document.createElement('a');
      parts.file.className = 'file';
      parts.file.textContent = labels.open || '';
      parts.close = button('close', labels.close || '×', labels.close || '', function () { dialog.close(); });
      [parts.count, parts.previous, parts.next, parts.file, parts.close].forEach(function (e) { bar.appendChild(e); });
      dialog.appendChild(figure); dialog.appendChild(bar);
      dialog.addEventListener('keydown', function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey) { return; }
        if (event.key === 'ArrowLeft') { event.preventDefault(); show(at - 1); }
        if (event.key === 'ArrowRight') { event.preventDefault(); show(at + 1); }
      });
      // A click on the backdrop (outside the dialog's box) closes it too.
      dialog.addEventListener('click', function (event) { if (event.target === dialog) { dialog.close(); } });
      dialog.addEventListener('close', function () {
        document.body.removeAttribute('data-overlay');
        if (opener) { opener.focus(); }
      });
      // In main, so that its content is in a landmark while it is open.
      (document.querySelector('main') || document.body).appendChild(dialog);
    }
    function show(n) {
      at = (n + links.length) % links.length;
      var link = links[at], thumbnail = link.querySelector('img'), caption = link.parentNode.querySelector('figcaption');
      parts.image.src = link.getAttribute('href');
      parts.image.alt = thumbnail.alt;
      parts.caption.textContent = caption ? caption.textContent : thumbnail.alt;
      parts.count.textContent = (at + 1) + ' / ' + links.length;
      parts.file.href = link.getAttribute('href');
      parts.previous.hidden = parts.next.hidden = links.length < 2;
      document.body.dataset.overlay = String(at + 1);
    }
    section.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest('a');
      if (!link || event.button !== 0 || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      links = imageLinks();
      var n = links.indexOf(link);
      if (n < 0) { return; }
      event.preventDefault();
      if (!dialog) { build(); }
      opener = link;
      show(n);
      dialog.showModal();
      parts.close.focus();
    });
  }
  document.addEventListener('DOMContentLoaded', imageOverlay);
  // On paper a chart's numbers count as much as its picture: the closed data tables (and
  // every other closed detail) open for printing, and close again after.
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details:not([open])'), function (details) {
      details.dataset.openedForPrint = '1';
      details.open = true;
    });
  });
  window.addEventListener('afterprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details[data-opened-for-print]'), function (details) {
      delete details.dataset.openedForPrint;
      details.open = false;
    });
  });
})();
