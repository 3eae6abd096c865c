// Imported first by main.ts, so it runs first: the moment the app's JS starts running (after the browser
// has downloaded and compiled it), which the UI benchmark measures the first paint from (ui-spec F.8 U1).
performance.mark('studio:js-start')
