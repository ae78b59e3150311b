// Demo only: stands in for the course page's server, which would sign the token for its
// signed-in host or moderator. The identity is kept per tab (the same person after a reload);
// ?name=…&role=…&room=… skips the form.
const form = document.getElementById('who');
const slot = document.getElementById('console-slot');
const activity = document.getElementById('activity');
const log = document.getElementById('log');
const params = new URLSearchParams(location.search);
const KEY = 'demo-console-identity';
const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');

const EVENTS = {
  'kaltura-breakout-started': (d) => (d.resumed ? 'Breakout resumed.' : 'Breakout started.'),
  'kaltura-breakout-gathered': () => 'Everyone was gathered to the main room.',
  'kaltura-breakout-ended': () => 'Breakout ended.',
  'kaltura-participant-moved': (d, el) => `${d.name || nameOf(el, d.userId)} is now in ${d.to === null ? 'the main room' : roomOf(el, d.to)}.`,
  'kaltura-help-requested': (d, el) => `${d.name || nameOf(el, d.call.userId)} asked for help in ${d.roomName || roomOf(el, d.call.room)}.`,
  'kaltura-request-join-room': (d) => `Opened ${d.name} in a new tab.`,
  'kaltura-error': (d) => `Error: ${d.message}`,
};

// Names for the log come with the events; the room state is the fallback (never a raw id).
const stateOf = (el) => el.roomState;
const nameOf = (el, id) => stateOf(el)?.participants[id]?.name ?? 'Someone';
const roomOf = (el, id) => stateOf(el)?.breakout.config?.rooms.find((r) => r.id === id)?.name ?? 'a breakout room';

async function open({ name, role, room, user }) {
  const res = await fetch('/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, role, room, ...(user ? { user } : {}) }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || 'Could not get a token.');
  sessionStorage.setItem(KEY, JSON.stringify({ name, role, room, user: body.user }));
  form.hidden = true;
  const el = document.createElement('breakout-dashboard');
  el.setAttribute('server', location.origin);
  el.setAttribute('room', room);
  el.setAttribute('token', body.token);
  // The console is not in the room: Open room… opens the class in a new tab, as this moderator,
  // straight into that breakout room (the moderator presses Join there, then arrives in the room).
  el.addEventListener('kaltura-request-join-room', (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ name, role, room, user: body.user, breakout: e.detail.to ?? 'main' });
    window.open(`course.html?${q}`, '_blank', 'noopener');
  });
  for (const [type, describe] of Object.entries(EVENTS)) {
    el.addEventListener(type, (e) => {
      const li = document.createElement('li');
      li.textContent = `${new Date().toLocaleTimeString()} · ${describe(e.detail, el)}`;
      log.prepend(li);
      activity.hidden = false;
    });
  }
  slot.replaceChildren(el);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const data = new FormData(form);
  open({ name: data.get('name'), role: data.get('role'), room: data.get('room') }).catch((err) => {
    form.querySelector('.error').textContent = err.message;
  });
});

if (params.get('name')) {
  open({ name: params.get('name'), role: params.get('role') || 'host', room: params.get('room') || 'bio-101-week-3', user: saved?.user });
} else if (saved) {
  open(saved).catch(() => (form.hidden = false));
} else {
  form.hidden = false;
}
