// Hovering or focusing a number (or its card) outlines it, its card and the words that chose its subject and metric.
(function () {
  function light(ids, on) {
    ids.split(" ").forEach(function (id) {
      document.querySelectorAll('[data-facts~="' + id + '"]').forEach(function (el) { el.classList.toggle("lit", on); });
    });
  }
  document.querySelectorAll("[data-facts]").forEach(function (el) {
    ["mouseenter", "focus"].forEach(function (e) { el.addEventListener(e, function () { light(el.dataset.facts, true); }); });
    ["mouseleave", "blur"].forEach(function (e) { el.addEventListener(e, function () { light(el.dataset.facts, false); }); });
  });
})();
