// Toasts fade after a while and can be dismissed; htmx swaps may add new ones.
(function () {
  function arm(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    toast.querySelector(".toast-close")?.addEventListener("click", () => toast.remove());
    if (!toast.classList.contains("toast-error")) setTimeout(() => toast.remove(), 6000);
  }
  function armAll() { document.querySelectorAll(".toast").forEach(arm); }
  document.addEventListener("DOMContentLoaded", armAll);
  document.addEventListener("htmx:afterSettle", armAll);
})();
