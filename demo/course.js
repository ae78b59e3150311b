// Demo only: stands in for the course page's server, which would sign the join
// token for its signed-in user. Identity is kept per tab so a reload rejoins as
// the same person; ?name=…&role=…&room=… skips the form.
const form = document.getElementById('who');
const slot = document.getElementById('room-slot');
const params = new URLSearchParams(location.search);
const saved = JSON.parse(sessionStorage.getItem('demo-identity') || 'null');

async function enter({ name, role, room, user }) {
  const res = await fetch('/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, role, room, ...(user ? { user } : {}), ...(params.get('hostAway') ? { hostAwayMinutes: Number(params.get('hostAway')) } : {}) }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || 'Could not get a join token.');
  sessionStorage.setItem('demo-identity', JSON.stringify({ name, role, room, user: body.user }));
  form.hidden = true;
  const el = document.createElement('kaltura-room');
  el.setAttribute('server', location.origin);
  el.setAttribute('room', room);
  el.setAttribute('token', body.token);
  // Opened from the breakout console's Open room…: once in, go to that breakout room.
  const breakout = params.get('breakout');
  if (breakout) {
    el.addEventListener('kaltura-joined', () => el.joinBreakoutRoom(breakout === 'main' ? null : breakout), { once: true });
  }
  slot.replaceChildren(el);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const data = new FormData(form);
  enter({ name: data.get('name'), role: data.get('role'), room: data.get('room') }).catch((err) => {
    form.querySelector('.error').textContent = err.message;
  });
});

if (params.get('name')) {
  enter({
    name: params.get('name'),
    role: params.get('role') || 'participant',
    room: params.get('room') || 'bio-101-week-3',
    user: params.get('user') || saved?.user,
  });
} else if (saved) {
  enter(saved).catch(() => (form.hidden = false));
} else {
  form.hidden = false;
}
