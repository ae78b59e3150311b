// Demo only: stands in for an event portal's server, which would sign the event
// token for its signed-in user. Identity is kept per tab. Two pages, as an event
// portal has them: ?page=overview is the Event Overview (Agenda at a glance); the
// agenda is the default, and ?session=ID opens that session's page (the link
// "Visit session page" and "Copy link" give out).
const EVENT = 'demo-summit';
const form = document.getElementById('who');
const slot = document.getElementById('agenda-slot');
const overview = document.getElementById('overview');
const glanceSlot = document.getElementById('glance-slot');
const pages = document.getElementById('pages');
const toOverview = document.getElementById('to-overview');
const toAgenda = document.getElementById('to-agenda');
const whoami = document.getElementById('whoami');
const switchUser = document.getElementById('switch');
const toast = document.getElementById('toast');
const params = new URLSearchParams(location.search);
const sessionUrl = `${location.origin}${location.pathname}?session={id}`;
let agenda = null;
let glance = null;

function say(text) {
  toast.textContent = text;
  toast.hidden = false;
}

function withToken(tag, token) {
  const el = document.createElement(tag);
  el.setAttribute('server', location.origin);
  el.setAttribute('event', EVENT);
  el.setAttribute('token', token);
  el.setAttribute('session-url', sessionUrl);
  // A portal routes invitations to its own Speakers / Moderators pages.
  el.addEventListener('kaltura-request-invite', (e) => {
    e.preventDefault();
    say(`Your portal would now open its ${e.detail.role === 'speaker' ? 'Speakers' : 'Moderators'} page to invite "${e.detail.query}".`);
  });
  return el;
}

/** Show the page the address bar names: the overview, the agenda, or a session's page. */
function show() {
  const q = new URLSearchParams(location.search);
  const onOverview = q.get('page') === 'overview' && !q.get('session');
  overview.hidden = !onOverview;
  slot.hidden = onOverview;
  toOverview.toggleAttribute('aria-current', false);
  toAgenda.toggleAttribute('aria-current', false);
  (onOverview ? toOverview : toAgenda).setAttribute('aria-current', 'page');
  if (!onOverview && agenda) agenda.sessionId = q.get('session') ?? '';
  // Sessions added or edited on the other page show when you come back.
  if (onOverview) glance?.refresh();
  else if (agenda?.hasUpdated) agenda.refresh();
}

function go(search) {
  history.pushState(null, '', search || location.pathname);
  show();
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
  whoami.hidden = switchUser.hidden = pages.hidden = false;

  agenda = withToken('event-agenda', body.token);
  if (params.get('session')) agenda.setAttribute('session-id', params.get('session'));
  // Keep the address bar in step with the session page shown.
  agenda.addEventListener('kaltura-request-open', (e) => history.pushState(null, '', `?session=${encodeURIComponent(e.detail.sessionId)}`));
  slot.replaceChildren(agenda);

  // The Event Overview's Agenda at a glance: go to session opens the session's page on the agenda.
  glance = withToken('agenda-glance', body.token);
  glance.addEventListener('kaltura-request-open', (e) => {
    e.preventDefault();
    go(`?session=${encodeURIComponent(e.detail.sessionId)}`);
  });
  glanceSlot.replaceChildren(glance);
  show();
}

for (const link of [toOverview, toAgenda]) {
  link.addEventListener('click', (e) => {
    e.preventDefault();
    go(link === toOverview ? '?page=overview' : '');
  });
}
window.addEventListener('popstate', show);

switchUser.addEventListener('click', () => {
  sessionStorage.removeItem('portal-user');
  slot.replaceChildren();
  glanceSlot.replaceChildren();
  agenda = glance = null;
  overview.hidden = true;
  whoami.hidden = switchUser.hidden = toast.hidden = pages.hidden = true;
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
