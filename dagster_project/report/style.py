"""The report's stylesheet: system fonts only, tabular figures, up green and down red."""

from __future__ import annotations

from dagster_project.report.svg import DOWN_COLOUR, FLAT_COLOUR, UP_COLOUR

_ROOT = f":root{{--up:{UP_COLOUR};--down:{DOWN_COLOUR};--flat:{FLAT_COLOUR};"
_RULES = """--ink:#1f2328;--muted:#57606a;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;background:#f6f8fa;color:var(--ink);font:15px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;font-variant-numeric:tabular-nums}
main{max-width:1120px;margin:0 auto;padding:24px 20px 8px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:17px;margin:0 0 10px}h3{font-size:14px;margin:0}
p{margin:0}.sub,.note,.prev,.nohist,footer{color:var(--muted)}.sub{margin-bottom:10px}
.lead{font-size:16px;margin:0 0 18px;max-width:75ch}
.up{color:var(--up)}.down{color:var(--down)}.flat{color:var(--flat)}
.cards,.two{display:grid;gap:14px;margin-bottom:14px}
.cards{grid-template-columns:repeat(auto-fit,minmax(min(100%,230px),1fr))}
.two{grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr))}
.card,.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.panel{margin-bottom:14px}.two .panel{margin:0}
.card{border-top:4px solid var(--flat)}.card.up{border-top-color:var(--up)}
.card.down{border-top-color:var(--down)}
.level{font-size:26px;font-weight:700;margin:2px 0}.move{font-weight:600}
.spark{display:block;width:100%;max-width:220px;height:44px;margin-top:8px}
.nohist{font-size:12px;margin-top:8px}
div.intraday{margin-top:6px;border-top:1px dashed var(--line)}
.headlines{margin:8px 0 0;padding-left:22px}.headlines li{margin:0 0 6px}
.headlines .kind{font-size:11px;text-transform:uppercase;color:var(--muted);margin-right:2px}
.headlines li[data-kind="article"] .hl{font-weight:600}.by{font-size:13px;color:var(--muted)}
.tag{display:inline-block;font-size:12px;font-weight:600;border:1px solid var(--line);
border-radius:10px;padding:0 7px;margin-left:6px;white-space:nowrap}
.breadth{display:flex;height:30px;border-radius:6px;overflow:hidden;margin:6px 0 10px}
.breadth span{display:flex;align-items:center;justify-content:center;color:#fff;font-weight:700;
min-width:0;overflow:hidden;font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:14px}
dl{display:grid;grid-template-columns:auto 1fr;gap:4px 16px;margin:0}dt{color:var(--muted)}
dd{margin:0;font-weight:600}
svg text{font-family:inherit}svg.bars,svg.treemap{display:block;width:100%;height:auto}
.scroll{overflow-x:auto}svg.bars{min-width:400px}svg.treemap{min-width:640px}
.b-sym{font-size:14px;font-weight:700;fill:var(--ink)}.b-pct{font-size:13px;font-weight:700}
.b-num{font-size:13px;fill:var(--ink)}.b-head{font-size:11px;fill:var(--muted)}
.b-news{font-size:12px;font-style:italic;fill:var(--muted)}
.t-name{font-size:12.5px;font-weight:600}.t-pct{font-size:15px;font-weight:700}
.t-ad{font-size:12px}
.scale{display:flex;align-items:center;gap:8px;font-size:12px;color:var(--muted);margin:8px 0}
.scale i{display:inline-block;width:26px;height:12px;border-radius:2px}
table{border-collapse:collapse;width:100%;font-size:14px;margin-top:10px}
th,td{padding:5px 8px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
th{color:var(--muted);font-weight:600}th:first-child,td:first-child{text-align:left;
white-space:normal}
footer{font-size:13px;padding:4px 20px 28px;max-width:1120px;margin:0 auto}
footer ul{margin:4px 0 8px;padding-left:18px}code{font-size:12px}
@media print{body{background:#fff}.card,.panel{break-inside:avoid}}
"""

CSS = _ROOT + _RULES
