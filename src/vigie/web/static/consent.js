// Cookie management, a little easier with JavaScript (every choice also works without it):
// ticking a category ticks its services, and a category stays ticked only while all its services are.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("input[data-category]")) {
    const services = document.querySelectorAll(`input[data-in-category="${box.dataset.category}"]`);
    box.addEventListener("change", () => {
      for (const service of services) service.checked = box.checked;
    });
    for (const service of services) {
      service.addEventListener("change", () => {
        box.checked = Array.from(services).every((s) => s.checked);
      });
    }
  }
});
