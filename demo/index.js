// The snippet on the demo home names this server (a separate file: the demo pages' CSP allows no inline script).
for (const el of document.querySelectorAll('.origin')) el.textContent = location.origin;
