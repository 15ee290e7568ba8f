/* Live counters of a fair page (fairs/_results_counters.html).
 *
 * Every panel with data-fair-counters and a data-url polls that URL (the public counters API)
 * every data-refresh-seconds seconds and writes the figures into its [data-counter] elements.
 * No inline script and no library: the page's Content-Security-Policy can stay "script-src 'self'".
 * Polling pauses while the tab is hidden and stops once the API says the fair is no longer live.
 */
(function () {
  "use strict";

  var panels = document.querySelectorAll("[data-fair-counters][data-url]");
  if (!panels.length || !window.fetch) {
    return;
  }
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);

  Array.prototype.forEach.call(panels, function (panel) {
    var url = panel.getAttribute("data-url");
    var seconds = parseInt(panel.getAttribute("data-refresh-seconds"), 10) || 15;
    var timer = null;

    function show(data) {
      Array.prototype.forEach.call(panel.querySelectorAll("[data-counter]"), function (element) {
        var value = data[element.getAttribute("data-counter")];
        if (typeof value === "number") {
          element.textContent = format.format(value);
        }
      });
      if (data.live === false) {
        stop();
      }
    }

    function refresh() {
      if (document.hidden) {
        return;
      }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data) {
            show(data);
          }
        })
        .catch(function () {
          /* A missed refresh (network, throttling) is retried at the next tick. */
        });
    }

    function stop() {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
      document.removeEventListener("visibilitychange", onVisible);
    }

    function onVisible() {
      if (!document.hidden) {
        refresh();
      }
    }

    timer = window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", onVisible);
  });
})();
