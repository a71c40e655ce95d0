/** The dashboard's one stylesheet, served as a versioned file (the pages' CSP allows no inline style). */
export const DASHBOARD_CSS = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--link:#0550ae;--focus:#0969da;--sessions:#2563eb;--crashes:#cf222e;--warn:#fff8c5;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:var(--fg);background:var(--bg)}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;--link:#4493f8;--focus:#4493f8;--sessions:#4493f8;--crashes:#f85149;--warn:#3b2e00}}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip-link{position:absolute;left:.5rem;top:-3rem;background:var(--bg);padding:.5rem 1rem;z-index:2}
.skip-link:focus{top:.5rem}
.site{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--panel)}
.brand{font-weight:700;text-decoration:none;color:var(--fg)}
main{max-width:75rem;margin:0 auto;padding:1rem}
main:focus{outline:none}
h1{font-size:1.6rem;margin:.4rem 0}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem}
.crumbs{font-size:.9rem;color:var(--muted)}
.crumbs a{color:var(--muted)}
.sub{color:var(--muted);margin:0 0 1rem}
button{font:inherit;padding:.35rem .8rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);cursor:pointer}
button.primary{background:var(--focus);border-color:var(--focus);color:#fff;font-weight:600}
.periods{display:flex;flex-wrap:wrap;gap:.25rem;margin:.5rem 0 1rem;padding:0;list-style:none}
.periods a{display:block;padding:.3rem .8rem;border:1px solid var(--line);border-radius:999px;text-decoration:none;color:var(--fg)}
.periods a[aria-current=page]{background:var(--fg);color:var(--bg);border-color:var(--fg)}
.app-nav{display:flex;gap:1.25rem;margin:0 0 .75rem;padding:0;list-style:none;border-bottom:1px solid var(--line)}
.app-nav a{display:block;padding:.35rem 0;text-decoration:none;color:var(--muted);border-bottom:2px solid transparent;margin-bottom:-1px}
.app-nav a[aria-current=page]{color:var(--fg);font-weight:600;border-bottom-color:var(--fg)}
.headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem;margin:0}
.headline div{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
.headline dt{font-size:.85rem;color:var(--muted)}
.headline dd{margin:0;font-size:1.6rem;font-weight:650;font-variant-numeric:tabular-nums}
.headline small{display:block;font-size:.8rem;font-weight:400;color:var(--muted)}
.chart{margin:0}
.panel{margin:.4rem 0}
.panel-head{display:flex;justify-content:space-between;font-size:.85rem;color:var(--muted)}
.key{display:inline-block;width:.7rem;height:.7rem;border-radius:2px;margin-right:.4rem}
.key-sessions,.bar-sessions{background:var(--sessions);fill:var(--sessions)}
.key-crashes,.bar-crashes{background:var(--crashes);fill:var(--crashes)}
.bars{display:block;width:100%;height:7rem;background:var(--panel)}
.grid{stroke:var(--line);fill:none}
.axis{display:flex;justify-content:space-between;font-size:.8rem;color:var(--muted)}
.chart-data{margin:.5rem 0}
.table-tools{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;justify-content:space-between;margin-bottom:.5rem}
.filter{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.filter input{font:inherit;padding:.35rem .6rem;border:1px solid var(--line);border-radius:6px;min-width:14rem;background:var(--bg);color:var(--fg)}
.table-scroll{position:relative;overflow-x:auto;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
.testers table{min-width:56rem}
th,td{padding:.4rem .6rem;text-align:left;border-bottom:1px solid var(--line);white-space:nowrap}
thead th{background:var(--panel);font-weight:600}
thead th a{color:var(--fg);text-decoration:none}
thead th a:hover{text-decoration:underline}
.num{text-align:right;font-variant-numeric:tabular-nums}
.sort-mark{font-size:.7rem;margin-left:.25rem;color:var(--muted)}
tbody tr:hover{background:var(--panel)}
tbody th small{display:block;font-weight:400;font-size:.8rem;color:var(--muted);white-space:normal}
tr.version th{background:var(--panel);font-size:.85rem;color:var(--muted);padding:.3rem .6rem}
.builds{min-width:44rem}
.older-builds{margin:.75rem 0}
.older-builds summary{cursor:pointer;color:var(--muted);margin-bottom:.5rem}
.state{font-size:.8rem;text-transform:lowercase}
[aria-busy=true]{opacity:.55}
.table-status{color:var(--muted);margin:.3rem 0}
.pager{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:.75rem 0}
.apps{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.75rem}
.apps li{border:1px solid var(--line);border-radius:8px;padding:.8rem}
.apps a{font-weight:650;font-size:1.1rem}
.apps p{margin:.2rem 0;color:var(--muted)}
.notice,.empty{background:var(--warn);border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem}
.card{max-width:36rem;margin:2rem auto;border:1px solid var(--line);border-radius:10px;padding:1.2rem 1.4rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.88em}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.6rem;overflow-x:auto}
.note{font-size:.85rem;color:var(--muted)}
.invite form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.invite input{font:inherit;padding:.35rem .6rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
td.actions form{margin:0}
.empty p code{overflow-wrap:anywhere}
.feedback-filters{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;margin-bottom:.75rem}
.feedback-filters .periods{margin:0}
.filter select{font:inherit;padding:.3rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);max-width:16rem}
.active-filter{margin:0;font-size:.9rem}
.feedback-list{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:minmax(0,1fr);gap:.75rem}
.feedback{border:1px solid var(--line);border-radius:8px;padding:.7rem 1rem}
.feedback-head h3{display:flex;flex-wrap:wrap;gap:.6rem;align-items:baseline;font-size:1rem;margin:0}
.feedback-head time{font-weight:400;font-size:.9rem;color:var(--muted)}
.kind{font-size:.8rem;font-weight:600;padding:.05rem .5rem;border:1px solid;border-radius:999px}
.kind-crash{color:var(--crashes)}
.kind-screenshot{color:var(--sessions)}
.feedback-from{margin:.2rem 0 .4rem;font-size:.9rem}
.email,.muted{color:var(--muted)}
.comment{white-space:pre-wrap;overflow-wrap:anywhere;margin:.4rem 0;padding:.2rem .7rem;border-left:3px solid var(--line)}
.comment.none,.device.none{color:var(--muted);font-style:italic;border:0;padding:0;font-size:.85rem}
.device{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.3rem .9rem;margin:.5rem 0;font-size:.85rem}
.device dt{color:var(--muted);font-size:.78rem}
.device dd{margin:0;overflow-wrap:anywhere}
.shots{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
.shots a{display:block;text-decoration:none}
.shots img{display:block;object-fit:contain;border:1px solid var(--line);border-radius:6px;background:var(--panel)}
.shot-elsewhere{display:flex;flex-direction:column;justify-content:center;gap:.2rem;width:9.5rem;min-height:10rem;padding:.5rem;border:1px dashed var(--line);border-radius:6px;font-size:.85rem;text-align:center;overflow-wrap:anywhere}
.shot-elsewhere small{color:var(--muted)}
.crash-log pre{max-height:26rem;overflow:auto;margin:.5rem 0 .3rem;font-size:.8rem}
.crash-log p{margin:0}
footer{max-width:75rem;margin:2rem auto;padding:0 1rem;font-size:.8rem;color:var(--muted)}
@media (max-width:40rem){h1{font-size:1.3rem}.headline dd{font-size:1.3rem}.filter input{min-width:0;flex:1}}
`;
