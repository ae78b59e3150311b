// Demo only: stands in for an event portal's server, which would sign the event
// token for its signed-in user. Identity is kept per tab; ?session=ID opens that
// session's page (the link "Visit session page" and "Copy link" give out).
const EVENT = 'demo-summit';
const form = document.getElementById('who');
const slot = document.getElementById('agenda-slot');
const whoami = document.getElementById('whoami');
const switchUser = document.getElementById('switch');
const toast = document.getElementById('toast');
const params = new URLSearchParams(location.search);

function say(text) {
  toast.textContent = text;
  toast.hidden = false;
}

async function enter(user) {
  const res = await fetch('/api/demo/event-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event: EVENT, user }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || 'Could not sign in.');
  sessionStorage.setItem('portal-user', user);
  form.hidden = true;
  whoami.textContent = `${body.user.name} · ${body.user.role}`;
  whoami.hidden = switchUser.hidden = false;

  const agenda = document.createElement('event-agenda');
  agenda.setAttribute('server', location.origin);
  agenda.setAttribute('event', EVENT);
  agenda.setAttribute('token', body.token);
  agenda.setAttribute('session-url', `${location.origin}${location.pathname}?session={id}`);
  if (params.get('session')) agenda.setAttribute('session-id', params.get('session'));
  // A portal routes invitations to its own Speakers / Moderators pages.
  agenda.addEventListener('kaltura-request-invite', (e) => {
    e.preventDefault();
    say(`Your portal would now open its ${e.detail.role === 'speaker' ? 'Speakers' : 'Moderators'} page to invite "${e.detail.query}".`);
  });
  // Keep the address bar in step with the session page shown.
  agenda.addEventListener('kaltura-request-open', (e) => history.pushState(null, '', `?session=${encodeURIComponent(e.detail.sessionId)}`));
  window.addEventListener('popstate', () => {
    agenda.sessionId = new URLSearchParams(location.search).get('session') ?? '';
  });
  slot.replaceChildren(agenda);
}

switchUser.addEventListener('click', () => {
  sessionStorage.removeItem('portal-user');
  slot.replaceChildren();
  whoami.hidden = switchUser.hidden = toast.hidden = true;
  form.hidden = false;
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  enter(new FormData(form).get('user')).catch((err) => {
    form.querySelector('.error').textContent = err.message;
  });
});

const saved = params.get('user') || sessionStorage.getItem('portal-user');
if (saved) enter(saved).catch(() => (form.hidden = false));
else form.hidden = false;
