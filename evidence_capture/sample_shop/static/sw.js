// A service worker that would answer /sw-probe.txt itself, hiding the server.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', event => {
  if (new URL(event.request.url).pathname === '/sw-probe.txt') {
    event.respondWith(new Response('answered by the service worker'));
  }
});
