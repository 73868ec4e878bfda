// The chat page's own behaviour, beside Gradio's (served in the page head by ui/app.py):
// 1. the newest answer starts in view: when a question is added to the chat, the chat scrolls so
//    that question (and the answer under it) is at the top, and stays there while the answer streams;
// 2. a citation marker [n] shows its source on hover, focus or tap: quote, document, section, and a
//    link to the card; the page itself does not jump (no #hash navigation).
// Text is copied with textContent only: nothing from a document becomes markup here.
(() => {
  "use strict";
  let shown = "";

  function keepNewestInView() {
    const chat = document.getElementById("chat");
    const box = chat && chat.querySelector(".bubble-wrap");
    if (!box) return;
    const asked = chat.querySelectorAll('[data-testid="user"]');
    const newest = asked[asked.length - 1];
    const key = asked.length + "\u0000" + (newest ? newest.textContent : "");
    if (key === shown) return;
    shown = key;
    if (!newest) return;
    const top = newest.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    box.scrollTop = Math.max(0, top - 8);
  }

  function popover() {
    let pop = document.getElementById("cite-pop");
    if (!pop) {
      pop = document.createElement("div");
      pop.id = "cite-pop";
      pop.setAttribute("role", "tooltip");
      pop.hidden = true;
      document.body.appendChild(pop);
    }
    return pop;
  }

  function card(link) {
    const id = (link.getAttribute("href") || "").slice(1);
    return /^src-\d+$/.test(id) ? document.getElementById(id) : null;
  }

  function show(link, pinned) {
    const source = card(link);
    if (!source) return;
    const pop = popover();
    pop.replaceChildren();
    const quote = document.createElement("blockquote");
    quote.className = "pop-quote";
    quote.textContent = (source.querySelector("mark") || source.querySelector(".passage") || {}).textContent || "";
    const title = document.createElement("p");
    title.className = "pop-doc";
    title.textContent = (source.querySelector("h4") || {}).textContent || "";
    const where = document.createElement("p");
    where.className = "pop-where";
    where.textContent = (source.querySelector(".where") || {}).textContent || "";
    const go = document.createElement("button");
    go.type = "button";
    go.className = "pop-go";
    go.textContent = (source.closest(".sources") || source).dataset.go || "→";
    go.addEventListener("click", () => {
      pop.hidden = true;
      source.scrollIntoView({block: "start", behavior: "smooth"});
      source.classList.add("active");
      setTimeout(() => source.classList.remove("active"), 2000);
    });
    pop.append(quote, title, where, go);
    pop.dataset.for = source.id;
    pop.dataset.pinned = pinned ? "1" : "";
    pop.hidden = false;
    const at = link.getBoundingClientRect();
    const width = Math.min(420, window.innerWidth * 0.92);
    pop.style.left = Math.max(8, Math.min(at.left, window.innerWidth - width - 8)) + "px";
    const below = at.bottom + 6;
    pop.style.top = below + "px";
    const height = pop.getBoundingClientRect().height;
    if (below + height > window.innerHeight - 8) pop.style.top = Math.max(8, at.top - height - 6) + "px";
  }

  function marker(event) {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#src-"]') : null;
    return link && !link.closest("#cite-pop") ? link : null;
  }

  document.addEventListener("click", (event) => {
    const link = marker(event);
    const pop = document.getElementById("cite-pop");
    if (link) {
      event.preventDefault();  // no jump: the preview shows the source where the marker is
      show(link, true);
    } else if (pop && !pop.hidden && !(event.target instanceof Element && event.target.closest("#cite-pop"))) {
      pop.hidden = true;
    }
  }, true);
  document.addEventListener("mouseover", (event) => { const l = marker(event); if (l) show(l, false); });
  document.addEventListener("focusin", (event) => { const l = marker(event); if (l) show(l, false); });
  document.addEventListener("mouseout", (event) => {
    const pop = document.getElementById("cite-pop");
    const to = event.relatedTarget instanceof Element ? event.relatedTarget : null;
    if (pop && marker(event) && !pop.dataset.pinned && !(to && to.closest("#cite-pop"))) pop.hidden = true;
  });
  document.addEventListener("keydown", (event) => {
    const pop = document.getElementById("cite-pop");
    if (event.key === "Escape" && pop) pop.hidden = true;
  });

  new MutationObserver(keepNewestInView).observe(document.documentElement, {childList: true, subtree: true,
                                                                            characterData: true});
})();
