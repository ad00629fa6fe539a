// Suggest knowledge base articles while an employee writes a case: asks
// GET …/servicedesk/articles?locale=…&q= (with the session) for the longest words
// typed, in the employee's language as the server's suggestions are.
// Without JS the page suggests them when the form comes back.
(function () {
  "use strict";
  function words(text) {
    var seen = {};
    return (text.toLowerCase().match(/[\p{L}\p{N}_]{4,}/gu) || [])
      .filter(function (w) { return seen[w] ? false : (seen[w] = true); })
      .sort(function (a, b) { return b.length - a.length; }).slice(0, 3);
  }
  function show(box, titles) {
    var list = box.querySelector("ul");
    list.textContent = "";
    titles.slice(0, 5).forEach(function (title) {
      var item = document.createElement("li");
      item.textContent = title;
      list.appendChild(item);
    });
    box.hidden = titles.length === 0;
  }
  function ask(box, text) {
    var asked = words(text).map(function (w) {
      return fetch(box.dataset.url + "&per_page=5&q=" + encodeURIComponent(w), {credentials: "same-origin",
        headers: {Accept: "application/json"}}).then(function (r) { return r.ok ? r.json() : {items: []}; });
    });
    Promise.all(asked).then(function (answers) {
      var titles = [], ids = {};
      answers.forEach(function (a) {
        (a.items || []).forEach(function (art) { if (!ids[art.id]) { ids[art.id] = true; titles.push(art.title); } });
      });
      show(box, titles);
    }).catch(function () { /* suggestions are a help, never in the way */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("suggestions");
    var subject = document.getElementById("subject"), question = document.getElementById("description");
    if (!box || !subject || !question || !window.fetch) { return; }
    var timer;
    function typed() {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(box, subject.value + " " + question.value); }, 300);
    }
    subject.addEventListener("input", typed);
    question.addEventListener("input", typed);
  });
})();
