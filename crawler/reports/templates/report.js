// Small tables (networks, localization, hreflang): a header sorts its own table by its own column.
function cellValue(row, column){
  var cell = row.cells[column];
  return cell ? (cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent.trim()) : '';
}
document.querySelectorAll('table.sortable:not(.virtual) th').forEach(function(th){
  th.addEventListener('click', function(){
    var column = th.cellIndex, body = th.closest('table').tBodies[0], rows = Array.from(body.rows);
    var asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
    rows.sort(function(a, b){
      var x = cellValue(a, column), y = cellValue(b, column);
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});

// The link and referring-domain tables: drawn from data (TABLES, written by crawler/reports/html_report.py),
// sorted and filtered on arrays, and only the rows in view are in the DOM (virtual scrolling), so 50,000
// links open, sort and filter at once. Cells are filled with textContent and only http(s) URLs become
// links: a crawled string is never markup.
var OVERSCAN = 30;  // rows drawn above and below the view
function el(tag, className, text){
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null && text !== '') node.textContent = text;
  return node;
}
function fixed(value, digits){ return value === null || value === undefined ? '' : value.toFixed(digits); }
var RENDER = {
  text: function(td, v){ if (v !== null && v !== '') td.textContent = v; },
  num: function(td, v){ var s = fixed(v, 2); if (s) td.textContent = s; td.className = 'num'; },
  int: function(td, v){ if (v !== null && v !== undefined) td.textContent = Math.round(v).toLocaleString('en'); td.className = 'num'; },
  yesno: function(td, v){ td.textContent = v ? 'yes' : 'no'; },
  verdict: function(td, v){ td.appendChild(el('span', 'tag v-' + v, v)); },
  status: function(td, v){ td.textContent = v[0]; td.className = v[1] === 'live' ? 'ok' : 'bad'; },
  page: function(td, v){
    if (/^https?:\/\//i.test(v[0])) { var a = el('a', '', v[0]); a.href = v[0]; a.rel = 'noreferrer'; td.appendChild(a); }
    else td.appendChild(document.createTextNode(v[0]));
    if (v[1]) td.appendChild(el('span', 'muted', ' ' + v[1]));
    td.title = v[0] + (v[1] ? '\n' + v[1] : '');
  },
  muted: function(td, v){ if (v[0]) td.appendChild(document.createTextNode(v[0] + ' ')); if (v[1]) td.appendChild(el('span', 'muted', v[1])); },
  tagged: function(td, v){ if (v[0]) td.appendChild(document.createTextNode(v[0] + ' ')); if (v[1]) td.appendChild(el('span', 'tag', v[1])); td.title = v[0] || ''; },
  tags: function(td, v){
    v[0].forEach(function(t){ td.appendChild(el('span', 'tag r', t)); });
    v[1].forEach(function(t){ td.appendChild(el('span', 'tag', t)); });
  },
};
function sortValue(kind, v){
  if (kind === 'num' || kind === 'int') return v === null || v === undefined ? -1 : v;
  if (kind === 'yesno') return v ? 1 : 0;
  if (kind === 'page' || kind === 'status' || kind === 'muted' || kind === 'tagged') return String(v[0] || '').toLowerCase();
  if (kind === 'tags') return v[0].concat(v[1]).join(' ');
  return String(v === null ? '' : v).toLowerCase();
}
function VirtualTable(spec){
  // The data is column-wise (html_report.packed_tables): one array per field, a cell made of its column's fields.
  var table = document.getElementById(spec.id), box = table.parentNode, body = table.tBodies[0];
  var fields = spec.fields.map(function(f){ return f.plain || f.codes.map(function(code){ return f.values[code]; }); });
  var count = spec.count, kinds = spec.columns.map(function(c){ return c.kind; });
  var sources = spec.columns.map(function(c){ return c.fields.map(function(f){ return fields[f]; }); });
  function cell(i, column){
    var from = sources[column];
    return from.length === 1 ? from[0][i] : from.map(function(field){ return field[i]; });
  }
  function searchText(i){
    var text = '';
    for (var f = 0; f < fields.length; f++) {
      var v = fields[f][i];
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) { for (var j = 0; j < v.length; j++) if (v[j] !== null) text += ' ' + v[j]; }
      else text += ' ' + v;
    }
    return text.toLowerCase();
  }
  function texts(){
    haystack = new Array(count);
    for (var i = 0; i < count; i++) haystack[i] = searchText(i);
  }
  var order = new Array(count);
  for (var n = 0; n < count; n++) order[n] = n;
  var ranks = {}, haystack = null, shown = order, drawn = [-1, -1];
  var counter = document.getElementById(spec.id + '-count');
  var height = 30;  // a row's height in pixels: measured once the first rows are drawn (rows are one line each)
  function rank(column){  // each value's place in the column's order, computed once per column
    if (ranks[column]) return ranks[column];
    var keys = new Array(count);
    for (var i = 0; i < count; i++) keys[i] = sortValue(kinds[column], cell(i, column));
    if (typeof keys[0] === 'number') return (ranks[column] = keys);
    var unique = Array.from(new Set(keys)).sort(), place = new Map();
    unique.forEach(function(k, i){ place.set(k, i); });
    return (ranks[column] = keys.map(function(k){ return place.get(k); }));
  }
  function draw(force){
    var first = Math.max(0, Math.floor(box.scrollTop / height) - OVERSCAN);
    var last = Math.min(shown.length, Math.ceil((box.scrollTop + box.clientHeight) / height) + OVERSCAN);
    if (!force && first === drawn[0] && last === drawn[1]) return;
    drawn = [first, last];
    var fragment = document.createDocumentFragment(), sorted = table.dataset.column;
    var top = el('tr', 'spacer'); top.style.height = (first * height) + 'px'; fragment.appendChild(top);
    for (var i = first; i < last; i++) {
      var index = shown[i], tr = el('tr', 'vr');
      for (var c = 0; c < kinds.length; c++) {
        var td = document.createElement('td');
        RENDER[kinds[c]](td, cell(index, c));
        if (ranks[c]) td.dataset.v = ranks[c][index];
        tr.appendChild(td);
      }
      fragment.appendChild(tr);
    }
    var bottom = el('tr', 'spacer'); bottom.style.height = ((shown.length - last) * height) + 'px'; fragment.appendChild(bottom);
    body.replaceChildren(fragment);
    if (last > first && !table.dataset.measured) {
      table.dataset.measured = '1';
      var measured = body.rows[1].getBoundingClientRect().height;
      if (measured > 0 && Math.abs(measured - height) > 0.5) { height = measured; drawn = [-1, -1]; draw(true); return; }
    }
    if (counter) counter.textContent = shown.length === count ? count.toLocaleString('en') + ' rows'
      : shown.length.toLocaleString('en') + ' of ' + count.toLocaleString('en') + ' rows';
    table.dataset.sorted = sorted || '';
  }
  function sort(column, asc){
    var keys = rank(column);
    order.sort(function(a, b){ return asc ? keys[a] - keys[b] || a - b : keys[b] - keys[a] || a - b; });
    filter();
  }
  function filter(){
    var q = spec.query ? document.getElementById(spec.query).value.toLowerCase() : '';
    var status = spec.status ? document.getElementById(spec.status).value : '';
    if (q && !haystack) texts();
    var statuses = fields[spec.statusField];
    shown = (q || status) ? order.filter(function(i){
      return (!q || haystack[i].indexOf(q) >= 0) && (!status || statuses[i] === status);
    }) : order;
    box.scrollTop = 0;
    draw(true);
  }
  table.querySelectorAll('th').forEach(function(th, column){
    th.addEventListener('click', function(){
      var asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
      table.querySelectorAll('th').forEach(function(other){ if (other !== th) delete other.dataset.dir; });
      table.dataset.column = column;
      sort(column, asc);
    });
  });
  if (spec.query) document.getElementById(spec.query).addEventListener('input', filter);
  if (spec.status) document.getElementById(spec.status).addEventListener('change', filter);
  box.addEventListener('scroll', function(){ draw(false); }, {passive: true});
  draw(true);
  // The filter's text, lowercased once, while the reader looks at the page: the first keystroke is then as fast as the rest.
  (window.requestIdleCallback || setTimeout)(function(){ if (!haystack) texts(); });
}
// The data is gzip'd JSON in base64 in a block that never runs (html_report.packed_tables).
function loadTables(){
  var packed = atob(document.getElementById('report-data').textContent.trim()), bytes = new Uint8Array(packed.length);
  for (var i = 0; i < packed.length; i++) bytes[i] = packed.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text().then(JSON.parse);
}
if (window.DecompressionStream) {
  loadTables().then(function(tables){ tables.forEach(VirtualTable); document.body.dataset.ready = "1"; });
} else {  // a browser from before 2023: the figures above still show; the full tables are in the XLSX and in serve
  document.querySelectorAll('table.virtual').forEach(function(table){
    table.parentNode.parentNode.insertBefore(el('p', 'bad', 'This browser cannot unpack the table: open the XLSX output or linkverifier serve.'), table.parentNode);
  });
  document.body.dataset.ready = "1";
}
