import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attachmentNameProblem,
  checkSessionField,
  checkSessionFields,
  defaultAttachmentTitle,
  describeFileType,
  DOCUMENT_EXTENSIONS,
  fileExtension,
  fileFamily,
  formatFileSize,
  headerNameProblem,
  IMAGE_EXTENSIONS,
  MEDIA_EXTENSIONS,
  SESSION_WORDING,
  toSessionFields,
  type Session,
} from './sessions.ts';

const valid = {
  title: 'Opening keynote',
  date: '2025-11-03',
  time: '09:30',
  duration: 60,
  moderators: ['mod'],
};

const errorsFor = (over: Record<string, unknown>) => {
  const r = checkSessionFields({ ...valid, ...over });
  return r.ok ? {} : r.fields;
};

describe('session fields (shared by the form and the server)', () => {
  it('accepts the minimum and fills in the defaults', () => {
    const r = checkSessionFields(valid);
    assert.ok(r.ok);
    assert.deepEqual(r.value, {
      type: 'interactive',
      title: 'Opening keynote',
      description: '',
      tags: [],
      date: '2025-11-03',
      time: '09:30',
      duration: 60,
      speakers: [],
      moderators: ['mod'],
      aiAssistant: false,
      visibility: 'private',
    });
  });

  it('title: required, at most 120 characters, no "<" or ">"', () => {
    assert.deepEqual(errorsFor({ title: undefined }).title, ['Enter a title for your session.']);
    assert.deepEqual(errorsFor({ title: '   ' }).title, ['Enter a title for your session.']);
    assert.deepEqual(errorsFor({ title: 'x'.repeat(120) }), {});
    assert.deepEqual(errorsFor({ title: 'x'.repeat(121) }).title, ['A title can have at most 120 characters.']);
    assert.deepEqual(errorsFor({ title: 'a <b> tag' }).title, ['Characters "<" and ">" are not supported.']);
    assert.deepEqual(errorsFor({ title: 'fish > chips' }).title, ['Characters "<" and ">" are not supported.']);
    const r = checkSessionFields({ ...valid, title: '  Trimmed  ' });
    assert.ok(r.ok && r.value.title === 'Trimmed');
  });

  it('date and time: required, real values', () => {
    assert.deepEqual(errorsFor({ date: undefined }).date, ['Choose the day your session will start.']);
    assert.deepEqual(errorsFor({ date: '' }).date, ['Choose the day your session will start.']);
    assert.deepEqual(errorsFor({ date: '2025-02-29' }).date, ['Enter the date as YYYY-MM-DD (a real calendar day).']);
    assert.deepEqual(errorsFor({ date: '03/11/2025' }).date, ['Enter the date as YYYY-MM-DD (a real calendar day).']);
    assert.deepEqual(errorsFor({ date: '2024-02-29' }), {});
    assert.deepEqual(errorsFor({ time: undefined }).time, ['Choose the time your session will start.']);
    assert.deepEqual(errorsFor({ time: '24:00' }).time, ['Enter the time as HH:MM (24-hour clock).']);
    assert.deepEqual(errorsFor({ time: '9:30' }).time, ['Enter the time as HH:MM (24-hour clock).']);
    assert.deepEqual(errorsFor({ time: '23:59' }), {});
  });

  it('duration: required, whole minutes, at most 1440', () => {
    assert.deepEqual(errorsFor({ duration: undefined }).duration, ['Choose the duration of your session (in minutes).']);
    assert.deepEqual(errorsFor({ duration: '60' }).duration, ['Choose the duration of your session (in minutes).']);
    assert.deepEqual(errorsFor({ duration: Number.NaN }).duration, ['Choose the duration of your session (in minutes).']);
    assert.deepEqual(errorsFor({ duration: 0 }).duration, ['A session lasts at least 1 minute.']);
    assert.deepEqual(errorsFor({ duration: 12.5 }).duration, ['The duration is a whole number of minutes.']);
    assert.deepEqual(errorsFor({ duration: 1441 }).duration, ['Max duration is 1440 minutes (24 hours).']);
    assert.deepEqual(errorsFor({ duration: 1440 }), {});
    assert.deepEqual(errorsFor({ duration: 1 }), {});
  });

  it('moderators are required; speakers and tags are optional lists without repeats', () => {
    assert.deepEqual(errorsFor({ moderators: undefined }).moderators, ['Add at least one moderator.']);
    assert.deepEqual(errorsFor({ moderators: [] }).moderators, ['Add at least one moderator.']);
    assert.deepEqual(errorsFor({ speakers: 'spk' }).speakers, ['Speakers must be a list of ids.']);
    assert.deepEqual(errorsFor({ speakers: ['ok', 42] }).speakers, ['Each entry must be an id (a string).']);
    const r = checkSessionFields({ ...valid, tags: ['t1', 't1', 't2'], speakers: ['a', 'a'], moderators: ['m', 'm'] });
    assert.ok(r.ok);
    assert.deepEqual([r.value.tags, r.value.speakers, r.value.moderators], [['t1', 't2'], ['a'], ['m']]);
  });

  it('AI assistant is on or off; visibility and type come from fixed lists', () => {
    assert.deepEqual(errorsFor({ aiAssistant: 'yes' }).aiAssistant, ['The AI assistant is either on (true) or off (false).']);
    assert.deepEqual(errorsFor({ visibility: 'secret' }).visibility, ['Choose the visibility: private, unlisted or published.']);
    for (const visibility of ['private', 'unlisted', 'published']) assert.deepEqual(errorsFor({ visibility }), {});
    for (const type of ['interactive', 'live-webcast', 'pre-recorded', 'diy-live-webcast']) assert.deepEqual(errorsFor({ type }), {});
    assert.ok(errorsFor({ type: 'webinar' }).type);
    assert.deepEqual(errorsFor({ description: 'x'.repeat(5001) }).description, ['A description can have at most 5000 characters.']);
  });

  it('reports every bad field at once, keyed by field', () => {
    const r = checkSessionFields({ title: '', duration: 5000 });
    assert.ok(!r.ok);
    assert.deepEqual(Object.keys(r.fields).sort(), ['date', 'duration', 'moderators', 'time', 'title']);
  });

  it('names a missing field with the same words as an empty one', () => {
    const r = checkSessionFields({});
    assert.ok(!r.ok);
    assert.deepEqual(r.fields, {
      title: ['Enter a title for your session.'],
      date: ['Choose the day your session will start.'],
      time: ['Choose the time your session will start.'],
      duration: ['Choose the duration of your session (in minutes).'],
      moderators: ['Add at least one moderator.'],
    });
    const notObject = checkSessionFields(null);
    assert.ok(!notObject.ok);
    assert.deepEqual(notObject.fields, { '': ['Send the session as an object of its fields.'] });
  });

  it('checks one field alone for live feedback', () => {
    assert.deepEqual(checkSessionField('title', 'a<b'), ['Characters "<" and ">" are not supported.']);
    assert.deepEqual(checkSessionField('duration', 30), []);
    assert.deepEqual(checkSessionField('moderators', []), ['Add at least one moderator.']);
  });

  it('turns a session back into form fields', () => {
    const s = {
      type: 'interactive', title: 'T', description: 'D', tags: [{ id: 't1', name: 'Keynote' }], date: '2025-01-01',
      time: '10:00', duration: 30, speakers: [{ id: 's', name: 'S' }], moderators: [{ id: 'm', name: 'M' }],
      aiAssistant: true, visibility: 'unlisted',
    } as unknown as Session;
    assert.deepEqual(toSessionFields(s), {
      type: 'interactive', title: 'T', description: 'D', tags: ['t1'], date: '2025-01-01', time: '10:00', duration: 30,
      speakers: ['s'], moderators: ['m'], aiAssistant: true, visibility: 'unlisted',
    });
  });
});

