// errorbeacon inbox: live updates. The server sends a `change` event on /ui/stream after every
// write; the page fetches itself again and swaps its <main id="live"> for the new one. The new
// HTML is the server's own (everything in it escaped there), parsed into an inert document.
const live = document.getElementById('live');
if (live && live.dataset.live && 'EventSource' in window) {
  let timer = 0;
  const refresh = async () => {
    timer = 0;
    // Keep what the user is typing in the filter form.
    if (document.activeElement && document.activeElement.closest('form')) return;
    try {
      const res = await fetch(location.href, { headers: { accept: 'text/html' } });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const next = doc.getElementById('live');
      const current = document.getElementById('live');
      if (next && current) current.replaceWith(document.importNode(next, true));
    } catch {
      // The server is gone for a moment; the next change event retries.
    }
  };
  const source = new EventSource('/ui/stream');
  source.addEventListener('change', () => {
    if (!timer) timer = setTimeout(refresh, 300);
  });
}
