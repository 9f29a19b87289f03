// Retiring a station gone for good (its PC replaced, its office closed), from its page: the reason
// is asked, the retirement confirmed, then POST /api/stations/:id/retire, which like every request
// of this page needs the token where the dashboard has one (the login's cookie goes with it).
import { translate } from '/i18n.js';

const make = (tag, text, attrs = {}) => Object.assign(document.createElement(tag), text === undefined ? {} : { textContent: text }, attrs);

/** The card on a station's page: why and what it does, the reason, the button, and what the dashboard answered. */
export function retireCard(lang, station, done) {
  const t = (key, vars) => translate(lang, key, vars);
  const form = make('form', undefined, { className: 'card retire' });
  form.dataset.retire = station;
  const reason = make('input', undefined, { name: 'reason', maxLength: 200, autocomplete: 'off', size: 40 });
  const label = make('label');
  label.append(make('span', t('retireReason')), ' ', reason);
  const button = make('button', t('retireButton'), { type: 'submit', className: 'danger' });
  const said = make('p', '', { className: 'error' });
  said.dataset.said = '';
  form.append(make('h3', t('retireTitle')), make('p', t('retireWhy'), { className: 'muted' }), label, ' ', button, said);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const why = reason.value.trim();
    said.textContent = '';
    if (!why) {
      said.textContent = t('retireNeedsReason');
      return;
    }
    if (!window.confirm(t('retireConfirm', { station, reason: why }))) return;
    button.disabled = true;
    try {
      const res = await fetch(`/api/stations/${encodeURIComponent(station)}/retire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: why }) });
      if (res.status === 401) {
        location.href = '/login';
        return;
      }
      const body = await res.json().catch(() => ({}));
      // Refusals come as {error: {id, en}}: said in the page's language, beside the field.
      if (!res.ok) said.textContent = body.error?.[lang] ?? `${res.status}`;
      else done(body);
    } catch (err) {
      said.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