describe('attachment file types', () => {
  it('holds exactly the product lists', () => {
    assert.equal(MEDIA_EXTENSIONS.length, 17);
    assert.equal(DOCUMENT_EXTENSIONS.length, 38);
    assert.deepEqual([...IMAGE_EXTENSIONS], ['jpg', 'jpeg', 'bmp', 'png', 'gif', 'tif', 'tiff']);
  });

  it('accepts every listed extension in any case, and nothing else', () => {
    for (const [list, family] of [[MEDIA_EXTENSIONS, 'media'], [DOCUMENT_EXTENSIONS, 'document'], [IMAGE_EXTENSIONS, 'image']] as const) {
      for (const ext of list) {
        for (const name of [`file.${ext}`, `FILE.${ext.toUpperCase()}`, `Mixed.${ext[0].toUpperCase()}${ext.slice(1)}`]) {
          assert.equal(fileFamily(name), family, name);
          assert.equal(attachmentNameProblem(name), null, name);
        }
      }
    }
    for (const name of ['notes.txt', 'run.exe', 'page.html', 'archive.zip', 'README', '.pdf', 'pdf', 'x.pdf.exe']) {
      assert.equal(fileFamily(name), null, name);
      assert.match(attachmentNameProblem(name)!, /cannot be attached/, name);
    }
    assert.match(attachmentNameProblem('notes.txt')!, /\.txt files are not supported/);
    assert.equal(fileExtension('a/b\\Deck.Final.PPTX'), 'pptx');
  });

  it('takes only images as the header', () => {
    assert.equal(headerNameProblem('hero.PNG'), null);
    assert.equal(headerNameProblem('hero.tiff'), null);
    assert.match(headerNameProblem('hero.pdf')!, /is not an image/);
  });

  it('describes files as the attachment info shows them', () => {
    assert.equal(formatFileSize(870 * 1024), '870 KB');
    assert.equal(formatFileSize(512), '512 B');
    assert.equal(formatFileSize(1.5 * 1024 * 1024), '1.5 MB');
    assert.equal(describeFileType({ extension: 'doc', family: 'document' }), 'doc document');
    assert.equal(defaultAttachmentTitle('Roadmap.doc'), 'Roadmap');
    assert.equal(SESSION_WORDING.deletePrompt('Roadmap'), 'You\'re about to permanently delete "Roadmap". You cannot undo this action.');
  });
});
