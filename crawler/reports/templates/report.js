// A header sorts its own table by its own column (cellIndex: counted within its row, not across the page).
function cellValue(row, column){
  var cell = row.cells[column];
  return cell ? (cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent.trim()) : '';
}
document.querySelectorAll('table.sortable th').forEach(function(th){
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
function applyFilter(){
  var q = document.getElementById('q').value.toLowerCase(), s = document.getElementById('status').value;
  Array.from(document.querySelectorAll('#links tbody tr')).forEach(function(r){
    var show = r.textContent.toLowerCase().indexOf(q) >= 0 && (!s || r.dataset.status === s);
    r.style.display = show ? '' : 'none';
  });
}
document.getElementById('q').addEventListener('input', applyFilter);
document.getElementById('status').addEventListener('change', applyFilter);
document.body.dataset.ready = "1";
