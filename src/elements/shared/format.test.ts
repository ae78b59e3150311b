import { expect } from '@open-wc/testing';
import { formatDuration, formatTimeOfDay } from './format.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatDuration', () => {
  it('shows m:ss under an hour, rounding time left up', () => {
    expect(formatDuration(0)).to.equal('0:00');
    expect(formatDuration(1)).to.equal('0:01');
    expect(formatDuration(113_200)).to.equal('1:54');
    expect(formatDuration(59 * M + 59 * S)).to.equal('59:59');
  });

  it('rounds time past down', () => {
    expect(formatDuration(1999, 'down')).to.equal('0:01');
    expect(formatDuration(-5)).to.equal('0:00');
  });

  it('shows h:mm:ss under a day', () => {
    expect(formatDuration(H)).to.equal('1:00:00');
    expect(formatDuration(2 * H + 5 * M + 9 * S)).to.equal('2:05:09');
    expect(formatDuration(D - S)).to.equal('23:59:59');
  });

  it('says days and hours from a day on, never a clock of 154 hours', () => {
    const sixDays = 6 * D + 10 * H + 45 * M + 29 * S;
    expect(formatDuration(sixDays, 'up', 'en')).to.equal('6 days, 10 hours');
    expect(formatDuration(D, 'up', 'en')).to.equal('1 day');
    expect(formatDuration(D + H, 'up', 'en')).to.equal('1 day, 1 hour');
    expect(formatDuration(sixDays, 'up', 'en')).to.not.match(/\d+:\d\d/);
  });
});

describe('formatTimeOfDay', () => {
  it('writes hours and minutes as the locale does', () => {
    const at = new Date(2026, 0, 12, 14, 5, 59);
    expect(formatTimeOfDay(at, 'en-US').replace(/\s/g, ' ')).to.equal('2:05 PM');
    expect(formatTimeOfDay(at, 'en-GB')).to.equal('14:05');
    expect(formatTimeOfDay(at)).to.equal(at.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' }));
  });
});
