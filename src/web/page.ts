/**
 * @module web/page: the view's HTML shell and stylesheet. The page is static: index.html plus one
 * script (the esbuild bundle of web/main.ts, an IIFE, so it also runs from file://). Used by
 * `lazyswitch view` (served) and `lazyswitch view --static DIR` (written); not by the bundle.
 */

export const BUNDLE_NAME = 'lazyswitch-view.js';

export function viewPageHtml(bundle = BUNDLE_NAME): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:">
<title>lazyswitch — switch stepper</title>
<style>${VIEW_CSS}</style>
</head>
<body>
<div id="app"><p class="loading">Loading the model… (this page needs JavaScript: the model runs in your browser)</p></div>
<script src="./${bundle}" defer></script>
</body>
</html>
`;
}

export const VIEW_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg2: #f6f8fa; --focus: #0b5cad; --bad: #b3261e; --good: #116329; }
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
#app { height: 100%; display: flex; flex-direction: column; }
.loading { padding: 20px; }
button, select, input, textarea { font: inherit; color: inherit; }
button { background: #fff; border: 1px solid #8c959f; border-radius: 5px; padding: 3px 9px; cursor: pointer; }
button:hover { background: var(--bg2); }
button:disabled { color: #8c959f; cursor: default; }
button.primary { background: #0b5cad; color: #fff; border-color: #0b5cad; }
button.primary:hover { background: #094a8c; }
button.preset { background: #fff4e5; border-color: #9a5b00; font-weight: 600; }
button.preset:hover { background: #ffe8c7; }
select, input, textarea { border: 1px solid #8c959f; border-radius: 4px; padding: 2px 5px; background: #fff; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
#stepper:focus { outline: 3px solid var(--focus); outline-offset: -3px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; padding: 6px 12px; border-bottom: 1px solid var(--line); background: var(--bg2); }
header.top h1 { font-size: 16px; margin: 0; white-space: nowrap; }
header.top h1 span { font-weight: 400; color: var(--muted); }
form.scenario { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; margin: 0; }
form.scenario label { display: inline-flex; align-items: center; gap: 4px; color: var(--muted); }
form.scenario label > * { color: var(--fg); }
form.scenario input[type=number] { width: 62px; }
form.scenario input.domains { width: 128px; }
header.top .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; flex-basis: 100%; }
header.top .bar button { flex: none; white-space: nowrap; }
header.top .bar #status { flex: 1 1 320px; min-width: 0; }
.replay { padding: 0 12px 4px; border-bottom: 1px solid var(--line); background: var(--bg2); }
.replay p { margin: 2px 0; }
.replay textarea { width: 100%; height: 54px; font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
.replay .row { display: flex; gap: 8px; align-items: center; padding: 3px 0 2px; }
.note { color: var(--muted); }
#status { margin: 0; color: var(--muted); }
#status.error { color: var(--bad); font-weight: 600; }
#stepper { padding: 5px 12px 6px; border-bottom: 1px solid var(--line); }
.nav { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; }
.nav .pos { font-weight: 700; min-width: 130px; text-align: center; }
.moments { display: inline-flex; gap: 0; margin-left: 8px; }
.moments button { border-radius: 0; margin-left: -1px; }
.moments button:first-child { border-radius: 5px 0 0 5px; }
.moments button:last-child { border-radius: 0 5px 5px 0; }
.moments button[aria-current="step"] { background: #0b5cad; color: #fff; border-color: #0b5cad; font-weight: 600; }
.keys { margin-right: 8px; }
kbd { font-family: ui-monospace, Menlo, monospace; font-size: 11px; border: 1px solid #8c959f; border-bottom-width: 2px; border-radius: 3px; padding: 0 3px; background: #fff; }
#story { margin: 4px 0 0; }
.main { flex: 1; min-height: 0; display: flex; }
#regs { flex: 1; min-width: 0; display: flex; flex-direction: column; padding: 6px 0 0 12px; }
#regs > .summary, #regs > label { flex: none; margin-right: 12px; }
.table-wrap { flex: 1; min-height: 0; overflow: auto; padding: 0 12px 12px 0; margin-top: 4px; }
#checks { width: 280px; flex: none; overflow: auto; border-left: 1px solid var(--line); padding: 6px 12px 12px; background: #fcfcfd; }
#checks h2 { font-size: 14px; margin: 4px 0 6px; }
#checks h3 { font-size: 13px; margin: 12px 0 4px; }
#checks ul { list-style: none; margin: 0; padding: 0; }
#checks li { margin: 3px 0; }
.finding { border: 1px solid #cf222e; background: #ffebe9; border-radius: 5px; padding: 5px 7px; margin: 5px 0; }
.finding.later { border-style: dashed; }
.finding .msg { display: block; margin-top: 2px; }
.ok { color: var(--good); font-weight: 600; }
.badx { color: var(--bad); font-weight: 700; }
.inv-list li { display: flex; justify-content: space-between; gap: 6px; }
.summary { margin: 0 0 6px; display: grid; gap: 4px; }
.summary p { margin: 0; padding: 4px 8px; border-radius: 5px; border: 1px solid var(--line); background: var(--bg2); }
.summary p.warn { border-color: #9a5b00; background: #fff8e6; }
.summary p.lost { border-color: #cf222e; background: #ffebe9; }
table.regs { border-collapse: separate; border-spacing: 0; font-size: 12px; font-variant-numeric: tabular-nums; }
table.regs th, table.regs td { border-bottom: 1px solid #eaeef2; padding: 1px 4px; text-align: left; vertical-align: middle; white-space: nowrap; }
table.regs thead th { position: sticky; top: 0; background: #fff; border-bottom: 2px solid var(--line); z-index: 1; font-weight: 600; }
table.regs thead tr.group th { top: 0; height: 22px; }
table.regs thead tr.cols th { top: 22px; }
table.regs th.fn { white-space: normal; font-size: 11px; line-height: 1.15; min-width: 48px; max-width: 70px; }
table.regs td.flags { min-width: 58px; }
table.regs td.commit { font-size: 11.5px; }
table.regs th.reg { font-family: ui-monospace, Menlo, monospace; font-weight: 600; }
table.regs tr.cls th { background: var(--bg2); color: var(--muted); font-weight: 600; position: static; }
table.regs tbody tr { scroll-margin-top: 64px; }
table.regs tr.flagged td, table.regs tr.flagged th { background: #ffebe9; }
table.regs tr.flagged th.reg { box-shadow: inset 4px 0 0 #cf222e; }
td.own { text-align: center !important; min-width: 46px; border-left: 1px solid #fff; }
td.own .m { font-weight: 800; margin-left: 2px; }
td.own.empty { color: #8c959f; }
.chip { display: inline-block; border: 1px solid; border-radius: 10px; padding: 0 6px; margin: 1px 2px 1px 0; font-size: 11.5px; }
/* Locations are outlined on white (a thick left edge in their colour); owners are filled tints: the two never look alike. */
.chip.k-area, .chip.k-ctx, .chip.k-vframe, .chip.k-vcframe, .chip.k-reg, .chip.k-frame, .chip.k-cframe { background: #fff; border-left-width: 4px; border-radius: 3px; }
.chip.k-area, .chip.k-ctx, .chip.k-vframe, .chip.k-vcframe { border-color: #1a7f37; color: #0f3d1e; }
.chip.k-reg { border-color: #24292f; color: #24292f; }
.chip.k-frame { border-color: #6e7781; color: #24292f; border-style: double; border-width: 3px 3px 3px 5px; }
.chip.k-cframe { border-color: #8250df; color: #3e1f79; font-weight: 600; }
.chip.k-lost { background: #cf222e; border-color: #82071e; color: #fff; font-weight: 700; }
.chip.k-unc { background: #fff; border-color: #9a5b00; color: #7a4100; border-style: dashed; }
.chip.k-held { background: #fff; border-color: #0969da; color: #0a3069; border-style: dashed; }
.flag { display: inline-block; background: #cf222e; color: #fff; border-radius: 4px; padding: 0 5px; font-weight: 700; font-size: 11.5px; margin-right: 2px; }
.flag.later { background: #fff; color: #b3261e; border: 1px dashed #cf222e; }
footer.legend { border-top: 1px solid var(--line); padding: 4px 12px; background: var(--bg2); display: flex; flex-wrap: wrap; gap: 3px 8px; align-items: center; font-size: 12px; }
footer.legend .sw { display: inline-block; min-width: 30px; text-align: center; border: 1px solid #57606a; border-radius: 3px; padding: 0 3px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
