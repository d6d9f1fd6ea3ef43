// First-party audience measurement, loaded only once the visitor accepted it: the register's cookies,
// holding a random anonymous id, on this site's domain only; nothing is sent to a third party.
"use strict";
(() => {
  const script = document.currentScript;
  const maxAge = Number(script.dataset.maxAge);
  for (const name of script.dataset.cookies.split(" ")) {
    if (!document.cookie.split("; ").some((c) => c.startsWith(`${name}=`))) {
      const id = crypto.getRandomValues(new Uint32Array(2)).join("");
      document.cookie = `${name}=${id}; max-age=${maxAge}; path=/; samesite=lax`;
    }
  }
})();
