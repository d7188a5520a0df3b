() => {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(part + "#" + CSS.escape(e.id)); break; }
      const parent = e.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === e.tagName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(e) + 1})`;
      }
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && style.display !== "none";
  };
  const clean = (text, limit) => (text || "").replace(/\s+/g, " ").trim().slice(0, limit);
  const blocks = [], links = [], images = [];
  const walker = document.createTreeWalker(document.body || document.documentElement,
                                           NodeFilter.SHOW_ELEMENT);
  for (let el = walker.currentNode; el; el = walker.nextNode()) {
    if (skip.has(el.tagName) || !visible(el)) continue;
    if (el.tagName === "IMG") {
      const link = el.closest("a");
      images.push({path: path(el), alt: el.alt || "", title: el.title || "",
                   src: el.currentSrc || el.src || "", box: box(el), href: link ? link.href : null});
      continue;
    }
    if (el.tagName === "A" && el.href) {
      links.push({path: path(el), text: clean(el.innerText, 200), href: el.href, box: box(el)});
    }
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own) blocks.push({path: path(el), text: clean(el.innerText, 500), box: box(el)});
  }
  return {url: location.href, blocks, links, images,
          width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};
}
