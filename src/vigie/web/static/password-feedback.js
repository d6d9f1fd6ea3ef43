// vigie: feedback on a new password as it is typed. The form works without this script: the server checks
// the same rules when the form is sent. Nothing here is stored; the password goes to our own endpoint only.
(function () {
  "use strict";
  var input = document.getElementById("password");
  var box = document.getElementById("avis-mot-de-passe");
  if (!input || !box || !window.fetch) { return; }
  var timer = null;
  var asked = 0;

  function value(id) {
    var element = document.getElementById(id);
    return element ? element.value.trim() : "";
  }

  function isoDate(text) {
    var match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
    if (match) { return match[3] + "-" + match[2] + "-" + match[1]; }
    return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null;
  }

  function show(feedback) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var title = document.createElement("p");
    title.className = feedback.acceptable ? "ok" : "ko";
    title.textContent = feedback.acceptable ? "Mot de passe accepté." : "Mot de passe refusé :";
    box.appendChild(title);
    var list = document.createElement("ul");
    feedback.problems.concat(feedback.acceptable ? [] : feedback.hints).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    if (list.firstChild) { box.appendChild(list); }
    box.hidden = false;
  }

  function ask() {
    var password = input.value;
    if (!password) { box.hidden = true; return; }
    var mine = ++asked;
    var body = {
      password: password.slice(0, 128),
      last_name: value("last_name").slice(0, 100),
      first_name: value("first_name").slice(0, 100),
      birth_date: isoDate(value("birth_date"))
    };
    fetch("/api/mot-de-passe/evaluation", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (feedback) {
      if (feedback && mine === asked) { show(feedback); }
    }).catch(function () { box.hidden = true; });
  }

  input.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(ask, 250);
  });
})();
