// A Plotly chart that stays on the page across reruns (issue 13). st.plotly_chart keys its
// element by a hash of the figure, so every new figure was a new element: React unmounted the
// old one (Plotly.purge) and the new one drew its figure twice (two Plotly.react calls on a
// fresh div, ~0.4 s of the browser's time per learning-rate change on the Playground). This
// module keeps ONE div per element and hands each new figure to Plotly.react, which diffs the
// traces and the layout against what is drawn and keeps the DOM.
//
// It is a Streamlit components-v2 module: it runs in the page itself (no iframe) and Streamlit
// calls it again, on the same parentElement, whenever the element's data (the figure's JSON
// text) changes. plotly.js is the copy Streamlit ships: importing Streamlit's own Plotly chart
// module (ui/live_chart.py writes its hashed file name into CHUNK) sets window.Plotly, and the
// browser evaluates that module once for both of us (ui/preload.py already preloads it).
const CHUNK = "__PLOTLY_CHUNK__";
// Used when the element has no height yet (plotly's own default is 450 px).
const FALLBACK_HEIGHT = 620;

let loading = null;

function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    const index = document.querySelector('script[src*="/static/js/index."]');
    const base = index ? index.src : new URL("static/js/", document.baseURI).href;
    loading = import(new URL(CHUNK, base).href).then(() => window.Plotly);
  }
  return loading;
}

// One entry per mounted element: its plot div, the figure text drawn, the newest one waiting.
const charts = new WeakMap();

function size(chart, layout) {
  const box = chart.root.getBoundingClientRect();
  const width = Math.round(box.width);
  const height = Math.round(box.height);
  return {
    width: width > 0 ? width : undefined,
    height: height > 40 ? height : layout.height || FALLBACK_HEIGHT,
  };
}

// A click on the contour panel (the click grid's subplot) sends its coordinates once.
function listen(chart) {
  chart.gd.on("plotly_click", (event) => {
    const points = (event && event.points) || [];
    const full = chart.gd._fullData || [];
    const grid = full.find((trace) => trace.name === "click grid");
    const point = points.find((p) => !grid || (p.fullData || {}).xaxis === grid.xaxis);
    if (point && Number.isFinite(point.x) && Number.isFinite(point.y)) {
      chart.send("click", { x: point.x, y: point.y });
    }
  });
}

async function draw(chart) {
  if (chart.busy) return; // the draw under way takes the newest figure when it is done
  chart.busy = true;
  try {
    const Plotly = await plotly();
    while (chart.waiting !== null) {
      const text = chart.waiting;
      chart.waiting = null;
      if (text === chart.drawn) continue;
      const figure = JSON.parse(text);
      figure.layout = Object.assign(figure.layout || {}, size(chart, figure.layout || {}));
      figure.config = Object.assign({ displaylogo: false }, figure.config || {});
      // A playing animation would go on with the old figure's frames: stop it first.
      if (chart.gd._transitionData && chart.gd._transitionData._frameQueue?.length) {
        Plotly.animate(chart.gd, [null], { mode: "immediate" });
      }
      await Plotly.react(chart.gd, figure);
      chart.drawn = text;
      chart.size = [figure.layout.width, figure.layout.height];
      if (!chart.listening) {
        listen(chart);
        chart.listening = true;
      }
    }
  } finally {
    chart.busy = false;
  }
}

function resized(chart) {
  if (!chart.drawn || chart.busy || !window.Plotly) return;
  const now = size(chart, chart.gd.layout || {});
  if (now.width !== chart.size[0] || now.height !== chart.size[1]) {
    chart.size = [now.width, now.height];
    window.Plotly.relayout(chart.gd, now);
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let chart = charts.get(parentElement);
  if (!chart) {
    const gd = document.createElement("div");
    gd.className = "dl-live-chart";
    parentElement.appendChild(gd);
    chart = { root: parentElement, gd, drawn: null, waiting: null, busy: false, size: [] };
    chart.observer = new ResizeObserver(() => resized(chart));
    chart.observer.observe(parentElement);
    charts.set(parentElement, chart);
  }
  chart.send = setTriggerValue;
  // The figure's JSON text comes as the one item of a list (ui/live_chart.py says why).
  const figure = Array.isArray(data) ? data[0] : data;
  chart.waiting = typeof figure === "string" ? figure : JSON.stringify(figure);
  draw(chart);
  return () => {
    // Streamlit may call this between two figures of the same element: let go of the chart
    // only once its element has left the page.
    window.setTimeout(() => {
      if (parentElement.isConnected) return;
      chart.observer.disconnect();
      if (window.Plotly) window.Plotly.purge(chart.gd);
      charts.delete(parentElement);
    }, 0);
  };
}
