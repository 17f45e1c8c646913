// The scrub chart's slider lives in plotly.js, in the browser: dragging it swaps the
// figure's frames with no server round trip. This component only listens for the release
// (plotly.js's "plotly_sliderend") and sends the chosen learning rate to Python once, so
// the app's learning rate, its URL and the rest of the page follow.
//
// It is a Streamlit components-v2 module: it runs in the page itself (no iframe), finds the
// chart by its layout.meta.scrub flag, and looks again whenever Streamlit remounts the chart.
export default function (component) {
  const { setTriggerValue } = component;
  const watched = new WeakSet();

  function released(gd, event) {
    const meta = (gd.layout && gd.layout.meta) || {};
    const index = event && event.slider ? event.slider.active : undefined;
    if (!Array.isArray(meta.lrs) || typeof index !== "number") return;
    const lr = meta.lrs[index];
    if (typeof lr === "number") setTriggerValue("released", lr);
  }

  function attach() {
    for (const gd of document.querySelectorAll(".js-plotly-plot")) {
      const meta = gd.layout && gd.layout.meta;
      if (!meta || !meta.scrub || watched.has(gd) || typeof gd.on !== "function") continue;
      watched.add(gd);
      gd.on("plotly_sliderend", (event) => released(gd, event));
    }
  }

  attach();
  const timer = window.setInterval(attach, 200);
  return () => window.clearInterval(timer);
}
