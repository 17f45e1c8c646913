// Streamlit fetches plotly.js (a 4.6 MB module) only when the first chart arrives, after the
// first script run has done its imports and its sums. This module asks the browser for it at
// the start of that run instead, so download and compilation overlap the server's work. The
// URL is taken from Streamlit's own index script, so a baseUrlPath needs no configuration.
// ui/preload.py writes the file's name (hashed per Streamlit release) into FILE.
const FILE = "__PLOTLY_CHUNK__";

export default function () {
  if (document.querySelector("link[data-dl-preload]")) return;
  const index = document.querySelector('script[src*="/static/js/index."]');
  if (!index) return;
  const link = document.createElement("link");
  link.rel = "modulepreload";
  link.href = new URL(FILE, index.src).href;
  link.dataset.dlPreload = "plotly";
  document.head.appendChild(link);
}
